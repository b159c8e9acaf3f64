"""Upscaling: re-render from the recipe (exact), or a diffusers upscaler for refined images.

A gencraft render is not a grid of pixels to be guessed at: it is a recipe.
Upscaling it renders the recipe again at the larger size — every line drawn
at the new resolution, nothing interpolated — and replays its grades. This is
the rule-based answer to super-resolution. (A sketch that draws in pixel units
rather than in units of its canvas will look different at the new size.)

An image a diffusion model refined (a ``refine`` stage) cannot be re-rendered:
its pixels are the model's. It is upscaled by a local diffusers upscaler
folder (``--model``, e.g. stable-diffusion-x4-upscaler saved with
``save_pretrained``) when one is given, and refused with one line otherwise.
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from gencraft.errors import UserError

SELECTION = {"search", "rank", "atlas"}


@dataclass
class UpscaleResult:
    rgba: np.ndarray
    recipe: dict
    method: str        # "re-render" or "diffusion"
    size: tuple[int, int]


def check_scale(scale: Any) -> float:
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not math.isfinite(scale) \
            or not 1.0 <= scale <= 64.0:
        raise UserError(f"scale {scale!r}: expected a number from 1 to 64")
    return float(scale)


def _stage_name(stage: dict) -> str:
    return str(stage.get("stage") or stage.get("kind") or "?")


def upscale_file(image: str | Path, out: str | Path, scale: float = 4.0, *, model: str | Path | None = None,
                 sketch_path: str | Path | None = None, allow_changed: bool = False, prompt: str | None = None,
                 steps: int = 25, seed: Any = 0, device: str = "cpu", timeout: float | None = None) -> UpscaleResult:
    """Upscale `image` into the PNG `out` (atomic); see the module docstring."""
    from gencraft.atomic import write_bytes
    from gencraft.post.replay import replayable
    from gencraft.provenance import encode_png, read_recipe

    scale = check_scale(scale)
    image, out = Path(image), Path(out)
    if out.suffix.lower() != ".png":
        raise UserError(f"output {str(out)!r}: expected a .png file (the upscaled image carries its recipe)")
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise UserError(f"cannot write {str(out)!r}: folder {str(folder)!r} does not exist")
    if not image.exists():
        raise UserError(f"image {str(image)!r} does not exist")
    try:
        recipe = read_recipe(image)
    except UserError as exc:
        if model is None or "carries no gencraft recipe" not in str(exc):
            if "carries no gencraft recipe" in str(exc):
                raise UserError(f"{str(image)!r} carries no gencraft recipe to re-render at a larger size; give "
                                "--model DIR (a local diffusers upscaler folder) to upscale its pixels") from None
            raise
        recipe = None
    stages = (recipe or {}).get("stages", [])
    model_made = [_stage_name(s) for s in stages if _stage_name(s) not in SELECTION and not replayable(s)]
    if recipe is not None and recipe.get("command"):
        raise UserError(f"{str(image)!r} was made by `gencraft {recipe['command']}`: render it again with its "
                        "own --size option instead")
    if recipe is not None and not model_made and "sketch" in recipe:
        result = _rerender(image, recipe, scale, sketch_path, allow_changed, timeout)
    elif model is None:
        what = ", ".join(model_made) or "no sketch"
        raise UserError(f"{str(image)!r} went through {what}: its pixels are not a sketch's and cannot be re-rendered "
                        "from the recipe; give --model DIR, a local diffusers upscaler folder "
                        "(e.g. stable-diffusion-x4-upscaler), to upscale it with a model")
    else:
        from gencraft.ml.refine.upscale import upscale_with_model  # torch and diffusers: only on this path

        rgba, new_recipe = upscale_with_model(image, recipe, scale, model, prompt, steps, seed, device)
        result = UpscaleResult(rgba, new_recipe, "diffusion", (rgba.shape[1], rgba.shape[0]))
    write_bytes(out, encode_png(result.rgba, result.recipe))
    return result


def _rerender(image: Path, recipe: dict, scale: float, sketch_path, allow_changed: bool, timeout) -> UpscaleResult:
    from gencraft.post.replay import replay_stages
    from gencraft.provenance import add_stage
    from gencraft.render import parse_size, render
    from gencraft.sketch import load_sketch

    fmt = recipe.get("format", "png")
    if fmt != "png":
        raise UserError(f"{str(image)!r} is a {fmt.upper()} render: render it again with --size instead "
                        "(vectors need no upscaling)")
    if recipe.get("preview"):
        raise UserError(f"{str(image)!r} is a preview: upscale the full-size render instead")
    sk = recipe.get("sketch") or {}
    if not isinstance(recipe.get("params", {}), dict) or "seed" not in recipe or "size" not in recipe \
            or not (sketch_path or sk.get("path")) or not sk.get("sha256"):
        raise UserError(f"{str(image)!r}: its recipe lacks the sketch, seed or size; expected a full gencraft recipe")
    path = Path(sketch_path or sk["path"])
    if not path.exists():
        raise UserError(f"sketch {str(path)!r} named in the recipe does not exist (pass --sketch PATH)")
    if hashlib.sha256(path.read_bytes()).hexdigest() != sk["sha256"] and not allow_changed:
        raise UserError(f"{str(path)!r} is not the sketch that made {str(image)!r} (its sha256 differs from the "
                        "recipe's), so it was not run; pass --allow-changed to run it anyway")
    w, h = recipe["size"]
    size = parse_size(f"{max(1, round(w * scale))}x{max(1, round(h * scale))}")
    sketch = load_sketch(path, timeout=timeout)
    drawn = set(recipe.get("drawn", ()))
    params = sketch.resolve({k: v for k, v in recipe.get("params", {}).items() if k not in drawn})

    def draw():
        r = render(sketch, params, recipe["seed"], size, frame=recipe.get("frame"))
        return r.rgba, r.recipe

    if timeout is None:
        rgba, fresh = draw()
    else:
        from gencraft.timelimit import call_with_timeout

        rgba, fresh = call_with_timeout(draw, timeout=timeout)
    stages = recipe.get("stages", [])
    rgba = replay_stages(rgba, stages, sketch, size, str(image))
    stage = {"stage": "upscale", "method": "re-render", "scale": scale, "from": [int(w), int(h)]}
    out_recipe = add_stage(dict(fresh, stages=list(stages)) if stages else fresh, stage)
    return UpscaleResult(rgba, out_recipe, "re-render", size)
