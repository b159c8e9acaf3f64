"""Renders of the bundled sketches for the tiny CLIP, cached, with their measured look.

Each art sketch named in :data:`.sketch_captions.KINDS` is rendered for many
token hashes (a hash draws the token's palette, density and composition, so
the renders of one sketch vary the way an edition does). Training hashes and
held-out hashes come from different collection seeds, so the evaluation never
sees a training image. Rendering and caching are the tiny diffusion model's
(:func:`gencraft.ml.refine.tiny.dataset.render_set`): one ``.npz`` per sketch,
named by a digest of the sketch's source, so an edited sketch is rendered again.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gencraft.ml.clip.tiny.sketch_captions import KINDS, Look, measure

TRAIN_COLLECTION = "gencraft-tiny-clip/train"
HELDOUT_COLLECTION = "gencraft-tiny-clip/held-out"
#: renders are stored at this size and cropped/resized to the model's input when sampled
RENDER_SIZE = 128


@dataclass
class SketchSet:
    """(N, S, S, 3) uint8 renders, the sketch (file stem) of each, and what each looks like."""

    images: np.ndarray
    stems: list[str]
    looks: list[Look]

    def __len__(self) -> int:
        return len(self.stems)


def default_cache_dir() -> Path:
    """``$GENCRAFT_CACHE/tiny-clip`` or ``~/.cache/gencraft/tiny-clip``."""
    base = os.environ.get("GENCRAFT_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "gencraft")
    return Path(base) / "tiny-clip"


def sketch_set(per_sketch: int, collection: str = TRAIN_COLLECTION, sketches: list[str] | None = None,
               cache_dir: str | Path | None = None, workers: int = 1, progress: bool = True,
               size: int = RENDER_SIZE) -> SketchSet:
    """``per_sketch`` renders of each sketch (default: every sketch in KINDS), from the cache when there."""
    from gencraft.errors import UserError
    from gencraft.ml.refine.tiny.dataset import art_sketches, render_set

    names = list(sketches) if sketches else list(KINDS)
    unknown = [n for n in names if n not in KINDS]
    if unknown:
        raise UserError(f"unknown sketch {unknown[0]!r} for the tiny CLIP: expected one of {', '.join(KINDS)}")
    renders = render_set(art_sketches(names=names), per_sketch, size, collection,
                         cache_dir=cache_dir, workers=workers, progress=progress)
    stems = [renders.kinds[k] for k in renders.labels]
    return SketchSet(renders.images, stems, [measure(im) for im in renders.images])


def sample_crops(data: SketchSet, rng: np.random.Generator, n: int, size: int) -> tuple[np.ndarray, list[int]]:
    """n random square crops (80-100 % of the side, mirrored half the time) resized to ``size``.

    Returns (n, size, size, 4) uint8 RGBA (opaque) and the indices drawn. The
    crop keeps most of the picture, so the measured look still holds.
    """
    import torch
    import torch.nn.functional as F

    idx = rng.integers(len(data), size=n)
    S = data.images.shape[1]
    out = np.empty((n, size, size, 4), np.uint8)
    out[..., 3] = 255
    for j, i in enumerate(idx):
        side = int(rng.integers(int(S * 0.8), S + 1))
        y, x = rng.integers(0, S - side + 1, size=2)
        crop = data.images[i, y:y + side, x:x + side]
        if rng.random() < 0.5:
            crop = crop[:, ::-1]
        t = torch.from_numpy(np.ascontiguousarray(crop)).permute(2, 0, 1)[None].float()
        t = F.interpolate(t, size=(size, size), mode="bilinear", antialias=True, align_corners=False)
        out[j, ..., :3] = t[0].permute(1, 2, 0).round().clamp(0, 255).to(torch.uint8).numpy()
    return out, [int(i) for i in idx]
