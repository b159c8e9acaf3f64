"""Shared timing helpers and the result record every benchmark returns.

A benchmark module ``benchmarks/bench_<topic>.py`` defines
``run(quick: bool, device: str) -> list[Result]``. Each Result compares gencraft
against a *named baseline* measured in the same run, so the ratio means
something on any machine; absolute times are printed beside it.
"""
from __future__ import annotations

import gc
import time
from dataclasses import dataclass, field
from typing import Callable


@dataclass
class Result:
    topic: str          # e.g. "noise"
    case: str           # e.g. "OpenSimplex 2D, 2048x2048"
    ours: float         # seconds per run (best of repeats)
    baseline_name: str  # e.g. "opensimplex.noise2array (numba)"
    baseline: float | None  # seconds per run; None when there is no baseline
    goal: str = ""      # e.g. ">= 1x"
    extra: dict = field(default_factory=dict)  # throughput figures: {"ns/sample": 9.1}

    @property
    def ratio(self) -> float | None:
        """How many times faster than the baseline (>1 is faster)."""
        return None if self.baseline is None else self.baseline / self.ours


def best_time(fn: Callable[[], object], repeats: int = 3, warmup: int = 1) -> float:
    """Best wall time of `repeats` calls after `warmup` untimed calls (compilation)."""
    for _ in range(warmup):
        fn()
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best
