"""Training data for the tiny diffusion model: renders of gencraft's own sketches, cached once.

Every art sketch in ``sketches/`` (fixtures, whose docstring says so, are left
out) is rendered for many token hashes: each hash draws the sketch's palette,
scale and composition, so N hashes give N different pictures of one work
(``gencraft.render.render(path, None, seed=hash, size=(S, S))``, the same
path an edition takes). The training hashes come from one collection seed and
the held-out hashes from another, so evaluation images were never seen.

Renders are flattened over white (as ``refine`` flattens its input) and stored
as one ``.npz`` per configuration in a cache folder; the file name carries a
digest of the sketch sources, the size and the counts, so a changed sketch is
rendered again and an unchanged one never is. Rendering uses a process pool
(``workers``); the result does not depend on it (renders are byte-identical
for a hash).
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


def _digest(paths: list[Path], size: int, per_sketch: int, collection: str) -> str:
    h = hashlib.sha256(json.dumps([size, per_sketch, collection]).encode())
    for p in paths:
        h.update(p.stem.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:16]


def render_set(paths: list[Path], per_sketch: int, size: int = 64, collection: str = TRAIN_COLLECTION,
               cache_dir: str | Path | None = None, workers: int = 1, progress: bool = True) -> RenderSet:
    """``per_sketch`` renders of each sketch in ``paths`` (kinds in that order), from the cache when there."""
    from gencraft.errors import UserError
    from gencraft.seeds import collection_hashes

    kinds = [p.stem for p in paths]
    cache = None
    if cache_dir is not None:
        cache = Path(cache_dir) / f"renders-{size}px-{per_sketch}x{len(paths)}-{_digest(paths, size, per_sketch, collection)}.npz"
        if cache.is_file():
            with np.load(cache, allow_pickle=False) as data:
                return RenderSet(data["images"], data["labels"], list(data["kinds"]), list(data["hashes"]))
    tokens = collection_hashes(collection, per_sketch)
    jobs = [(str(p), t, size) for p in paths for t in tokens]
    labels = np.repeat(np.arange(len(paths), dtype=np.int64), per_sketch)
    from tqdm import tqdm

    bar = tqdm(total=len(jobs), desc=f"rendering {size} px training data", unit="render", disable=not progress,
               dynamic_ncols=True)
    if workers > 1:
        import multiprocessing as mp

        with mp.get_context("spawn").Pool(workers) as pool:
            images = []
            for img in pool.imap(_render_one, jobs, chunksize=4):
                images.append(img)
                bar.update()
    else:
        images = []
        for job in jobs:
            images.append(_render_one(job))
            bar.update()
    bar.close()
    hashes = [t for _ in paths for t in tokens]
    ok = [i for i, img in enumerate(images) if not isinstance(img, str)]
    failed = [img for img in images if isinstance(img, str)]
    if failed:
        import warnings

        warnings.warn(f"{len(failed)} of {len(images)} renders failed and are left out, e.g. {failed[0]}")
    if not ok:
        raise UserError(f"every render failed, e.g. {failed[0]}")
    out = RenderSet(np.stack([images[i] for i in ok]), labels[ok], kinds, [hashes[i] for i in ok])
    if cache is not None:
        from gencraft.atomic import atomic_path

        cache.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(cache) as tmp:
            with open(tmp, "wb") as fh:
                np.savez(fh, images=out.images, labels=out.labels, kinds=np.array(kinds),
                         hashes=np.array(out.hashes))
    return out


def default_cache_dir() -> Path:
    """``$GENCRAFT_CACHE/tiny-diffusion`` or ``~/.cache/gencraft/tiny-diffusion``."""
    base = os.environ.get("GENCRAFT_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "gencraft")
    return Path(base) / "tiny-diffusion"
