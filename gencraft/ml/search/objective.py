"""What a search maximises: a callable scoring a batch of renders.

An objective is any ``callable(list of (H, W, 4) uint8 RGBA arrays) -> array (N,)``
where higher is better. The search machinery (Optuna studies, ribs archives,
seed ranking) only ever sees this interface, so it can be tested with a plain
pixel objective and driven by CLIP in use. :class:`ClipObjective` is the CLIP
one; it loads the model lazily (torch is imported only here, on first use).
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from gencraft.errors import UserError

Objective = Callable[[Sequence[np.ndarray]], np.ndarray]
METRICS = ("cosine", "clipscore")


class ClipObjective:
    """CLIP similarity of each render to a prompt (minus its negatives).

    `model` is a spec for :func:`gencraft.ml.clip.model.load_clip` ("tiny",
    "local-dir:PATH", "ARCH:FILE", "ARCH:TAG") or an already-loaded model
    with a ``score`` method.
    """

    def __init__(self, model: Any, prompt: str, negatives: Sequence[str] = (), metric: str = "cosine",
                 crops: int = 0, seed: int = 0, device: str = "cpu"):
        self.prompt = check_prompt(prompt)
        self.negatives = tuple(check_prompt(n, "negative prompt") for n in negatives)
        if metric not in METRICS:
            raise UserError(f"unknown metric {metric!r}: expected one of {', '.join(METRICS)}")
        self.metric, self.crops, self.seed, self.device = metric, int(crops), int(seed), device
        if isinstance(model, str) or model is None:
            from gencraft.ml.clip.model import load_clip

            self.spec = model or "tiny"
            self.model = load_clip(self.spec, device=device)
        else:
            self.model = model
            self.spec = str(getattr(model, "spec", type(model).__name__))

    def __call__(self, images: Sequence[np.ndarray]) -> np.ndarray:
        scores = self.model.score(list(images), self.prompt, negatives=self.negatives, metric=self.metric,
                                  crops=self.crops, seed=self.seed)
        return np.asarray(scores, dtype=np.float64).reshape(len(images))

    def describe(self) -> dict:
        """What went into a score (recorded with studies and in provenance)."""
        return {"prompt": self.prompt, "negatives": list(self.negatives), "model": self.spec,
                "metric": self.metric, "crops": self.crops}


def check_prompt(prompt: Any, what: str = "prompt") -> str:
    """A non-empty prompt, stripped; an empty one is the user's mistake."""
    if not isinstance(prompt, str) or not prompt.strip():
        raise UserError(f"empty {what}: give some words describing the image you want (e.g. --prompt 'red circles')")
    return prompt.strip()


def describe_objective(objective: Any, prompt: str, negatives: Sequence[str] = ()) -> dict:
    """A JSON-able description of any objective (custom callables describe themselves by name)."""
    if hasattr(objective, "describe"):
        return objective.describe()
    name = getattr(objective, "__qualname__", None) or type(objective).__qualname__
    return {"prompt": prompt, "negatives": list(negatives), "model": f"callable:{name}", "metric": "custom",
            "crops": 0}
