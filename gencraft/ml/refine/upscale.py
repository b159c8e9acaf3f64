"""Upscaling a refined image with a local diffusers upscaler (the learned side of `gencraft upscale`).

:func:`gencraft.post.upscale.upscale_file` re-renders gencraft renders from
their recipes; an image a diffusion model refined has no recipe that redraws
it, so its pixels go through an upscaler pipeline (``StableDiffusionUpscalePipeline``,
as stable-diffusion-x4-upscaler, or ``LDMSuperResolutionPipeline``) loaded
from a local ``save_pretrained`` folder, offline and from safetensors only.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from gencraft.errors import UserError

MODEL_SCALE = 4   # what the diffusers upscalers (x4 upscaler, LDM super-resolution) do


def upscale_with_model(image: Path, recipe: dict | None, scale: float, model, prompt, steps, seed, device
                       ) -> tuple[np.ndarray, dict]:
    """(RGBA, recipe): the pixels of `image` upscaled by 4 with the upscaler folder `model`, the recipe
    gaining an ``upscale`` stage (method ``diffusion``)."""
    from gencraft.post.grade import load_still
    from gencraft.provenance import add_stage

    if scale != MODEL_SCALE:
        raise UserError(f"scale {scale:g}: a diffusers upscaler scales by {MODEL_SCALE}; expected --scale {MODEL_SCALE}")
    import importlib.util

    if any(importlib.util.find_spec(m) is None for m in ("torch", "diffusers")):
        raise UserError("upscaling with a model needs the diffusion extra: pip install 'gencraft[diffusion]'")
    from gencraft.ml.refine.load import check_model_folder

    info = check_model_folder(model)
    cls = str(info.index.get("_class_name", ""))
    if "Upscale" not in cls and "SuperResolution" not in cls:
        raise UserError(f"model folder {str(model)!r} holds a {cls}, not an upscaler; expected e.g. "
                        "StableDiffusionUpscalePipeline (stable-diffusion-x4-upscaler)")
    rgba, data = load_still(image)
    if prompt is None:
        refined = [s for s in (recipe or {}).get("stages", []) if s.get("stage") == "refine"]
        prompt = str(refined[-1].get("prompt", "")) if refined else ""
    import diffusers
    import torch
    from PIL import Image

    from gencraft.ml.refine.img2img import torch_seed

    try:
        pipe = diffusers.DiffusionPipeline.from_pretrained(str(info.path), local_files_only=True,
                                                           use_safetensors=True)
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UserError(f"cannot load upscaler from {str(model)!r}: {first}") from None
    pipe.to(device)
    pipe.set_progress_bar_config(disable=True)
    generator = torch.Generator(device="cpu").manual_seed(torch_seed(seed))
    low = Image.fromarray(np.ascontiguousarray(rgba[..., :3]), "RGB")
    kwargs = {"image": low, "num_inference_steps": int(steps), "generator": generator}
    if "Upscale" in cls:
        kwargs["prompt"] = prompt
    result = pipe(**kwargs).images[0]
    rgb = np.asarray(result.convert("RGB"))
    out = np.concatenate([rgb, np.full(rgb.shape[:2] + (1,), 255, np.uint8)], axis=-1)
    stage = {"stage": "upscale", "method": "diffusion", "model": str(info.path), "pipeline": cls,
             "scale": scale, "prompt": prompt, "steps": int(steps), "seed": str(seed),
             "input_sha256": hashlib.sha256(data).hexdigest()}
    base = recipe if recipe is not None else {"source": {"path": str(image.resolve()),
                                                          "sha256": hashlib.sha256(data).hexdigest()}}
    return out, add_stage(base, stage)
