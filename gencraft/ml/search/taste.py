"""Learned taste: a collector's likes (and skips) train a small head on CLIP image embeddings.

An artist likes renders on the live page (saved to ``OUT/likes/``), or marks
files with ``gencraft like IMAGE`` (``--skip`` for the ones they pass on).
Those labelled images, embedded by a CLIP model, train a logistic regression
whose regularisation strength is chosen by stratified cross-validation on
ROC AUC (:func:`fit_taste`). Per sketch: images whose recipe names the sketch
being ranked are used when there are any.

Without explicit skips the negatives are *unlabelled* renders of the same
sketch at background seeds (positive-unlabelled learning: "what sets the
liked ones apart from the sketch's usual output").

Scores (higher is better):

- taste alone: the predicted probability of a like, in [0, 1] (classes
  weighted as if balanced, so 0.5 is the boundary however few the likes);
- with a prompt: CLIP cosine + ``weight`` x the taste margin, the logistic
  regression's decision value divided by the norm of its weights -- the
  signed distance of the image embedding along the learned "taste direction",
  a unit vector like a prompt's text embedding, so both terms are in cosine
  units.

:func:`simulate_collector` measures it honestly: a simulated collector likes
the renders with one trait value, the head is trained on k labelled renders
and scored by AUC on renders it never saw, over repeated draws.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from gencraft.errors import UserError

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")
SKIPS = "skipped"           # DIR/skipped/: the renders the collector passed on
CS = np.logspace(-2, 3, 11)  # inverse regularisation strengths tried by cross-validation
BACKGROUND = 32              # unlabelled background renders when there are no skips


@dataclass
class TasteHead:
    """A fitted logistic regression on unit CLIP embeddings."""

    coef: np.ndarray
    intercept: float
    C: float
    cv_auc: float | None        # mean held-out AUC of the chosen C in cross-validation (None: too few labels)
    n_liked: int
    n_other: int
    negatives: str              # "skips" or "background renders"
    notes: list[str] = field(default_factory=list)

    def margin(self, emb: np.ndarray) -> np.ndarray:
        """Signed distance along the taste direction (cosine units)."""
        emb = np.asarray(emb, dtype=np.float64)
        return (emb @ self.coef + self.intercept) / max(np.linalg.norm(self.coef), 1e-12)

    def probability(self, emb: np.ndarray) -> np.ndarray:
        z = np.asarray(emb, dtype=np.float64) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def describe(self) -> dict:
        return {"C": self.C, "cv_auc": self.cv_auc, "liked": self.n_liked, "other": self.n_other,
                "negatives": self.negatives}


def fit_taste(liked: np.ndarray, other: np.ndarray, negatives: str = "skips", seed: int = 0) -> TasteHead:
    """Logistic regression liked-vs-other with C chosen by stratified k-fold CV on ROC AUC."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold

    liked, other = np.asarray(liked, np.float64), np.asarray(other, np.float64)
    if len(liked) == 0:
        raise UserError("no liked images to learn a taste from: like some renders first "
                        "(the live page's Like button, or gencraft like IMAGE)")
    if len(other) == 0:
        raise UserError("every labelled image is a like: a taste needs some renders that were not liked "
                        "(gencraft like --skip IMAGE)")
    x = np.concatenate([liked, other])
    y = np.concatenate([np.ones(len(liked)), np.zeros(len(other))])
    folds = int(min(5, len(liked), len(other)))
    notes: list[str] = []
    best_c, best_auc = 1.0, None
    if folds >= 2:
        cv = StratifiedKFold(folds, shuffle=True, random_state=seed)
        for c in CS:
            aucs = []
            for tr, te in cv.split(x, y):
                m = LogisticRegression(C=float(c), max_iter=2000, class_weight="balanced").fit(x[tr], y[tr])
                aucs.append(roc_auc_score(y[te], m.decision_function(x[te])))
            if best_auc is None or np.mean(aucs) >= best_auc - 1e-9:  # ties: the weaker regularisation
                best_c, best_auc = float(c), float(np.mean(aucs))
    else:
        notes.append(f"only {min(len(liked), len(other))} example(s) on one side: no cross-validation, C=1")
    model = LogisticRegression(C=best_c, max_iter=2000, class_weight="balanced").fit(x, y)
    return TasteHead(model.coef_[0].copy(), float(model.intercept_[0]), best_c, best_auc, len(liked), len(other),
                     negatives, notes)


