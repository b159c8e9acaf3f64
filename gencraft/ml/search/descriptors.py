"""Pixel descriptors of a render: the axes of a quality-diversity atlas.

Both are cheap, need no model, and are scaled to [0, 1] so that an atlas grid
can cover them with fixed ranges:

* **ink density** — the fraction of pixels that differ visibly from the paper.
  The paper colour is the median of the image's border pixels (sketches
  almost always leave a margin), "visibly" is a difference above 24/255 in any
  channel.
* **colourfulness** — Hasler & Süsstrunk's (2003) metric M, computed on the
  opponent channels rg = R - G and yb = (R + G)/2 - B:
  M = sqrt(sd_rg² + sd_yb²) + 0.3 · sqrt(mean_rg² + mean_yb²), divided by 150 and
  clipped (a grey image is 0; in their study "extremely colourful" is above ~110).
"""
from __future__ import annotations

import numpy as np

DESCRIPTORS = {"ink": "ink density", "colour": "colourfulness"}
INK_THRESHOLD = 24
COLOURFULNESS_SCALE = 150.0


def _rgb(rgba: np.ndarray) -> np.ndarray:
    """RGB floats of an RGBA uint8 image composited over white."""
    img = rgba.astype(np.float32)
    if img.shape[2] == 4:
        a = img[..., 3:4] / 255.0
        return img[..., :3] * a + 255.0 * (1.0 - a)
    return img[..., :3]


def paper_colour(rgb: np.ndarray) -> np.ndarray:
    """Median colour of the one-pixel border."""
    border = np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]], axis=0)
    return np.median(border, axis=0)


def ink_density(rgba: np.ndarray) -> float:
    rgb = _rgb(rgba)
    diff = np.abs(rgb - paper_colour(rgb)).max(axis=2)
    return float((diff > INK_THRESHOLD).mean())


def colourfulness(rgba: np.ndarray) -> float:
    rgb = _rgb(rgba)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    rg = r - g
    yb = 0.5 * (r + g) - b
    m = np.hypot(rg.std(), yb.std()) + 0.3 * np.hypot(rg.mean(), yb.mean())
    return float(min(m / COLOURFULNESS_SCALE, 1.0))


def describe_images(images) -> np.ndarray:
    """(N, 2) array: ink density and colourfulness of each image."""
    return np.array([[ink_density(im), colourfulness(im)] for im in images], dtype=np.float64).reshape(-1, 2)
