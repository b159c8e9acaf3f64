"""Shared timing helpers and the result record every benchmark returns.

A benchmark module ``benchmarks/bench_<topic>.py`` defines
``run(quick: bool, device: str) -> list[Result]``. Each Result compares gencraft
against a *named baseline* measured in the same run, so the ratio means
something on any machine; absolute times are printed beside it.

Use :func:`compare` for a gencraft/baseline pair: after untimed warm-up calls
(whose times are kept as the first-call, i.e. compile or cache-load, cost) it
alternates the two (A B A B ...), so a busy neighbour slows both alike, and
reports median times, the median of the per-pair ratios and their min-max.
``Result(..., timing=compare(...))`` fills everything in. :func:`best_time`
remains for one-sided figures.
"""
from __future__ import annotations

import gc
import statistics
import time
from dataclasses import dataclass, field
from typing import Callable


@dataclass
class Timing:
    """What :func:`compare` measured: medians, per-pair ratios, first calls."""
    ours: float                 # median seconds per call
    baseline: float             # median seconds per call
    ratio: float                # median of baseline/ours over the pairs
    ratio_min: float
    ratio_max: float
    pairs: int
    first_ours: float           # the first (warm-up) call: includes compiling or loading compiled code
    first_baseline: float


def _timed(fn: Callable[[], object]) -> float:
    gc.collect()
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def compare(ours: Callable[[], object], baseline: Callable[[], object], repeats: int = 5,
            warmup: int = 1) -> Timing:
    """Time `ours` against `baseline` interleaved: `warmup` untimed calls of each (the first
    one's time is kept apart as the compile/first-call cost), then `repeats` pairs, A B A B,
    alternating which side goes first in a pair."""
    first_ours = _timed(ours)
    first_base = _timed(baseline)
    for _ in range(warmup - 1):
        ours()
        baseline()
    t_ours, t_base = [], []
    for i in range(max(1, repeats)):
        if i % 2:
            t_base.append(_timed(baseline))
            t_ours.append(_timed(ours))
        else:
            t_ours.append(_timed(ours))
            t_base.append(_timed(baseline))
    ratios = [b / a for a, b in zip(t_ours, t_base)]
    return Timing(statistics.median(t_ours), statistics.median(t_base), statistics.median(ratios),
                  min(ratios), max(ratios), len(ratios), first_ours, first_base)


def median_time(fn: Callable[[], object], repeats: int = 5, warmup: int = 1) -> float:
    """Median wall time of `repeats` calls after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    return statistics.median(_timed(fn) for _ in range(max(1, repeats)))


@dataclass
class Result:
    topic: str          # e.g. "noise"
    case: str           # e.g. "OpenSimplex 2D, 2048x2048"
    ours: float | None = None  # seconds per run (median with `timing`; else what the module measured)
    baseline_name: str = "—"   # e.g. "opensimplex.noise2array (numba)"
    baseline: float | None = None  # seconds per run; None when there is no baseline
    goal: str = ""      # e.g. ">= 1x"
    extra: dict = field(default_factory=dict)  # throughput figures: {"ns/sample": 9.1}
    timing: Timing | None = None  # from compare(): interleaved medians, ratio range, first calls
    compile_s: float | None = None  # first-call cost beyond a warm call (compiling), when known

    def __post_init__(self):
        if self.timing is not None:
            if self.ours is None:
                self.ours = self.timing.ours
            if self.baseline is None:
                self.baseline = self.timing.baseline
            if self.compile_s is None:
                self.compile_s = max(0.0, self.timing.first_ours - self.timing.ours)

    @property
    def ratio(self) -> float | None:
        """How many times faster than the baseline (>1 is faster): the median per-pair ratio
        when interleaved, else baseline / ours."""
        if self.timing is not None:
            return self.timing.ratio
        return None if self.baseline is None or not self.ours else self.baseline / self.ours

    @property
    def ratio_range(self) -> tuple[float, float] | None:
        return None if self.timing is None else (self.timing.ratio_min, self.timing.ratio_max)


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
