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
"""
from __future__ import annotations

import numpy as np

from benchmarks.harness import Result, best_time
from gencraft import sim
from gencraft.sim.growth import _forces, numpy_forces
from gencraft.sim.reaction_diffusion import numpy_step


def _gray_scott(n: int, steps: int, base_steps: int, parallel: bool) -> Result:
    p = sim.PRESETS["coral"]
    u, v = sim.seed_grid((n, n), seed=1, spots=20)
    args = dict(du=p.du, dv=p.dv, feed=p.feed, kill=p.kill)

    def ours():
        return sim.gray_scott(u, v, steps=steps, parallel=parallel, **args)

    def base():
        a, b = u, v
        for _ in range(base_steps):
            a, b = numpy_step(a, b, p.du, p.dv, p.feed, p.kill)
        return a, b

    check = sim.gray_scott(u, v, steps=base_steps, parallel=parallel, **args)
    ref = base()
    assert np.abs(check[0] - ref[0]).max() < 1e-9 and np.abs(check[1] - ref[1]).max() < 1e-9
    t_ours = best_time(ours, repeats=3)
    t_base = best_time(base, repeats=1, warmup=0) * steps / base_steps   # scaled to the same steps
    cells = n * n * steps
    import os

    kind = f"parallel, {os.cpu_count()} cores" if parallel else "1 thread"
    return Result("sim", f"Gray–Scott {n}² × {steps:,} steps (5-point, periodic, {kind})", t_ours,
                  "NumPy explicit Euler (np.roll)", t_base, ">= 10x",
                  {"M cell-updates/s": cells / t_ours / 1e6,
                   "M cell-updates/s baseline": cells / t_base / 1e6})


def _growth(nodes: int, quick: bool) -> list[Result]:
    g = sim.grow(sim.circle(60, 25.0), steps=4000, seed=3, max_points=nodes, on_limit="stop")
    pts = g.points
    n = len(pts)
    radius, attraction, repulsion = 5.0, 0.5, 0.04 * 5.0
    out = np.empty_like(pts)
    _forces(pts, True, radius, attraction, repulsion, True, out)
    assert np.abs(out - numpy_forces(pts, True, radius, attraction, repulsion)).max() < 1e-12
    t_ours = best_time(lambda: _forces(pts, True, radius, attraction, repulsion, True, out), repeats=20)
    t_base = best_time(lambda: numpy_forces(pts, True, radius, attraction, repulsion), repeats=2)
    forces = Result("sim", f"differential growth forces, {n:,} nodes", t_ours,
                    "NumPy all-pairs distance matrix", t_base, ">= 10x",
                    {"M node-updates/s": n / t_ours / 1e6})
    steps = 20 if quick else 100
    t_step = best_time(lambda: sim.grow(pts, steps=steps, seed=1, max_points=10 * n, growth=0.0),
                       repeats=3) / steps
    step = Result("sim", f"differential growth full step (forces + no-crossing guard + split), {n:,} nodes",
                  t_step, "—", None, "", {"µs/node": t_step / n * 1e6})
    return [forces, step]


def run(quick: bool, device: str) -> list[Result]:
    if quick:
        return [_gray_scott(256, 200, 50, True), _gray_scott(256, 200, 50, False)] + _growth(2000, quick)
    return [_gray_scott(512, 1000, 100, True), _gray_scott(512, 1000, 100, False)] + _growth(5000, quick)
