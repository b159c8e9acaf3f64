"""Noise speed: gencraft kernels against the `opensimplex` package (numba) in one run.

Cases (2048x2048 grid; 512x512 with --quick), each interleaved with its baseline:
- one call with two floats (a sketch's per-point Python loop) vs ``opensimplex.noise2``;
- a small array (64 points: serial, no parallel region) vs ``noise2array``;
- a user's own ``@njit`` kernel calling ``noise.simplex2`` per point vs the
  array API on the same points ("kernel speed": ratio ~1);
- OpenSimplex 2D grid vs ``opensimplex.noise2array`` (values must be equal);
- 4-octave fBm fused in one kernel vs the same fBm assembled from four
  ``noise2array`` calls plus NumPy sums (values must be equal);
- OpenSimplex2 2D (the faster variant) vs ``noise2array``, with ns/sample beside
  FastNoiseLite's published ~14 ns/sample (2D, one C++ core);
- OpenSimplex 3D on 256x256x64 vs ``noise3array`` and 4D on 64x64x32x8 vs
  ``noise4array`` (values must be equal).
Thread count is Numba's (set NUMBA_NUM_THREADS=2 to compare with "2 cores").
"""
from __future__ import annotations

import numba
import numpy as np
import opensimplex

from numba import njit

from benchmarks.harness import Result, compare
from gencraft import noise
from gencraft.noise.fractal import OCTAVE_DX, OCTAVE_DY
from gencraft.noise.kernels import simplex2_at


def _assembled_fbm(os_noise, xs, ys, octaves=4, lacunarity=2.0, gain=0.5):
    """The fBm a user would write around opensimplex: one noise2array per octave."""
    total = np.zeros((ys.size, xs.size))
    amp, freq, norm = 1.0, 1.0, 0.0
    for i in range(octaves):
        total += amp * os_noise.noise2array(xs * freq + i * OCTAVE_DX, ys * freq + i * OCTAVE_DY)
        norm += amp
        amp *= gain
        freq *= lacunarity
    return total / norm


@njit(cache=True)
def _user_kernel(xs, ys, tbl):
    """What a sketch writer's own Numba loop looks like: gencraft noise per point."""
    out = np.empty(xs.size)
    for i in range(xs.size):
        out[i] = noise.simplex2(xs[i], ys[i], tbl)
    return out


@njit(cache=True)
def _engine_kernel(xs, ys, perm):
    """The same loop on gencraft's internal scalar kernel, as its own engines call it."""
    out = np.empty(xs.size)
    for i in range(xs.size):
        out[i] = simplex2_at(xs[i], ys[i], perm)
    return out


def _gencraft_loop(pts, seed):
    simplex2 = noise.simplex2
    for x, y in pts:
        simplex2(x, y, seed)


def _opensimplex_loop(pts):
    noise2 = opensimplex.noise2
    for x, y in pts:
        noise2(x, y)


