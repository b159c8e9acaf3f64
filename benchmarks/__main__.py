"""Run the speed suite: ``python -m benchmarks [--quick] [--only noise,lsystem] [--device cuda]``.

Prints a Markdown table (paste it into the README) of gencraft against named
baselines measured in the same run, and writes benchmarks/results.json.
"""
from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import platform
import sys
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


def table(results: list[Result]) -> str:
    lines = ["| topic | case | gencraft | baseline | baseline time | ratio | goal | notes |",
             "|---|---|---|---|---|---|---|---|"]
    for r in results:
        ratio = "—" if r.ratio is None else f"**{r.ratio:.1f}×**"
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
    results: list[Result] = []
    for topic in topics:
        mod = importlib.import_module(f"benchmarks.bench_{topic}")
        print(f"running {topic} ...", file=sys.stderr, flush=True)
        results.extend(mod.run(quick=args.quick, device=args.device))
    print(f"\nmachine: {platform.machine()}, {platform.python_version()}, "
          f"{__import__('os').cpu_count()} cores\n")
    print(table(results))
    Path(args.out).write_text(json.dumps([{**r.__dict__, "ratio": r.ratio} for r in results], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
