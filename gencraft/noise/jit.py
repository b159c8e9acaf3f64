"""``gencraft.noise`` inside a user's own ``@numba.njit`` function.

Registers Numba implementations of the per-point functions, so that

    @njit
    def kernel(xs, ys, tbl):
        for i in range(xs.size):
            out[i] = noise.simplex2(xs[i], ys[i], tbl)

compiles ``noise.simplex2`` into the user's kernel (no Python call per point).
Coordinates must be scalars there. The seed argument is either a table from
``noise.table(seed)`` made once outside (the usual way), an integer constant
written in the kernel (its table is built at compile time and frozen into the
code), or left out (seed 0). A seed that is a run-time integer cannot work
without building a table per call, so it is refused with a message saying what
to do instead.
"""
from __future__ import annotations

from numba import types
from numba.core.errors import TypingError
from numba.extending import overload

from gencraft import noise as _api
from gencraft.noise.os2 import os2_2d_at
from gencraft.noise.perlin import perlin3_seeded_at
from gencraft.noise.simplex import _simplex2 as simplex2_inline, simplex3_at, simplex4_at
from gencraft.noise.tables import OFF_SEED, perm_for_seed


def _check_coords(name, *coords):
    for c in coords:
        if not isinstance(c, (types.Integer, types.Float)):
            raise TypingError(f"gencraft.noise.{name} in @njit code takes scalar coordinates, got {c}; "
                              "loop over your arrays and call it per point")


def _constant_table(name, seed):
    """The table to freeze into the kernel for a constant seed, or None when `seed` is a table argument."""
    if isinstance(seed, types.Array):
        if seed.ndim != 1 or seed.dtype != types.int64:
            raise TypingError(f"gencraft.noise.{name}: a table must be noise.table(seed) (1-D int64), got {seed}")
        return None
    if isinstance(seed, int) and not isinstance(seed, bool):  # left out: the default, 0
        return perm_for_seed(seed)
    if isinstance(seed, types.Omitted):
        return perm_for_seed(seed.value)
    if isinstance(seed, types.IntegerLiteral):
        return perm_for_seed(seed.literal_value)
    raise TypingError(f"gencraft.noise.{name} in @njit code needs a table for a seed known only at run time: "
                      "make it once outside with tbl = noise.table(seed), pass tbl into your function, and call "
                      f"noise.{name}(..., tbl)")


@overload(_api.simplex2, prefer_literal=True)
def _simplex2(x, y, seed=0):
    _check_coords("simplex2", x, y)
    tbl = _constant_table("simplex2", seed)
    if tbl is None:
        return lambda x, y, seed=0: simplex2_inline(float(x), float(y), seed)  # inlined: user loops can vectorise
    return lambda x, y, seed=0: simplex2_inline(float(x), float(y), tbl)


@overload(_api.simplex3, prefer_literal=True)
def _simplex3(x, y, z, seed=0):
    _check_coords("simplex3", x, y, z)
    tbl = _constant_table("simplex3", seed)
    if tbl is None:
        return lambda x, y, z, seed=0: simplex3_at(float(x), float(y), float(z), seed)
    return lambda x, y, z, seed=0: simplex3_at(float(x), float(y), float(z), tbl)


@overload(_api.simplex4, prefer_literal=True)
def _simplex4(x, y, z, w, seed=0):
    _check_coords("simplex4", x, y, z, w)
    tbl = _constant_table("simplex4", seed)
    if tbl is None:
        return lambda x, y, z, w, seed=0: simplex4_at(float(x), float(y), float(z), float(w), seed)
    return lambda x, y, z, w, seed=0: simplex4_at(float(x), float(y), float(z), float(w), tbl)


@overload(_api.opensimplex2, prefer_literal=True)
def _opensimplex2(x, y, seed=0):
    _check_coords("opensimplex2", x, y)
    tbl = _constant_table("opensimplex2", seed)
    if tbl is None:
        return lambda x, y, seed=0: os2_2d_at(float(x), float(y), seed[OFF_SEED])
    s = int(tbl[OFF_SEED])
    return lambda x, y, seed=0: os2_2d_at(float(x), float(y), s)


@overload(_api.perlin3, prefer_literal=True)
def _perlin3(x, y, z, seed=0):
    _check_coords("perlin3", x, y, z)
    tbl = _constant_table("perlin3", seed)
    if tbl is None:
        return lambda x, y, z, seed=0: perlin3_seeded_at(float(x), float(y), float(z), seed)
    return lambda x, y, z, seed=0: perlin3_seeded_at(float(x), float(y), float(z), tbl)
