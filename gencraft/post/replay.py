"""Stages a re-render can replay, and replaying them onto fresh pixels.

``reproduce`` and ``upscale`` re-render a sketch from its recipe; what later
stages did to the pixels is then done again here:

* ``grade`` — the colour grade, applied again (its LUT read and checked);
* ``morph`` — a morph frame: nothing to do, or for a cross-faded frame the
  other render drawn and mixed in at the recorded weight;
* ``upscale`` with method ``re-render`` — nothing: the recipe's size is the
  upscaled size.

Selection stages (search, rank, atlas) never changed pixels; anything else (a
diffusion refinement, a morph video's path) cannot be replayed.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from gencraft.errors import UserError


def replayable(stage: dict) -> bool:
    """True when a re-render can redo what `stage` did to the pixels."""
    name = stage.get("stage")
    if name == "grade":
        return True
    if name == "morph":
        return "keyframes" not in stage  # a frame, not a whole video
    if name == "upscale":
        return stage.get("method") == "re-render"
    return False


def replay_stages(rgba: np.ndarray, stages: Sequence[dict], sketch=None, size=None, where: str = "recipe"
                  ) -> np.ndarray:
    """`rgba` (a fresh render) with every replayable stage applied in order."""
    for stage in stages:
        name = stage.get("stage")
        if name == "grade":
            from gencraft.post.grade import grade_array, load_stage_lut

            rgba = grade_array(rgba, stage, load_stage_lut(stage, where))
        elif name == "morph" and isinstance(stage.get("blend"), dict):
            rgba = _replay_blend(rgba, stage["blend"], sketch, size, where)
    return rgba


def _replay_blend(rgba, blend: dict, sketch, size, where: str) -> np.ndarray:
    from gencraft.morphing import blend as mix
    from gencraft.render import render

    if sketch is None:
        raise UserError(f"{where}: a cross-faded morph frame needs its sketch to be replayed")
    try:
        weight = float(blend["weight"])
        params = sketch.resolve(blend["params"])
        seed = blend["seed"]
    except (KeyError, TypeError, ValueError):
        raise UserError(f"{where}: its morph stage's blend is malformed (expected params, seed and weight)") from None
    other = render(sketch, params, seed, size).rgba
    return mix(rgba, other, weight)
