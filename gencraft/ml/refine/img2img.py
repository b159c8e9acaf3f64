"""Diffusion refinement of a render: SDEdit-style img2img, optionally layout-locked by ControlNet.

``strength`` says how far the model may move the sketch: the render is noised
to that fraction of the diffusion schedule and denoised under the prompt
(Meng et al., SDEdit). 0 returns the input unchanged -- decided here, without
calling the model -- and 1 ignores it almost entirely. With a ControlNet the
layout is held by the sketch's own line render (see :mod:`gencraft.ml.refine.control`),
so even a high strength keeps the composition the rules produced.

Sizes: the model works at its native resolution (512 px long side for SD 1.5
and SD-Turbo, 1024 for SDXL, or ``resolution``) with the render's aspect kept
and both sides rounded to a multiple of 8 (of the VAE's downsampling factor);
the result is resized back to the render's exact size, so a refined image can
replace the render anywhere. Transparent renders are flattened over white.

Randomness: the seed drives a CPU ``torch.Generator``, so the same seed gives
the same image on any device type that computes the same arithmetic (on CPU,
bit-identical). torch and diffusers are imported only when a model runs.
"""
from __future__ import annotations

import hashlib
import io
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from gencraft.errors import UserError
from gencraft.seeds import parse_seed
from gencraft.ml.refine.control import CONTROL_MODES, control_image, flatten_rgb

DEFAULT_STRENGTH = 0.4
DEFAULT_STEPS = 25
MAX_STEPS = 1000


@dataclass
class RefineResult:
    """A refined image (same size as the input, RGBA uint8) and the provenance stage describing it."""

    rgba: np.ndarray
    stage: dict
    control: np.ndarray | None = None  # the control image used (working size), if any
    extra: dict = field(default_factory=dict)


def validate_settings(strength: Any, steps: Any, guidance: Any, control_scale: Any = 1.0) -> tuple[float, int, float | None, float]:
    """Check the numeric settings; UserError names the offending value."""
    try:
        strength = float(strength)
    except (TypeError, ValueError):
        raise UserError(f"strength {strength!r}: expected a number between 0 and 1") from None
    if not math.isfinite(strength) or not 0.0 <= strength <= 1.0:
        raise UserError(f"strength {strength:g}: expected a number between 0 and 1 "
                        f"(0 keeps the render, 1 ignores it)")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or not 1 <= int(steps) <= MAX_STEPS:
        raise UserError(f"steps {steps!r}: expected a whole number between 1 and {MAX_STEPS}")
    if guidance is not None:
        try:
            guidance = float(guidance)
        except (TypeError, ValueError):
            raise UserError(f"guidance {guidance!r}: expected a number >= 0") from None
        if not math.isfinite(guidance) or guidance < 0:
            raise UserError(f"guidance {guidance:g}: expected a number >= 0 (0 or 1 turns guidance off)")
    try:
        control_scale = float(control_scale)
    except (TypeError, ValueError):
        raise UserError(f"control scale {control_scale!r}: expected a number >= 0") from None
    if not math.isfinite(control_scale) or control_scale < 0:
        raise UserError(f"control scale {control_scale:g}: expected a number >= 0")
    return strength, int(steps), guidance, control_scale


def working_size(size: tuple[int, int], long_side: int, multiple: int = 8) -> tuple[int, int]:
    """(W, H) with the aspect of ``size``, the longer side near ``long_side``, both multiples of ``multiple``."""
    w, h = int(size[0]), int(size[1])
    if w < 1 or h < 1:
        raise UserError(f"image size {w}x{h}: expected at least 1x1 pixels")
    scale = long_side / max(w, h)
    return (max(multiple, int(round(w * scale / multiple)) * multiple),
            max(multiple, int(round(h * scale / multiple)) * multiple))


def torch_seed(seed: Any) -> int:
    """The integer for ``torch.Generator.manual_seed``: the seed itself for integers
    (so ``--seed 42`` matches diffusers examples), else 63 bits of the seed's hash."""
    s = parse_seed(seed)
    if s.kind == "int":
        return int(s.text) % (1 << 64)
    return s.entropy % (1 << 63)


