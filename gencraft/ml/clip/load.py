"""Turning a model spec string into an open_clip model, offline and without running code.

Specs (see :func:`parse_spec`):

- ``tiny`` — the bundled tiny CLIP (the default), loaded like any ``local-dir:``;
- ``local-dir:PATH`` — an open_clip folder (``open_clip_config.json`` + weights);
  open_clip's own loader reads it, so the preprocessing config and QuickGELU
  setting travel with the weights;
- ``ARCH:FILE`` — a checkpoint file for a named open_clip architecture;
- ``ARCH:TAG`` — a named pretrained tag (needs the network or a populated cache).

Weights are read with safetensors or ``torch.load(weights_only=True)``: a
checkpoint can never execute code while loading.
"""
from __future__ import annotations

import json
import logging
import pickle
from dataclasses import dataclass
from pathlib import Path

from gencraft.errors import UserError, did_you_mean
from gencraft.ml import TINY_CLIP_DIR

CONFIG_NAME = "open_clip_config.json"
WEIGHTS_NAME = "open_clip_model.safetensors"
WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pth", ".pt", ".ckpt")
LOCAL_DIR = "local-dir:"


@dataclass(frozen=True)
class ModelSpec:
    """A parsed spec: kind is 'local-dir', 'file' or 'tag'."""

    kind: str
    arch: str | None = None      # architecture name for 'file' and 'tag'
    path: Path | None = None     # folder for 'local-dir', file for 'file'
    tag: str | None = None       # pretrained tag for 'tag'


def _arch_names() -> list[str]:
    import open_clip
    return open_clip.list_models()


def parse_spec(spec: str) -> ModelSpec:
    """Parse a model spec, checking files exist and names are known (UserError otherwise)."""
    spec = (spec or "").strip()
    if not spec:
        raise UserError("empty model spec: expected 'tiny', 'local-dir:PATH', 'ARCH:FILE' or 'ARCH:TAG'")
    if spec == "tiny":
        return ModelSpec("local-dir", path=TINY_CLIP_DIR)
    if spec.startswith(LOCAL_DIR):
        raw = spec[len(LOCAL_DIR):]
        if not raw:
            raise UserError("'local-dir:' needs a folder path, e.g. local-dir:models/my-clip")
        return ModelSpec("local-dir", path=Path(raw).expanduser())
    if ":" not in spec:
        hint = ""
        if Path(spec).expanduser().is_dir():
            hint = f" (for a folder write local-dir:{spec})"
        elif spec in _arch_names():
            hint = f" (give weights: {spec}:PRETRAINED_TAG or {spec}:CHECKPOINT_FILE)"
        raise UserError(f"unknown model spec {spec!r}: expected 'tiny', 'local-dir:PATH', "
                        f"'ARCH:FILE' or 'ARCH:TAG'{hint}")
    arch, rest = spec.split(":", 1)
    names = _arch_names()
    if arch not in names:
        raise UserError(f"unknown open_clip architecture {arch!r} in model spec {spec!r}"
                        f"{did_you_mean(arch, names)}")
    if not rest:
        raise UserError(f"model spec {spec!r} names no weights: expected {arch}:PRETRAINED_TAG or {arch}:FILE")
    path = Path(rest).expanduser()
    if path.exists() or path.suffix in WEIGHT_SUFFIXES or "/" in rest or "\\" in rest:
        if not path.is_file():
            raise UserError(f"model checkpoint not found: {rest} (from spec {spec!r})")
        return ModelSpec("file", arch=arch, path=path)
    import open_clip
    tags = open_clip.list_pretrained_tags_by_model(arch)
    if rest not in tags:
        raise UserError(f"unknown pretrained tag {rest!r} for {arch}{did_you_mean(rest, tags)}; "
                        f"known tags: {', '.join(tags) or 'none'} (or give a checkpoint file path)")
    return ModelSpec("tag", arch=arch, tag=rest)


def check_model_dir(path: Path) -> dict:
    """Check a folder is an open_clip model; return its parsed config (UserError naming what is missing)."""
    if not path.exists():
        raise UserError(f"model folder not found: {path}")
    if not path.is_dir():
        raise UserError(f"not a folder: {path} (local-dir: expects an open_clip model folder)")
    cfg_path = path / CONFIG_NAME
    if not cfg_path.is_file():
        raise UserError(f"{path} is not an open_clip model folder: {CONFIG_NAME} is missing")
    if not any(p.suffix in (".safetensors", ".bin", ".pth") for p in path.iterdir()):
        raise UserError(f"{path} is not an open_clip model folder: no weights file ({WEIGHTS_NAME}) in it")
    try:
        cfg = json.loads(cfg_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(f"unreadable {cfg_path}: {exc}") from None
    if not isinstance(cfg, dict) or not isinstance(cfg.get("model_cfg"), dict):
        raise UserError(f"{cfg_path} has no 'model_cfg' section: not an open_clip config")
    return cfg


def _unsafe_checkpoint(path: Path, exc: Exception) -> UserError:
    return UserError(f"refusing to load {path}: it is not a plain weights file "
                     "(safetensors or a tensors-only torch file); loading it could run code")


def check_device(device: str) -> str:
    """Validate a torch device string ('cpu', 'cuda', 'cuda:1', 'mps')."""
    import torch
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError):
        raise UserError(f"unknown device {device!r}: expected cpu or cuda") from None
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise UserError(f"device {device!r} asked for but no CUDA GPU is available")
    if dev.type == "mps" and not torch.backends.mps.is_available():
        raise UserError(f"device {device!r} asked for but MPS is not available")
    return str(dev)


