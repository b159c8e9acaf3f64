"""Simulation engines: Gray–Scott and differential growth against plain NumPy.

Gray–Scott: the parallel Numba stencil (gencraft.sim.gray_scott) against the
straightforward NumPy explicit Euler step (5-point Laplacian with np.roll,
gencraft.sim.reaction_diffusion.numpy_step) on the same grid; results agree
to 1e-9 (checked), with the threaded and the single-threaded kernel. Reported
in cell-updates per second. The threaded kernel has one barrier per step, so on
a loaded machine it can lose to the single thread.

Differential growth: one force evaluation (repulsion within a radius plus
attraction along the line) with the spatial hash against an all-pairs NumPy
distance matrix (gencraft.sim.growth.numpy_forces); forces agree to 1e-12
(checked). Also the whole step (forces, no-crossing guard, splitting) per node.

Each pair is interleaved (harness.compare: a warm-up call of each, kept apart
as the first-call time, then A B A B) and the ratio is the median of per-pair
ratios with min-max. Both Gray–Scott sides run the same number of steps: 200
(50 with --quick), since NumPy needs ~5 ms a step at 512².
"""
from __future__ import annotations

import numpy as np

from benchmarks.harness import Result, best_time, compare
from gencraft import sim
from gencraft.sim.growth import _forces, numpy_forces
from gencraft.sim.reaction_diffusion import numpy_step


def _gray_scott(n: int, steps: int, parallel: bool, repeats: int) -> Result:
    import os

    p = sim.PRESETS["coral"]
    u, v = sim.seed_grid((n, n), seed=1, spots=20)
    args = dict(du=p.du, dv=p.dv, feed=p.feed, kill=p.kill)
    got = {}

    def ours():
        got["ours"] = sim.gray_scott(u, v, steps=steps, parallel=parallel, **args)

    def base():
        a, b = u, v
        for _ in range(steps):
            a, b = numpy_step(a, b, p.du, p.dv, p.feed, p.kill)
        got["base"] = a, b

    t = compare(ours, base, repeats=repeats)
    (a, b), (ra, rb) = got["ours"], got["base"]
    assert np.abs(a - ra).max() < 1e-9 and np.abs(b - rb).max() < 1e-9
    cells = n * n * steps
    kind = f"parallel, {os.cpu_count()} cores" if parallel else "1 thread"
    return Result("sim", f"Gray–Scott {n}² × {steps:,} steps (5-point, periodic, {kind})",
                  baseline_name="NumPy explicit Euler (np.roll)", goal=">= 10x", timing=t,
                  extra={"M cell-updates/s": cells / t.ours / 1e6,
                         "M cell-updates/s baseline": cells / t.baseline / 1e6})


def _growth(nodes: int, quick: bool) -> list[Result]:
    g = sim.grow(sim.circle(60, 25.0), steps=4000, seed=3, max_points=nodes, on_limit="stop")
    pts = g.points
    n = len(pts)
    radius, attraction, repulsion = 5.0, 0.5, 0.04 * 5.0
    out = np.empty_like(pts)
    got = {}

    def base():
        got["base"] = numpy_forces(pts, True, radius, attraction, repulsion)

    t = compare(lambda: _forces(pts, True, radius, attraction, repulsion, True, out), base, repeats=5)
    assert np.abs(out - got["base"]).max() < 1e-12
    forces = Result("sim", f"differential growth forces, {n:,} nodes", baseline_name="NumPy all-pairs distance matrix",
                    goal=">= 10x", timing=t, extra={"M node-updates/s": n / t.ours / 1e6})
    steps = 20 if quick else 100
    t_step = best_time(lambda: sim.grow(pts, steps=steps, seed=1, max_points=10 * n, growth=0.0),
                       repeats=3) / steps
    step = Result("sim", f"differential growth full step (forces + no-crossing guard + split), {n:,} nodes",
                  t_step, "—", None, "", {"µs/node": t_step / n * 1e6})
    return [forces, step]


def run(quick: bool, device: str) -> list[Result]:
    if quick:
        return [_gray_scott(256, 50, True, 5), _gray_scott(256, 50, False, 5)] + _growth(2000, quick)
    return [_gray_scott(512, 200, True, 5), _gray_scott(512, 200, False, 5)] + _growth(5000, quick)
