"""OpenSimplex noise (Kurt Spencer's original algorithm), Numba scalar kernels.

Values equal those of the ``opensimplex`` package (0.4.5) for the same seed:
the 2D kernel below is a port of its ``_noise2`` that keeps every floating-point
operation in the same order (so results are bit-identical) while reading
gradients as scalars from a packed table instead of slicing an array per
vertex, which is what makes it faster. 3D and 4D are mechanical ports of
opensimplex's own kernels with the same arithmetic (``simplex3d``, ``simplex4d``).

Every function takes the packed table from ``perm_for_seed`` and returns NaN
for NaN/inf input (opensimplex would silently return 0 or garbage).
"""
from __future__ import annotations

from math import nan

import numpy as np
from numba import njit
from gencraft.noise.simplex3d import _noise3
from gencraft.noise.simplex4d import _noise4

_STRETCH2 = -0.211324865405187
_SQUISH2 = 0.366025403784439
_NORM2 = 47.0
# opensimplex GRADIENTS2 (8 directions of an octagon), as floats (exact).
_G2 = np.array([5, 2, 2, 5, -5, 2, -2, 5, 5, -2, 2, -5, -5, -2, -2, -5], dtype=np.float64)


@njit(cache=True, inline="always")
def _extrap2(perm, xsb, ysb, dx, dy):
    index = perm[(perm[xsb & 0xFF] + ysb) & 0xFF] & 0x0E
    return _G2[index] * dx + _G2[index + 1] * dy


@njit(cache=True, inline="always")
def _vertex2(perm, xsb, ysb, dx0, dy0, vx, vy):
    """Contribution of lattice vertex (xsb+vx, ysb+vy); (vx+vy)*S is the squish."""
    sq = (vx + vy) * _SQUISH2
    dx = (dx0 - vx) - sq
    dy = (dy0 - vy) - sq
    attn = 2 - dx * dx - dy * dy
    attn = max(attn, 0.0)
    attn *= attn
    return attn * attn * _extrap2(perm, xsb + vx, ysb + vy, dx, dy)


@njit(cache=True, inline="always")
def _simplex2(x, y, perm):
    ok = x - x == 0.0 and y - y == 0.0
    x = x if ok else 0.0
    y = y if ok else 0.0
    stretch_offset = (x + y) * _STRETCH2
    xs = x + stretch_offset
    ys = y + stretch_offset
    # floor in floating point and convert once: the same values as opensimplex's
    # integer floor (exact below 2**53) without int -> float round trips
    fxs = np.floor(xs)
    fys = np.floor(ys)
    xsb = np.int64(fxs)
    ysb = np.int64(fys)
    squish_offset = (fxs + fys) * _SQUISH2
    xins = xs - fxs
    yins = ys - fys
    in_sum = xins + yins
    dx0 = x - (fxs + squish_offset)
    dy0 = y - (fys + squish_offset)
    xgt = xins > yins
    up = in_sum > 1
    zins = 2 - in_sum if up else 1 - in_sum
    near0 = (zins < xins or zins < yins) if up else (zins > xins or zins > yins)
    ex_lo = (1 if xgt else -1) if near0 else 1
    ey_lo = (-1 if xgt else 1) if near0 else 1
    ex_up = (2 if xgt else 0) if near0 else 0
    ey_up = (0 if xgt else 2) if near0 else 0
    ex = ex_up if up else ex_lo
    ey = ey_up if up else ey_lo
    b = 1 if up else 0
    value = 0.0
    value += _vertex2(perm, xsb, ysb, dx0, dy0, 1, 0)
    value += _vertex2(perm, xsb, ysb, dx0, dy0, 0, 1)
    value += _vertex2(perm, xsb, ysb, dx0, dy0, b, b)
    value += _vertex2(perm, xsb, ysb, dx0, dy0, ex, ey)
    value = value / _NORM2
    return value if ok else nan


@njit(cache=True)
def simplex2_at(x, y, perm):
    """OpenSimplex 2D at (x, y); range about [-1, 1]; NaN for non-finite input.

    Same arithmetic as opensimplex's ``_noise2`` (bit-identical results), but
    written without data-dependent branches: the region tests of the original
    only pick which lattice offsets (vx, vy) the third and fourth vertices use,
    and every vertex offset obeys d = (d0 - v) - (vx + vy) * SQUISH, so the
    choices become integer selects and out-of-range vertices contribute
    0 * gradient. Random branches cost more than the arithmetic they skip.
    """
    return _simplex2(x, y, perm)


@njit(cache=True)
def simplex3_at(x, y, z, perm):
    """OpenSimplex 3D at (x, y, z); range about [-1, 1]; NaN for non-finite input."""
    if not (x - x == 0.0 and y - y == 0.0 and z - z == 0.0):
        return nan
    return _noise3(x, y, z, perm)


@njit(cache=True)
def simplex4_at(x, y, z, w, perm):
    """OpenSimplex 4D at (x, y, z, w); range about [-1, 1]; NaN for non-finite input."""
    if not (x - x == 0.0 and y - y == 0.0 and z - z == 0.0 and w - w == 0.0):
        return nan
    return _noise4(x, y, z, w, perm)
