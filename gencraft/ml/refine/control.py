"""Control images for layout-preserving refinement, drawn by gencraft itself.

A ControlNet (scribble / lineart / canny) is conditioned on white lines on a
black background. Instead of running an annotator model, gencraft computes
that image from the render's own pixels -- the render *is* a line drawing:

- ``"lines"``: the ink itself. The background colour is estimated from the
  image border; every pixel's distance from it becomes a soft white stroke.
  For stroke-based sketches (flow fields, L-systems, particles) this is the
  sketch's own line render, anti-aliasing and all.
- ``"edges"``: a Canny-style edge map (Gaussian blur, Sobel gradient over the
  colour channels, non-maximum suppression, hysteresis), for sketches made of
  filled shapes, where the outlines carry the layout.
- ``"auto"``: ``lines`` when the ink is strokes (thin: little of it survives
  an erosion of 2 px) and covers at most 30% of the image, else ``edges``.

NumPy and SciPy only; no torch, no model. Input: (H, W, 3|4) uint8.
"""
from __future__ import annotations

import numpy as np

from gencraft.errors import UserError

CONTROL_MODES = ("auto", "lines", "edges")
AUTO_INK_COVERAGE = 0.30
AUTO_FILLED_SHARE = 0.5


def flatten_rgb(image: np.ndarray, background=(255, 255, 255)) -> np.ndarray:
    """(H, W, 3) uint8: an RGBA image composited over ``background`` (RGB passes through)."""
    image = np.asarray(image)
    if image.ndim == 2:
        image = np.repeat(image[..., None], 3, axis=2)
    if image.ndim != 3 or image.shape[2] not in (3, 4):
        raise UserError(f"expected an image array of shape (H, W, 3|4), got {image.shape}")
    if image.dtype != np.uint8:
        raise UserError(f"expected a uint8 image array, got {image.dtype}")
    if image.shape[2] == 3:
        return np.ascontiguousarray(image)
    if (image[..., 3] == 255).all():  # opaque, the usual render: no compositing needed
        return np.ascontiguousarray(image[..., :3])
    alpha = image[..., 3:4].astype(np.float32) / 255.0
    bg = np.asarray(background, dtype=np.float32)
    rgb = image[..., :3].astype(np.float32) * alpha + bg * (1.0 - alpha)
    return np.clip(np.rint(rgb), 0, 255).astype(np.uint8)


def background_colour(rgb: np.ndarray) -> np.ndarray:
    """The paper a sketch draws on: the most common colour (in bins of 16 levels) of the
    one-pixel border, refined to the median of the border pixels in that bin.

    The most common colour rather than the median, so strokes running along
    an edge do not drag the estimate towards the ink.
    """
    border = np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]])
    bins = (border // 16).astype(np.int32)
    keys = (bins[:, 0] * 16 + bins[:, 1]) * 16 + bins[:, 2]
    values, counts = np.unique(keys, return_counts=True)
    common = border[keys == values[counts.argmax()]].astype(np.float32)
    return np.median(common, axis=0)


def ink_map(rgb: np.ndarray, low: float = 12.0, high: float = 60.0) -> np.ndarray:
    """(H, W) float32 in [0, 1]: how far each pixel is from the background colour.

    Distances below ``low`` (paper texture, faint noise) are 0, above ``high`` 1,
    linear between, so anti-aliased strokes stay soft.
    """
    diff = rgb.astype(np.float32) - background_colour(rgb)
    dist = np.sqrt((diff * diff).sum(axis=2))
    return np.clip((dist - low) / (high - low), 0.0, 1.0).astype(np.float32)


def edge_map(rgb: np.ndarray, sigma: float = 1.0, low: float = 0.08, high: float = 0.2) -> np.ndarray:
    """(H, W) float32 in {0, 1}: Canny-style edges of the colour image.

    Thresholds are fractions of the strongest gradient, so the map does not
    depend on the image's contrast.
    """
    from scipy import ndimage

    img = rgb.astype(np.float32) / 255.0
    if sigma > 0:
        img = ndimage.gaussian_filter(img, sigma=(sigma, sigma, 0))
    gx = np.stack([ndimage.sobel(img[..., k], axis=1) for k in range(3)])
    gy = np.stack([ndimage.sobel(img[..., k], axis=0) for k in range(3)])
    mag_c = np.hypot(gx, gy)
    strongest = mag_c.argmax(axis=0)[None]  # the channel with the largest gradient decides the direction
    gx = np.take_along_axis(gx, strongest, 0)[0]
    gy = np.take_along_axis(gy, strongest, 0)[0]
    mag = np.take_along_axis(mag_c, strongest, 0)[0]
    peak = float(mag.max())
    if peak <= 1e-6:
        return np.zeros(mag.shape, dtype=np.float32)
    mag = mag / peak
    # Non-maximum suppression along the gradient direction, quantised to 4 directions.
    angle = (np.rad2deg(np.arctan2(gy, gx)) + 180.0) % 180.0
    padded = np.pad(mag, 1)
    h, w = mag.shape

    def shifted(dy: int, dx: int) -> np.ndarray:
        return padded[1 + dy:1 + dy + h, 1 + dx:1 + dx + w]

    keep = np.zeros(mag.shape, dtype=bool)
    for lo, hi, (dy, dx) in ((0, 22.5, (0, 1)), (157.5, 180.1, (0, 1)), (22.5, 67.5, (1, 1)),
                             (67.5, 112.5, (1, 0)), (112.5, 157.5, (1, -1))):
        sel = (angle >= lo) & (angle < hi)
        keep |= sel & (mag >= shifted(dy, dx)) & (mag >= shifted(-dy, -dx))
    thin = np.where(keep, mag, 0.0)
    # Hysteresis: keep weak edges only where they connect to a strong one.
    weak = thin >= low
    labels, count = ndimage.label(weak, structure=np.ones((3, 3), dtype=bool))
    if count == 0:
        return np.zeros(mag.shape, dtype=np.float32)
    strong_labels = np.unique(labels[(thin >= high) & weak])
    connected = np.isin(labels, strong_labels[strong_labels > 0])
    return connected.astype(np.float32)


def control_image(image: np.ndarray, mode: str = "auto") -> tuple[np.ndarray, str]:
    """(H, W, 3) uint8 white-on-black control image of a render, and the mode used."""
    if mode not in CONTROL_MODES:
        raise UserError(f"unknown control mode {mode!r}: expected one of {', '.join(CONTROL_MODES)}")
    rgb = flatten_rgb(image)
    if mode in ("auto", "lines"):
        ink = ink_map(rgb)
        if mode == "lines" or _is_stroke_drawing(ink > 0.5):
            return _grey3(ink), "lines"
    return _grey3(edge_map(rgb)), "edges"


def _is_stroke_drawing(mask: np.ndarray) -> bool:
    """Sparse, thin ink: a line drawing whose strokes are the layout (not filled areas)."""
    from scipy import ndimage

    inked = int(mask.sum())
    if inked == 0 or inked > AUTO_INK_COVERAGE * mask.size:
        return False
    core = ndimage.binary_erosion(mask, structure=np.ones((3, 3), dtype=bool), iterations=2)
    return int(core.sum()) <= AUTO_FILLED_SHARE * inked


def _grey3(values: np.ndarray) -> np.ndarray:
    grey = np.clip(np.rint(values * 255.0), 0, 255).astype(np.uint8)
    return np.repeat(grey[..., None], 3, axis=2)
