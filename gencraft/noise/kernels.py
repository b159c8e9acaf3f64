"""Numba-callable noise kernels, in one import for other engines.

Other Numba code (particles, flow fields) calls these per sample::

    from gencraft.noise.kernels import perm_for_seed, simplex2_at, fbm2_at, curl2_at
    perm = perm_for_seed(seed)            # one int64 array; pass it into your kernel
    @njit
    def step(xs, ys, perm):
        for i in range(xs.size):
            vx, vy = curl2_at(xs[i], ys[i], perm, 1e-3)

The implementations live in small modules: ``tables`` (seed -> tables),
``simplex`` (opensimplex-compatible), ``perlin`` (Perlin 2002),
``os2`` (OpenSimplex2), ``fractal`` (fBm/ridged/turbulence, curl),
``grid`` (parallel array kernels behind ``gencraft.noise``).
"""
from gencraft.noise.fractal import (  # noqa: F401
    MODE_FBM, MODE_RIDGED, MODE_TURBULENCE, OS2, PERLIN, SIMPLEX,
    base2_at, base3_at, curl2_at, curl2_fractal_at, curl3_at, fbm2_at,
    fractal2_at, fractal3_at, fractal4_at, warp2_at,
)
from gencraft.noise.os2 import os2_2d_at  # noqa: F401
from gencraft.noise.perlin import perlin3_at, perlin3_seeded_at  # noqa: F401
from gencraft.noise.simplex import simplex2_at, simplex3_at, simplex4_at  # noqa: F401
from gencraft.noise.tables import PERM_SIZE, perm_for_seed  # noqa: F401
