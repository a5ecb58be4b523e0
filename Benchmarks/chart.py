#!/usr/bin/env python3
"""Draws baton-bench's chart: throughput and latency against the offered load. Run by baton-bench.

Usage: chart.py POINTS.csv OUT.png "machine, build"
"""
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

points_path, out_path, subtitle = sys.argv[1], sys.argv[2], sys.argv[3]
rows = list(csv.DictReader(open(points_path)))
modes = sorted({row["durability"] for row in rows})

figure, (throughput, latency) = plt.subplots(1, 2, figsize=(11, 4.2))
for mode in modes:
    series = sorted((row for row in rows if row["durability"] == mode), key=lambda row: float(row["level"]))
    levels = [100 * float(row["level"]) for row in series]
    rates = [float(row["tasks_per_second"]) for row in series]
    throughput.plot(levels, rates, marker="o", label=f"{mode}")
    latency.plot(rates, [float(row["update_p50_ms"]) for row in series], marker="o", label=f"update-v2 p50, {mode}")
    latency.plot(rates, [float(row["update_p99_ms"]) for row in series], marker="s", linestyle="--",
                 label=f"update-v2 p99, {mode}")
throughput.set_xlabel("offered load (% of the measured maximum, 1-task workflows)")
throughput.set_ylabel("task executions/s")
throughput.set_title("Throughput vs load")
throughput.grid(alpha=0.3)
throughput.legend(title="synchronous")
latency.set_xlabel("task executions/s")
latency.set_ylabel("ms")
latency.set_title("Task update latency vs throughput")
latency.grid(alpha=0.3)
latency.legend(fontsize=8)
figure.suptitle(f"baton-bench — {subtitle}")
figure.tight_layout()
figure.savefig(out_path, dpi=110)
