"""Contact sheets: a grid of images with a caption under each, as one RGBA array.

Used wherever gencraft shows many renders at once (search results, seed
ranking, editions). Generic on purpose: it takes RGBA arrays and strings and
knows nothing about sketches. Drawing goes through :class:`gencraft.canvas.Canvas`
so the text and scaling match everything else gencraft draws.
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from .canvas import Canvas
from .color import ColorLike


def contact_sheet(images: Sequence[np.ndarray], captions: Sequence[str] | None = None, *,
                  columns: int | None = None, cell: int | tuple[int, int] | None = None,
                  pad: int = 10, background: ColorLike = "#f4efe6", ink: ColorLike = "#222222",
                  font_size: float = 12.0, title: str | None = None) -> np.ndarray:
    """Lay `images` out in a grid, each scaled to fit `cell`, captioned underneath.

    images: (H, W, 3|4) uint8 arrays (sizes may differ; each keeps its aspect).
    captions: one string per image (or None); long captions are cut with an ellipsis.
    columns: default is a near-square grid. cell: (width, height) box per image,
    default the largest image's size capped at 256 px.
    Returns an (H, W, 4) uint8 RGBA array.
    """
    images = [np.asarray(im) for im in images]
    if not images:
        raise ValueError("contact_sheet needs at least one image")
    for k, im in enumerate(images):
        if im.ndim != 3 or im.shape[2] not in (3, 4) or im.dtype != np.uint8:
            raise ValueError(f"image {k}: expected an (H, W, 3|4) uint8 array, got {im.shape} {im.dtype}")
    if captions is not None and len(captions) != len(images):
        raise ValueError(f"{len(captions)} captions for {len(images)} images")
    n = len(images)
    cols = max(1, min(n, columns or math.ceil(math.sqrt(n))))
    rows = math.ceil(n / cols)
    if cell is None:
        side = min(256, max(max(im.shape[0], im.shape[1]) for im in images))
        cell = (side, side)
    elif isinstance(cell, int):
        cell = (cell, cell)
    cw, ch = int(cell[0]), int(cell[1])
    caption_h = int(round(font_size * 1.6)) if captions is not None else 0
    title_h = int(round(font_size * 2.2)) if title else 0
    width = cols * cw + (cols + 1) * pad
    height = title_h + rows * (ch + caption_h) + (rows + 1) * pad
    canvas = Canvas(width, height, "png")
    canvas.background(background)
    if title:
        canvas.fill(ink).text(pad, pad + font_size * 1.3, title, size=font_size * 1.25)
    for k, im in enumerate(images):
        r, c = divmod(k, cols)
        x0 = pad + c * (cw + pad)
        y0 = title_h + pad + r * (ch + caption_h + pad)
        h, w = im.shape[:2]
        scale = min(cw / w, ch / h)
        dw, dh = w * scale, h * scale
        if im.shape[2] == 3:
            im = np.concatenate([im, np.full((h, w, 1), 255, np.uint8)], axis=2)
        canvas.image(im, x0 + (cw - dw) / 2, y0 + (ch - dh) / 2, width=dw, height=dh)
        if captions is not None and captions[k]:
            text = fit_text(canvas, str(captions[k]), cw, font_size)
            canvas.fill(ink).text(x0 + cw / 2, y0 + ch + font_size * 1.2, text, size=font_size, align="center")
    return canvas.to_array()


def fit_text(canvas: Canvas, text: str, width: float, size: float) -> str:
    """Shorten `text` with an ellipsis until it fits `width` pixels at `size`."""
    import cairo

    ctx = canvas.ctx
    ctx.select_font_face("sans-serif", cairo.FONT_SLANT_NORMAL, cairo.FONT_WEIGHT_NORMAL)
    ctx.set_font_size(size)
    if ctx.text_extents(text).x_advance <= width:
        return text
    while len(text) > 1 and ctx.text_extents(text + "…").x_advance > width:
        text = text[:-1]
    return text + "…"
