"""Parallel array kernels behind ``gencraft.noise``: grids and broadcast arrays.

Each kernel walks rows in parallel (``prange``) and calls the scalar kernels,
so arrays and per-sample callers get identical values. Inputs are 2D arrays of
one broadcast shape (zero strides allowed, so ``x[None, :]`` with ``y[:, None]``
costs no copy); the Python layer reshapes anything else to 2D.
"""
from __future__ import annotations

import numpy as np
from numba import njit, prange

from .noise_fractal import curl2_fractal_at, curl3_at, fractal2_at, fractal3_at, fractal4_at, warp2_at
from .noise_os2 import os2_2d_at
from .noise_simplex import simplex2_at


@njit(cache=True, parallel=True)
def simplex2_grid(xs, ys, perm):
    """OpenSimplex 2D on the grid xs (nx,) by ys (ny,) -> (ny, nx), like opensimplex.noise2array."""
    out = np.empty((ys.size, xs.size), dtype=np.float64)
    for j in prange(ys.size):
        y = ys[j]
        for i in range(xs.size):
            out[j, i] = simplex2_at(xs[i], y, perm)
    return out


@njit(cache=True, parallel=True)
def os2_grid(xs, ys, seed):
    """OpenSimplex2 2D on the grid xs (nx,) by ys (ny,) -> (ny, nx)."""
    out = np.empty((ys.size, xs.size), dtype=np.float64)
    for j in prange(ys.size):
        y = ys[j]
        for i in range(xs.size):
            out[j, i] = os2_2d_at(xs[i], y, seed)
    return out


@njit(cache=True, parallel=True)
def fractal2_grid(xs, ys, perm, kind, mode, octaves, lacunarity, gain):
    """Fused fractal sum of 2D noise on a grid -> (ny, nx), one pass over memory."""
    out = np.empty((ys.size, xs.size), dtype=np.float64)
    for j in prange(ys.size):
        y = ys[j]
        for i in range(xs.size):
            out[j, i] = fractal2_at(kind, mode, xs[i], y, perm, octaves, lacunarity, gain)
    return out


@njit(cache=True, parallel=True)
def fractal2_array(X, Y, perm, kind, mode, octaves, lacunarity, gain, out):
    for j in prange(out.shape[0]):
        for i in range(out.shape[1]):
            out[j, i] = fractal2_at(kind, mode, X[j, i], Y[j, i], perm, octaves, lacunarity, gain)


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
