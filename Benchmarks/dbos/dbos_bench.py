#!/usr/bin/env python3
"""The DBOS peer of baton-bench: the equivalent workload on DBOS Transact with its SQLite system database.

Each workflow is started and runs N steps, every step checkpointed in the system database (DBOS's
durable execution), from concurrent client threads, for a bounded time. Prints one JSON line:
{"version", "steps", "workflows_per_second", "steps_per_second", "durability"}.

Needs `pip install dbos`. Run by baton-bench; by hand: python3 dbos_bench.py --steps 5 --seconds 5
"""
import argparse
import json
import logging
import os
import sqlite3
import threading
import time
from importlib.metadata import version

from dbos import DBOS, DBOSConfig

parser = argparse.ArgumentParser()
parser.add_argument("--steps", type=int, default=1)
parser.add_argument("--seconds", type=float, default=5.0)
parser.add_argument("--warm-up", type=float, default=1.0)
parser.add_argument("--threads", type=int, default=16)
parser.add_argument("--database", default="/tmp/dbos-bench.sqlite")
args = parser.parse_args()

for suffix in ("", "-wal", "-shm"):
    if os.path.exists(args.database + suffix):
        os.remove(args.database + suffix)

config: DBOSConfig = {
    "name": "baton-bench-peer",
    "system_database_url": f"sqlite:///{args.database}",
    "log_level": "WARNING",
    "console_log_level": "WARNING",
}
DBOS(config=config)
logging.getLogger("dbos").setLevel(logging.WARNING)


@DBOS.step()
def step(n: str) -> str:
    return n


@DBOS.workflow()
def workflow(n: str, steps: int) -> str:
    for _ in range(steps):
        n = step(n)
    return n


DBOS.launch()

# The durability DBOS's SQLite system database runs with (SQLite's default is FULL).
durability = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(
    sqlite3.connect(args.database).execute("PRAGMA synchronous").fetchone()[0], "?")

counts = [0] * args.threads
stop_at = time.monotonic() + args.warm_up + args.seconds
measure_from = time.monotonic() + args.warm_up
baseline = [0] * args.threads


def client(index: int) -> None:
    sequence = 0
    while time.monotonic() < stop_at:
        sequence += 1
        workflow(f"{index}-{sequence}", args.steps)
        counts[index] += 1


threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(args.threads)]
for thread in threads:
    thread.start()
time.sleep(max(0.0, measure_from - time.monotonic()))
baseline = list(counts)
window_start = time.monotonic()
time.sleep(max(0.0, stop_at - time.monotonic()))
done = sum(counts) - sum(baseline)
elapsed = time.monotonic() - window_start
for thread in threads:
    thread.join(timeout=30)
DBOS.destroy()
print(json.dumps({
    "version": version("dbos"), "steps": args.steps, "durability": durability,
    "workflows_per_second": done / elapsed, "steps_per_second": done * args.steps / elapsed,
}))
