#!/usr/bin/env bash
# Runs Baton's browser tests: pytest + Selenium driving Debian's headless Chromium against a real
# `baton server` (BATON_BINARY, default .build/debug/baton). Installs Chromium, its driver and the
# Python packages only when they are missing. Extra arguments go to pytest (e.g. -k bulk).
# Screenshots and the server log land in UITests/artifacts/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
cd "$here"

log() { printf '\n==> %s\n' "$*"; }

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
    log "Installing chromium and chromium-driver"
    as_root=""
    if [ "$(id -u)" != 0 ]; then as_root="sudo"; fi
    $as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq chromium chromium-driver >/dev/null
fi

python="${PYTHON:-python3}"
if ! [ -x .venv/bin/python ] || ! .venv/bin/python -c 'import selenium, pytest' >/dev/null 2>&1; then
    log "Creating UITests/.venv with selenium and pytest"
    "$python" -m venv .venv
    .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
fi

export BATON_BINARY="${BATON_BINARY:-$repo/.build/debug/baton}"
case "$BATON_BINARY" in /*) ;; *) BATON_BINARY="$repo/$BATON_BINARY" ;; esac
if ! [ -x "$BATON_BINARY" ]; then
    echo "BATON_BINARY $BATON_BINARY is missing: build Baton first (swift build)" >&2
    exit 1
fi

rm -rf artifacts && mkdir -p artifacts
log "Running the browser tests against $BATON_BINARY"
exec .venv/bin/python -m pytest -p no:cacheprovider "$@"
