"""Captions for renders of gencraft's own sketches, made from what was actually drawn.

The tiny CLIP v2 learns the bundled sketches' kinds ("flow lines", "a strange
attractor", "woven tiles" ...) and the look of each token: a dark or light
background, sparse or dense ink, warm or cool colours, a main colour. Those are
measured from the pixels (:func:`measure`), not taken from the sketch's trait
names, so the words mean the same thing on every sketch and on an artist's own
work: "dense warm flow lines on a dark background", "a topographic contour map
in cool colours", "red packed circles".

The measurement is also the ground truth of the held-out palette-family
evaluation (:mod:`.evaluate`): a render whose colours are mixed, or whose
background is mid-grey, gets no warmth or background label and is left out of
that test rather than labelled by guesswork.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: bundled sketch (file stem) -> (article, the kind's noun phrase). Fixtures are not here.
KINDS: dict[str, tuple[str, str]] = {
    "flow": ("", "flow lines"),
    "marble": ("", "veined marble"),
    "contours": ("a ", "topographic contour map"),
    "loop": ("", "ridge lines"),
    "garden": ("a ", "landscape of trees"),
    "abop": ("a ", "branching plant"),
    "attractor": ("a ", "strange attractor"),
    "truchet": ("", "woven tiles"),
    "morphogen": ("a ", "reaction diffusion pattern"),
    "meander": ("a ", "meandering line"),
    "wash": ("a ", "watercolour wash"),
    "mosaic": ("a ", "geometric mosaic"),
    "bloom": ("", "packed circles"),
    "ranges": ("", "hatched mountain ranges"),
}

#: hue bands (degrees) of the colour words the primitives use too; red wraps around 0
_HUES = (("red", 345, 15), ("orange", 15, 40), ("yellow", 40, 70), ("green", 70, 170),
         ("blue", 170, 255), ("purple", 255, 300), ("pink", 300, 345))
WARM_WORDS = {"red", "orange", "yellow", "pink"}


def kind_prompt(stem: str) -> str:
    """The plain prompt for a sketch kind: "a strange attractor", "flow lines"."""
    article, noun = KINDS[stem]
    return article + noun


@dataclass(frozen=True)
class Look:
    """What a render looks like, measured from its pixels; None where it is not clear."""

    background: str | None   # "dark" / "light"
    density: str | None      # "sparse" / "dense"
    warmth: str | None       # "warm" / "cool"
    colour: str | None       # a colour word when one colour holds most of the coloured ink


def _hsv(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    mx, mn = rgb.max(axis=-1), rgb.min(axis=-1)
    delta = mx - mn
    s = np.where(mx > 0, delta / np.maximum(mx, 1e-9), 0.0)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    d = np.maximum(delta, 1e-9)
    h = np.where(mx == r, ((g - b) / d) % 6, np.where(mx == g, (b - r) / d + 2, (r - g) / d + 4)) * 60.0
    return h, s, mx


def measure(rgb: np.ndarray) -> Look:
    """Background, ink density, warmth and main colour of an (H, W, 3) uint8 render.

    The background is the median colour of the outer frame (the sketches keep
    margins, so the frame is ground). Ink is every pixel far from it. Warmth
    weighs each coloured ink pixel by its saturation: "warm" when at least 70 %
    of that weight lies in red/orange/yellow/pink, "cool" when at most 30 %.
    """
    x = np.asarray(rgb, dtype=np.float64)[..., :3] / 255.0
    h, w = x.shape[:2]
    k = max(1, round(min(h, w) * 0.04))
    frame = np.concatenate([x[:k].reshape(-1, 3), x[-k:].reshape(-1, 3), x[:, :k].reshape(-1, 3),
                            x[:, -k:].reshape(-1, 3)])
    ground = np.median(frame, axis=0)
    luma = float(ground @ np.array([0.2126, 0.7152, 0.0722]))
    background = "dark" if luma < 0.35 else "light" if luma > 0.65 else None
    ink = np.linalg.norm(x - ground, axis=-1) > 0.15
    coverage = float(ink.mean())
    density = "sparse" if coverage < 0.12 else "dense" if coverage > 0.40 else None
    hue, sat, val = _hsv(x[ink]) if ink.any() else (np.zeros(0),) * 3
    weight = np.where((sat > 0.25) & (val > 0.2), sat, 0.0)
    warmth = colour = None
    if weight.sum() > 0.05 * max(1, ink.sum()):
        shares = {}
        for name, lo, hi in _HUES:
            band = (hue >= lo) | (hue < hi) if lo > hi else (hue >= lo) & (hue < hi)
            shares[name] = float(weight[band].sum() / weight.sum())
        warm = sum(shares[n] for n in WARM_WORDS)
        warmth = "warm" if warm >= 0.7 else "cool" if warm <= 0.3 else None
        top = max(shares, key=shares.get)
        colour = top if shares[top] >= 0.6 else None
    elif ink.any():  # uncoloured ink: black on light paper, white on a dark ground
        ink_luma = float(np.median(x[ink] @ np.array([0.2126, 0.7152, 0.0722])))
        colour = "black" if ink_luma < 0.25 and background == "light" else \
            "white" if ink_luma > 0.75 and background == "dark" else None
    return Look(background, density, warmth, colour)


def caption(stem: str, look: Look, rng: np.random.Generator, prefixes: tuple[str, ...] = ("",)) -> str:
    """One caption for a render of sketch ``stem``: its kind with some of the measured look.

    About a third of captions are the kind alone (so the bare kind prompt is
    learnt well); the rest add one or more measured words, or describe only
    the colours and background, a phrase the primitive scenes share.
    """
    article, noun = KINDS[stem]
    bg = f" on a {look.background} background" if look.background else ""
    u = rng.random()
    if u < 0.3:
        text = article + noun
    elif u < 0.45 and bg:
        text = article + noun + bg
    elif u < 0.55 and look.density:
        text = f"{'a ' if article else ''}{look.density} {noun}"
    elif u < 0.67 and look.warmth:
        text = f"{article}{noun} in {look.warmth} colours"
    elif u < 0.77 and look.colour:
        text = f"{'a ' if article else ''}{look.colour} {noun}"
    elif u < 0.85 and look.warmth and bg:
        text = f"{look.warmth} colours{bg}"
    else:
        words = " ".join(w for w in (look.density, look.warmth) if w)
        text = (f"{'a ' if article else ''}{words} {noun}" if words else article + noun) + bg
    return prefixes[rng.integers(len(prefixes))] + text


def vocabulary_texts() -> list[str]:
    """Every phrase the captions can contain (for the model's vocabulary list)."""
    texts = [kind_prompt(s) for s in KINDS]
    texts += ["sparse dense warm cool colours on a dark light background in"]
    texts += [name for name, _, _ in _HUES] + ["black", "white"]
    return texts
