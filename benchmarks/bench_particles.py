"""Particles: flow-field advection vs vectorised NumPy, batched polylines vs per-segment
pycairo calls, attractor throughput and a 1e8-point density render.

Baselines are measured in the same run:
- advection: the same noise angle field and Euler steps written as vectorised
  NumPy (a whole-array OpenSimplex 2D, checked to agree with the Numba field);
- polylines: the same curves drawn by pycairo loops: a stroke per segment
  (``move_to``/``line_to``/``stroke``), the artist loop Canvas.polylines
  promises to match (``line_to`` per segment, a stroke per polyline: pixels
  of the batched route are checked identical to it), and all curves in one
  path with one stroke.

Each pair is interleaved (harness.compare: a warm-up call of each, kept apart
as the first-call time, then A B A B) and the ratio is the median of per-pair
ratios with min-max. The NumPy advection takes ~0.5 s a step for 1,000,000
particles, so that pair runs 10 steps (not 100) and 2 timed pairs; the RK4,
attractor and density rows have no baseline and stay one-sided.
"""
from __future__ import annotations

import math
import subprocess
import sys

import numpy as np

from benchmarks.harness import Result, best_time, compare

_STRETCH = -0.211324865405187
_SQUISH = 0.366025403784439
_G2 = np.array([5, 2, 2, 5, -5, 2, -2, 5, 5, -2, 2, -5, -5, -2, -2, -5], dtype=np.float64)


def _extrap(perm, xsb, ysb, dx, dy):
    idx = perm[(perm[xsb & 0xFF] + ysb) & 0xFF] & 0x0E
    return _G2[idx] * dx + _G2[idx + 1] * dy


def _contrib(perm, xsb, ysb, dx, dy):
    attn = 2 - dx * dx - dy * dy
    pos = attn > 0
    a2 = np.where(pos, attn * attn, 0.0)
    return a2 * a2 * _extrap(perm, xsb, ysb, dx, dy)


def numpy_simplex2(x, y, perm):
    """OpenSimplex 2D (opensimplex 0.4.5's algorithm) over whole arrays, branch-free."""
    so = (x + y) * _STRETCH
    xs, ys = x + so, y + so
    xsb, ysb = np.floor(xs), np.floor(ys)
    sq = (xsb + ysb) * _SQUISH
    xins, yins = xs - xsb, ys - ysb
    in_sum = xins + yins
    dx0, dy0 = x - (xsb + sq), y - (ysb + sq)
    xi, yi = xsb.astype(np.int64), ysb.astype(np.int64)
    value = _contrib(perm, xi + 1, yi, dx0 - 1 - _SQUISH, dy0 - _SQUISH)
    value += _contrib(perm, xi, yi + 1, dx0 - _SQUISH, dy0 - 1 - _SQUISH)
    low = in_sum <= 1
    # extra vertex, inside the (0,0) triangle
    zl = 1 - in_sum
    near0 = (zl > xins) | (zl > yins)
    xgt = xins > yins
    ex_l = np.where(near0, np.where(xgt, xi + 1, xi - 1), xi + 1)
    ey_l = np.where(near0, np.where(xgt, yi - 1, yi + 1), yi + 1)
    edx_l = np.where(near0, np.where(xgt, dx0 - 1, dx0 + 1), dx0 - 1 - 2 * _SQUISH)
    edy_l = np.where(near0, np.where(xgt, dy0 + 1, dy0 - 1), dy0 - 1 - 2 * _SQUISH)
    # inside the (1,1) triangle
    zh = 2 - in_sum
    near1 = (zh < xins) | (zh < yins)
    ex_h = np.where(near1, np.where(xgt, xi + 2, xi), xi)
    ey_h = np.where(near1, np.where(xgt, yi, yi + 2), yi)
    edx_h = np.where(near1, np.where(xgt, dx0 - 2 - 2 * _SQUISH, dx0 - 2 * _SQUISH), dx0)
    edy_h = np.where(near1, np.where(xgt, dy0 - 2 * _SQUISH, dy0 - 2 - 2 * _SQUISH), dy0)
    ex, ey = np.where(low, ex_l, ex_h), np.where(low, ey_l, ey_h)
    edx, edy = np.where(low, edx_l, edx_h), np.where(low, edy_l, edy_h)
    bx, by = np.where(low, xi, xi + 1), np.where(low, yi, yi + 1)
    bdx = np.where(low, dx0, dx0 - 1 - 2 * _SQUISH)
    bdy = np.where(low, dy0, dy0 - 1 - 2 * _SQUISH)
    value += _contrib(perm, bx, by, bdx, bdy)
    value += _contrib(perm, ex, ey, edx, edy)
    return value / 47.0


