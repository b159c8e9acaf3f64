"""Where Numba keeps gencraft's compiled kernels (see :mod:`gencraft.warmup`).

Chosen once, when ``gencraft`` is imported and before any kernel is defined:

1. ``NUMBA_CACHE_DIR``, when the user set it;
2. Numba's default, ``__pycache__`` beside each source file, when the package
   folder is writable;
3. otherwise (site-packages read-only: a system or container install)
   ``$XDG_CACHE_HOME/gencraft/numba``, by default ``~/.cache/gencraft/numba``,
   set as ``NUMBA_CACHE_DIR`` so worker processes use it too.

Imports only the standard library (``gencraft --help`` must not load Numba).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def user_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "gencraft" / "numba"


def _writable(folder: Path) -> bool:
    pycache = folder / "__pycache__"
    target = pycache if pycache.is_dir() else folder
    return os.access(target, os.W_OK)


def configure() -> None:
    """Point Numba at a writable cache when the package folder is not writable."""
    if os.environ.get("NUMBA_CACHE_DIR") or _writable(PACKAGE):
        return
    folder = str(user_cache_dir())
    os.environ["NUMBA_CACHE_DIR"] = folder
    config = sys.modules.get("numba.core.config")
    if config is not None:  # numba was imported first: its config already read the environment
        config.CACHE_DIR = folder


def cache_dir() -> str:
    """The folder in use, in words."""
    folder = os.environ.get("NUMBA_CACHE_DIR")
    return folder if folder else f"__pycache__ folders beside gencraft's sources ({PACKAGE})"
