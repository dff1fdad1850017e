#!/usr/bin/env bash
# `make cluster`: two e-CARS instances on the local PostgreSQL and an S3-protocol store (moto, as
# the tests use) behind HAProxy with deploy/haproxy/ecars.cfg, serving http://127.0.0.1:8080 with
# the demo data. Each start is fresh (moto keeps nothing): the database `ecars_cluster` is made
# again. Logs are in target/cluster/. Ctrl-C stops everything.
# CLUSTER_GENERATE="--entities 300 --years 2 --last-day" adds generated entities before the
# instances start (`ecars demo generate`, as `make loadtest` does).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${ECARS_BIN:-target/release/ecars}
PYTHON=${TEST_PYTHON:-.make/venv/bin/python}
POSTGRES_ADMIN=${POSTGRES_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
DATABASE=ecars_cluster
S3_PORT=${CLUSTER_S3_PORT:-9300}
RUN=target/cluster
# The instances' ports are those of deploy/haproxy/ecars.cfg.
INSTANCES=(3001 3002)

pids=()
stop() {
    trap - EXIT INT TERM
    echo "Stopping the cluster"
    kill -TERM "${pids[@]}" 2>/dev/null || true
    wait || true
}
trap stop EXIT INT TERM

# Waits until `url` answers 200, or gives up after `seconds`, showing `log`.
wait_for() {
    local url=$1 seconds=$2 log=$3
    for _ in $(seq $((seconds * 5))); do
        curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
        sleep 0.2
    done
    echo "No answer from $url within ${seconds} s; the end of $log:" >&2
    tail -n 20 "$log" >&2
    exit 1
}

rm -rf "$RUN" && mkdir -p "$RUN"

echo "S3 store (moto) on 127.0.0.1:$S3_PORT"
"$PYTHON" -m moto.server -H 127.0.0.1 -p "$S3_PORT" > "$RUN/moto.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$S3_PORT/moto-api/" 30 "$RUN/moto.log"
curl -fsS -o /dev/null -X PUT "http://127.0.0.1:$S3_PORT/ecars-documents"

echo "PostgreSQL database $DATABASE, made again"
psql -q "$POSTGRES_ADMIN" -c "DROP DATABASE IF EXISTS $DATABASE WITH (FORCE)" -c "CREATE DATABASE $DATABASE"

# What every instance shares, as /etc/ecars/ecars.env holds it in deploy/systemd/ecars@.service.
export DATABASE_URL="${POSTGRES_ADMIN%/*}/$DATABASE"
export ECARS_DOCUMENTS_S3=s3://ecars-documents ECARS_S3_ENDPOINT="http://127.0.0.1:$S3_PORT"
export AWS_ACCESS_KEY_ID=cluster AWS_SECRET_ACCESS_KEY=cluster
ECARS_SECRET_KEY=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
ECARS_METRICS_TOKEN=${ECARS_METRICS_TOKEN:-$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')}
export ECARS_SECRET_KEY ECARS_METRICS_TOKEN
export ECARS_PUBLIC_URL=http://127.0.0.1:8080 ECARS_TRUSTED_PROXIES=127.0.0.1
export LEPTOS_SITE_ROOT=${LEPTOS_SITE_ROOT:-target/site} ECARS_LOG_FORMAT=json
export ECARS_DEMO=1

if [ -n "${CLUSTER_GENERATE:-}" ]; then
    echo "Generated data: ecars demo generate $CLUSTER_GENERATE"
    # shellcheck disable=SC2086 # the options are words on purpose
    ECARS_DATA_DIR="$RUN/generate" "$BIN" demo generate $CLUSTER_GENERATE > "$RUN/generate.log" 2>&1 \
        || { tail -n 20 "$RUN/generate.log" >&2; exit 1; }
    tail -n 1 "$RUN/generate.log"
fi

for n in "${!INSTANCES[@]}"; do
    port=${INSTANCES[$n]}
    echo "Instance $((n + 1)) on 127.0.0.1:$port"
    ECARS_DATA_DIR="$RUN/instance-$((n + 1))" LEPTOS_SITE_ADDR="127.0.0.1:$port" \
        "$BIN" > "$RUN/instance-$((n + 1)).log" 2>&1 &
    pids+=($!)
    echo $! > "$RUN/instance-$((n + 1)).pid"
    # One after the other: the first loads the demo data, the next finds it there.
    wait_for "http://127.0.0.1:$port/sante/pret" 120 "$RUN/instance-$((n + 1)).log"
done

echo "HAProxy on 127.0.0.1:8080 (deploy/haproxy/ecars.cfg)"
haproxy -db -f deploy/haproxy/ecars.cfg > "$RUN/haproxy.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:8080/sante/pret" 30 "$RUN/haproxy.log"

cat <<TEXT

e-CARS cluster ready: http://127.0.0.1:8080 (demo accounts in the README)
  instances   ${INSTANCES[*]/#/127.0.0.1:}, logs as JSON lines in $RUN/
  metrics     curl -H "Authorization: Bearer $ECARS_METRICS_TOKEN" http://127.0.0.1:${INSTANCES[0]}/metrics
  database    $DATABASE_URL; documents in s3://ecars-documents at 127.0.0.1:$S3_PORT
Ctrl-C stops it.
TEXT
touch "$RUN/ready"
wait -n "${pids[@]}"
echo "A process of the cluster stopped; see $RUN/" >&2
