"""CLIP: loading models offline, preprocessing, scoring, and the tiny CLIP gencraft trains.

- :mod:`.load` — model specs (``tiny``, ``local-dir:DIR``, ``NAME:CHECKPOINT``) and building models
- :mod:`.preprocess` — batched resize/crop/normalise of uint8 renders
- :mod:`.model` — :class:`ClipModel` and :func:`load_clip`: embeddings and scores
- :mod:`.tiny` — the tiny CLIP's dataset, training and evaluation

``load_clip`` and ``ClipModel`` are importable from here; torch loads only when
one of them is first used.
"""
from __future__ import annotations

_LAZY = {"load_clip", "ClipModel", "DEFAULT_TEMPLATES", "apply_metric"}


def __getattr__(name):
    if name in _LAZY:
        from gencraft.ml.clip import model

        return getattr(model, name)
    raise AttributeError(f"module 'gencraft.ml.clip' has no attribute {name!r}")
