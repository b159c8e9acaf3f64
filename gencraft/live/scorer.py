"""CLIP scores for live renders: imported only when ``--prompt`` is given.

The model (the bundled tiny CLIP by default) loads once, in a thread, so the
page is up before torch has finished importing; scores arrive when ready.
"""
from __future__ import annotations

import importlib.util
import threading

from gencraft.errors import UserError


def check_ml_available() -> None:
    """Fail early, in one line, when --prompt cannot work on this install."""
    for module, what in (("torch", "torch"), ("gencraft.ml", "gencraft's ml package"),
                         ("gencraft.ml.clip.model", "gencraft.ml.clip.model")):
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            raise UserError(f"--prompt needs CLIP scoring, but {what} is not available; "
                            "install the ml extra (pip install 'gencraft[ml]') or leave out --prompt")


class ClipScorer:
    """Scores PNG bytes against one prompt; thread-safe, model loaded lazily."""

    def __init__(self, prompt: str, model: str = "tiny"):
        self.prompt = prompt
        self.model_name = model
        self._model = None
        self._error: str | None = None
        self._lock = threading.Lock()

    def load(self):
        with self._lock:
            if self._model is None and self._error is None:
                try:
                    from gencraft.ml.clip.model import load_clip

                    self._model = load_clip(self.model_name)
                except UserError as exc:
                    self._error = str(exc)
                except Exception as exc:  # noqa: BLE001 - shown on the page, server keeps going
                    self._error = f"cannot load CLIP model {self.model_name!r}: {type(exc).__name__}: {exc}"
            if self._error is not None:
                raise UserError(self._error)
            return self._model

    def score(self, image) -> float:
        """CLIP score of one frame (raw RGBA array or PNG bytes) against the prompt."""
        import numpy as np

        from gencraft.live.outputs import as_rgba

        model = self.load()
        rgba = as_rgba(image)
        with self._lock:
            scores = model.score([rgba], self.prompt)
        return float(np.asarray(scores).reshape(-1)[0])
