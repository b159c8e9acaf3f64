"""Seed -> lookup tables for the noise kernels, packed into one int64 array.

Why one array: Numba kernels elsewhere (particles, flow fields) take a single
``perm`` argument and hand it to any of the scalar noise functions, so every
table a kernel might need travels together.

Layout of ``perm_for_seed(seed)`` (length ``PERM_SIZE``):

- ``[0:256]``    the OpenSimplex permutation, identical to ``opensimplex``'s
  ``OpenSimplex(seed)._perm`` (same LCG shuffle), so values match that package;
- ``[256:512]``  opensimplex's ``perm_grad_index3`` (3D gradient offsets);
- ``[512:768]``  Ken Perlin's 2002 permutation, shuffled by the seed (seed 0
  keeps the reference order, so ``perlin3`` with seed 0 is the reference);
- ``[768]``      the seed itself as int64 (for OpenSimplex2, which hashes with
  the seed instead of a table).
"""
from __future__ import annotations

import numpy as np

PERM_SIZE = 769
OFF_GRAD3 = 256
OFF_PERLIN = 512
OFF_SEED = 768

# Ken Perlin, "Improving Noise" (SIGGRAPH 2002), reference Java ImprovedNoise.
PERLIN_REFERENCE = np.array([
    151, 160, 137, 91, 90, 15, 131, 13, 201, 95, 96, 53, 194, 233, 7, 225, 140, 36, 103, 30, 69, 142,
    8, 99, 37, 240, 21, 10, 23, 190, 6, 148, 247, 120, 234, 75, 0, 26, 197, 62, 94, 252, 219, 203, 117,
    35, 11, 32, 57, 177, 33, 88, 237, 149, 56, 87, 174, 20, 125, 136, 171, 168, 68, 175, 74, 165, 71,
    134, 139, 48, 27, 166, 77, 146, 158, 231, 83, 111, 229, 122, 60, 211, 133, 230, 220, 105, 92, 41,
    55, 46, 245, 40, 244, 102, 143, 54, 65, 25, 63, 161, 1, 216, 80, 73, 209, 76, 132, 187, 208, 89,
    18, 169, 200, 196, 135, 130, 116, 188, 159, 86, 164, 100, 109, 198, 173, 186, 3, 64, 52, 217, 226,
    250, 124, 123, 5, 202, 38, 147, 118, 126, 255, 82, 85, 212, 207, 206, 59, 227, 47, 16, 58, 17, 182,
    189, 28, 42, 223, 183, 170, 213, 119, 248, 152, 2, 44, 154, 163, 70, 221, 153, 101, 155, 167, 43,
    172, 9, 129, 22, 39, 253, 19, 98, 108, 110, 79, 113, 224, 232, 178, 185, 112, 104, 218, 246, 97,
    228, 251, 34, 242, 193, 238, 210, 144, 12, 191, 179, 162, 241, 81, 51, 145, 235, 249, 14, 239,
    107, 49, 192, 214, 31, 181, 199, 106, 157, 184, 84, 204, 176, 115, 121, 50, 45, 127, 4, 150, 254,
    138, 236, 205, 93, 222, 114, 67, 29, 24, 72, 243, 141, 128, 195, 78, 66, 215, 61, 156, 180,
], dtype=np.int64)

_MASK64 = (1 << 64) - 1
_LCG_A = 6364136223846793005
_LCG_C = 1442695040888963407


def _wrap64(v: int) -> int:
    """Two's-complement int64 wrap (what Java/C longs do on overflow)."""
    v &= _MASK64
    return v - (1 << 64) if v >= (1 << 63) else v


def _opensimplex_tables(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The permutation of the `opensimplex` package (its ``_init``), bit for bit."""
    perm = np.zeros(256, dtype=np.int64)
    grad3 = np.zeros(256, dtype=np.int64)
    source = list(range(256))
    s = _wrap64(seed * _LCG_A + _LCG_C)
    s = _wrap64(s * _LCG_A + _LCG_C)
    s = _wrap64(s * _LCG_A + _LCG_C)
    for i in range(255, -1, -1):
        s = _wrap64(s * _LCG_A + _LCG_C)
        r = int((s + 31) % (i + 1))
        if r < 0:
            r += i + 1
        perm[i] = source[r]
        grad3[i] = int((perm[i] % 24) * 3)  # 24 = len(GRADIENTS3) / 3
        source[r] = source[i]
    return perm, grad3


def _check_seed(seed) -> int:
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        from gencraft.errors import UserError

        raise UserError(f"noise seed must be an integer, got {seed!r}")
    return _wrap64(int(seed))


_CACHE: dict[int, np.ndarray] = {}


def shared_table(seed: int) -> np.ndarray:
    """The cached table for ``seed``, not copied: for gencraft's own hot paths, which never write to it."""
    s = _check_seed(seed)
    table = _CACHE.get(s)
    if table is None:
        perm, grad3 = _opensimplex_tables(s)
        perlin = PERLIN_REFERENCE.copy()
        if s != 0:
            np.random.Generator(np.random.PCG64(s & _MASK64)).shuffle(perlin)
        table = np.concatenate([perm, grad3, perlin, np.array([s], dtype=np.int64)])
        if len(_CACHE) > 64:
            _CACHE.clear()
        _CACHE[s] = table
    return table


def perm_for_seed(seed: int) -> np.ndarray:
    """All lookup tables for ``seed`` in one int64 array (see module docstring).

    Any Python int is accepted (wrapped to int64). The result is a fresh array
    each call, so callers may keep or modify it freely.
    """
    return shared_table(seed).copy()
