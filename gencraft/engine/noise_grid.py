"""Parallel array kernels behind ``gencraft.noise``: grids and broadcast arrays.

Each kernel walks rows in parallel (``prange``) and calls the scalar kernels,
so arrays and per-sample callers get identical values. Inputs are 1D grid
axes or 2D arrays of one shape; the Python layer (``gencraft.noise``) turns
broadcast outer products into grid calls and reshapes anything else to 2D.
"""
from __future__ import annotations

import numpy as np
from numba import njit, prange

from .noise_fractal import (
    OCTAVE_DX, OCTAVE_DY, OS2, PERLIN, _shape, curl2_fractal_at, curl3_at, fractal3_at, fractal4_at, warp2_at,
)
from .noise_os2 import _os2
from .noise_perlin import perlin3_seeded_at
from .noise_simplex import _simplex2
from .noise_tables import OFF_SEED


@njit(cache=True, parallel=True)
def simplex2_grid(xs, ys, perm):
    """OpenSimplex 2D on the grid xs (nx,) by ys (ny,) -> (ny, nx), like opensimplex.noise2array."""
    out = np.empty((ys.size, xs.size), dtype=np.float64)
    for j in prange(ys.size):
        y = ys[j]
        row = out[j]
        for i in range(xs.size):
            row[i] = _simplex2(xs[i], y, perm)
    return out


@njit(cache=True, parallel=True)
def os2_grid(xs, ys, seed):
    """OpenSimplex2 2D on the grid xs (nx,) by ys (ny,) -> (ny, nx)."""
    out = np.empty((ys.size, xs.size), dtype=np.float64)
    for j in prange(ys.size):
        y = ys[j]
        row = out[j]
        for i in range(xs.size):
            row[i] = _os2(xs[i], y, seed)
    return out


@njit(cache=True, inline="always")
def _octave_row(row, xrow, yrow, ystep, perm, kind, mode, octave, amp, freq):
    """Add one octave to a row: ``row[i] += amp * shape(noise(x*freq + dx, y*freq + dy))``.

    ``ystep`` is 0 when every sample of the row shares ``yrow[0]`` (grids).
    One pass per octave over a row that stays in L1 lets the CPU overlap
    neighbouring samples, which are independent; interleaving octaves per
    sample instead chains them and runs ~1.4x slower.
    """
    ox = octave * OCTAVE_DX
    oy = octave * OCTAVE_DY
    if kind == OS2:
        seed = perm[OFF_SEED]
        for i in range(row.size):
            row[i] += amp * _shape(mode, _os2(xrow[i] * freq + ox, yrow[i * ystep] * freq + oy, seed))
    elif kind == PERLIN:
        for i in range(row.size):
            row[i] += amp * _shape(mode, perlin3_seeded_at(xrow[i] * freq + ox, yrow[i * ystep] * freq + oy,
                                                           0.0, perm))
    else:
        for i in range(row.size):
            row[i] += amp * _shape(mode, _simplex2(xrow[i] * freq + ox, yrow[i * ystep] * freq + oy, perm))


@njit(cache=True, inline="always")
def _fractal_row(row, xrow, yrow, ystep, perm, kind, mode, octaves, lacunarity, gain):
    """A row of fractal2_at values, summed in the same order (bit-identical)."""
    for i in range(row.size):
        row[i] = 0.0
    amp = 1.0
    freq = 1.0
    norm = 0.0
    for o in range(octaves):
        _octave_row(row, xrow, yrow, ystep, perm, kind, mode, o, amp, freq)
        norm += amp
        amp *= gain
        freq *= lacunarity
    for i in range(row.size):
        row[i] = row[i] / norm


@njit(cache=True, parallel=True)
def fractal2_grid(xs, ys, perm, kind, mode, octaves, lacunarity, gain):
    """Fused fractal sum of 2D noise on a grid -> (ny, nx), all octaves in one parallel kernel."""
    out = np.empty((ys.size, xs.size), dtype=np.float64)
    for j in prange(ys.size):
        _fractal_row(out[j], xs, ys[j:j + 1], 0, perm, kind, mode, octaves, lacunarity, gain)
    return out


@njit(cache=True, parallel=True)
def fractal2_array(X, Y, perm, kind, mode, octaves, lacunarity, gain, out):
    for j in prange(out.shape[0]):
        _fractal_row(out[j], X[j], Y[j], 1, perm, kind, mode, octaves, lacunarity, gain)


@njit(cache=True, parallel=True)
def fractal3_array(X, Y, Z, perm, kind, mode, octaves, lacunarity, gain, out):
    for j in prange(out.shape[0]):
        for i in range(out.shape[1]):
            out[j, i] = fractal3_at(kind, mode, X[j, i], Y[j, i], Z[j, i], perm, octaves, lacunarity, gain)


@njit(cache=True, parallel=True)
def fractal4_array(X, Y, Z, W, perm, mode, octaves, lacunarity, gain, out):
    for j in prange(out.shape[0]):
        for i in range(out.shape[1]):
            out[j, i] = fractal4_at(mode, X[j, i], Y[j, i], Z[j, i], W[j, i], perm, octaves, lacunarity, gain)


@njit(cache=True, parallel=True)
def curl2_array(X, Y, perm, kind, eps, octaves, lacunarity, gain, outx, outy):
    for j in prange(outx.shape[0]):
        for i in range(outx.shape[1]):
            vx, vy = curl2_fractal_at(kind, X[j, i], Y[j, i], perm, eps, octaves, lacunarity, gain)
            outx[j, i] = vx
            outy[j, i] = vy


@njit(cache=True, parallel=True)
def curl3_array(X, Y, Z, perm, kind, eps, octaves, lacunarity, gain, outx, outy, outz):
    for j in prange(outx.shape[0]):
        for i in range(outx.shape[1]):
            vx, vy, vz = curl3_at(kind, X[j, i], Y[j, i], Z[j, i], perm, eps, octaves, lacunarity, gain)
            outx[j, i] = vx
            outy[j, i] = vy
            outz[j, i] = vz


@njit(cache=True, parallel=True)
def warp2_array(X, Y, perm, kind, levels, strength, octaves, lacunarity, gain, f, qx, qy, rx, ry):
    for j in prange(f.shape[0]):
        for i in range(f.shape[1]):
            a, b, c, d, e = warp2_at(kind, X[j, i], Y[j, i], perm, levels, strength, octaves, lacunarity, gain)
            f[j, i] = a
            qx[j, i] = b
            qy[j, i] = c
            rx[j, i] = d
            ry[j, i] = e
