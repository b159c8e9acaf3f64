"""Noise speed: gencraft kernels against the `opensimplex` package (numba) in one run.

Cases (2048x2048 grid; 512x512 with --quick):
- OpenSimplex 2D grid vs ``opensimplex.noise2array`` (values must be equal);
- 4-octave fBm fused in one kernel vs the same fBm assembled from four
  ``noise2array`` calls plus NumPy sums (values must be equal);
- OpenSimplex2 2D (the faster variant) vs ``noise2array``, with ns/sample beside
  FastNoiseLite's published ~14 ns/sample (2D, one C++ core).
Thread count is Numba's (set NUMBA_NUM_THREADS=2 to compare with "2 cores").
"""
from __future__ import annotations

import numba
import numpy as np
import opensimplex

from benchmarks.harness import Result, best_time
from gencraft import noise
from gencraft.noise.fractal import OCTAVE_DX, OCTAVE_DY


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


def run(quick: bool, device: str) -> list[Result]:
    n = 512 if quick else 2048
    repeats = 3 if quick else 5
    seed = 3
    xs = np.linspace(0.0, 160.0, n)
    ys = np.linspace(-40.0, 120.0, n)
    samples = n * n
    ref = opensimplex.OpenSimplex(seed)
    threads = numba.get_num_threads()
    results = []

    # 1. plain OpenSimplex 2D grid
    ours = noise.simplex2_grid(xs, ys, seed=seed)
    diff = float(np.abs(ours - ref.noise2array(xs, ys)).max())
    t_ours = best_time(lambda: noise.simplex2_grid(xs, ys, seed=seed), repeats)
    t_base = best_time(lambda: ref.noise2array(xs, ys), repeats)
    results.append(Result("noise", f"OpenSimplex 2D {n}x{n}", t_ours, "opensimplex.noise2array (numba)",
                          t_base, ">= 1x", {"ns/sample": t_ours / samples * 1e9, "threads": threads,
                                            "max |diff|": diff}))

    # 2. fused 4-octave fBm
    fused = noise.fbm_grid(xs, ys, seed=seed, octaves=4)
    diff = float(np.abs(fused - _assembled_fbm(ref, xs, ys)).max())
    t_ours = best_time(lambda: noise.fbm_grid(xs, ys, seed=seed, octaves=4), repeats)
    t_base = best_time(lambda: _assembled_fbm(ref, xs, ys), repeats)
    results.append(Result("noise", f"fBm 4 octaves {n}x{n}, fused", t_ours,
                          "4x opensimplex.noise2array + NumPy", t_base, ">= 2x",
                          {"ns/sample": t_ours / samples * 1e9, "max |diff|": diff}))

    # 3. OpenSimplex2 (fast variant)
    t_ours = best_time(lambda: noise.opensimplex2_grid(xs, ys, seed=seed), repeats)
    results.append(Result("noise", f"OpenSimplex2 2D {n}x{n}", t_ours, "opensimplex.noise2array (numba)",
                          t_base_plain if (t_base_plain := results[0].baseline) else None,
                          "< 10 ns/sample (FastNoiseLite ~14, 1 core)",
                          {"ns/sample": t_ours / samples * 1e9, "threads": threads}))
    return results
