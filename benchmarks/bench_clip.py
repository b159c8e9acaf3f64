"""CLIP scoring throughput: end to end (render + preprocess + encode) against the forward pass alone.

The baseline is the model's image forward pass on an already-normalised batch
of the same size (a stream of several batches), timed in the same run; the ratio (baseline time / our time)
is the fraction of the model-only rate that scoring real renders achieves
(goal >= 0.8). Two end-to-end cases are measured:

- ``preprocess + encode``: uint8 renders in, embeddings out (what
  ``ClipModel.embed_images`` adds on top of the forward pass);
- ``render + preprocess + encode``: scenes drawn with gencraft's canvas by a
  process pool while the previous batch is encoded (a pipeline, as a seed
  triage would run it).

With ``--device cuda`` the same is reported for ViT-B-32 at 224 px. Its weights
are randomly initialised: no download is possible here and throughput does not
depend on the weight values. On CPU, ViT-B-32 runs only without ``--quick``.

Each end-to-end case is interleaved with the forward pass (harness.compare: a
warm-up call of each, kept apart as the first-call time, then A B A B); times
are medians per batch and the ratio is the median of per-pair ratios with
min-max. On a machine busier than its cores, torch's intra-op threads (one per
core by default) wait on each other at every op and times swing several-fold
from call to call; preprocessing is many small ops and is hit harder than the
forward pass. Compare a run with OMP_NUM_THREADS=1 ("torch threads" is noted):
there the tiny model's forward pass is ~1.3 ms an image and preprocessing
128 px uint8 input adds ~0.3 ms, so ~0.6-0.75x is its honest figure.
"""
from __future__ import annotations

import dataclasses
import os
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from benchmarks.harness import Result, Timing, best_time, compare


def _render_batch(seed: int, n: int, size: int) -> np.ndarray:
    """n captioned-scene renders at size x size (runs in a worker; no torch import)."""
    from gencraft.ml.clip.tiny.dataset import random_scene, render_scene
    rng = np.random.default_rng(seed)
    return np.stack([render_scene(random_scene(rng), rng, size) for _ in range(n)])


def _can_render() -> bool:
    try:
        import cairo  # noqa: F401
        return True
    except ImportError:
        return False


def _per_batch(t: Timing, n: int) -> Timing:
    """The same measurement with times per batch (a stream of `n` batches per call); ratios unchanged."""
    return dataclasses.replace(t, ours=t.ours / n, baseline=t.baseline / n, first_ours=t.first_ours / n,
                               first_baseline=t.first_baseline / n)


def _cases(model, label: str, batch: int, render_size: int, n_batches: int, pool, repeats: int):
    import torch

    if pool is not None:
        renders = _render_batch(0, batch, render_size)
    else:  # no pycairo here: time preprocessing + encoding on stand-in pixels
        renders = np.random.default_rng(0).integers(0, 256, (batch, render_size, render_size, 4), np.uint8)
    # the baseline input is exactly what the pipeline feeds the model (same values and layout)
    x = model.preprocess.from_uint8(torch.from_numpy(renders).to(model.device))

    def sync():
        if model.device.type == "cuda":
            torch.cuda.synchronize()

    def forward_only():
        with torch.inference_mode(), model._autocast():
            for _ in range(n_batches):
                model.model.encode_image(x)
        sync()

    stream = [im for _ in range(n_batches) for im in renders]  # n_batches batches of new arrays

    def embed():
        model.embed_images(stream)
        sync()

    def pipeline():
        # workers render batch k+1.. while this process preprocesses and encodes batch k
        futures = [pool.submit(_render_batch, s, batch, render_size) for s in range(n_batches)]
        for f in futures:
            model.embed_images(f.result())
        sync()

    t = _per_batch(compare(embed, forward_only, repeats=repeats), n_batches)
    base = f"{label} forward only"
    results = [
        Result("clip", f"{label}: preprocess + encode, {n_batches} batches of {batch}, {render_size}px uint8 in",
               baseline_name=base, goal=">= 0.8x", timing=t,
               extra={"images/s": batch / t.ours, "model images/s": batch / t.baseline,
                      "torch threads": torch.get_num_threads()}),
    ]
    if pool is None:
        return results
    t = _per_batch(compare(pipeline, forward_only, repeats=max(1, repeats - 1)), n_batches)
    t_render = best_time(lambda: _render_batch(1, batch, render_size), repeats=1, warmup=0)
    return results + [
        Result("clip", f"{label}: render + preprocess + encode, batch {batch}, {pool._max_workers} render workers",
               baseline_name=base, goal=">= 0.8x", timing=t,
               extra={"images/s": batch / t.ours, "model images/s": batch / t.baseline,
                      "1-core render images/s": batch / t_render}),
    ]


def run(quick: bool, device: str) -> list[Result]:
    import multiprocessing as mp

    import open_clip
    import torch

    from gencraft.ml.clip.model import ClipModel, load_clip

    workers = max(1, min(15, (os.cpu_count() or 2) - 1))
    results = []
    if not _can_render():
        print("bench_clip: pycairo is missing here; skipping the render + encode pipeline", flush=True)
    with ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn")) as executor:
        pool = executor if _can_render() else None
        if pool is not None:
            list(pool.map(_render_batch, range(workers), [1] * workers, [32] * workers))  # start workers
        tiny = load_clip("tiny", device=device)
        results += _cases(tiny, f"tiny CLIP 64px ({device})", 64 if device == "cpu" else 256, 128,
                          2 if quick else 6, pool, 3 if quick else 5)
        if device != "cpu" or not quick:
            vit = open_clip.create_model("ViT-B-32", pretrained=None, device=device).eval()
            model = ClipModel(vit, open_clip.get_tokenizer("ViT-B-32"), spec="ViT-B-32 (random init)",
                              device=device)
            batch = 256 if device != "cpu" else 16
            res = _cases(model, f"ViT-B-32 random-init ({device}{', bf16' if model.amp else ''})", batch, 256,
                         4 if device != "cpu" else 2, pool, 3 if device != "cpu" else 2)
            results += res
            del vit, model
            if device != "cpu":
                torch.cuda.empty_cache()
    return results
