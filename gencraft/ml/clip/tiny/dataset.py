"""Captioned renders for training the tiny CLIP, drawn with gencraft's own canvas.

Each sample is a random scene described by a few attributes — a colour (or a
palette: "colourful"), a shape (circles, squares, triangles, stars, lines,
curves, dots, grid), filled or outlined, how many (a few / many) and how big,
on a light or dark background — and a caption that names some of them:
"many small red circles on a dark background", "red circles", "red",
"circles", "warm colours". Short captions are included on purpose so short
prompts work. Everything random comes from one numpy Generator, so a seed
gives the same images and captions.

Sizes are chosen to be legible at the model's 64-pixel input: a "small"
shape is still about 4-6 pixels across its radius there and outlines at
least a pixel wide (v1 drew shapes of 2 pixels that no 64-pixel model can
tell apart, and crowded up to 40 of them into one picture).
"""
from __future__ import annotations

import colorsys
import math
from dataclasses import dataclass

import numpy as np

from gencraft.draw.canvas import Canvas
from gencraft.draw.color import NAMED, PALETTES, parse_color

COLOURS = ("red", "orange", "yellow", "green", "blue", "purple", "pink", "white", "black")
WARM = {"red", "orange", "yellow", "pink"}
COOL = {"green", "blue", "purple"}
SHAPES = ("circles", "squares", "triangles", "stars", "lines", "curves", "dots", "grid")
CLOSED = {"circles", "squares", "triangles", "stars"}
PREFIXES = ("", "", "", "a picture of ", "an image of ", "a drawing of ", "a render of ")


@dataclass
class Scene:
    """The attributes of one render; the caption is made from a subset of them."""

    colour: str          # a COLOURS name, or "colourful"
    shape: str           # a SHAPES name
    background: str      # "dark" or "light"
    many: bool
    large: bool
    outlined: bool

    @property
    def warmth(self) -> str | None:
        return "warm" if self.colour in WARM else "cool" if self.colour in COOL else None


def random_scene(rng: np.random.Generator) -> Scene:
    shape = SHAPES[rng.integers(len(SHAPES))]
    colour = "colourful" if rng.random() < 0.12 else COLOURS[rng.integers(len(COLOURS))]
    if colour == "white":
        background = "dark"
    elif colour == "black":
        background = "light"
    else:
        background = "dark" if rng.random() < 0.5 else "light"
    many = bool(rng.random() < 0.5) or shape == "dots"
    large = bool(rng.random() < 0.5) and shape != "dots"
    outlined = bool(rng.random() < 0.3) and shape in CLOSED
    return Scene(colour, shape, background, many, large, outlined)


def _jitter(hex_colour: str, rng: np.random.Generator, amount: float = 1.0) -> tuple:
    r, g, b, _ = parse_color(hex_colour)
    h, l, s = colorsys.rgb_to_hls(r, g, b)
    h = (h + rng.uniform(-0.025, 0.025) * amount) % 1.0
    l = min(0.95, max(0.05, l + rng.uniform(-0.08, 0.08) * amount))
    s = min(1.0, max(0.0, s + rng.uniform(-0.12, 0.08) * amount))
    return (*colorsys.hls_to_rgb(h, l, s), 1.0)


def _background(scene: Scene, rng: np.random.Generator) -> tuple:
    hue = rng.random()
    if scene.background == "dark":
        return (*colorsys.hls_to_rgb(hue, rng.uniform(0.02, 0.14), rng.uniform(0.0, 0.45)), 1.0)
    return (*colorsys.hls_to_rgb(hue, rng.uniform(0.86, 0.98), rng.uniform(0.0, 0.5)), 1.0)


def _colour_picker(scene: Scene, rng: np.random.Generator):
    if scene.colour == "colourful":
        pal = PALETTES[list(PALETTES)[rng.integers(len(PALETTES))]]
        cols = [c for c in pal if abs(_lum(c) - (0.1 if scene.background == "dark" else 0.92)) > 0.25] or list(pal)
        return lambda: cols[rng.integers(len(cols))]
    base = NAMED[scene.colour]
    amount = 0.4 if scene.colour in ("white", "black") else 1.0
    one = _jitter(base, rng, amount)
    # mostly one tone, sometimes a few tones of the same colour
    tones = [one] + [_jitter(base, rng, amount) for _ in range(2)]
    spread = rng.random() < 0.3
    return (lambda: tones[rng.integers(3)]) if spread else (lambda: one)