def _resize(rgb: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    from PIL import Image

    if (rgb.shape[1], rgb.shape[0]) == tuple(size):
        return rgb
    return np.asarray(Image.fromarray(rgb).resize(size, Image.LANCZOS))


def refine_array(image: np.ndarray, model: str | Path | None, prompt: str, *, negative_prompt: str | None = None,
                 strength: float = DEFAULT_STRENGTH, steps: int = DEFAULT_STEPS, guidance: float | None = None,
                 seed: Any = 0, controlnet: str | Path | None = None, control: str | np.ndarray = "auto",
                 control_scale: float = 1.0, resolution: int | None = None, device: str | None = "cpu",
                 dtype: str | None = None, progress: bool = False, geometry=None,
                 geometry_note: str = "") -> RefineResult:
    """Refine an (H, W, 3|4) uint8 image with the diffusion pipeline in folder ``model``
    (None or "tiny": gencraft's bundled tiny diffusion model).

    ``control`` ("auto", "strokes", "lines", "edges", or your own (H, W, 3) uint8
    image) is used only with a ``controlnet`` folder; ``geometry`` is the
    render's recorded geometry (:func:`gencraft.ml.refine.control.record_geometry`),
    drawn as line art at the working size for "strokes" and "auto" (without
    it, "auto" reads the pixels; ``geometry_note`` says why there is none). ``guidance`` None keeps the
    pipeline's default (7.5 for SD; pass 0 for SD-Turbo). Returns the refined
    RGBA image at the input's size and a provenance stage (see
    :func:`gencraft.provenance.add_stage`).
    """
    from gencraft.ml.refine.load import check_controlnet_folder, check_model_folder, load_pipeline

    if not isinstance(prompt, str) or not prompt.strip():
        raise UserError("prompt must be a non-empty text")
    strength, steps, guidance, control_scale = validate_settings(strength, steps, guidance, control_scale)
    if isinstance(control, str) and control not in CONTROL_MODES:
        raise UserError(f"unknown control mode {control!r}: expected one of {', '.join(CONTROL_MODES)}")
    if controlnet is not None and isinstance(control, str) and control == "strokes" and geometry is None:
        raise UserError("control 'strokes' needs the sketch's recorded geometry, and this image has none"
                        f"{' (' + geometry_note + ')' if geometry_note else ''}; use --control auto, lines or edges")
    if resolution is not None and (isinstance(resolution, bool) or not isinstance(resolution, (int, np.integer))
                                   or not 8 <= int(resolution) <= 4096):
        raise UserError(f"resolution {resolution!r}: expected a whole number of pixels between 8 and 4096")
    image = np.asarray(image)
    rgb = flatten_rgb(image)
    h, w = rgb.shape[:2]
    seed_obj = parse_seed(seed)
    stage: dict[str, Any] = {
        "stage": "refine", "model": None, "prompt": prompt, "negative_prompt": negative_prompt or "",
        "strength": strength, "steps": steps, "seed": str(seed_obj), "size": [w, h],
    }
    if strength == 0.0:
        # SDEdit at strength 0 is the identity: don't run (or even load) the model.
        info = check_model_folder(model)
        if controlnet is not None:
            check_controlnet_folder(controlnet)
        stage.update(model=str(info.path), controlnet=str(Path(controlnet).resolve()) if controlnet else None,
                     denoising_steps=0, note="strength 0: input returned unchanged, no model call")
        out = image.copy() if image.ndim == 3 and image.shape[2] == 4 else _opaque(rgb)
        return RefineResult(out, stage)

    loaded = load_pipeline(model, controlnet, device=device, dtype=dtype, progress=progress)
    import diffusers
    import torch

    pipe = loaded.pipe
    multiple = max(8, loaded.vae_scale_factor)
    ww, wh = working_size((w, h), int(resolution or loaded.native_size), multiple)
    init = _resize(rgb, (ww, wh))
    # img2img runs int(steps * strength) denoising steps; make sure that is at least one.
    run_steps = max(steps, math.ceil(1.0 / strength - 1e-9))
    denoise = min(int(run_steps * strength), run_steps)
    from PIL import Image

    call: dict[str, Any] = dict(prompt=prompt, image=Image.fromarray(init), strength=strength,
                                num_inference_steps=run_steps, output_type="np",
                                generator=torch.Generator("cpu").manual_seed(torch_seed(seed_obj)))
    if negative_prompt:
        call["negative_prompt"] = negative_prompt
    if guidance is not None:
        call["guidance_scale"] = guidance
    ctrl = None
    if loaded.controlnet is not None:
        if isinstance(control, str):
            ctrl, mode = control_image(init, control, geometry)
        else:
            ctrl = _resize(flatten_rgb(np.asarray(control)), (ww, wh))
            mode = "given"
        call["control_image"] = Image.fromarray(ctrl)
        call["controlnet_conditioning_scale"] = control_scale
        stage.update(controlnet=str(loaded.controlnet.path), control=mode, control_scale=control_scale,
                     control_source=control_source(mode))
        if mode in ("lines", "edges"):
            from gencraft.ml.refine.control import geometry_gaps
            stage["control_fallback"] = geometry_note or geometry_gaps(geometry)
    with torch.inference_mode():
        output = pipe(**call)
    result = output.images[0]
    out = np.clip(np.rint(np.nan_to_num(result, nan=0.0) * 255.0), 0, 255).astype(np.uint8)
    out = _resize(out, (w, h))
    stage.update(
        model=str(loaded.model.path), pipeline=type(pipe).__name__, scheduler=type(pipe.scheduler).__name__,
        denoising_steps=denoise, guidance=float(call.get("guidance_scale", _default_guidance(pipe))),
        working_size=[ww, wh], device=loaded.device, dtype=str(loaded.dtype).replace("torch.", ""),
        diffusers=diffusers.__version__, torch_seed=torch_seed(seed_obj),
    )
    if run_steps != steps:
        stage["steps_run"] = run_steps
    if getattr(output, "condition", None):  # gencraft's tiny model: the sketch kind the prompt selected
        stage["condition"] = output.condition
    notes = [n for n in (loaded.model.note, loaded.controlnet.note if loaded.controlnet else None) if n]
    if notes:
        stage["note"] = notes[0]
    return RefineResult(_opaque(out), stage, ctrl)


def control_source(mode: str) -> str:
    """What a control mode was drawn from, for stages and the compare sheet."""
    return {"strokes": "the sketch's recorded strokes", "lines": "pixel ink", "edges": "pixel edges (Canny)",
            "given": "an image given by the caller"}.get(mode, mode)


def _default_guidance(pipe) -> float:
    import inspect

    param = inspect.signature(type(pipe).__call__).parameters.get("guidance_scale")
    return float(param.default) if param is not None and param.default is not inspect.Parameter.empty else 0.0


def _opaque(rgb: np.ndarray) -> np.ndarray:
    alpha = np.full(rgb.shape[:2] + (1,), 255, dtype=np.uint8)
    return np.concatenate([rgb, alpha], axis=2)


def load_image(path: str | Path) -> tuple[np.ndarray, bytes]:
    """(RGBA uint8 array, raw bytes) of an image file; UserError if it is not one."""
    from PIL import Image, UnidentifiedImageError

    path = Path(path)
    if not path.exists():
        raise UserError(f"image {str(path)!r} does not exist")
    if not path.is_file():
        raise UserError(f"image {str(path)!r} is not a file")
    data = path.read_bytes()
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            rgba = np.asarray(img.convert("RGBA"))
    except UnidentifiedImageError:
        raise UserError(f"{str(path)!r} is not a readable image: expected a PNG, JPEG or other "
                        "format Pillow reads") from None
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise UserError(f"{str(path)!r} is not a readable image ({type(exc).__name__}: "
                        f"{str(exc).splitlines()[0] if str(exc) else 'unknown format'})") from None
    return rgba, data


def input_recipe(path: str | Path, data: bytes) -> dict:
    """The input's gencraft recipe if it carries one, else a recipe naming the file (path + sha256)."""
    from gencraft.provenance import read_recipe

    try:
        return read_recipe(path)
    except UserError:
        return {"source": {"path": str(Path(path).resolve()), "sha256": hashlib.sha256(data).hexdigest()}}


def refine_file(image_path: str | Path, output: str | Path, model: str | Path, prompt: str,
                save_control: str | Path | None = None, **kwargs) -> RefineResult:
    """Refine an image file into a PNG whose recipe holds the input's stages plus this one.

    Nothing is written unless the whole refinement succeeds (atomic writes).
    """
    from gencraft.atomic import write_bytes
    from gencraft.provenance import add_stage, encode_png

    output = Path(output)
    if output.suffix.lower() != ".png":
        raise UserError(f"output {str(output)!r}: expected a .png file (the refined image carries its recipe)")
    if save_control is not None and Path(save_control).suffix.lower() != ".png":
        raise UserError(f"control output {str(save_control)!r}: expected a .png file")
    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir():
        raise UserError(f"cannot write {str(output)!r}: folder {str(folder)!r} does not exist")
    if save_control is not None and kwargs.get("controlnet") is None:
        raise UserError("--save-control needs a ControlNet (--controlnet DIR)")
    rgba, data = load_image(image_path)
    recipe = input_recipe(image_path, data)
    if kwargs.get("controlnet") is not None and kwargs.get("control", "auto") in ("auto", "strokes") \
            and kwargs.get("geometry") is None:
        from gencraft.ml.refine.control import geometry_from_recipe
        kwargs["geometry"], kwargs["geometry_note"] = geometry_from_recipe(recipe)
    result = refine_array(rgba, model, prompt, **kwargs)
    stage = dict(result.stage, input_sha256=hashlib.sha256(data).hexdigest())
    result.stage = stage
    png = encode_png(result.rgba, add_stage(recipe, stage))
    control_png = None
    if save_control is not None:
        control = result.control
        if control is None:  # strength 0: no model ran, but the control image is still well defined
            control, _ = control_image(rgba, kwargs.get("control", "auto") if isinstance(
                kwargs.get("control", "auto"), str) else "auto", kwargs.get("geometry"))
        control_png = encode_png(control, None)
    write_bytes(output, png)
    if control_png is not None:
        write_bytes(save_control, control_png)
    return result
