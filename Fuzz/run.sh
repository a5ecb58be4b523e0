#!/usr/bin/env bash
# Fuzzes a `baton server` with schemathesis against its own OpenAPI document (/api/openapi.json):
# no request may get a 5xx, and every reply must match the document (status, content type, schema).
#   BATON_BINARY=.build/debug/baton Fuzz/run.sh [extra schemathesis arguments]
# Bounded: FUZZ_MAX_EXAMPLES examples per operation (default 25), a fixed seed unless FUZZ_SEED is set.
# Creates Fuzz/.venv on first use (again only when requirements.txt changed).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv"
: "${BATON_BINARY:?Set BATON_BINARY to the baton executable, e.g. .build/debug/baton}"

if ! [ -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
stamp="$venv/.requirements.installed"
if ! [ -f "$stamp" ] || ! cmp -s "$here/requirements.txt" "$stamp"; then
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"
    cp "$here/requirements.txt" "$stamp"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/baton-fuzz.XXXXXX")"
port="$("$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$BATON_BINARY" server --host 127.0.0.1 --port "$port" --database "$work/baton.sqlite" --log-level error \
    >"$work/server.log" 2>&1 &
server=$!
cleanup() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -sf "$base/health" >/dev/null && break; sleep 0.1; done

# Some data for the operations that read or signal something that exists.
curl -sf -X POST "$base/api/metadata/taskdefs" -H 'Content-Type: application/json' -d '[{"name":"fuzz"}]' >/dev/null
curl -sf -X POST "$base/api/metadata/workflow?overwrite=true" -H 'Content-Type: application/json' \
    -d '{"name":"fuzz","version":1,"tasks":[{"name":"fuzz","taskReferenceName":"fuzz"}]}' >/dev/null
curl -sf -X POST "$base/api/workflow/fuzz" -H 'Content-Type: application/json' -d '{}' >/dev/null

status=0
cd "$work"   # schemathesis writes its reports to the working directory
# One worker: with several threads, CPython 3.11's ast.parse (which hypothesis calls to describe its
# filters) can fail with "AST constructor recursion depth mismatch" (CPython gh-106905), failing the run
# for a reason that has nothing to do with the server.
# A request may wait: POST /api/workflow/execute answers after waitForSeconds (10 s by default, as Conductor's),
# so each request gets 30 s.
"$venv/bin/schemathesis" run "$base/api/openapi.json" --url "$base" --request-timeout 30 \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --max-examples "${FUZZ_MAX_EXAMPLES:-25}" --seed "${FUZZ_SEED:-20261127}" --workers 1 "$@" || status=$?
if ! kill -0 "$server" 2>/dev/null; then
    echo "Fuzz: the server died during the run" >&2
    cat "$work/server.log" >&2
    exit 1
fi
exit "$status"
