#!/usr/bin/env bash
# `make bench`, browser side: starts the release build on a fresh data directory with the demo
# data, measures click-to-green in headless Chromium and runs Lighthouse on four pages, then
# stops the server.
set -euo pipefail
port=3200
data=target/bench-data
rm -rf "$data"
ECARS_DEMO=1 ECARS_DATA_DIR="$data" DATABASE_URL= LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT=target/site \
	./target/release/ecars >target/bench-server.log 2>&1 &
server=$!
trap 'kill $server' EXIT
for _ in $(seq 150); do
	curl -sf -o /dev/null "http://127.0.0.1:$port/connexion" && break
	sleep 0.2
done
node end2end/bench/click-to-green.mjs "http://127.0.0.1:$port"
node end2end/bench/lighthouse.mjs "http://127.0.0.1:$port"
