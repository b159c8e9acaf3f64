"""Diffusion refinement: seconds per refined image, gencraft vs the bare diffusers call.

Ours is :func:`gencraft.ml.refine.img2img.refine_array` end to end (flatten, resize to a
multiple of 8, control image, seeded generator, pipeline, resize back). The
baseline is the same loaded diffusers pipeline called directly on an image
already at the working size -- so the ratio shows what gencraft's pre/post
processing costs (near 1.0x is the goal; the model dominates).

CPU: the tiny random-weight pipeline from gencraft.ml.refine.tiny_diffusion (64 px).
CUDA: a pipeline with Stable Diffusion 1.5's architecture at 512x512, fp16.
Its weights are random unless GENCRAFT_BENCH_SD_DIR names a real SD 1.5 folder
(throughput does not depend on whether weights were trained).

The two calls are interleaved (harness.compare: a warm-up call of each, kept
apart as the first-call time, then A B A B) and the ratio is the median of
per-pair ratios with min-max.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np

from benchmarks.harness import Result, compare

TOPIC = "refine"


def _art(w: int, h: int) -> np.ndarray:
    """A stroke drawing like a sketch render: paper with dark lines."""
    rng = np.random.default_rng(0)
    img = np.empty((h, w, 4), np.uint8)
    img[...] = (244, 239, 230, 255)
    for _ in range(12):
        x0, y0 = rng.integers(0, w), rng.integers(0, h)
        n = int(min(w, h) * 0.6)
        xs = np.clip(x0 + np.arange(n) * rng.choice([-1, 1]), 0, w - 1)
        ys = np.clip(y0 + (np.arange(n) * rng.uniform(-1, 1)).astype(int), 0, h - 1)
        img[ys, xs, :3] = (30, 40, 90)
    return img


def _case(results, label, model, controlnet, art, steps, strength, device, repeats, warmup, extra=None):
    import torch
    from PIL import Image

    from gencraft.ml.refine.control import control_image, flatten_rgb
    from gencraft.ml.refine.img2img import refine_array, working_size
    from gencraft.ml.refine.load import load_pipeline

    loaded = load_pipeline(model, controlnet, device=device)
    h, w = art.shape[:2]
    ww, wh = working_size((w, h), loaded.native_size, max(8, loaded.vae_scale_factor))
    init = Image.fromarray(flatten_rgb(art)).resize((ww, wh), Image.LANCZOS)
    kwargs = dict(prompt="a storm over the sea", image=init, strength=strength, num_inference_steps=steps,
                  output_type="np")
    if controlnet is not None:
        kwargs["control_image"] = Image.fromarray(control_image(np.asarray(init), "lines")[0])

    def baseline():
        kwargs["generator"] = torch.Generator("cpu").manual_seed(0)
        loaded.pipe(**kwargs)
        if device.startswith("cuda"):
            torch.cuda.synchronize()

    def ours():
        refine_array(art, model, "a storm over the sea", strength=strength, steps=steps, seed=0,
                     controlnet=controlnet, control="lines", device=device)
        if device.startswith("cuda"):
            torch.cuda.synchronize()

    t = compare(ours, baseline, repeats=repeats, warmup=warmup)
    denoise = int(steps * strength)
    results.append(Result(TOPIC, label, baseline_name="diffusers pipeline call alone", goal=">= 0.9x", timing=t,
                          extra={"images/s": 1.0 / t.ours, "denoising it/s": denoise / t.ours, **(extra or {})}))


def run(quick: bool, device: str) -> list[Result]:
    from gencraft.ml.refine.tiny_diffusion import build_sd15_sized, build_tiny_diffusion

    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="gencraft-bench-refine-") as tmp:
        tmp = Path(tmp)
        if not device.startswith("cuda"):
            build_tiny_diffusion(tmp / "sd", controlnet_dest=tmp / "cn")
            reps = 3 if quick else 5
            for size in ((64, 64), (512, 384)):
                _case(results, f"tiny SD pipeline (random weights), {size[0]}x{size[1]} in, 4 steps x 0.5, cpu",
                      tmp / "sd", None, _art(*size), 4, 0.5, "cpu", reps, 1)
            _case(results, "tiny SD + ControlNet (random weights), 512x384 in, 4 steps x 0.5, cpu",
                  tmp / "sd", tmp / "cn", _art(512, 384), 4, 0.5, "cpu", reps, 1)
            return results
        real = os.environ.get("GENCRAFT_BENCH_SD_DIR")
        if real:
            model, cn, what = Path(real), None, "SD 1.5 folder"
        else:
            build_sd15_sized(tmp / "sd", controlnet_dest=tmp / "cn")
            model, cn, what = tmp / "sd", tmp / "cn", "SD-1.5-sized, random weights"
        steps = 10 if quick else 25
        _case(results, f"{what}, 512x512, {steps} steps x 0.6, {device} fp16", model, None,
              _art(512, 512), steps, 0.6, device, 3, 1)
        if cn is not None:
            _case(results, f"{what} + ControlNet, 512x512, {steps} steps x 0.6, {device} fp16", model, cn,
                  _art(512, 512), steps, 0.6, device, 3, 1)
    return results
