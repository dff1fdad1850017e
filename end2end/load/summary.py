"""Prints Locust's figures per action from its CSV (`--csv PREFIX`): requests, requests per
second, p50 / p95 / p99 in milliseconds, and errors. Exits 1 when any request failed.
Usage: summary.py PREFIX"""

import csv
import sys


def main():
    prefix = sys.argv[1]
    with open(f"{prefix}_stats.csv", newline="") as stats:
        rows = list(csv.DictReader(stats))
    print(f"\n{'action':<34} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6}")
    failures = 0
    for row in rows:
        name = "all actions" if row["Name"] == "Aggregated" else row["Name"]
        if row["Name"] == "Aggregated":
            print("-" * 82)
        else:
            failures += int(row["Failure Count"])
        print(
            f"{name:<34} {int(row['Request Count']):>8} {float(row['Requests/s']):>7.1f} "
            f"{row['50%']:>7} {row['95%']:>7} {row['99%']:>7} {int(row['Failure Count']):>6}"
        )
    with open(f"{prefix}_failures.csv", newline="") as failed:
        for row in csv.DictReader(failed):
            print(f"  error x{row['Occurrences']}: {row['Method']} {row['Name']}: {row['Error'][:300]}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