def _lum(c) -> float:
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]


def _regular(n: int, x: float, y: float, r: float, angle: float, inner: float | None = None) -> np.ndarray:
    k = np.arange(n * (2 if inner else 1))
    a = angle + k * (math.pi / n if inner else 2 * math.pi / n)
    rad = np.where(k % 2 == 1, r * inner, r) if inner else np.full(len(k), r)
    return np.stack([x + rad * np.cos(a), y + rad * np.sin(a)], axis=1)


def render_scene(scene: Scene, rng: np.random.Generator, size: int = 64) -> np.ndarray:
    """Draw a scene on a size x size canvas; returns (size, size, 4) uint8 RGBA."""
    c = Canvas(size, size)
    c.background(_background(scene, rng))
    colour = _colour_picker(scene, rng)
    S = float(size)
    lw = S * (rng.uniform(0.02, 0.035) if not scene.large else rng.uniform(0.03, 0.05))
    shape = scene.shape
    if shape == "grid":
        n = int(rng.integers(9, 16) if scene.many else rng.integers(3, 6))
        step = S / n
        off = rng.uniform(0, step)
        angle = rng.uniform(-0.25, 0.25) if rng.random() < 0.3 else 0.0
        col = colour()
        with c.push():
            c.translate(S / 2, S / 2)
            c.rotate(angle)
            c.stroke(col, width=lw)
            for i in range(-n, n + 1):
                p = i * step + off
                c.line(p, -S, p, S)
                c.line(-S, p, S, p)
        return c.to_array()
    if shape == "dots":
        n = int(rng.integers(60, 260))
        xy = rng.uniform(0, S, size=(n, 2))
        r = S * rng.uniform(0.008, 0.02)
        c.no_stroke()
        for x, y in xy:
            c.fill(colour())
            c.circle(x, y, r)
        return c.to_array()
    if scene.large:
        n = int(rng.integers(5, 11)) if scene.many else int(rng.integers(1, 4))
        r_range = (0.13, 0.22)
    else:
        n = int(rng.integers(10, 22)) if scene.many else int(rng.integers(3, 7))
        r_range = (0.065, 0.1)
    for _ in range(n):
        x, y = rng.uniform(0.05, 0.95, size=2) * S
        r = rng.uniform(*r_range) * S
        angle = rng.uniform(0, 2 * math.pi)
        col = colour()
        if shape in CLOSED:
            if scene.outlined:
                c.no_fill().stroke(col, width=lw)
            else:
                c.no_stroke().fill(col)
            if shape == "circles":
                c.circle(x, y, r)
            elif shape == "squares":
                c.polygon(_regular(4, x, y, r * 1.2, angle))
            elif shape == "triangles":
                c.polygon(_regular(3, x, y, r * 1.3, angle))
            else:
                c.polygon(_regular(5, x, y, r * 1.35, angle - math.pi / 2, inner=0.42))
        elif shape == "lines":
            c.no_fill().stroke(col, width=lw)
            dx, dy = math.cos(angle) * r * 1.6, math.sin(angle) * r * 1.6
            c.line(x - dx, y - dy, x + dx, y + dy)
        else:  # curves: a wave along a random direction
            c.no_fill().stroke(col, width=lw)
            t = np.linspace(-1.0, 1.0, 24)
            length = r * rng.uniform(2.0, 3.5)
            amp = r * rng.uniform(0.3, 0.7)
            freq = rng.uniform(1.0, 2.5)
            u = t * length
            v = amp * np.sin(freq * math.pi * t + rng.uniform(0, 2 * math.pi))
            ca, sa = math.cos(angle), math.sin(angle)
            c.polyline(np.stack([x + u * ca - v * sa, y + u * sa + v * ca], axis=1))
    return c.to_array()


