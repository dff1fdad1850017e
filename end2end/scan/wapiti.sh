#!/usr/bin/env bash
# `make bench`, XSS: the web scanner wapiti 3.2.3 (PyPI) against the real `ecars` binary, logged in
# as each demo role in turn (establishment user, referent, agency administrator, national
# administrator), each on a server of its own with a fresh demo database. Wapiti crawls every page
# and form the role reaches, then tries its XSS payloads on each parameter: reflected (module
# `xss`) and stored (`permanentxss`: the taints sent in forms, looked for on every page). Prints per
# role what was crawled, how far each module got and the XSS found; fails (exit 1) on any reflected
# or stored XSS or HTML injection. Exit 2: the scan could not run.
#
# Time: per role, the crawl (SCAN_SECONDS at most, 240 by default), then three attack runs of
# ATTACK_SECONDS at most each (SCAN_SECONDS by default): xss on the forms, permanentxss, xss on the
# links. Measured on 2 busy cores with the debug build and SCAN_SECONDS=150: 3 to 5 minutes per
# role, 16 minutes for the four (only xss on the links reached its limit, after 60 to 80% of them).
# With the defaults, expect 20 to 35 minutes. The first run also makes the virtual environment
# .make/wapiti-venv (about a minute).
#
# ECARS_BIN: the server (target/release/ecars if built, else target/debug/ecars).
# SCAN_ROLES: some of "etablissement referent admin-agence admin-national" (all by default).
# Reports, wapiti's logs and the servers' logs: target/scan/.
#
# Not scanned, so that the scanner stays logged in: /api/deconnexion (closes the session) and
# /api/changer_mot_de_passe (wrong current passwords count as failed logins and lock the account).
# /api/modifier_compte is scanned: it refuses to deactivate one's own account, and each role has a
# database of its own, so what it does to other accounts spoils no other scan. The script checks
# that the session still works at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ -n "${ECARS_BIN:-}" ]; then
    BIN=$ECARS_BIN
elif [ -x target/release/ecars ]; then
    BIN=target/release/ecars
else
    BIN=target/debug/ecars
fi
SCAN_SECONDS=${SCAN_SECONDS:-240}
ATTACK_SECONDS=${ATTACK_SECONDS:-$SCAN_SECONDS}
# Wapiti's -S: how many addresses of the same shape (path and parameter names) it keeps.
SCAN_FORCE=${SCAN_FORCE:-polite}
VENV=.make/wapiti-venv
WAPITI_VERSION=3.2.3
OUT=target/scan

# label, email, password of each demo account.
ROLES=(
    "etablissement chu-grenoble@exemple.fr Grenoble-Demo-2026!"
    "referent referent@ars.exemple.fr Referent-Demo-2026!"
    "admin-agence admin-ara@ars.exemple.fr Admin-Ara-Demo-2026!"
    "admin-national admin@ars.exemple.fr Admin-Demo-2026!"
)
WANTED_ALL="etablissement referent admin-agence admin-national"
WANTED=${SCAN_ROLES:-$WANTED_ALL}

[ -x "$BIN" ] || { echo "No server at $BIN: make build, or set ECARS_BIN" >&2; exit 2; }
for wanted in $WANTED; do
    [[ " $WANTED_ALL " == *" $wanted "* ]] || { echo "No role $wanted: SCAN_ROLES takes some of: $WANTED_ALL" >&2; exit 2; }
done

installed() {
    "$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("wapiti3"))' 2>/dev/null
}
if [ "$(installed)" != "$WAPITI_VERSION" ]; then
    echo "Installing wapiti $WAPITI_VERSION in $VENV"
    mkdir -p .make
    [ -x "$VENV/bin/pip" ] || python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "wapiti3==$WAPITI_VERSION" \
        || { echo "Could not install wapiti3==$WAPITI_VERSION from PyPI" >&2; exit 2; }
fi

server=
data=
stop_server() {
    if [ -n "$server" ]; then
        kill -TERM "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
        server=
    fi
    if [ -n "$data" ]; then
        rm -rf "$data"
        data=
    fi
}
trap stop_server EXIT
trap 'exit 130' INT TERM

