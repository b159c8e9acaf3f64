"""The sketch as its file says now: re-read on each call, loaded again only when the bytes changed.

A notebook runs beside the sketch file the artist is editing. Every notebook
helper takes a path or a loaded :class:`~gencraft.sketch.Sketch` and asks this
module for the current sketch, so an edit shows on the next call without
restarting the kernel, the way ``gencraft live`` reloads on save. A loaded
sketch object is re-read from its path too (while the file still exists).
"""
from __future__ import annotations

import threading
from pathlib import Path

from gencraft.live.worker import SketchCache
from gencraft.sketch import Sketch

_caches: dict[Path, SketchCache] = {}
_lock = threading.Lock()


def sketch_path(sketch: Sketch | str | Path) -> Path:
    """The file a sketch argument names."""
    return sketch.path if isinstance(sketch, Sketch) else Path(sketch)


def current(sketch: Sketch | str | Path) -> Sketch:
    """The sketch as its file is now (raises the sketch's error, as loading does)."""
    path = sketch_path(sketch)
    if isinstance(sketch, Sketch) and not path.is_file():
        return sketch  # made from a file that has gone: the object is all there is
    key = path.resolve()
    with _lock:
        cache = _caches.get(key)
        if cache is None:
            cache = _caches[key] = SketchCache(path)
    return cache.get()
