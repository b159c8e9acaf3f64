"""The tiny CLIP's architecture: an open_clip config small enough to train on a CPU in minutes.

A ModifiedResNet image tower (convolutions learn colour and shape from few
examples much faster than a ViT at this size) over 64-pixel renders, and
open_clip's standard text transformer, narrow and shallow, with the standard
tokenizer (vocabulary of 49408) and a context shortened to 16 tokens since the
captions are short. The config is registered with open_clip under
``gencraft-tiny-clip`` and written next to the weights as
``open_clip_config.json``, so the folder loads with ``local-dir:``.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

MODEL_NAME = "gencraft-tiny-clip"
IMAGE_SIZE = 64

MODEL_CFG = {
    "embed_dim": 128,
    "vision_cfg": {"image_size": IMAGE_SIZE, "layers": [1, 1, 1, 1], "width": 16, "patch_size": None},
    "text_cfg": {"context_length": 16, "vocab_size": 49408, "width": 32, "heads": 2, "layers": 2},
}
#: the recipe of the shipped model (``gencraft ml train-tiny-clip`` with no options); no torch import
TRAIN_DEFAULTS = {"steps": 3600, "shape_steps": 900, "batch_size": 64, "per_sketch": 96, "sketch_share": 0.5,
                  "threads": 2, "word_weight": 1.0}
PREPROCESS_CFG = {
    "size": IMAGE_SIZE,
    "mean": [0.5, 0.5, 0.5],
    "std": [0.25, 0.25, 0.25],
    "interpolation": "bilinear",
    "resize_mode": "shortest",
}


def open_clip_config() -> dict:
    """The json written beside the weights (open_clip's hf-hub / local-dir layout)."""
    return {"model_cfg": copy.deepcopy(MODEL_CFG), "preprocess_cfg": copy.deepcopy(PREPROCESS_CFG)}


def register(tmp_dir: Path) -> str:
    """Register the architecture with open_clip (``add_model_config``) and return its name."""
    import open_clip
    path = Path(tmp_dir) / f"{MODEL_NAME}.json"
    path.write_text(json.dumps(MODEL_CFG, indent=2))
    open_clip.add_model_config(path)
    return MODEL_NAME
