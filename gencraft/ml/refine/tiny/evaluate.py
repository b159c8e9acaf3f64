"""Is the tiny diffusion model's output art or noise? Measured on renders it never saw.

FID-like statistics: images are embedded with the bundled tiny CLIP's image
tower (L2-normalised embeddings), a Gaussian is fitted to each set, and the
Fréchet distance ``|mu1 - mu2|^2 + Tr(S1 + S2 - 2 (S1 S2)^1/2)`` (Heusel et al.
2017, with the tiny CLIP in place of Inception) is computed against a
reference set of held-out renders. The held-out renders come from another
collection seed than the training data; half of them are the reference, the
other half are the inputs to refine. The same measurements are taken with a
random-weight model of the same architecture in the same pipeline, and the
floor -- the second half of the held-out renders as they are -- says what
"as close as real renders" looks like for sets this size.

It also draws the README grid: held-out renders refined at three strengths.
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import torch

STRENGTHS = (0.3, 0.6)   # refinements measured (plus samples from pure noise)
GRID_STRENGTHS = (0.3, 0.5, 0.8)


def frechet_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Fréchet distance between Gaussians fitted to the rows of ``a`` and ``b``."""
    from scipy import linalg

    a = np.asarray(a, np.float64)
    b = np.asarray(b, np.float64)
    mu1, mu2 = a.mean(0), b.mean(0)
    s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    covmean = linalg.sqrtm(s1 @ s2)
    if not np.isfinite(covmean).all():
        eps = np.eye(len(s1)) * 1e-6
        covmean = linalg.sqrtm((s1 + eps) @ (s2 + eps))
    covmean = np.real(covmean)
    return float(((mu1 - mu2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean))


def random_pipeline(pipe, seed: int = 0):
    """The same pipeline class, scheduler and UNet config, with freshly initialised (untrained) weights."""
    from diffusers import UNet2DModel

    torch.manual_seed(seed)
    unet = UNet2DModel.from_config(pipe.unet.config)
    unet.eval()
    return type(pipe)(unet=unet, scheduler=pipe.scheduler, kinds=pipe.config.kinds)


def _run(pipe, images: np.ndarray, labels: np.ndarray, strength: float, steps: int, seed: int,
         by_kind: bool) -> np.ndarray:
    """Refine ``images`` (uint8 N,H,W,3) at ``strength``, all "any sketch" or each with its own kind."""
    out = []
    groups = [(np.flatnonzero(labels == k), int(k)) for k in np.unique(labels)] if by_kind else \
        [(np.arange(len(images)), None)]
    for idx, label in groups:
        g = torch.Generator("cpu").manual_seed(seed)
        res = pipe(image=list(images[idx]), strength=strength, num_inference_steps=steps, generator=g,
                   output_type="np", class_label=label)
        out.append((idx, np.clip(np.rint(res.images * 255), 0, 255).astype(np.uint8)))
    result = np.empty_like(images)
    for idx, imgs in out:
        result[idx] = imgs
    return result


def evaluate(model_dir: str | Path, *, per_sketch: int = 16, steps: int = 25, seed: int = 0,
             cache_dir: str | Path | None = None, workers: int = 1, threads: int = 1, grid: bool = True,
             progress: bool = True) -> dict:
    """FID-like distances for the trained and a random-weight model; writes grid.png into the folder
    when ``grid``. Returns the evaluation record (also stored in training.json by :func:`record`)."""
    from gencraft.ml.clip.model import load_clip
    from gencraft.ml.refine.tiny.dataset import HELDOUT_COLLECTION, art_sketches, default_cache_dir, render_set
    from gencraft.ml.refine.tiny.pipeline import TinyPixelDiffusionPipeline

    torch.set_num_threads(int(threads))
    t0 = time.perf_counter()
    model_dir = Path(model_dir)
    pipe = TinyPixelDiffusionPipeline.from_pretrained(str(model_dir), local_files_only=True, use_safetensors=True)
    pipe.set_progress_bar_config(disable=True)
    kinds = pipe.kinds
    size = int(pipe.unet.config.sample_size)
    paths = art_sketches(names=kinds)
    held = render_set(paths, per_sketch, size, collection=HELDOUT_COLLECTION,
                      cache_dir=cache_dir or default_cache_dir(), workers=workers, progress=progress)
    order = np.arange(len(held))
    ref_idx, in_idx = order[0::2], order[1::2]
    ref, inputs, in_labels = held.images[ref_idx], held.images[in_idx], held.labels[in_idx]
    clip = load_clip("tiny")

    def emb(images: np.ndarray) -> np.ndarray:
        return clip.embed_images(list(images)).numpy()

    ref_emb = emb(ref)
    floor = frechet_distance(emb(inputs), ref_emb)
    rand = random_pipeline(pipe, seed)
    rand.set_progress_bar_config(disable=True)
    rows = []
    outputs = {}
    settings = [(s, False, f"refined at strength {s:g} (\"any sketch\")") for s in STRENGTHS]
    settings.append((1.0, True, "sampled from noise (strength 1, each kind)"))
    for strength, by_kind, what in settings:
        row = {"what": what, "strength": strength}
        for name, p in (("trained", pipe), ("random", rand)):
            imgs = _run(p, inputs, in_labels, strength, steps, seed, by_kind)
            outputs[(name, strength)] = imgs
            row[name] = frechet_distance(emb(imgs), ref_emb)
        rows.append(row)
    record = {"reference": int(len(ref)), "inputs": int(len(inputs)), "collection_seed": HELDOUT_COLLECTION,
              "embedding": f"tiny CLIP image embeddings ({ref_emb.shape[1]}-d)", "steps": steps,
              "floor": floor, "rows": rows}
    if grid:
        from gencraft.atomic import write_bytes
        from gencraft.provenance import encode_png

        write_bytes(model_dir / "grid.png", encode_png(draw_grid(pipe, held, kinds, steps, seed), None))
        record["grid"] = "grid.png"
    record["seconds"] = round(time.perf_counter() - t0, 1)
    return record


def draw_grid(pipe, held, kinds: list[str], steps: int, seed: int, rows: int = 7, cell: int = 128) -> np.ndarray:
    """Held-out renders (one per kind, the first ``rows`` kinds spread over the list) and their
    refinements at GRID_STRENGTHS, prompt = the sketch's name."""
    from gencraft.draw.canvas import Canvas

    pick = np.linspace(0, len(kinds) - 1, min(rows, len(kinds))).round().astype(int)
    cols = 1 + len(GRID_STRENGTHS)
    pad, head, label_w = 8, 26, 100
    cv = Canvas(label_w + cols * (cell + pad) + pad, head + len(pick) * (cell + pad) + pad, "png")
    cv.background("#f4efe6")
    cv.no_stroke().fill("#222222")
    for j, title in enumerate(["held-out render"] + [f"strength {s:g}" for s in GRID_STRENGTHS]):
        cv.text(label_w + j * (cell + pad) + cell / 2, 18, title, size=13, align="center")
    for r, k in enumerate(pick):
        idx = int(np.flatnonzero(held.labels == k)[1])  # an input-half render (odd index within the kind)
        src = held.images[idx]
        y = head + r * (cell + pad)
        cv.fill("#222222").text(8, y + cell / 2 + 5, kinds[k], size=13)
        imgs = [src]
        for s in GRID_STRENGTHS:
            g = torch.Generator("cpu").manual_seed(seed)
            out = pipe(prompt=kinds[k], image=src, strength=s, num_inference_steps=steps, generator=g,
                       output_type="np").images[0]
            imgs.append(np.clip(np.rint(out * 255), 0, 255).astype(np.uint8))
        for j, img in enumerate(imgs):
            big = np.repeat(np.repeat(img, cell // img.shape[0], axis=0), cell // img.shape[1], axis=1)
            rgba = np.concatenate([big, np.full(big.shape[:2] + (1,), 255, np.uint8)], axis=2)
            cv.image(np.ascontiguousarray(rgba), label_w + j * (cell + pad), y, width=cell, height=cell)
    return cv.to_array()


def record(model_dir: str | Path, evaluation: dict) -> None:
    """Store an evaluation in the folder's training.json and regenerate the model card."""
    import json

    from gencraft.ml.refine.tiny.train import META_NAME, write_record

    model_dir = Path(model_dir)
    summary = json.loads((model_dir / META_NAME).read_text(encoding="utf-8"))
    summary["evaluation"] = evaluation
    write_record(model_dir, summary)