# ----------------------------------------------------------------- the likes folder
def like_images(paths: Sequence[str | Path], folder: str | Path = "likes", skip: bool = False) -> list[Path]:
    """Copy images into FOLDER (a like) or FOLDER/skipped (a skip); returns where they went.

    Files keep their bytes (and so their recipe); a name already taken by a
    different file gets the content hash appended. An image liked before is
    moved out of skipped/ (and vice versa): the last word counts.
    """
    from gencraft.atomic import write_bytes
    from gencraft.ml.refine.img2img import load_image  # no torch: liking needs no model

    folder = Path(folder)
    dest = folder / SKIPS if skip else folder
    other = folder if skip else folder / SKIPS
    done = []
    for p in paths:
        p = Path(p)
        load_image(p)  # a readable image, or one line naming it
        data = p.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        dest.mkdir(parents=True, exist_ok=True)
        target = dest / p.name
        if target.exists() and target.read_bytes() != data:
            target = dest / f"{p.stem}-{digest[:10]}{p.suffix}"
        if not target.exists():
            write_bytes(target, data)
        if other.is_dir():
            for q in list(other.iterdir()):
                if q.is_file() and q.suffix.lower() in IMAGE_SUFFIXES and q.stat().st_size == len(data) \
                        and hashlib.sha256(q.read_bytes()).hexdigest() == digest:
                    q.unlink()
        done.append(target)
    return done


def _images_in(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)


def _sketch_of(path: Path) -> str | None:
    try:
        from gencraft.provenance import read_recipe
        return str(read_recipe(path).get("sketch", {}).get("name") or "") or None
    except Exception:  # noqa: BLE001 - a foreign image: no recipe
        return None


