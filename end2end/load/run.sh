#!/usr/bin/env bash
# `make loadtest`: the last day of a campaign on `make cluster` (two instances on PostgreSQL and
# an S3 store behind HAProxy), driven by Locust: 300 establishment users and 20 agency users for
# LOAD_DURATION (5 minutes unless said). Prints, per action, requests per second, p50 / p95 / p99
# and errors, then each instance's CPU and memory and PostgreSQL's connections. Fails when any
# request failed or an instance logged an error. Everything it writes is in target/loadtest/.
set -euo pipefail
cd "$(dirname "$0")/../.."

LOCUST=${LOCUST:-.make/load-venv/bin/locust}
LOAD_PYTHON=${LOAD_PYTHON:-.make/load-venv/bin/python}
DURATION=${LOAD_DURATION:-5m}
ESTABLISHMENTS=${LOAD_ESTABLISHMENTS:-300}
AGENCY_USERS=${LOAD_AGENCY_USERS:-20}
POSTGRES_ADMIN=${POSTGRES_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
OUT=target/loadtest
CLUSTER=target/cluster

rm -rf "$OUT" "$CLUSTER" && mkdir -p "$OUT"
# One region's establishments, their last year open with a dozen questions left each.
export CLUSTER_GENERATE="--entities $ESTABLISHMENTS --years 2 --last-day --region Auvergne-Rhône-Alpes"
setsid bash deploy/cluster.sh > "$OUT/cluster.log" 2>&1 &
cluster=$!
watcher=
finish() {
    [ -n "$watcher" ] && kill -TERM "$watcher" 2>/dev/null && wait "$watcher" || true
    kill -TERM -- "-$cluster" 2>/dev/null || true
    wait "$cluster" 2>/dev/null || true
}
trap finish EXIT

echo "Starting the cluster with $ESTABLISHMENTS generated establishments (log: $OUT/cluster.log)"
for _ in $(seq 600); do
    [ -e "$CLUSTER/ready" ] && break
    kill -0 "$cluster" 2>/dev/null || { cat "$OUT/cluster.log" >&2; exit 1; }
    sleep 1
done
[ -e "$CLUSTER/ready" ] || { echo "The cluster did not start within 10 minutes" >&2; tail -n 30 "$OUT/cluster.log" >&2; exit 1; }
grep -E "^generated:" "$CLUSTER/generate.log" || true

"$LOAD_PYTHON" end2end/load/watch.py ecars_cluster "$POSTGRES_ADMIN" "$CLUSTER"/instance-*.pid > "$OUT/watch.txt" &
watcher=$!

users=$((ESTABLISHMENTS + AGENCY_USERS))
echo "Locust: $ESTABLISHMENTS establishment users and $AGENCY_USERS agency users for $DURATION"
status=0
LOAD_ESTABLISHMENTS=$ESTABLISHMENTS LOAD_AGENCY_USERS=$AGENCY_USERS "$LOCUST" -f end2end/load/locustfile.py --headless \
    --host http://127.0.0.1:8080 --users "$users" --spawn-rate 20 --run-time "$DURATION" --stop-timeout 30 \
    --csv "$OUT/locust" --only-summary --loglevel WARNING > "$OUT/locust.log" 2>&1 || status=$?

kill -TERM "$watcher" && wait "$watcher" || true
watcher=
"$LOAD_PYTHON" end2end/load/summary.py "$OUT/locust" || status=1
cat "$OUT/watch.txt"

errors=$(cat "$CLUSTER"/instance-*.log | grep -c '"level":"ERROR"' || true)
echo "Errors logged by the instances: $errors"
[ "$errors" -eq 0 ] || { grep -h '"level":"ERROR"' "$CLUSTER"/instance-*.log | head -n 10; status=1; }
exit "$status"
