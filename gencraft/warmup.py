"""Compile gencraft's Numba kernels once, at set-up, so a new user's first render is fast.

``python -m gencraft.warmup`` (run by ``make setup``, so by ``make demo`` and
``make test``) renders every bundled sketch small, with a few token seeds so
the parameter choices that pick other kernels are covered. Each kernel is
``@njit(cache=True)``: compiling it here writes it to Numba's on-disk cache,
and every later process (a render, the live server, an edition's workers)
loads it in milliseconds instead of compiling it (about 45 s for all kernels
on a 2-core machine, ~20 s for one sketch).

Where the cache lives (chosen in :mod:`gencraft.numba_cache` when gencraft is
imported): ``NUMBA_CACHE_DIR`` if you set it; else Numba's default, a
``__pycache__`` folder beside each source file, when the installed package is
writable (a checkout, ``pip install -e``, a user's own virtualenv); else, when
site-packages is read-only, ``$XDG_CACHE_HOME/gencraft/numba`` (by default
``~/.cache/gencraft/numba``), so the warm-up run by that user still pays off.
Run it again after upgrading gencraft or Numba; it is always safe to delete the
cache.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKETCHES = ROOT / "sketches"


def _engines() -> None:
    """Engine kernels no bundled sketch may reach: compiled on small inputs."""
    import numpy as np

    from gencraft import noise

    x, y = np.linspace(0, 3, 8), np.linspace(0, 2, 5)
    for base in ("simplex", "opensimplex2", "perlin"):
        noise.fbm(x[None, :], y[:, None], base=base)
        noise.fbm(x, y[:1], base=base)
    noise.simplex2(0.5, 0.5), noise.simplex3(0.5, 0.5, 0.5), noise.simplex4(0.1, 0.2, 0.3, 0.4)
    noise.simplex3(x[None, None, :], y[None, :, None], x[:2, None, None])
    noise.curl2(x, x), noise.warp(x, x)


def warm(sketch_dir: Path = SKETCHES, size: int = 96, seeds: int = 3, out=sys.stderr) -> float:
    """Render every sketch in `sketch_dir` at `size` for `seeds` token seeds; returns seconds."""
    from gencraft.render import render
    from gencraft.sketch import load_sketch

    t0 = time.perf_counter()
    paths = sorted(p for p in Path(sketch_dir).glob("*.py") if not p.name.startswith("_")) \
        if Path(sketch_dir).is_dir() else []
    for path in paths:
        t = time.perf_counter()
        try:
            sketch = load_sketch(path)
            for seed in range(seeds):
                render(sketch, None, seed, (size, size))
        except Exception as exc:  # noqa: BLE001 - warming is an optimisation; report and go on
            print(f"warm-up: {path.name}: {type(exc).__name__}: {exc}", file=out)
            continue
        print(f"warm-up: {path.name} {time.perf_counter() - t:.1f} s", file=out, flush=True)
    try:
        _engines()
    except Exception as exc:  # noqa: BLE001
        print(f"warm-up: engines: {type(exc).__name__}: {exc}", file=out)
    return time.perf_counter() - t0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m gencraft.warmup", description=__doc__.split("\n\n")[0])
    ap.add_argument("--sketches", default=str(SKETCHES), help="folder of sketches to render (default: the bundled ones)")
    ap.add_argument("--size", type=int, default=96)
    ap.add_argument("--seeds", type=int, default=3)
    args = ap.parse_args(argv)
    from gencraft.numba_cache import cache_dir

    seconds = warm(Path(args.sketches), args.size, args.seeds)
    print(f"warm-up: compiled kernels cached in {cache_dir()} ({seconds:.0f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
