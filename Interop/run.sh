#!/usr/bin/env bash
# Runs the conductor-python interop suite against a `baton` binary.
#   BATON_BINARY=.build/debug/baton Interop/run.sh [pytest arguments]
# Creates Interop/.venv (conductor-python 2.0.0, requirements.txt) on first use and installs the pinned
# requirements (again only when they changed); pytest then starts its own `baton server` on a free port.
# Then the seed's calls (test_seed_calls.py) run again with conductor-python 1.0.73, the SDK generation the
# seed's page names, from Interop/.venv-1.0.73 (requirements-1.0.73.txt). Pytest arguments go to the first run
# only; BATON_INTEROP_SKIP_1073=1 skips the second.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

: "${BATON_BINARY:?Set BATON_BINARY to the baton executable, e.g. .build/debug/baton}"
BATON_BINARY="$(cd "$(dirname "$BATON_BINARY")" && pwd)/$(basename "$BATON_BINARY")"
export BATON_BINARY

# prepare VENV REQUIREMENTS: a virtual environment with exactly those requirements installed.
prepare() {
    local venv="$1" requirements="$2"
    if ! [ -x "$venv/bin/python" ]; then
        python3 -m venv "$venv"
    fi
    local stamp="$venv/.requirements.installed"
    if ! [ -f "$stamp" ] || ! cmp -s "$requirements" "$stamp"; then
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
        cp "$requirements" "$stamp"
    fi
}

# run VENV PYTEST-ARGUMENTS...: pytest's status, where collecting no test is a failure too.
run() {
    local venv="$1" status=0
    shift
    "$venv/bin/python" -m pytest "$@" || status=$?
    if [ "$status" -eq 5 ]; then
        echo "Interop: pytest collected no tests — that is a failure here." >&2
        status=1
    fi
    return "$status"
}

prepare "$here/.venv" "$here/requirements.txt"
cd "$here"
status=0
run "$here/.venv" "$@" || status=$?

if [ "${BATON_INTEROP_SKIP_1073:-}" != 1 ]; then
    prepare "$here/.venv-1.0.73" "$here/requirements-1.0.73.txt"
    echo "Interop: the seed's calls with conductor-python 1.0.73" >&2
    run "$here/.venv-1.0.73" test_seed_calls.py || status=$?
fi
exit "$status"
