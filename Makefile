# e-CARS: `make run` to try it, `make test` to check everything. See README.md.
#
# Set-up installs only what is missing, so a second run takes seconds:
# the wasm32 target, cargo-leptos, wasm-bindgen-cli (the version of Cargo.lock), npm packages
# (binaryen's wasm-opt, the DSFR styles, Playwright, axe-core) and, for browser tests, Debian's Chromium.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

# Tools installed by npm come first: Debian's binaryen breaks hydration (../shared/TOOLCHAIN.md).
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

CARGO_LEPTOS_VERSION := 0.3.10
WASM_BINDGEN_VERSION := $(shell sed -n '/^name = "wasm-bindgen"$$/{n;s/version = "\(.*\)"/\1/p}' Cargo.lock)
CHROMIUM ?= /usr/bin/chromium
# A Python with aiosmtpd and moto: the integration tests receive mail through a real SMTP server
# and store documents in a real S3-protocol server, both on loopback.
TEST_PYTHON := $(CURDIR)/.make/venv/bin/python
# DSFR's version (package.json): its files are served under it.
DSFR_VERSION := $(shell sed -n 's/.*"@gouvfr\/dsfr": "\([^"]*\)".*/\1/p' package.json)
DSFR := public/dsfr/$(DSFR_VERSION)
# The portal's one stylesheet (Cargo.toml's style-file): the DSFR rules and icons the code names, then main.css.
PORTAL_CSS := target/style/portal.css

# CI builds each profile once, from nothing: incremental caches would only fill the disk (a CI run
# failed on a full disk once).
ifeq ($(CI),true)
export CARGO_INCREMENTAL := 0
endif

# Admin connection used by the PostgreSQL run of the integration tests to create fresh databases.
TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/postgres

.PHONY: run build test bench lint cluster loadtest setup setup-browser setup-test-servers test-unit test-integration test-postgres test-e2e clean

run: setup build
	ECARS_DEMO=1 ./target/release/ecars

# Release assets are also written compressed (`.br`, `.gz`), which the server sends as they are.
# `--split`: the code of the lazy islands (`#[island(lazy)]`) goes into files of their own, which
# only the pages showing them download.
build: setup $(PORTAL_CSS)
	cargo leptos build --release --precompress --split
	@# cargo-leptos's gzip is a quarter larger than gzip -9's (browsers ask for gzip, not brotli, over plain http).
	find target/site -type f ! -name '*.gz' ! -name '*.br' -exec gzip -9 -k -f -n {} +

test: setup setup-browser setup-test-servers lint test-unit test-integration test-postgres test-e2e

setup: .make/wasm-target .make/cargo-leptos .make/wasm-bindgen node_modules/.package-lock.json $(DSFR)/fonts

# Two instances on PostgreSQL and an S3 store (moto) behind HAProxy, at http://127.0.0.1:8080 with
# the demo data: the configuration of deploy/, run as an agency would (see README, "Several instances").
cluster: build setup-test-servers .make/haproxy
	TEST_PYTHON=$(TEST_PYTHON) bash deploy/cluster.sh

# The last day of a campaign on the cluster, driven by Locust (PyPI): figures per action, then the
# instances' CPU and memory and PostgreSQL's connections (end2end/load/). LOAD_DURATION=5m by default.
loadtest: build setup-test-servers .make/haproxy .make/load-venv
	TEST_PYTHON=$(TEST_PYTHON) bash end2end/load/run.sh

# Locust in a virtual environment of its own: its web stack must not move the test servers' one.
.make/load-venv: | .make
	python3 -m venv .make/load-venv
	.make/load-venv/bin/pip install --quiet --disable-pip-version-check locust==2.47.0
	touch $@

.make/haproxy: | .make
	@command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || { echo "Installing HAProxy from Debian's packages"; \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends haproxy; }
	touch $@

setup-browser:
	@command -v $(CHROMIUM) >/dev/null || { echo "Installing Chromium from Debian's packages"; \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }

setup-test-servers: .make/venv/test-servers .make/clamd .make/libreoffice .make/poppler

# Debian's poppler-utils: the tests read the letters the portal writes as a reader does
# (`pdftotext` for their text, `pdfinfo` for their title, page size and "Tagged: yes").
.make/poppler: | .make
	@command -v pdftotext >/dev/null && command -v pdfinfo >/dev/null || { echo "Installing poppler-utils from Debian's packages"; \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends poppler-utils; }
	touch $@

# Debian's LibreOffice Calc without its desktop (about 3 minutes): a test opens every spreadsheet the
# portal writes as an agency's office suite does (`soffice --headless --convert-to csv`).
.make/libreoffice: | .make
	@command -v soffice >/dev/null || [ -x /usr/bin/soffice ] || { echo "Installing LibreOffice Calc from Debian's packages"; \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libreoffice-calc-nogui; }
	touch $@

# Debian's ClamAV daemon, for the test of the optional antivirus (started by the test itself,
# with a signature it writes; the package's own service and signature updates are not used).
.make/clamd: | .make
	@command -v clamd >/dev/null || [ -x /usr/sbin/clamd ] || { echo "Installing clamav-daemon from Debian's packages"; \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends clamav-daemon; }
	touch $@

