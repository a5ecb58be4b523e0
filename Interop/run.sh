#!/usr/bin/env bash
# Runs the conductor-python interop suite against a `baton` binary.
#   BATON_BINARY=.build/debug/baton Interop/run.sh [pytest arguments]
# Creates Interop/.venv on first use and installs the pinned requirements (again only when
# requirements.txt changed); pytest then starts its own `baton server` on a free port.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv"

: "${BATON_BINARY:?Set BATON_BINARY to the baton executable, e.g. .build/debug/baton}"
BATON_BINARY="$(cd "$(dirname "$BATON_BINARY")" && pwd)/$(basename "$BATON_BINARY")"
export BATON_BINARY

if ! [ -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
stamp="$venv/.requirements.installed"
if ! [ -f "$stamp" ] || ! cmp -s "$here/requirements.txt" "$stamp"; then
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"
    cp "$here/requirements.txt" "$stamp"
fi

cd "$here"
status=0
"$venv/bin/python" -m pytest "$@" || status=$?
if [ "$status" -eq 5 ]; then
    echo "Interop: pytest collected no tests — that is a failure here." >&2
    exit 1
fi
exit "$status"
