"""Training data for the tiny diffusion model: renders of gencraft's own sketches, cached once.

Every art sketch in ``sketches/`` (fixtures, whose docstring says so, are left
out) is rendered for many token hashes: each hash draws the sketch's palette,
scale and composition, so N hashes give N different pictures of one work
(``gencraft.render.render(path, None, seed=hash, size=(S, S))``, the same
path an edition takes). The training hashes come from one collection seed and
the held-out hashes from another, so evaluation images were never seen.

Renders are flattened over white (as ``refine`` flattens its input) and stored
as one ``.npz`` per sketch in a cache folder; the file name carries a digest
of the sketch's source, the size, the count and the collection seed, so a
changed sketch is rendered again and an unchanged one never is. Rendering uses
a process pool (``workers``); the result does not depend on it (renders are
byte-identical for a hash).
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

TRAIN_COLLECTION = "gencraft-tiny-diffusion/train"
HELDOUT_COLLECTION = "gencraft-tiny-diffusion/held-out"
SKETCH_DIR = Path(__file__).resolve().parents[4] / "sketches"


@dataclass
class RenderSet:
    """(N, S, S, 3) uint8 renders with their sketch kind (index into ``kinds``) and token hash."""

    images: np.ndarray
    labels: np.ndarray
    kinds: list[str]
    hashes: list[str]

    def __len__(self) -> int:
        return len(self.labels)

    def subset(self, index) -> "RenderSet":
        index = np.asarray(index)
        return RenderSet(self.images[index], self.labels[index], self.kinds, [self.hashes[i] for i in index])


def art_sketches(folder: str | Path | None = None, names: list[str] | None = None) -> list[Path]:
    """The bundled art sketches, by name (a sketch whose description says 'fixture' is not art)."""
    from gencraft.errors import UserError
    from gencraft.sketch import load_sketch

    folder = Path(folder) if folder else SKETCH_DIR
    paths = {p.stem: p for p in sorted(folder.glob("*.py")) if not p.name.startswith("_")}
    if names:
        missing = [n for n in names if n not in paths]
        if missing:
            raise UserError(f"unknown sketch {missing[0]!r}: expected one of {', '.join(sorted(paths))}")
        chosen = [paths[n] for n in names]
    else:
        chosen = list(paths.values())
    return [p for p in chosen if "fixture" not in load_sketch(p).description.lower()]


def _render_one(job: tuple[str, str, int]) -> np.ndarray | str:
    """The render, or the one-line error of a sketch that fails for this hash (it is left out)."""
    from gencraft.errors import UserError
    from gencraft.ml.refine.control import flatten_rgb
    from gencraft.render import render

    path, token, size = job
    try:
        return flatten_rgb(render(path, None, seed=token, size=(size, size)).rgba)
    except UserError as exc:
        return f"{Path(path).stem} {token}: {str(exc).splitlines()[0]}"


def _map_renders(pool, jobs: list, sketch: Path):
    """:func:`_render_one` over ``jobs`` in order, in ``pool`` (or here when None);
    a worker that dies stops the run with an error naming the sketch."""
    from concurrent.futures.process import BrokenProcessPool

    if pool is None:
        yield from map(_render_one, jobs)
        return
    try:
        yield from pool.map(_render_one, jobs, chunksize=2)
    except BrokenProcessPool as exc:
        raise RuntimeError(f"a render worker died while rendering {sketch.name} (a crash, or out of memory): "
                           "the run stops here; sketches rendered before it are cached") from exc


def _digest(path: Path, size: int, per_sketch: int, collection: str) -> str:
    h = hashlib.sha256(json.dumps([size, per_sketch, collection]).encode())
    h.update(path.read_bytes())
    return h.hexdigest()[:16]


def render_set(paths: list[Path], per_sketch: int, size: int = 64, collection: str = TRAIN_COLLECTION,
               cache_dir: str | Path | None = None, workers: int = 1, progress: bool = True) -> RenderSet:
    """``per_sketch`` renders of each sketch in ``paths`` (kinds in that order), from the cache when there.

    Each sketch is cached in its own file as soon as it is rendered, so an interrupted run keeps
    the sketches it finished. A hash the sketch fails on is left out (with a warning).
    """
    from tqdm import tqdm

    from gencraft.errors import UserError
    from gencraft.seeds import collection_hashes

    kinds = [p.stem for p in paths]
    tokens = collection_hashes(collection, per_sketch)
    parts: list[tuple[np.ndarray, list[str]]] = []
    todo = []
    for p in paths:
        cache = None
        if cache_dir is not None:
            cache = Path(cache_dir) / f"renders-{p.stem}-{size}px-{per_sketch}-{_digest(p, size, per_sketch, collection)}.npz"
        if cache is not None and cache.is_file():
            with np.load(cache, allow_pickle=False) as data:
                parts.append((data["images"], list(data["hashes"])))
        else:
            parts.append(None)
            todo.append((len(parts) - 1, p, cache))
    bar = tqdm(total=len(todo) * per_sketch, desc=f"rendering {size} px data ({collection})", unit="render",
               disable=not progress or not todo, dynamic_ncols=True)
    pool = None
    if workers > 1 and todo:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        # not multiprocessing.Pool: when one of its workers dies (a crash, the OOM killer) it
        # starts another and waits forever for the lost job; this raises BrokenProcessPool
        pool = ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn"))
    failed: list[str] = []
    try:
        for slot, p, cache in todo:
            jobs = [(str(p), t, size) for t in tokens]
            results = []
            for img in _map_renders(pool, jobs, p):
                results.append(img)
                bar.update()
            failed += [r for r in results if isinstance(r, str)]
            ok = [i for i, r in enumerate(results) if not isinstance(r, str)]
            images = np.stack([results[i] for i in ok]) if ok else np.zeros((0, size, size, 3), np.uint8)
            hashes = [tokens[i] for i in ok]
            parts[slot] = (images, hashes)
            if cache is not None:
                from gencraft.atomic import atomic_path

                cache.parent.mkdir(parents=True, exist_ok=True)
                with atomic_path(cache) as tmp:
                    with open(tmp, "wb") as fh:
                        np.savez(fh, images=images, hashes=np.array(hashes, dtype=str))
    finally:
        bar.close()
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    if failed:
        import warnings

        warnings.warn(f"{len(failed)} renders failed and are left out, e.g. {failed[0]}")
    if not any(len(h) for _, h in parts):
        raise UserError("every render failed" + (f", e.g. {failed[0]}" if failed else ""))
    images = np.concatenate([im for im, _ in parts])
    labels = np.concatenate([np.full(len(h), k, np.int64) for k, (_, h) in enumerate(parts)])
    return RenderSet(images, labels, kinds, [t for _, h in parts for t in h])


def default_cache_dir() -> Path:
    """``$GENCRAFT_CACHE/tiny-diffusion`` or ``~/.cache/gencraft/tiny-diffusion``."""
    base = os.environ.get("GENCRAFT_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "gencraft")
    return Path(base) / "tiny-diffusion"