.make:
	mkdir -p .make

.make/venv/test-servers: | .make
	python3 -m venv .make/venv
	.make/venv/bin/pip install --quiet --disable-pip-version-check aiosmtpd==1.4.6 "moto[server]==5.2.5"
	touch $@

.make/wasm-target: | .make
	rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	touch $@

.make/cargo-leptos: | .make
	cargo leptos --version 2>/dev/null | grep -q "$(CARGO_LEPTOS_VERSION)" || \
		cargo install cargo-leptos@$(CARGO_LEPTOS_VERSION) --locked --features no_downloads
	touch $@

# Re-checked whenever Cargo.lock changes, since the CLI must match the library exactly.
.make/wasm-bindgen: Cargo.lock | .make
	wasm-bindgen --version 2>/dev/null | grep -q "$(WASM_BINDGEN_VERSION)" || \
		cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION)
	touch $@

# --ignore-scripts: DSFR's install script wants a project file we do not use (we take CSS and icons only).
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

# DSFR's fonts and icons are copied into the assets at build time, never committed, under its
# version (`routes::DSFR_DIR`): a new version is a new address, so browsers keep its files for good.
$(DSFR)/fonts: node_modules/.package-lock.json
	rm -rf public/dsfr && mkdir -p $(DSFR)
	cp -r node_modules/@gouvfr/dsfr/dist/fonts node_modules/@gouvfr/dsfr/dist/icons $(DSFR)/

# Written again whenever the code may name another DSFR class; cargo-leptos names it by its content.
$(PORTAL_CSS): style/portal-css.mjs style/main.css node_modules/.package-lock.json $(shell find app/src -name '*.rs')
	node style/portal-css.mjs $(DSFR_VERSION) $@

# Formatting, and clippy on both sides with warnings as errors: the workspace lints deny unwrap,
# expect and panic outside tests (Cargo.toml, clippy.toml), so no request can panic the server.
lint: setup
	cargo fmt --all --check
	cargo clippy -p core --all-targets -- -D warnings
	cargo clippy -p core --all-targets --all-features -- -D warnings
	cargo clippy -p app --features ssr --lib --tests -- -D warnings
	cargo clippy -p server --all-targets -- -D warnings
	cargo clippy -p migrations -- -D warnings
	cargo clippy -p app --features hydrate --lib --target wasm32-unknown-unknown -- -D warnings
	cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

# Unit tests of each package; `app` is compiled for the server only (never ssr and hydrate together).
test-unit:
	cargo test -p core --all-features
	cargo test -p app --features ssr --lib
	cargo test -p server --lib

# The real server on port 0 with a fresh SQLite database per test...
test-integration: setup-test-servers
	ECARS_TEST_PYTHON=$(TEST_PYTHON) cargo test -p server --test '*'

# ...and the same suite against PostgreSQL, a fresh database per test.
test-postgres: setup-test-servers
	ECARS_TEST_DATABASE=postgres ECARS_TEST_POSTGRES_URL=$(TEST_POSTGRES_URL) ECARS_TEST_PYTHON=$(TEST_PYTHON) \
		cargo test -p server --test '*'

# Browser tests on the release build, in Debian's headless Chromium.
test-e2e: build setup-browser
	CHROMIUM=$(CHROMIUM) npx playwright test -c end2end/playwright.config.ts

# Figures for the README (no pass or fail, but for the XSS scan: end2end/scan/wapiti.sh, wapiti as
# each role, fails on any XSS; 20 to 35 minutes): server times on SQLite and PostgreSQL, saves per
# second under load, the follow-up's dashboard and exports for a region of 300 x 500, a 200 MB upload and the server's memory, click-to-green in Chromium, and
# the compressed size of the browser assets.
bench: build setup-browser
	cargo bench -p server --bench answers
	cargo bench -p server --bench documents
	cargo bench -p server --bench finess
	cargo bench -p server --bench follow_up
	cargo bench -p server --bench hostile
	cargo bench -p server --bench letters
	ECARS_BIN=target/release/ecars bash end2end/scan/wapiti.sh
	CHROMIUM=$(CHROMIUM) end2end/bench/browser.sh
	@echo "== Assets sent to the browser (precompressed at build: brotli, or gzip for older browsers)"
	@for file in target/site/pkg/ecars.*.wasm target/site/pkg/ecars.*.js target/site/pkg/ecars.*.css \
		target/site/dsfr/*/fonts/Marianne-Regular.woff2 target/site/dsfr/*/fonts/Marianne-Bold.woff2; do \
		printf "  %-60s %6d KB brotli  %6d KB gzip  (%d KB raw)\n" "$$file" $$(( $$(wc -c < $$file.br) / 1024 )) \
			$$(( $$(wc -c < $$file.gz) / 1024 )) $$(( $$(wc -c < $$file) / 1024 )); done

clean:
	cargo clean
	rm -rf .make node_modules public/dsfr target/e2e-data
