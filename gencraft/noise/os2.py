"""OpenSimplex2 (KdotJPG, 2019-2022): the faster, smoother successor, 2D.

Why offer it beside the original: OpenSimplex2 samples a triangular (A2*)
lattice with only three vertices per point, hashes lattice points with large
primes and the seed (no permutation table, any 64-bit seed), and picks from 24
evenly spread gradients, so it is cheaper and less axis-aligned than the 2014
algorithm. This is the ``noise2`` of KdotJPG's reference (OpenSimplex2.java,
public domain / CC0: same primes, hash and 24-gradient table) evaluated in
float64 rather than the reference's float32, so values agree with it to
float32 rounding (~1e-5; tests compare against a float32 transliteration).
Its few branches if-convert, so grid loops vectorise (see stack.py).
"""
from __future__ import annotations

from math import cos, floor, nan, pi, sin

import numpy as np
from numba import njit

_PRIME_X = 0x5205402B9270C86F
_PRIME_Y = 0x598CD327003817B5
_HASH_MULTIPLIER = 0x53A3F72DEEC546F5
_SKEW_2D = 0.366025403784439
_UNSKEW_2D = -0.21132486540518713
_RSQUARED_2D = 0.5
_NORMALIZER_2D = 0.01001634121365712
_N_GRADS_EXP = 7


def _gradients() -> np.ndarray:
    """24 unit gradients at 7.5 deg + k*15 deg in the reference's order, /normaliser,
    repeated to fill 128 slots (2 floats each)."""
    first = [67.5, 22.5, -22.5, -67.5, -112.5, -157.5, 157.5, 112.5]
    second = [82.5, 52.5, 37.5, 7.5, -7.5, -37.5, -52.5, -82.5,
              -97.5, -127.5, -142.5, -172.5, 172.5, 142.5, 127.5, 97.5]
    base = []
    for deg in first + second:
        a = deg * pi / 180.0
        base += [cos(a) / _NORMALIZER_2D, sin(a) / _NORMALIZER_2D]
    n = 2 << _N_GRADS_EXP
    return np.array([base[i % len(base)] for i in range(n)], dtype=np.float64)


_GRAD2 = _gradients()


@njit(cache=True, inline="always")
def _grad(seed, xsvp, ysvp, dx, dy):
    h = (seed ^ xsvp ^ ysvp) * _HASH_MULTIPLIER
    h ^= h >> (64 - _N_GRADS_EXP + 1)
    gi = h & ((1 << _N_GRADS_EXP) - 1) << 1
    return _GRAD2[gi] * dx + _GRAD2[gi | 1] * dy


@njit(cache=True)
def os2_2d_at(x, y, seed):
    """OpenSimplex2 2D at (x, y) for an int64 ``seed``; range about [-1, 1]; NaN for non-finite."""
    return _os2(x, y, seed)


@njit(cache=True, inline="always")
def _os2(x, y, seed):
    ok = x - x == 0.0 and y - y == 0.0
    x = x if ok else 0.0
    y = y if ok else 0.0
    s = _SKEW_2D * (x + y)
    xs = x + s
    ys = y + s
    fxs = floor(xs)
    fys = floor(ys)
    xi = xs - fxs
    yi = ys - fys
    xsbp = np.int64(fxs) * _PRIME_X
    ysbp = np.int64(fys) * _PRIME_Y
    t = (xi + yi) * _UNSKEW_2D
    dx0 = xi + t
    dy0 = yi + t
    value = 0.0
    a0 = _RSQUARED_2D - dx0 * dx0 - dy0 * dy0
    if a0 > 0:
        value = (a0 * a0) * (a0 * a0) * _grad(seed, xsbp, ysbp, dx0, dy0)
    dx1 = dx0 - (1 + 2 * _UNSKEW_2D)
    dy1 = dy0 - (1 + 2 * _UNSKEW_2D)
    a1 = _RSQUARED_2D - dx1 * dx1 - dy1 * dy1
    if a1 > 0:
        value += (a1 * a1) * (a1 * a1) * _grad(seed, xsbp + _PRIME_X, ysbp + _PRIME_Y, dx1, dy1)
    if dy0 > dx0:
        dx2 = dx0 - _UNSKEW_2D
        dy2 = dy0 - (_UNSKEW_2D + 1)
        a2 = _RSQUARED_2D - dx2 * dx2 - dy2 * dy2
        if a2 > 0:
            value += (a2 * a2) * (a2 * a2) * _grad(seed, xsbp, ysbp + _PRIME_Y, dx2, dy2)
    else:
        dx2 = dx0 - (_UNSKEW_2D + 1)
        dy2 = dy0 - _UNSKEW_2D
        a2 = _RSQUARED_2D - dx2 * dx2 - dy2 * dy2
        if a2 > 0:
            value += (a2 * a2) * (a2 * a2) * _grad(seed, xsbp + _PRIME_X, ysbp, dx2, dy2)
    return value if ok else nan
