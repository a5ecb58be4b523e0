#!/usr/bin/env bash
# Creates Benchmarks/.venv with what baton-bench's Python parts need: the DBOS peer (dbos, whose system
# database is SQLite) and the chart (matplotlib). baton-bench uses it when it exists (or pass --python).
set -euo pipefail
cd "$(dirname "$0")"
if ! [ -x .venv/bin/python ]; then python3 -m venv .venv; fi
.venv/bin/pip install -q 'dbos==3.4.0' 'matplotlib>=3.8'
