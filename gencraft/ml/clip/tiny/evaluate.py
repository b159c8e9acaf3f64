"""Held-out evaluation of a CLIP on fresh renders: does the matching caption win?

Renders scenes from a seed the training never used and asks the model to pick,
among all candidate captions, the one that describes each render — colour
alone (9 words, chance 11%), shape alone (8 words, chance 12.5%) and colour +
shape together (72 captions, chance 1.4%). Used by the tests and printed at
the end of ``gencraft ml train-tiny-clip``.

:func:`sketch_accuracy` does the same on renders of the bundled sketches for
token hashes from the held-out collection: the sketch kind among fourteen
kind prompts (chance 7 %), and the palette family measured from the pixels
(:func:`.sketch_captions.measure`): dark or light background, warm or cool
colours, sparse or dense ink (chance 50 % each; renders without a clear label
are left out of that task).
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


#: per palette-family task (a :class:`Look` field): its two values and the prompt for each
FAMILY_TASKS = {
    "background": (("dark", "light"), ("dark background", "light background")),
    "warmth": (("warm", "cool"), ("warm colours", "cool colours")),
    "density": (("sparse", "dense"), ("sparse", "dense")),
}


def sketch_accuracy(model, data) -> dict:
    """Top-1 accuracy of the kind and of each palette-family word on a :class:`SketchSet`."""
    from gencraft.ml.clip.tiny.sketch_captions import KINDS, kind_prompt

    emb = model.embed_images(list(data.images))
    kinds = [k for k in KINDS if k in set(data.stems)]
    sims = (emb @ model.embed_text([kind_prompt(k) for k in kinds]).T).numpy()
    pred = [kinds[i] for i in sims.argmax(axis=1)]
    result = {"kind n": len(data), "kind": float(np.mean([p == t for p, t in zip(pred, data.stems)])),
              "kind chance": 1.0 / len(kinds)}
    result["kind per sketch"] = {k: float(np.mean([p == k for p, t in zip(pred, data.stems) if t == k]))
                                 for k in kinds}
    for task, (values, prompts) in FAMILY_TASKS.items():
        rows = [i for i, look in enumerate(data.looks) if getattr(look, task) in values]
        if not rows:
            continue
        s = (emb[rows] @ model.embed_text(list(prompts)).T).numpy()
        truth = np.array([values.index(getattr(data.looks[i], task)) for i in rows])
        result[task] = float(np.mean(s.argmax(axis=1) == truth))
        result[f"{task} n"] = len(rows)
    return result


def evaluate_and_record(model, folder, *, cache_dir=None, workers: int = 2, sketches=None,
                        per_sketch: int = 12, n: int = 200) -> dict:
    """Both held-out evaluations, written into the model folder's ``training.json`` under "held_out"."""
    import json
    from pathlib import Path

    from gencraft.atomic import write_text
    from gencraft.ml.clip.tiny.sketch_renders import HELDOUT_COLLECTION, default_cache_dir, sketch_set

    result = accuracy(model, n=n)
    if sketches is None or len(sketches):
        data = sketch_set(per_sketch, HELDOUT_COLLECTION, sketches, cache_dir or default_cache_dir(),
                          workers=workers, progress=False)
        result.update(sketch_accuracy(model, data))
    meta_path = Path(folder) / "training.json"
    meta = json.loads(meta_path.read_text()) if meta_path.is_file() else {}
    meta["held_out"] = result
    write_text(meta_path, json.dumps(meta, indent=2, sort_keys=True) + "\n")
    return result