def labelled_images(folder: str | Path, sketch_name: str | None = None) -> tuple[list[Path], list[Path], str]:
    """(liked, skipped, note) from a likes folder; per sketch when its recipes name ``sketch_name``."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UserError(f"taste folder {str(folder)!r} does not exist (like renders on the live page, "
                        "or gencraft like IMAGE --to FOLDER)")
    liked, skipped = _images_in(folder), _images_in(folder / SKIPS)
    note = ""
    if sketch_name:
        mine = [p for p in liked if _sketch_of(p) == sketch_name]
        if mine:
            if len(mine) < len(liked):
                note = f"using the {len(mine)} likes of {sketch_name} (of {len(liked)})"
            liked = mine
            skipped = [p for p in skipped if _sketch_of(p) in (sketch_name, None)]
        elif liked:
            note = f"no likes of {sketch_name} in {folder}: using all {len(liked)}"
    if not liked:
        raise UserError(f"no liked images in {str(folder)!r}: like some renders first "
                        "(the live page's Like button, or gencraft like IMAGE)")
    return liked, skipped, note


# --------------------------------------------------------------------- objective
class TasteObjective:
    """A search objective: predicted taste, alone or added to a CLIP prompt score (see module docstring)."""

    def __init__(self, likes: str | Path, model: Any = "tiny", sketch: Any = None, prompt: str | None = None,
                 negatives: Sequence[str] = (), weight: float = 1.0, metric: str = "cosine",
                 background: int = BACKGROUND, background_size: Any = (96, 96), device: str = "cpu",
                 seed: int = 0):
        from gencraft.ml.clip.model import load_clip
        from gencraft.ml.clip.preprocess import load_image

        self.likes = Path(likes)
        self.clip = model if hasattr(model, "embed_images") else load_clip(model or "tiny", device=device)
        self.spec = str(getattr(self.clip, "spec", model))
        self.prompt = prompt.strip() if isinstance(prompt, str) and prompt.strip() else None
        self.negatives = tuple(negatives)
        self.weight, self.metric = float(weight), metric
        name = getattr(sketch, "name", None)
        liked, skipped, self.note = labelled_images(self.likes, name)
        pos = self.clip.embed_images([load_image(p) for p in liked]).numpy()
        if skipped:
            neg, kind = self.clip.embed_images([load_image(p) for p in skipped]).numpy(), "skips"
        elif sketch is not None:
            from gencraft.render import render
            imgs = [render(sketch, {}, f"taste-background-{i}", background_size).rgba for i in range(background)]
            neg, kind = self.clip.embed_images(imgs).numpy(), "background renders"
        else:
            raise UserError(f"{str(self.likes)!r} has likes but no skips ({SKIPS}/): give the sketch, "
                            "whose background renders then stand for what was not liked")
        self.head = fit_taste(pos, neg, kind, seed=seed)

    def __call__(self, images: Sequence[np.ndarray]) -> np.ndarray:
        emb = self.clip.embed_images(list(images)).numpy()
        if self.prompt is None:
            return self.head.probability(emb)
        clip_score = np.asarray(self.clip.score(list(images), self.prompt, negatives=self.negatives,
                                                metric=self.metric), dtype=np.float64)
        return clip_score + self.weight * self.head.margin(emb)

    def describe(self) -> dict:
        return {"prompt": self.prompt or f"taste:{self.likes}", "negatives": list(self.negatives),
                "model": self.spec, "metric": self.metric if self.prompt else "taste", "crops": 0,
                "taste": {"folder": str(self.likes), "weight": self.weight, **self.head.describe()}}

    def summary(self) -> str:
        h = self.head
        cv = f", cross-validated AUC {h.cv_auc:.2f} (C={h.C:g})" if h.cv_auc is not None else ""
        return (f"taste from {h.n_liked} likes vs {h.n_other} {h.negatives} in {self.likes}{cv}"
                + (f"; {self.note}" if self.note else "") + "".join(f"; {n}" for n in h.notes))


# --------------------------------------------------------------- honest evaluation
def simulate_collector(sketch: Any, trait: str, liked_values: Sequence[Any], *, model: Any = "tiny",
                       pool: int = 160, counts: Sequence[int] = (4, 8, 12, 20, 40), repeats: int = 10,
                       size: Any = (64, 64), seed: int = 0, device: str = "cpu", pool_cache: dict | None = None) -> dict:
    """Held-out AUC of the taste head against the number of labelled renders.

    Renders ``pool`` tokens of the sketch (hash-drawn parameters), labels them
    as a collector who likes ``trait`` in ``liked_values`` would, and for each
    k in ``counts`` trains on k random labelled renders (at least one of each
    label) and measures ROC AUC on the other ``pool - k``; ``repeats`` draws each.
    """
    from sklearn.metrics import roc_auc_score

    from gencraft.ml.clip.model import load_clip
    from gencraft.render import render
    from gencraft.sketch import Sketch, load_sketch

    sk = sketch if isinstance(sketch, Sketch) else load_sketch(sketch)
    clip = model if hasattr(model, "embed_images") else load_clip(model, device=device)
    key = (sk.name, pool, tuple(size), seed)
    if pool_cache is not None and key in pool_cache:
        renders, emb = pool_cache[key]
    else:
        renders = [render(sk, {}, f"collector-{seed}-{i}", size) for i in range(pool)]
        emb = clip.embed_images([r.rgba for r in renders]).numpy()
        if pool_cache is not None:
            pool_cache[key] = renders, emb
    if trait not in renders[0].params.to_dict():
        raise UserError(f"sketch {sk.name} has no parameter {trait!r}")
    y = np.array([r.params[trait] in set(liked_values) for r in renders], dtype=int)
    if y.sum() < 3 or y.sum() > pool - 3:
        raise UserError(f"{trait} in {list(liked_values)} is liked in {y.sum()} of {pool} renders: "
                        "too few or too many to evaluate")
    rng = np.random.default_rng(seed)
    curve = []
    for k in counts:
        aucs = []
        for _ in range(repeats):
            while True:
                idx = rng.permutation(pool)
                tr, te = idx[:k], idx[k:]
                if 0 < y[tr].sum() < k:
                    break
            head = fit_taste(emb[tr][y[tr] == 1], emb[tr][y[tr] == 0], seed=seed)
            aucs.append(float(roc_auc_score(y[te], head.margin(emb[te]))))
        curve.append({"labelled": int(k), "auc_mean": float(np.mean(aucs)), "auc_min": float(np.min(aucs)),
                      "auc_max": float(np.max(aucs))})
    return {"sketch": sk.name, "trait": trait, "liked": list(liked_values), "pool": pool,
            "liked_share": float(y.mean()), "model": str(getattr(clip, "spec", model)), "size": list(size),
            "repeats": repeats, "curve": curve}


def format_curve(result: dict) -> str:
    rows = [f"{c['labelled']:>4} labelled: AUC {c['auc_mean']:.3f} (min {c['auc_min']:.3f}, max {c['auc_max']:.3f})"
            for c in result["curve"]]
    return (f"{result['sketch']}: collector likes {result['trait']} in {result['liked']} "
            f"({result['liked_share']:.0%} of {result['pool']} renders), held-out AUC over "
            f"{result['repeats']} draws\n" + "\n".join(rows))


if __name__ == "__main__":  # python -m gencraft.ml.search.taste SKETCH TRAIT VALUE[,VALUE] [VALUE ...]
    import sys

    cache: dict = {}
    for values in sys.argv[3:]:
        res = simulate_collector(sys.argv[1], sys.argv[2], values.split(","), pool_cache=cache)
        print(format_curve(res), flush=True)
        print(json.dumps(res), flush=True)
