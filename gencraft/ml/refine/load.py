"""Check and load diffusion model folders, offline.

A model is a local ``save_pretrained`` folder (Stable Diffusion 1.5, SD-Turbo,
SDXL families and other diffusers img2img pipelines). The folder is checked
with plain file reads *before* torch is imported, so a missing or incomplete
folder gets one clear line naming the missing file instead of a traceback from
deep inside diffusers. Weights load from safetensors only (loading a
checkpoint must never execute code) and nothing is fetched from the network
(``local_files_only=True``).

Loaded pipelines are cached per (folder, ControlNet folder, device, dtype), so
``compare`` and repeated ``refine`` calls in one process pay the load once.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gencraft.errors import UserError

WEIGHT_SUFFIXES = (".safetensors", ".safetensors.index.json")
TINY_README = "README.gencraft.txt"
_CACHE: dict[tuple, "LoadedPipeline"] = {}
_CACHE_SIZE = 2


@dataclass
class FolderInfo:
    """What the file checks found out about a model folder."""

    path: Path
    index: dict
    variant: str | None  # "fp16" when only *.fp16.safetensors weights exist
    note: str | None     # gencraft's own README (random test weights), if any


def _weights(folder: Path) -> tuple[bool, bool, bool]:
    """(plain safetensors present, fp16-variant safetensors present, pickle .bin present)."""
    names = [p.name for p in folder.iterdir() if p.is_file()]
    plain = any(n.endswith(WEIGHT_SUFFIXES) and ".fp16." not in n for n in names)
    fp16 = any(n.endswith(WEIGHT_SUFFIXES) and ".fp16." in n for n in names)
    pickle = any(n.endswith((".bin", ".ckpt", ".pt", ".pth")) for n in names)
    return plain, fp16, pickle


def _check_model_subfolder(root: Path, sub: str, what: str,
                           weights_name: str = "diffusion_pytorch_model.safetensors") -> str | None:
    """Check a model component folder (config + safetensors); return its weight variant."""
    folder = root / sub if sub else root
    label = f"{sub}/" if sub else ""
    if not (folder / "config.json").is_file():
        raise UserError(f"{what} {str(root)!r} is incomplete: {label}config.json is missing")
    plain, fp16, pickle = _weights(folder)
    if plain:
        return None
    if fp16:
        return "fp16"
    if pickle:
        raise UserError(f"{what} {str(root)!r}: {label or 'the folder'} has only pickle weights (.bin/.ckpt); "
                        f"gencraft loads safetensors only (convert with save_pretrained(safe_serialization=True))")
    raise UserError(f"{what} {str(root)!r} is incomplete: {label}{weights_name} is missing")


#: pipelines gencraft itself provides, by the ``_class_name`` in model_index.json: (module, class).
#: The class is always imported from gencraft, never from code inside a model folder.
GENCRAFT_PIPELINES = {"TinyPixelDiffusionPipeline": ("gencraft.ml.refine.tiny.pipeline", "TinyPixelDiffusionPipeline")}


def resolve_model(model: str | Path | None) -> Path:
    """The folder a model argument names: None or "tiny" is the bundled tiny diffusion model
    (unless a folder called "tiny" exists here), anything else a path."""
    from gencraft.ml import TINY_DIFFUSION_DIR

    if model is None or (str(model) == "tiny" and not Path("tiny").exists()):
        return TINY_DIFFUSION_DIR
    return Path(model)


def check_model_folder(path: str | Path | None) -> FolderInfo:
    """Validate a diffusers pipeline folder without importing torch; UserError names what is missing."""
    root = resolve_model(path).expanduser()
    what = "model folder"
    if not root.exists():
        raise UserError(f"{what} {str(root)!r} does not exist")
    if not root.is_dir():
        raise UserError(f"{what} {str(root)!r} is not a folder (expected a diffusers save_pretrained folder)")
    index_path = root / "model_index.json"
    if not index_path.is_file():
        raise UserError(f"{what} {str(root)!r} is incomplete: model_index.json is missing "
                        f"(expected a diffusers save_pretrained folder)")
    try:
        index = json.loads(index_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"{what} {str(root)!r}: model_index.json is not valid JSON ({exc})") from None
    if not isinstance(index, dict) or "_class_name" not in index:
        raise UserError(f"{what} {str(root)!r}: model_index.json has no _class_name (not a diffusers pipeline)")
    variants = set()
    for name, spec in index.items():
        if name.startswith("_") or not isinstance(spec, list) or len(spec) != 2 or spec[0] is None:
            continue
        cls = str(spec[1] or "")
        folder = root / name
        if not folder.is_dir():
            raise UserError(f"{what} {str(root)!r} is incomplete: {name}/ is missing "
                            f"(model_index.json lists {name} as {cls})")
        if cls.endswith("Scheduler") or "Scheduler" in cls:
            required = ["scheduler_config.json"]
        elif "Tokenizer" in cls:
            if (folder / "tokenizer.json").is_file():
                required = []
            else:
                required = ["vocab.json", "merges.txt"] if "CLIP" in cls else ["tokenizer_config.json"]
        elif "FeatureExtractor" in cls or "ImageProcessor" in cls:
            required = ["preprocessor_config.json"]
        else:
            weights = "model.safetensors" if spec[0] == "transformers" else "diffusion_pytorch_model.safetensors"
            variant = _check_model_subfolder(root, name, what, weights)
            variants.add(variant)
            required = []
        for fname in required:
            if not (folder / fname).is_file():
                raise UserError(f"{what} {str(root)!r} is incomplete: {name}/{fname} is missing")
    if not any(isinstance(index.get(k), list) and index[k][0] for k in ("unet", "transformer")):
        raise UserError(f"{what} {str(root)!r}: model_index.json lists no unet or transformer")
    variant = "fp16" if variants == {"fp16"} else None
    note_path = root / TINY_README
    note = note_path.read_text(encoding="utf-8").strip() if note_path.is_file() else None
    return FolderInfo(root.resolve(), index, variant, note)


def check_controlnet_folder(path: str | Path) -> FolderInfo:
    """Validate a ControlNet folder (config.json + safetensors weights)."""
    root = Path(path).expanduser()
    what = "ControlNet folder"
    if not root.exists():
        raise UserError(f"{what} {str(root)!r} does not exist")
    if not root.is_dir():
        raise UserError(f"{what} {str(root)!r} is not a folder (expected a diffusers save_pretrained folder)")
    variant = _check_model_subfolder(root, "", what)
    try:
        config = json.loads((root / "config.json").read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"{what} {str(root)!r}: config.json is not valid JSON ({exc})") from None
    if "ControlNet" not in str(config.get("_class_name", "")):
        raise UserError(f"{what} {str(root)!r}: config.json describes a {config.get('_class_name')!r}, "
                        f"not a ControlNetModel")
    note_path = root / TINY_README
    note = note_path.read_text(encoding="utf-8").strip() if note_path.is_file() else None
    return FolderInfo(root.resolve(), config, variant, note)


def _check_controlnet_matches(model: FolderInfo, controlnet: FolderInfo) -> None:
    unet_cfg_path = model.path / "unet" / "config.json"
    if not unet_cfg_path.is_file():
        raise UserError(f"model folder {str(model.path)!r} has no unet/: ControlNet needs a UNet pipeline")
    unet_cfg = json.loads(unet_cfg_path.read_text(encoding="utf-8"))
    for key in ("cross_attention_dim", "in_channels"):
        a, b = unet_cfg.get(key), controlnet.index.get(key)
        if a is not None and b is not None and a != b:
            raise UserError(f"ControlNet {str(controlnet.path)!r} does not fit model {str(model.path)!r}: "
                            f"{key} is {b} in the ControlNet but {a} in the UNet")


def resolve_device(device: str | None) -> str:
    """'cpu', 'cuda', 'cuda:N' or 'mps' (None/'auto' = cuda when available, else cpu)."""
    import torch

    if device in (None, "auto"):
        return "cuda" if torch.cuda.is_available() else "cpu"
    dev = str(device).strip().lower()
    if dev == "cpu":
        return "cpu"
    if dev == "cuda" or dev.startswith("cuda:"):
        if not torch.cuda.is_available():
            raise UserError(f"device {device!r}: CUDA is not available on this machine (use --device cpu)")
        return dev
    if dev == "mps":
        if not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()):
            raise UserError(f"device {device!r}: MPS is not available on this machine (use --device cpu)")
        return dev
    raise UserError(f"unknown device {device!r}: expected cpu, cuda, cuda:N or mps")


DTYPES = ("auto", "fp32", "fp16", "bf16")


def resolve_dtype(dtype: str | None, device: str):
    """torch dtype: fp32 on CPU always; fp16 by default on a GPU."""
    import torch

    name = dtype or "auto"
    if name not in DTYPES:
        raise UserError(f"unknown dtype {dtype!r}: expected one of {', '.join(DTYPES)}")
    if device == "cpu":
        return torch.float32
    if name == "auto":
        name = "fp16"
    return {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}[name]


@dataclass
class LoadedPipeline:
    """A diffusers img2img pipeline ready to run, plus where it came from."""

    pipe: Any
    model: FolderInfo
    controlnet: FolderInfo | None
    device: str
    dtype: Any

    @property
    def vae_scale_factor(self) -> int:
        return int(getattr(self.pipe, "vae_scale_factor", 8) or 8)

    @property
    def native_size(self) -> int:
        """The long side, in pixels, the model was trained at (512 for SD 1.5, 1024 for SDXL)."""
        unet = getattr(self.pipe, "unet", None) or getattr(self.pipe, "transformer", None)
        sample = getattr(unet.config, "sample_size", None) if unet is not None else None
        if isinstance(sample, (list, tuple)):
            sample = max(sample)
        return int(sample or 64) * self.vae_scale_factor


def _folder_signature(info: FolderInfo | None) -> tuple:
    if info is None:
        return ()
    files = sorted(p for p in info.path.rglob("*") if p.is_file())
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)


def load_pipeline(model: str | Path | None, controlnet: str | Path | None = None, device: str | None = "cpu",
                  dtype: str | None = None, progress: bool = False) -> LoadedPipeline:
    """Load (or reuse) an img2img pipeline, with a ControlNet when given, from local folders."""
    info = check_model_folder(model)
    cn_info = check_controlnet_folder(controlnet) if controlnet is not None else None
    if cn_info is not None:
        _check_controlnet_matches(info, cn_info)
    dev = resolve_device(device)
    torch_dtype = resolve_dtype(dtype, dev)
    key = (str(info.path), _folder_signature(info), str(cn_info.path) if cn_info else None,
           _folder_signature(cn_info), dev, str(torch_dtype))
    cached = _CACHE.get(key)
    if cached is None:
        cached = _load(info, cn_info, dev, torch_dtype)
        while len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = cached
    cached.pipe.set_progress_bar_config(disable=not progress, leave=False)
    return cached


def _load(info: FolderInfo, cn_info: FolderInfo | None, device: str, torch_dtype) -> LoadedPipeline:
    import diffusers
    from diffusers import AutoPipelineForImage2Image
    from diffusers.utils import logging as dlogging

    from transformers.utils import logging as tlogging

    dlogging.set_verbosity_error()
    tlogging.set_verbosity_error()
    dlogging.disable_progress_bar()   # "Loading pipeline components" bars say nothing useful here
    tlogging.disable_progress_bar()
    dtype_key = _dtype_keyword()
    kwargs: dict[str, Any] = {"local_files_only": True, "use_safetensors": True, dtype_key: torch_dtype}
    if info.variant:
        kwargs["variant"] = info.variant
    try:
        if cn_info is not None:
            cn_kwargs = {"local_files_only": True, "use_safetensors": True, dtype_key: torch_dtype}
            if cn_info.variant:
                cn_kwargs["variant"] = cn_info.variant
            kwargs["controlnet"] = diffusers.ControlNetModel.from_pretrained(str(cn_info.path), **cn_kwargs)
        own = GENCRAFT_PIPELINES.get(str(info.index.get("_class_name")))
        if own is not None and cn_info is None:
            import importlib

            pipe_class = getattr(importlib.import_module(own[0]), own[1])
            pipe = pipe_class.from_pretrained(str(info.path), **kwargs)
        elif own is not None:
            raise UserError(f"model folder {str(info.path)!r} is a {own[1]}: it takes no ControlNet")
        else:
            pipe = AutoPipelineForImage2Image.from_pretrained(str(info.path), **kwargs)
    except UserError:
        raise
    except (OSError, ValueError, KeyError, TypeError, RuntimeError, EnvironmentError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UserError(f"cannot load diffusion model from {str(info.path)!r}: {first}") from None
    finally:
        dlogging.enable_progress_bar()
        tlogging.enable_progress_bar()
    pipe.to(device)
    return LoadedPipeline(pipe, info, cn_info, device, torch_dtype)


def _dtype_keyword() -> str:
    """diffusers renamed ``torch_dtype`` to ``dtype`` (0.36+); use whichever this version wants."""
    try:
        from diffusers.utils.deprecation_utils import _resolve_dtype  # noqa: F401  (present since the rename)
    except ImportError:
        return "torch_dtype"
    return "dtype"


def clear_cache() -> None:
    """Forget loaded pipelines (frees their memory)."""
    _CACHE.clear()