rm -rf "$OUT" && mkdir -p "$OUT"

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Starts a server with a fresh demo database, logs in, runs wapiti and summarises: returns 0 (no
# XSS), 1 (XSS found) or 2 (the scan could not run).
scan_role() {
    local label=$1 email=$2 password=$3
    local port base cookie status started rc=0
    data=$(mktemp -d)
    port=$(free_port)
    base="http://127.0.0.1:$port"
    DATABASE_URL="sqlite://$data/ecars.db?mode=rwc" ECARS_DATA_DIR="$data" LEPTOS_SITE_ADDR="127.0.0.1:$port" \
        ECARS_DEMO=1 RUST_LOG=warn "$BIN" > "$OUT/$label-server.log" 2>&1 &
    server=$!
    for _ in $(seq 600); do
        curl -fsS -o /dev/null "$base/sante/pret" 2>/dev/null && break
        kill -0 "$server" 2>/dev/null || break
        sleep 0.2
    done
    if ! curl -fsS -o /dev/null "$base/sante/pret" 2>/dev/null; then
        echo "   the server did not answer on $base/sante/pret within 120 s; the end of its log:"
        tail -n 20 "$OUT/$label-server.log"
        return 2
    fi

    # The login form's post, as the portal's own page sends it.
    cookie=$(curl -sS -D - -o /dev/null -X POST "$base/api/connexion" -H "Sec-Fetch-Site: same-origin" \
        --data-urlencode "identifier=$email" --data-urlencode "password=$password" \
        | sed -n 's/^set-cookie: ecars_session=\([^;]*\).*/\1/Ip' | tr -d '\r' | tail -n 1)
    logged_in() {
        [ "$(curl -sS -o /dev/null -w '%{http_code}' -H "Cookie: ecars_session=$cookie" "$base/mon-compte")" = 200 ]
    }
    if [ -z "$cookie" ] || ! logged_in; then
        echo "   could not log in as $email"
        return 2
    fi

    started=$SECONDS
    # Two runs on one wapiti session, since a module attacks every link before any form and its
    # time limit would otherwise be spent on the links' many search parameters:
    #   forms: the crawl, then `xss` on the forms' fields (the taints it posts are what
    #     `permanentxss` looks for on every crawled page, with its payloads where it finds one);
    #   links: `xss` on the links' parameters, from the same crawl (--skip-crawl). Its report
    #     holds the findings of both runs.
    # Sec-Fetch-Site: what a browser sends with the portal's own forms (the gate refuses posts
    # from other sites); the forms' CSRF field (__csrf) is kept as the page gave it.
    # `xss,-xss:get`: xss without its GET half. (Wapiti 3.2.3 reads `xss:post` backwards: GET only.)
    # --max-scan-time bounds the crawl, --max-attack-time each module of a run. The guard
    # `timeout` only catches a wapiti that hangs.
    local common=(
        -u "$base/" --scope domain -S "$SCAN_FORCE"
        -H "Cookie: ecars_session=$cookie" -H "Sec-Fetch-Site: same-origin"
        -x "$base/api/deconnexion*" -x "$base/api/changer_mot_de_passe*"
        --skip __csrf --max-attack-time "$ATTACK_SECONDS"
        --store-session "$OUT/$label-session" --store-config "$OUT/$label-session"
        --no-bugreport -v 2 -f json
    )
    timeout $((SCAN_SECONDS + 2 * ATTACK_SECONDS + 600)) "$VENV/bin/wapiti" "${common[@]}" \
        -m xss,-xss:get,permanentxss --max-scan-time "$SCAN_SECONDS" --flush-session \
        -o "$OUT/$label-forms.json" > "$OUT/$label-forms.log" 2>&1 || rc=$?
    if [ "$rc" -eq 0 ]; then
        timeout $((ATTACK_SECONDS + 600)) "$VENV/bin/wapiti" "${common[@]}" -m xss,-xss:post --skip-crawl \
            -o "$OUT/$label.json" > "$OUT/$label-links.log" 2>&1 || rc=$?
    fi
    echo "   duration: $(( (SECONDS - started) / 60 )) min $(( (SECONDS - started) % 60 )) s"
    if ! kill -0 "$server" 2>/dev/null; then
        echo "   the server stopped during the scan; the end of its log ($OUT/$label-server.log):"
        tail -n 20 "$OUT/$label-server.log"
        return 2
    fi
    if [ "$rc" -ne 0 ] || [ ! -s "$OUT/$label.json" ]; then
        echo "   wapiti failed (exit $rc); the end of its logs ($OUT/$label-forms.log, $OUT/$label-links.log):"
        tail -n 20 "$OUT/$label-forms.log" "$OUT/$label-links.log" 2>/dev/null
        return 2
    fi
    logged_in || echo "   warning: the session was no longer valid at the end of the scan"
    status=0
    python3 end2end/scan/summary.py "$OUT/$label.json" "$OUT/$label-session" \
        "$OUT/$label-forms.log" "$OUT/$label-links.log" || status=$?
    echo "   report: $OUT/$label.json (wapiti's logs: $OUT/$label-forms.log, $OUT/$label-links.log)"
    return "$status"
}

echo "== XSS scan (wapiti $WAPITI_VERSION, $BIN): crawl ${SCAN_SECONDS} s and ${ATTACK_SECONDS} s per module at most, per role"
found=0
failed=0
for role in "${ROLES[@]}"; do
    read -r label email password <<< "$role"
    [[ " $WANTED " == *" $label "* ]] || continue
    echo "== $label ($email)"
    status=0
    scan_role "$label" "$email" "$password" || status=$?
    stop_server
    case $status in
        0) ;;
        1) found=$((found + 1)) ;;
        *) failed=$((failed + 1)) ;;
    esac
done

[ "$failed" -eq 0 ] || echo "== The scan of $failed role(s) could not run: see above"
if [ "$found" -gt 0 ]; then
    echo "== XSS found as $found role(s): see above"
    exit 1
fi
[ "$failed" -eq 0 ] || exit 2
echo "== No XSS found"