def run(quick: bool, device: str) -> list[Result]:
    n = 512 if quick else 2048
    repeats = 5 if quick else 9
    seed = 3
    xs = np.linspace(0.0, 160.0, n)
    ys = np.linspace(-40.0, 120.0, n)
    samples = n * n
    ref = opensimplex.OpenSimplex(seed)
    threads = numba.get_num_threads()
    results = []

    # 0. per-point calls from Python, small arrays, a user's njit kernel
    opensimplex.seed(seed)
    rng = np.random.default_rng(0)
    pts = [(float(a), float(b)) for a, b in rng.uniform(-50, 50, (20_000, 2))]
    assert all(noise.simplex2(x, y, seed) == opensimplex.noise2(x, y) for x, y in pts[:50])
    t = compare(lambda: _gencraft_loop(pts, seed), lambda: _opensimplex_loop(pts), repeats=repeats)
    results.append(Result("noise", "simplex2(x, y, seed) with floats, per call (Python loop)",
                          baseline_name="opensimplex.noise2", goal=">= 1x", timing=t,
                          extra={"µs/call": t.ours / len(pts) * 1e6, "baseline µs/call": t.baseline / len(pts) * 1e6}))
    p3 = [(a, b, 0.5 * a) for a, b in pts[:5000]]
    simplex3, noise3 = noise.simplex3, opensimplex.noise3
    t = compare(lambda: [simplex3(x, y, z, seed) for x, y, z in p3],
                lambda: [noise3(x, y, z) for x, y, z in p3], repeats=repeats)
    results.append(Result("noise", "simplex3(x, y, z, seed) with floats, per call", baseline_name="opensimplex.noise3",
                          goal=">= 1x", timing=t, extra={"µs/call": t.ours / len(p3) * 1e6}))
    sx, sy = xs[:8] * 0.1, ys[:8] * 0.1
    small = lambda: [noise.simplex2(sx[None, :], sy[:, None], seed=seed) for _ in range(200)]  # noqa: E731
    t = compare(small, lambda: [ref.noise2array(sx, sy) for _ in range(200)], repeats=repeats)
    results.append(Result("noise", "8x8 array (64 points; serial below PARALLEL_MIN), per call",
                          baseline_name="opensimplex.noise2array (parallel)", goal=">= 1x", timing=t,
                          extra={"µs/call": t.ours / 200 * 1e6}))
    ux = rng.uniform(-50, 50, 200_000)
    uy = rng.uniform(-50, 50, 200_000)
    tbl = noise.table(seed)
    assert np.array_equal(_user_kernel(ux, uy, tbl), noise.simplex2(ux, uy, seed=seed))
    t = compare(lambda: _user_kernel(ux, uy, tbl), lambda: _engine_kernel(ux, uy, tbl), repeats=repeats)
    results.append(Result("noise", "user @njit loop calling noise.simplex2 per point, 200k points",
                          baseline_name="same loop on the internal kernel (kernels.simplex2_at)", goal="~1x (kernel speed)",
                          timing=t, extra={"ns/sample": t.ours / ux.size * 1e9}))

    # 1. plain OpenSimplex 2D grid
    ours = noise.simplex2_grid(xs, ys, seed=seed)
    diff = float(np.abs(ours - ref.noise2array(xs, ys)).max())
    t = compare(lambda: noise.simplex2_grid(xs, ys, seed=seed), lambda: ref.noise2array(xs, ys), repeats)
    results.append(Result("noise", f"OpenSimplex 2D {n}x{n}", baseline_name="opensimplex.noise2array (numba)",
                          goal=">= 1x", timing=t, extra={"ns/sample": t.ours / samples * 1e9, "threads": threads,
                                                          "max |diff|": diff}))
    t_base_plain = t.baseline

    # 2. fused 4-octave fBm
    fused = noise.fbm_grid(xs, ys, seed=seed, octaves=4)
    diff = float(np.abs(fused - _assembled_fbm(ref, xs, ys)).max())
    t = compare(lambda: noise.fbm_grid(xs, ys, seed=seed, octaves=4), lambda: _assembled_fbm(ref, xs, ys), repeats)
    results.append(Result("noise", f"fBm 4 octaves {n}x{n}, fused", baseline_name="4x opensimplex.noise2array + NumPy",
                          goal=">= 2x", timing=t, extra={"ns/sample": t.ours / samples * 1e9, "max |diff|": diff}))

    # 3. OpenSimplex2 (fast variant)
    t = compare(lambda: noise.opensimplex2_grid(xs, ys, seed=seed), lambda: ref.noise2array(xs, ys), repeats)
    results.append(Result("noise", f"OpenSimplex2 2D {n}x{n}", baseline_name="opensimplex.noise2array (numba)",
                          goal="< 10 ns/sample (FastNoiseLite ~14, 1 core)", timing=t,
                          extra={"ns/sample": t.ours / samples * 1e9, "threads": threads}))
    del t_base_plain

    # 4. 3D and 4D on grids (the noise3array/noise4array layout)
    gx, gy = np.linspace(0.0, 40.0, 128 if quick else 256), np.linspace(-10.0, 30.0, 128 if quick else 256)
    gz, gw = np.linspace(0.0, 10.0, 16 if quick else 64), np.linspace(0.0, 3.0, 4 if quick else 8)
    ours3 = lambda: noise.simplex3(gx[None, None, :], gy[None, :, None], gz[:, None, None], seed=seed)  # noqa: E731
    same = bool(np.array_equal(ours3(), ref.noise3array(gx, gy, gz)))
    t = compare(ours3, lambda: ref.noise3array(gx, gy, gz), repeats)
    results.append(Result("noise", f"OpenSimplex 3D {gx.size}x{gy.size}x{gz.size}", baseline_name="opensimplex.noise3array (numba)",
                          goal=">= 1.5x, same values", timing=t,
                          extra={"ns/sample": t.ours / (gx.size * gy.size * gz.size) * 1e9, "bit-identical": same}))
    hx, hy, hz = gx[::4], gy[::4], gz[: max(4, gz.size // 2)]
    ours4 = lambda: noise.simplex4(hx[None, None, None, :], hy[None, None, :, None], hz[None, :, None, None],  # noqa: E731
                                   gw[:, None, None, None], seed=seed)
    same = bool(np.array_equal(ours4(), ref.noise4array(hx, hy, hz, gw)))
    t = compare(ours4, lambda: ref.noise4array(hx, hy, hz, gw), max(3, repeats - 4))
    results.append(Result("noise", f"OpenSimplex 4D {hx.size}x{hy.size}x{hz.size}x{gw.size}",
                          baseline_name="opensimplex.noise4array (numba)", goal="measured", timing=t,
                          extra={"ns/sample": t.ours / (hx.size * hy.size * hz.size * gw.size) * 1e9,
                                 "bit-identical": same}))
    return results
