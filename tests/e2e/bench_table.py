#!/usr/bin/env python3
"""bench-app.json (from bench_app.py) → the Markdown tables of docs/BENCHMARKS.md."""

import json
import sys

data = json.load(open(sys.argv[1]))
bare, empty, big = data.keys()


def cell(name: str, key: str) -> str:
    v = data[name].get(key)
    return "–" if v is None else f"{v['median']:,.0f}".replace(",", ".")


print("| median of the runs | bare Tauri window | Rapportino, empty DB | ratio | Rapportino, 1M DB | ratio |")
print("|---|---:|---:|---:|---:|---:|")
for key in ["cold start (ms)", "idle RSS (MiB)", "idle PSS (MiB)"]:
    b = data[bare][key]["median"]
    e = data[empty][key]["median"]
    m = data[big][key]["median"]
    print(f"| {key} | {b:.0f} | {e:.0f} | {e / b:.2f}× | {m:.0f} | {m / b:.2f}× |")
print()
print("| interaction (ms, click → frame showing the result) | empty DB median | max | 1M DB median | max |")
print("|---|---:|---:|---:|---:|")
for key in data[empty]:
    if key.startswith(("cold start", "idle")):
        continue
    e, m = data[empty][key], data[big].get(key, {"median": float("nan"), "max": float("nan")})
    print(f"| {key.removesuffix(' (ms)')} | {e['median']:.1f} | {e['max']:.1f} | {m['median']:.1f} | {m['max']:.1f} |")