def numpy_advect(x, y, perm, scale, turns, h, steps):
    """Euler steps through the noise angle field, vectorised over particles."""
    x, y = x.copy(), y.copy()
    for _ in range(steps):
        a = numpy_simplex2(x * scale, y * scale, perm) * turns * 2 * math.pi
        x += h * np.cos(a)
        y += h * np.sin(a)
    return x, y


def _advection(quick: bool) -> list[Result]:
    from gencraft.particles import NoiseAngleField, advect

    # the NumPy side costs ~0.5 s a step at 1,000,000 particles: 10 steps, 2 timed pairs
    n, steps, repeats = (100_000, 20, 3) if quick else (1_000_000, 10, 2)
    rk4_steps = 20 if quick else 100
    rng = np.random.default_rng(0)
    seeds = rng.uniform(0, 1000, (n, 2))
    field = NoiseAngleField(seed=11, scale=0.004, turns=1.0)
    perm = field.perm[:256]
    # the baseline computes the same thing: check on a few particles
    fin = advect(field, seeds[:1000], steps=5, step=0.5, record=False).final
    bx, by = numpy_advect(seeds[:1000, 0], seeds[:1000, 1], perm, 0.004, 1.0, 0.5, 5)
    assert np.allclose(fin, np.stack([bx, by], axis=-1), atol=1e-9), "NumPy baseline disagrees"

    t = compare(lambda: advect(field, seeds, steps=steps, step=0.5, record=False),
                lambda: numpy_advect(seeds[:, 0], seeds[:, 1], perm, 0.004, 1.0, 0.5, steps), repeats=repeats)
    rk4 = best_time(lambda: advect(field, seeds, steps=rk4_steps, step=0.5, method="rk4", record=False), repeats=1)
    ps = n * steps
    return [
        Result("particles", f"advect {n:,} particles x {steps} steps, noise field, Euler",
               baseline_name="vectorised NumPy (same field)", goal=">= 10x, >= 20M steps/s", timing=t,
               extra={"M particle-steps/s": ps / t.ours / 1e6, "NumPy M steps/s": ps / t.baseline / 1e6}),
        Result("particles", f"advect {n:,} x {rk4_steps}, RK4 (4 field evaluations a step)", rk4,
               "—", None, "", {"M particle-steps/s": n * rk4_steps / rk4 / 1e6}),
    ]


def _polyline_cases(quick: bool):
    from gencraft.particles import NoiseAngleField, streamlines

    size = 1000 if quick else 2000
    f = NoiseAngleField(seed=3, scale=1.5 / size, turns=0.8)
    coords, offsets = streamlines(f, (0, 0, size, size), size / 250, step=size / 1000, d_test=0.5)
    return size, coords, offsets