def caption(scene: Scene, rng: np.random.Generator, full: bool = False) -> str:
    """A caption naming some of the scene's attributes (all of them when full=True)."""
    colour = "colourful" if scene.colour == "colourful" else scene.colour
    shape = scene.shape
    if shape == "grid":
        shape_np = "a dense grid" if scene.many else "a sparse grid"
        short_shape = "grid"
    else:
        count = "many" if scene.many else "a few"
        size = "" if shape == "dots" else ("large " if scene.large else "small ")
        style = "outlined " if scene.outlined and rng.random() < 0.6 else ""
        shape_np = f"{count} {size}{style}{colour} {shape}"
        short_shape = shape
    bg = f"on a {scene.background} background"
    if shape == "grid":
        full_text = f"{shape_np} of {colour} lines {bg}"
    else:
        full_text = f"{shape_np} {bg}"
    if full:
        return full_text
    u = rng.random()
    if u < 0.25:
        text = full_text
    elif u < 0.50:
        text = f"{colour} {short_shape}"
    elif u < 0.62:
        text = colour
    elif u < 0.74:
        text = short_shape
    elif u < 0.82:
        text = f"{colour} {short_shape} {bg}"
    elif u < 0.88:
        text = f"{scene.background} background"
    elif u < 0.94 and scene.warmth:
        text = f"{scene.warmth} colours"
    else:
        text = f"{'many' if scene.many else 'a few'} {short_shape}" if shape != "grid" else \
            ("a dense grid" if scene.many else "a sparse grid")
    prefix = PREFIXES[rng.integers(len(PREFIXES))]
    return text if text.endswith(" background") and not text.startswith("a") else prefix + text


def sample_batch(rng: np.random.Generator, n: int, size: int = 64) -> tuple[np.ndarray, list[str], list[Scene]]:
    """n renders (n, size, size, 4) with captions that are unique within the batch where possible
    (duplicate captions would be false negatives for the contrastive loss)."""
    images, captions, scenes = [], [], []
    seen = set()
    for _ in range(n):
        scene = random_scene(rng)
        text = caption(scene, rng)
        if text in seen:
            text = caption(scene, rng, full=True)
        seen.add(text)
        images.append(render_scene(scene, rng, size))
        captions.append(text)
        scenes.append(scene)
    return np.stack(images), captions, scenes


def sample_contrast_batch(rng: np.random.Generator, groups: int, size: int = 64):
    """Hard negatives for shape: ``groups`` groups of len(SHAPES) renders, each group one
    colour and background with every shape once, so only the shape word tells them apart
    (random batches are mostly told apart by colour alone)."""
    images, captions, scenes = [], [], []
    for _ in range(groups):
        colour = COLOURS[rng.integers(len(COLOURS))]
        background = "dark" if colour == "white" else "light" if colour == "black" else \
            ("dark" if rng.random() < 0.5 else "light")
        for shape in rng.permutation(SHAPES):
            shape = str(shape)
            scene = Scene(colour, shape, background, many=bool(rng.random() < 0.5) or shape == "dots",
                          large=bool(rng.random() < 0.5) and shape != "dots",
                          outlined=bool(rng.random() < 0.3) and shape in CLOSED)
            short = "grid" if shape == "grid" else shape
            u = rng.random()
            text = (f"{colour} {short}" if u < 0.45 else short if u < 0.7 else
                    caption(scene, rng, full=True) if u < 0.9 else f"{colour} {short} on a {background} background")
            images.append(render_scene(scene, rng, size))
            captions.append(PREFIXES[rng.integers(len(PREFIXES))] + text)
            scenes.append(scene)
    return np.stack(images), captions, scenes


def caption_vocabulary(samples: int = 4000, seed: int = 0) -> list[str]:
    """Every word the captions use (sorted): what a model trained on them knows.

    Captions are drawn from a fixed seed (no rendering), short and full forms
    both, which covers every template, plus the words of the sketch captions
    (:mod:`.sketch_captions`); written beside the weights as
    ``vocabulary.txt`` so a prompt's unknown words can be named.
    """
    import re

    rng = np.random.default_rng(seed)
    found: set[str] = set()
    for _ in range(samples):
        scene = random_scene(rng)
        for text in (caption(scene, rng), caption(scene, rng, full=True)):
            found.update(re.findall(r"[a-z]+", text.lower()))
    from gencraft.ml.clip.tiny.sketch_captions import vocabulary_texts

    for text in (*PREFIXES, *vocabulary_texts()):
        found.update(re.findall(r"[a-z]+", text.lower()))
    return sorted(found)
