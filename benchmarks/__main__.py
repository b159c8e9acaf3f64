"""Run the speed suite: ``python -m benchmarks [--quick] [--only noise,lsystem] [--device cuda]``.

Prints a Markdown table (paste it into the README) of gencraft against named
baselines measured in the same run, and writes benchmarks/results.json.
Ratios are medians of interleaved pairs with their min-max where the module
uses ``harness.compare``; the load average is recorded before and after each
topic, and first-call (compile) times are listed apart from the table.
"""
from __future__ import annotations

import argparse
import dataclasses
import importlib
import json
import os
import pkgutil
import platform
import sys
import time
from pathlib import Path

import benchmarks
from benchmarks.harness import Result


def discover() -> list[str]:
    return sorted(m.name[len("bench_"):] for m in pkgutil.iter_modules(benchmarks.__path__)
                  if m.name.startswith("bench_"))


def fmt_time(s: float | None) -> str:
    if s is None:
        return "—"
    if s < 1e-3:
        return f"{s * 1e6:.0f} µs"
    if s < 1:
        return f"{s * 1e3:.1f} ms"
    return f"{s:.2f} s"


def load() -> float:
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


def fmt_ratio(r: Result) -> str:
    if r.ratio is None:
        return "—"
    digits = 2 if r.ratio < 10 else 1
    text = f"**{r.ratio:.{digits}f}×**"
    if r.ratio_range is not None:
        lo, hi = r.ratio_range
        text += f" ({lo:.{digits}f}–{hi:.{digits}f})"
    return text


def table(results: list[Result]) -> str:
    lines = ["| topic | case | gencraft | baseline | baseline time | ratio (min–max) | goal | notes |",
             "|---|---|---|---|---|---|---|---|"]
    for r in results:
        ratio = fmt_ratio(r)
        notes = ", ".join(f"{v:,.3g} {k}" if isinstance(v, (int, float)) else f"{k}: {v}"
                          for k, v in r.extra.items())
        lines.append(f"| {r.topic} | {r.case} | {fmt_time(r.ours)} | {r.baseline_name} | "
                     f"{fmt_time(r.baseline)} | {ratio} | {r.goal} | {notes} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks")
    ap.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    ap.add_argument("--only", default="", help="comma-separated topics: " + ", ".join(discover()))
    ap.add_argument("--device", default="cpu", help="cpu or cuda (ML benchmarks)")
    ap.add_argument("--out", default="benchmarks/results.json")
    args = ap.parse_args(argv)
    topics = [t for t in args.only.split(",") if t] or discover()
    for topic in topics:  # import errors are reported before anything runs
        importlib.import_module(f"benchmarks.bench_{topic}")
    results: list[Result] = []
    loads: dict[str, tuple[float, float]] = {}
    started = time.perf_counter()
    for topic in topics:
        mod = importlib.import_module(f"benchmarks.bench_{topic}")
        before = load()
        print(f"running {topic} (load average {before:.2f}) ...", file=sys.stderr, flush=True)
        try:
            results.extend(mod.run(quick=args.quick, device=args.device))
        except Exception as exc:  # noqa: BLE001 - one broken topic must not lose the others' rows
            print(f"  {topic} failed: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        loads[topic] = (before, load())
    all_loads = [v for pair in loads.values() for v in pair]
    print(f"\nmachine: {platform.machine()}, {platform.python_version()}, {os.cpu_count()} cores; "
          f"1-min load average {min(all_loads):.1f}–{max(all_loads):.1f} during the run "
          f"({time.perf_counter() - started:.0f} s)\n")
    print(table(results))
    first = [r for r in results if r.compile_s is not None and r.compile_s >= 0.05]
    print("\nFirst call beyond a warm one (compiling, or loading compiled code), not in the times above:"
          + ("" if first else " under 50 ms for every interleaved case (kernels came from the cache)"))
    for r in first:
        print(f"- {r.topic} / {r.case}: {fmt_time(r.compile_s)}")
    print("\nload average per topic (before → after): "
          + ", ".join(f"{t} {a:.1f} → {b:.1f}" for t, (a, b) in loads.items()))
    rows = []
    for r in results:
        row = dataclasses.asdict(r)
        row.update(ratio=r.ratio, ratio_range=r.ratio_range)
        rows.append(row)
    Path(args.out).write_text(json.dumps({"load_average": loads, "results": rows}, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