def build_model(spec: ModelSpec, device: str):
    """Create the open_clip model and tokenizer for a parsed spec (eval mode, on device)."""
    import open_clip

    try:
        if spec.kind == "local-dir":
            check_model_dir(spec.path)
            name = f"{LOCAL_DIR}{spec.path}"
            try:
                model = open_clip.create_model(name, device=device, weights_only=True)
            except pickle.UnpicklingError:
                raise
            except Exception as exc:  # garbage weights: safetensors' or torch's error, reported in one line
                if type(exc).__name__ not in ("SafetensorError", "RuntimeError", "OSError", "EOFError",
                                              "HeaderTooLarge", "ValueError", "KeyError"):
                    raise
                first = (str(exc).splitlines() or [type(exc).__name__])[0][:200]
                raise UserError(f"unreadable weights in model folder {spec.path}: {first}") from None
            tokenizer = open_clip.get_tokenizer(name)
        elif spec.kind == "file":
            logging.disable(logging.WARNING)  # "initialized randomly": true, but the weights come next
            try:
                model = open_clip.create_model(spec.arch, pretrained=None, device="cpu")
            finally:
                logging.disable(logging.NOTSET)
            state = read_state_dict(spec.path)
            try:
                _load_into(model, state)
            except (RuntimeError, AssertionError, KeyError) as exc:
                raise UserError(f"{spec.path} does not hold weights for {spec.arch}: "
                                f"{str(exc).splitlines()[0]}") from None
            model = model.to(device)
            tokenizer = open_clip.get_tokenizer(spec.arch)
        else:
            try:
                model = open_clip.create_model(spec.arch, pretrained=spec.tag, device=device, weights_only=True)
            except RuntimeError as exc:
                raise UserError(f"could not get pretrained weights {spec.arch}:{spec.tag} "
                                f"(needs the network or a populated cache; offline, use 'tiny', "
                                f"local-dir:PATH or {spec.arch}:FILE): {str(exc).splitlines()[0][:200]}") from None
            tokenizer = open_clip.get_tokenizer(spec.arch)
    except pickle.UnpicklingError as exc:
        raise _unsafe_checkpoint(spec.path, exc) from None
    except (ValueError, KeyError) as exc:
        raise UserError(f"could not build model from {spec.path or spec.arch}: {str(exc).splitlines()[0][:300]}") from None
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    return model, tokenizer


def read_state_dict(path: Path) -> dict:
    """Tensors from a checkpoint, never executing code (safetensors or weights_only torch.load)."""
    import torch
    if path.suffix == ".safetensors":
        from safetensors import SafetensorError
        from safetensors.torch import load_file
        try:
            return load_file(str(path), device="cpu")
        except (SafetensorError, OSError) as exc:
            raise UserError(f"unreadable safetensors file {path}: {exc}") from None
    try:
        obj = torch.load(str(path), map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        raise _unsafe_checkpoint(path, exc) from None
    except (RuntimeError, OSError, EOFError, ValueError) as exc:
        raise UserError(f"unreadable checkpoint {path}: {str(exc).splitlines()[0][:200]}") from None
    if isinstance(obj, dict) and isinstance(obj.get("state_dict"), dict):
        obj = obj["state_dict"]
    if not isinstance(obj, dict) or not all(isinstance(v, torch.Tensor) for v in obj.values()):
        raise UserError(f"{path} does not hold a state dict of tensors")
    return {k[7:] if k.startswith("module.") else k: v for k, v in obj.items()}


def _load_into(model, state: dict) -> None:
    """Load a state dict with open_clip's own conversions (old text layout, pos-embed resize)."""
    from open_clip.factory import convert_to_custom_text_state_dict, resize_pos_embed, resize_text_pos_embed
    if "positional_embedding" in state and not hasattr(model, "positional_embedding"):
        state = convert_to_custom_text_state_dict(state)
    if "logit_scale" in state and model.logit_scale.ndim != state["logit_scale"].ndim:
        state["logit_scale"] = state["logit_scale"].reshape(model.logit_scale.shape)
    resize_pos_embed(state, model)
    resize_text_pos_embed(state, model)
    model.load_state_dict(state, strict=True)
