"""Imported by the pool's fork server: pay start-up costs once, not once per worker.

Importing the renderer and drawing one tiny batch of polylines loads numba and
the canvas's compiled kernel (from numba's on-disk cache) in the server, so
every worker forked from it starts warm. Only non-parallel kernels run here:
numba's threading layer, which is not fork-safe, is never started.
"""
from __future__ import annotations


def _warm() -> None:
    try:
        import numpy as np

        from gencraft.draw.canvas import Canvas
        from gencraft.editions import token  # noqa: F401  (the worker entry point and its imports)

        c = Canvas(8, 8, "png")
        c.stroke("#000000", width=1.0)
        c.polylines(np.array([[0.0, 0.0], [4.0, 4.0], [8.0, 0.0]]), np.array([0, 3]))
        c.to_array()
    except Exception:  # warming is an optimisation; a worker will report real errors itself
        pass


_warm()