def _polylines(quick: bool) -> list[Result]:
    from gencraft.draw.canvas import Canvas
    from gencraft.draw.polylines import stroke_polylines
    from gencraft.draw.threads import draw_threads

    size, coords, offsets = _polyline_cases(quick)
    nseg = len(coords) - (len(offsets) - 1)
    xs, ys = coords[:, 0].tolist(), coords[:, 1].tolist()
    bounds = offsets.tolist()

    def canvas():
        c = Canvas(size, size)
        c.background("#f4efe6")
        c.stroke("#1d1d22", 1.0)
        c.ctx.set_source_rgba(*c._stroke)
        return c

    def batched(threads=None):
        c = canvas()
        stroke_polylines(c, coords, offsets, threads=threads)
        return c

    def artist_loop():  # what Canvas.polylines promises: line_to per segment, a stroke per polyline
        c = canvas()
        ctx = c.ctx
        for i in range(len(bounds) - 1):
            s, e = bounds[i], bounds[i + 1]
            ctx.move_to(xs[s], ys[s])
            for k in range(s + 1, e):
                ctx.line_to(xs[k], ys[k])
            ctx.stroke()
        return c

    def per_segment_stroke():
        c = canvas()
        ctx = c.ctx
        for i in range(len(bounds) - 1):
            for k in range(bounds[i], bounds[i + 1] - 1):
                ctx.move_to(xs[k], ys[k])
                ctx.line_to(xs[k + 1], ys[k + 1])
                ctx.stroke()
        return c

    def one_path():  # the previous batched route: every polyline in one path, one stroke
        c = canvas()
        ctx = c.ctx
        for i in range(len(bounds) - 1):
            ctx.move_to(xs[bounds[i]], ys[bounds[i]])
            for k in range(bounds[i] + 1, bounds[i + 1]):
                ctx.line_to(xs[k], ys[k])
        ctx.stroke()
        return c

    reference = artist_loop().to_array()
    assert np.array_equal(batched().to_array(), reference), "pixels differ from the artist loop"
    assert np.array_equal(batched(1).to_array(), reference), "pixels differ from the artist loop (1 thread)"
    threads = draw_threads()
    reps = 3 if quick else 5
    t_segment = compare(batched, per_segment_stroke, repeats=3)
    t_loop = compare(batched, artist_loop, repeats=reps)
    t_one = compare(lambda: batched(1), artist_loop, repeats=reps)
    t_path = compare(batched, one_path, repeats=reps)
    case = f"{len(offsets) - 1:,} streamlines, {nseg:,} segments, {size}x{size}"
    return [
        Result("particles", f"polylines: draw vs stroking each segment ({case}, {threads} threads)",
               baseline_name="move_to/line_to/stroke per segment", goal=">= 5x", timing=t_segment,
               extra={"M segments/s": nseg / t_segment.ours / 1e6}),
        Result("particles", f"polylines: draw, same pixels as the artist loop ({case}, {threads} threads)",
               baseline_name="line_to per segment, stroke per polyline", goal=">= 5x", timing=t_loop,
               extra={"1-thread ratio": f"{t_one.ratio:.2f} ({t_one.ratio_min:.2f}–{t_one.ratio_max:.2f})"}),
        Result("particles", f"polylines: draw vs one path for all + one stroke ({case})",
               baseline_name="line_to per segment, one stroke (union)", goal="", timing=t_path),
    ]


_DENSITY_CHILD = """
import time
from gencraft.particles import attractor_density, shade
attractor_density('clifford', None, 1000, 64, 64)  # compile / load cache
t = time.perf_counter()
h, b = attractor_density('clifford', None, {n}, 2000, 2000)
rgba = shade(h, 'ember')
dt = time.perf_counter() - t
# VmHWM: this process image's own peak (ru_maxrss would include the parent's, carried over exec)
peak_kb = int([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0])
print(dt, peak_kb / 1024, h.sum())
"""


def _attractors(quick: bool) -> list[Result]:
    from gencraft.particles import clifford

    n = 2_000_000 if quick else 10_000_000
    t = best_time(lambda: clifford(-1.4, 1.6, 1.0, 0.7, n), repeats=2)
    dens_n = 10_000_000 if quick else 100_000_000
    out = subprocess.run([sys.executable, "-c", _DENSITY_CHILD.format(n=dens_n)], capture_output=True, text=True,
                         check=True)
    dt, peak_mb, total = out.stdout.split()
    return [
        Result("particles", f"clifford: {n:,} iterates to arrays", t, "—", None, "",
               {"M points/s": n / t / 1e6}),
        Result("particles", f"density render of {dens_n:,} clifford points, 2000x2000 (bin + eq_hist + colour)",
               float(dt), "—", None, "no OOM (chunked)",
               {"M points/s": dens_n / float(dt) / 1e6, "peak RSS MB": float(peak_mb)}),
    ]


def run(quick: bool, device: str) -> list[Result]:
    return _advection(quick) + _polylines(quick) + _attractors(quick)
