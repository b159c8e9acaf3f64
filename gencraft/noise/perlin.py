"""Ken Perlin's improved noise (SIGGRAPH 2002), Numba scalar kernels.

A line-by-line port of the reference Java ``ImprovedNoise.noise(x, y, z)``:
quintic fade, 12 edge gradients picked by ``hash & 15``, and the reference
permutation. ``perlin3_at`` uses the reference table (values match the Java
code); ``perlin3_seeded_at`` reads a seed-shuffled table from the packed
``perm`` array (seed 0 is the reference order). Range is about [-1, 1].
"""
from __future__ import annotations

from math import floor, nan

from numba import njit

from gencraft.noise.tables import OFF_PERLIN, PERLIN_REFERENCE

_P = PERLIN_REFERENCE.copy()


@njit(cache=True, inline="always")
def _fade(t):
    return t * t * t * (t * (t * 6 - 15) + 10)


@njit(cache=True, inline="always")
def _lerp(t, a, b):
    return a + t * (b - a)


@njit(cache=True, inline="always")
def _grad(hash_, x, y, z):
    h = hash_ & 15
    u = x if h < 8 else y
    v = y if h < 4 else (x if (h == 12 or h == 14) else z)
    return (u if (h & 1) == 0 else -u) + (v if (h & 2) == 0 else -v)


@njit(cache=True, inline="always")
def _perlin3(x, y, z, p, off):
    if not (x - x == 0.0 and y - y == 0.0 and z - z == 0.0):
        return nan
    fx = floor(x)
    fy = floor(y)
    fz = floor(z)
    X = int(fx) & 255
    Y = int(fy) & 255
    Z = int(fz) & 255
    x -= fx
    y -= fy
    z -= fz
    u = _fade(x)
    v = _fade(y)
    w = _fade(z)
    A = p[off + X] + Y
    AA = p[off + (A & 255)] + Z
    AB = p[off + ((A + 1) & 255)] + Z
    B = p[off + ((X + 1) & 255)] + Y
    BA = p[off + (B & 255)] + Z
    BB = p[off + ((B + 1) & 255)] + Z
    return _lerp(w, _lerp(v, _lerp(u, _grad(p[off + (AA & 255)], x, y, z),
                                   _grad(p[off + (BA & 255)], x - 1, y, z)),
                          _lerp(u, _grad(p[off + (AB & 255)], x, y - 1, z),
                                _grad(p[off + (BB & 255)], x - 1, y - 1, z))),
                 _lerp(v, _lerp(u, _grad(p[off + ((AA + 1) & 255)], x, y, z - 1),
                                _grad(p[off + ((BA + 1) & 255)], x - 1, y, z - 1)),
                       _lerp(u, _grad(p[off + ((AB + 1) & 255)], x, y - 1, z - 1),
                             _grad(p[off + ((BB + 1) & 255)], x - 1, y - 1, z - 1))))


@njit(cache=True)
def perlin3_at(x, y, z):
    """Reference improved Perlin noise at (x, y, z) (Perlin's own permutation)."""
    return _perlin3(x, y, z, _P, 0)


@njit(cache=True)
def perlin3_seeded_at(x, y, z, perm):
    """Improved Perlin noise with the seed-shuffled permutation in ``perm``."""
    return _perlin3(x, y, z, perm, OFF_PERLIN)
