"""Watches the cluster while `make loadtest` runs: each instance's CPU and memory (from /proc) and
PostgreSQL's connections to the portal's database, once a second; prints them when stopped
(SIGTERM or SIGINT). Usage: watch.py DATABASE POSTGRES_ADMIN_URL PIDFILE..."""

import os
import signal
import subprocess
import sys
import time

TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def memory(pid):
    """Resident now and at its peak, in MiB."""
    values = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            name, _, rest = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                values[name] = int(rest.split()[0]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


def connections(admin_url, database):
    query = f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{database}'"
    done = subprocess.run(["psql", "-Atq", admin_url, "-c", query], capture_output=True, text=True, check=False)
    return int(done.stdout.strip() or 0)


def main():
    database, admin_url, *pid_files = sys.argv[1:]
    pids = [int(open(path).read().strip()) for path in pid_files]
    stopped = []
    signal.signal(signal.SIGTERM, lambda *_: stopped.append(True))
    signal.signal(signal.SIGINT, lambda *_: stopped.append(True))
    started = time.monotonic()
    first = {pid: cpu_seconds(pid) for pid in pids}
    busiest = {pid: 0.0 for pid in pids}
    rss = {pid: [] for pid in pids}
    pool = []
    last = dict(first)
    last_at = started
    while not stopped:
        time.sleep(1)
        now = time.monotonic()
        for pid in pids:
            try:
                seconds = cpu_seconds(pid)
                rss[pid].append(memory(pid)[0])
            except OSError:
                continue
            busiest[pid] = max(busiest[pid], (seconds - last[pid]) / (now - last_at))
            last[pid] = seconds
        last_at = now
        pool.append(connections(admin_url, database))
    elapsed = time.monotonic() - started
    print(f"\nCluster during the run ({elapsed:.0f} s, sampled each second):")
    print(f"  {'instance':<10} {'CPU mean':>9} {'CPU 1-s max':>12} {'RSS mean':>9} {'RSS peak':>9}")
    for n, pid in enumerate(pids, 1):
        mean_cpu = (last[pid] - first[pid]) / elapsed * 100
        samples = rss[pid] or [0.0]
        try:
            peak = memory(pid)[1]
        except OSError:
            peak = max(samples)
        print(
            f"  {'ecars' + str(n):<10} {mean_cpu:>8.0f}% {busiest[pid] * 100:>11.0f}% "
            f"{sum(samples) / len(samples):>6.0f} MiB {peak:>5.0f} MiB"
        )
    if pool:
        print(f"  PostgreSQL connections to {database}: mean {sum(pool) / len(pool):.0f}, max {max(pool)}")
    print("  (CPU in % of one core; the machine has", os.cpu_count(), "cores)")


if __name__ == "__main__":
    main()
