"""Held-out evaluation of a CLIP on fresh renders: does the matching caption win?

Renders scenes from a seed the training never used and asks the model to pick,
among all candidate captions, the one that describes each render — colour
alone (9 words, chance 11%), shape alone (8 words, chance 12.5%) and colour +
shape together (72 captions, chance 1.4%). Used by the tests and printed at
the end of ``gencraft ml train-tiny-clip``.
"""
from __future__ import annotations

import numpy as np

from gencraft.ml.clip.tiny.dataset import COLOURS, SHAPES, random_scene, render_scene

HELD_OUT_SEED = 10_000_019  # far from any training seed


def held_out_set(n: int = 200, seed: int = HELD_OUT_SEED, size: int = 96):
    """n renders of single-colour scenes with their scenes (colourful ones are skipped)."""
    rng = np.random.default_rng(seed)
    images, scenes = [], []
    while len(images) < n:
        scene = random_scene(rng)
        if scene.colour == "colourful":
            continue
        images.append(render_scene(scene, rng, size))
        scenes.append(scene)
    return np.stack(images), scenes


def accuracy(model, n: int = 200, seed: int = HELD_OUT_SEED, size: int = 96) -> dict:
    """Top-1 accuracy of caption retrieval on held-out renders, with chance levels."""
    images, scenes = held_out_set(n, seed, size)
    emb = model.embed_images(list(images))
    result = {"n": n}
    tasks = {
        "colour": (list(COLOURS), [s.colour for s in scenes]),
        "shape": (list(SHAPES), [s.shape for s in scenes]),
        "colour+shape": ([f"{c} {s}" for c in COLOURS for s in SHAPES],
                         [f"{s.colour} {s.shape}" for s in scenes]),
    }
    for task, (captions, truth) in tasks.items():
        sims = (emb @ model.embed_text(captions).T).numpy()
        pred = [captions[i] for i in sims.argmax(axis=1)]
        result[task] = float(np.mean([p == t for p, t in zip(pred, truth)]))
        result[f"{task} chance"] = 1.0 / len(captions)
    return result
