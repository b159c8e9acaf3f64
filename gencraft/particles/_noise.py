"""The scalar noise kernels the fields call, from the noise engine.

Kept in one place so fields and streamlines do not care where noise comes
from: ``perm_for_seed(seed)`` packs the tables that ``noise2``/``noise3``
(OpenSimplex, values about [-1, 1]) read.
"""
from __future__ import annotations

import numpy as np

from gencraft.noise.kernels import perm_for_seed as _perm_for_seed, simplex2_at, simplex3_at

noise2 = simplex2_at
noise3 = simplex3_at


def perm_for_seed(seed: int) -> np.ndarray:
    """Noise tables for an integer seed (int64 array to pass into kernels)."""
    return np.ascontiguousarray(_perm_for_seed(int(seed)), dtype=np.int64)
