"""Contact sheets: a grid of images with a caption under each.

The one contact-sheet implementation, used wherever gencraft shows many
renders at once: search results and seed ranking (:func:`contact_sheet`, RGBA
arrays in, an RGBA array out) and editions (:func:`edition_sheets`, thumbnail
files in, numbered PNG sheets out). Generic on purpose: it takes images and
strings and knows nothing about sketches. Drawing goes through
:class:`gencraft.draw.canvas.Canvas` so text and scaling match everything else
gencraft draws.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Sequence

import numpy as np

from gencraft.draw.canvas import Canvas
from gencraft.draw.color import ColorLike


def contact_sheet(images: Sequence[np.ndarray], captions: Sequence[str] | None = None, *,
                  columns: int | None = None, cell: int | tuple[int, int] | None = None,
                  pad: int = 10, background: ColorLike = "#f4efe6", ink: ColorLike = "#222222",
                  font_size: float = 12.0, title: str | None = None, subtitle: str | None = None,
                  card: ColorLike | None = None, flagged: Sequence[int] = (),
                  flag_color: ColorLike = "#eb6e5a") -> np.ndarray:
    """Lay `images` out in a grid, each scaled to fit `cell`, captioned underneath.

    images: (H, W, 3|4) uint8 arrays (sizes may differ; each keeps its aspect).
    captions: one string per image (or None); "\n" starts a second, muted line; long lines
    are cut with an ellipsis.
    columns: default is a near-square grid. cell: (width, height) box per image,
    default the largest image's size capped at 256 px.
    title/subtitle: a heading above the grid. card: a colour filled behind each
    cell (for images that do not fill it). flagged: indices of images outlined
    in `flag_color` (an edition's QA flags).
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
    lines = max((str(c).count("\n") + 1 for c in captions if c), default=1) if captions is not None else 0
    caption_h = int(round(font_size * (0.3 + 1.3 * lines))) if captions is not None else 0
    title_h = int(round(font_size * 2.2)) if title else 0
    title_h += int(round(font_size * 1.6)) if title and subtitle else 0
    width = cols * cw + (cols + 1) * pad
    height = title_h + rows * (ch + caption_h) + (rows + 1) * pad
    canvas = Canvas(width, height, "png")
    canvas.background(background)
    if title:
        canvas.fill(ink).text(pad, pad + font_size * 1.3, title, size=font_size * 1.25)
        if subtitle:
            canvas.fill(ink, alpha=0.6).text(pad, pad + font_size * 3.0, subtitle, size=font_size)
    flagged = set(flagged)
    for k, im in enumerate(images):
        r, c = divmod(k, cols)
        x0 = pad + c * (cw + pad)
        y0 = title_h + pad + r * (ch + caption_h + pad)
        h, w = im.shape[:2]
        scale = min(cw / w, ch / h)
        dw, dh = w * scale, h * scale
        if card is not None:
            canvas.no_stroke().fill(card).rect(x0, y0, cw, ch)
        if im.shape[2] == 3:
            im = np.concatenate([im, np.full((h, w, 1), 255, np.uint8)], axis=2)
        canvas.image(im, x0 + (cw - dw) / 2, y0 + (ch - dh) / 2, width=dw, height=dh)
        if captions is not None and captions[k]:
            for row, line in enumerate(str(captions[k]).split("\n")):
                text = fit_text(canvas, line, cw, font_size)
                canvas.fill(ink, alpha=1.0 if row == 0 else 0.6).text(
                    x0 + cw / 2, y0 + ch + font_size * (1.2 + 1.3 * row), text, size=font_size, align="center")
        if k in flagged:
            canvas.no_fill().stroke(flag_color, width=3).rect(x0 + 1.5, y0 + 1.5, cw - 3, ch - 3)
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


#: an edition's sheets hold up to 16 x 16 tokens; bigger editions get numbered sheets
PER_SHEET = 256
EDITION_CELL = 200


def sheet_names(count: int) -> list[str]:
    """File names of an edition's sheets: contact.png, or contact-01.png, contact-02.png, ..."""
    sheets = max(1, math.ceil(count / PER_SHEET))
    return ["contact.png"] if sheets == 1 else [f"contact-{k + 1:02d}.png" for k in range(sheets)]


def edition_sheets(thumbs: list[Path], title: str, ranks: Sequence[int] | None = None,
                   flagged: set[int] | None = None, traits: Sequence[str] | None = None) -> dict[str, bytes]:
    """{file name: PNG bytes}: an edition's thumbnails on dark numbered sheets.

    Built from the thumbnail files alone, so a resumed edition gets the same
    sheet bytes as one rendered in one go. Each token is captioned with its
    traits (one short line per token, when given) above its number and rarity
    rank; QA-flagged tokens are outlined.
    """
    from PIL import Image

    from gencraft.provenance import encode_png

    out = {}
    total = len(thumbs)
    for k, name in enumerate(sheet_names(total)):
        first = k * PER_SHEET
        chunk = thumbs[first:first + PER_SHEET]
        images, captions = [], []
        for j, path in enumerate(chunk):
            with Image.open(path) as img:
                images.append(np.asarray(img.convert("RGB")))
            index = first + j
            number = f"#{index}" + (f"  ·  rank {ranks[index]}" if ranks is not None else "")
            captions.append(f"{traits[index]}\n{number}" if traits and traits[index] else number)
        sheet = contact_sheet(images, captions, columns=min(16, math.ceil(math.sqrt(len(chunk)))),
                              cell=EDITION_CELL, pad=14, background="#15161a", ink="#dededa", card="#202228",
                              font_size=13.0, title=title,
                              subtitle=f"tokens #{first} to #{first + len(chunk) - 1} of {total}",
                              flagged=[i - first for i in (flagged or ()) if first <= i < first + len(chunk)])
        out[name] = encode_png(sheet[..., :3], None, compress_level=1)  # a preview: speed over size
    return out
