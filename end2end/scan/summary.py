"""Summary of one role's wapiti scan (end2end/scan/wapiti.sh): what was crawled, how far each
attack module got, and every XSS wapiti reported, from its JSON report, its session database and
the logs of its two runs (forms, then links). Exits 1 when the report holds any XSS or HTML
injection, reflected or stored.

usage: summary.py REPORT.json SESSION_DIR FORMS.log LINKS.log
"""

import glob
import json
import re
import sqlite3
import sys

# Wapiti's categories for script (XSS) and markup (HTML injection) put into a page unescaped.
XSS = ("Reflected Cross Site Scripting", "Stored Cross Site Scripting")
HTML_INJECTION = ("HTML Injection", "Stored HTML Injection")
MODULES = ("xss", "permanentxss")


def main(report_path: str, session_dir: str, forms_log_path: str, links_log_path: str) -> int:
    with open(report_path, encoding="utf-8") as file:
        report = json.load(file)
    logs = []
    for path in (forms_log_path, links_log_path):
        with open(path, encoding="utf-8", errors="replace") as file:
            logs.append(file.read())
    forms_log, links_log = logs

    resources = {"GET": 0, "POST": 0}
    attacked = {}
    databases = glob.glob(f"{session_dir}/*.db")
    if databases:
        db = sqlite3.connect(databases[0])
        for method, count in db.execute("SELECT method, COUNT(*) FROM paths WHERE evil = 0 GROUP BY method"):
            resources["GET" if method == "GET" else "POST"] += count
        query = (
            "SELECT module, paths.method, COUNT(DISTINCT attack_logs.path_id) FROM attack_logs"
            " JOIN paths ON paths.path_id = attack_logs.path_id GROUP BY module, paths.method"
        )
        for module, method, count in db.execute(query):
            key = (module, "GET" if method == "GET" else "POST")
            attacked[key] = attacked.get(key, 0) + count
    links, forms = resources["GET"], resources["POST"]

    def state(log: str, limit: str) -> str:
        return "stopped at its time limit" if limit in log else "complete"

    pages = report.get("infos", {}).get("crawled_pages_nbr")
    print(f"   crawl: {state(forms_log, 'Max scan time was reached')}, {pages} links and forms"
          f" ({links} links, {forms} forms)")
    xss_limit = "Max attack time was reached for module xss,"
    permanent_limit = "Max attack time was reached for module permanentxss,"
    permanent = attacked.get(("permanentxss", "GET"), 0)
    print(f"   xss on the forms: {state(forms_log, xss_limit)}, {attacked.get(('xss', 'POST'), 0)} of {forms}")
    print(f"   permanentxss (the forms' taints on every page): {state(forms_log, permanent_limit)},"
          f" {permanent} of {links} pages")
    print(f"   xss on the links: {state(links_log, xss_limit)}, {attacked.get(('xss', 'GET'), 0)} of {links}")
    # Each request carrying a payload, as the logs show them (-v 2), after the harmless taints.
    payloads = sum(len(re.findall(r"^\[¨\] ", log, re.MULTILINE)) for log in logs)
    print(f"   requests with an XSS payload: {payloads}")

    vulnerabilities = report.get("vulnerabilities", {})
    found = [(category, vuln) for category in XSS + HTML_INJECTION for vuln in vulnerabilities.get(category, [])]
    reflected = len(vulnerabilities.get(XSS[0], []))
    stored = len(vulnerabilities.get(XSS[1], []))
    html = sum(len(vulnerabilities.get(category, [])) for category in HTML_INJECTION)
    print(f"   XSS found: {reflected + stored} (reflected {reflected}, stored {stored}); HTML injection: {html}")
    for category, vuln in found:
        print(f"   - {category}: {vuln['method']} {vuln['path']} parameter {vuln['parameter']!r}")
        print(f"     {vuln['info']}")
        # The request with the payload: its first line, and its body for a form (headers left out).
        request_line, _, rest = vuln["http_request"].partition("\n")
        body = rest.partition("\n\n")[2].strip()
        print(f"       {request_line}")
        if body:
            print(f"       {body}")
    errors = [
        anomaly
        for anomaly in report.get("anomalies", {}).get("Internal Server Error", [])
        if anomaly.get("module") in MODULES
    ]
    if errors:
        print(f"   server errors (500) under the payloads, not counted as XSS: {len(errors)}")
        for anomaly in errors:
            print(f"   - {anomaly['method']} {anomaly['path']} parameter {anomaly['parameter']!r}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
