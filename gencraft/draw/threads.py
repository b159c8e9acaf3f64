"""How many threads Canvas.polylines may draw with (see gencraft.draw.polylines).

Kept apart from draw_batch so that process pools can set it in their workers
without importing numba and libcairo bindings at start-up.
"""
from __future__ import annotations

import os

ENV = "GENCRAFT_DRAW_THREADS"


def draw_threads() -> int:
    """Threads for banded drawing: the usable cores, or GENCRAFT_DRAW_THREADS."""
    env = os.environ.get(ENV)
    if env:
        try:
            return max(1, int(env))
        except ValueError:
            pass
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def use_one_draw_thread() -> None:
    """For worker processes that already share the cores (editions, searches): no bands on top."""
    os.environ[ENV] = "1"
