"""Learned models beside the rule-based engines: CLIP scoring, search, refinement.

Nothing here imports torch at package import time: the CLI registry imports
``gencraft.ml`` only to check that the subpackage exists, and ``gencraft
render`` must stay fast. Import ``gencraft.ml.clip.model`` (which pulls in torch and
open_clip) only when a model is actually needed.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

#: the bundled tiny CLIP, trained by ``gencraft ml train-tiny-clip`` and shipped with the package
TINY_CLIP_DIR = Path(__file__).resolve().parent / "models" / "tiny-clip"

#: the bundled tiny diffusion model, trained by ``gencraft ml train-tiny-diffusion``: the default of ``refine``
TINY_DIFFUSION_DIR = Path(__file__).resolve().parent / "models" / "tiny-diffusion"


def ml_available() -> bool:
    """True when the ``ml`` extra (torch + open_clip) is installed, without importing it."""
    return all(importlib.util.find_spec(m) is not None for m in ("torch", "open_clip"))
