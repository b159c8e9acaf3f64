"""Contact sheets: the edition's thumbnails on a grid, labelled, as PNG.

Up to 256 tokens (16 x 16) per sheet; larger editions get numbered sheets
(contact-01.png, ...). Built from the thumbnails alone, so a resumed edition
gets the same sheet bytes as one rendered in one go.
"""
from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

import numpy as np

from ..provenance import encode_png

PER_SHEET = 256
MAX_COLUMNS = 16
CELL = 200
GAP = 14
LABEL = 22
HEADER = 66
BACKGROUND = (21, 22, 26)
CARD = (32, 34, 40)
INK = (222, 222, 214)
MUTED = (140, 142, 150)
FLAG = (235, 110, 90)


def sheet_names(count: int) -> list[str]:
    sheets = max(1, math.ceil(count / PER_SHEET))
    return ["contact.png"] if sheets == 1 else [f"contact-{k + 1:02d}.png" for k in range(sheets)]


def _font(size: int):
    return ImageFont.load_default(size=size)


def contact_sheet(thumbs: list[Path], first: int, title: str, total: int, ranks: list[int] | None = None,
                  flagged: set[int] | None = None) -> bytes:
    """PNG bytes of one sheet holding tokens first .. first+len(thumbs)-1."""
    n = len(thumbs)
    cols = min(MAX_COLUMNS, max(1, math.ceil(math.sqrt(n * 1.0))))
    rows = math.ceil(n / cols)
    width = GAP + cols * (CELL + GAP)
    height = HEADER + rows * (CELL + LABEL + GAP) + GAP
    sheet = Image.new("RGB", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    last = first + n - 1
    draw.text((GAP, 14), title, fill=INK, font=_font(22))
    draw.text((GAP, 42), f"tokens #{first} to #{last} of {total}", fill=MUTED, font=_font(13))
    small = _font(13)
    for k, path in enumerate(thumbs):
        r, c = divmod(k, cols)
        x = GAP + c * (CELL + GAP)
        y = HEADER + r * (CELL + LABEL + GAP)
        draw.rectangle([x, y, x + CELL - 1, y + CELL - 1], fill=CARD)
        with Image.open(path) as img:
            img = img.convert("RGB")
            scale = min(CELL / img.width, CELL / img.height)
            img = img.resize((max(1, round(img.width * scale)), max(1, round(img.height * scale))),
                             Image.Resampling.LANCZOS)
            sheet.paste(img, (x + (CELL - img.width) // 2, y + (CELL - img.height) // 2))
        index = first + k
        draw.text((x, y + CELL + 4), f"#{index}", fill=INK, font=small)
        if ranks is not None:
            label = f"rank {ranks[index]}"
            w = draw.textlength(label, font=small)
            draw.text((x + CELL - w, y + CELL + 4), label, fill=MUTED, font=small)
        if flagged and index in flagged:
            draw.rectangle([x, y, x + CELL - 1, y + CELL - 1], outline=FLAG, width=3)
    return encode_png(np.asarray(sheet), None, compress_level=1)  # a preview: speed over size


def contact_sheets(thumbs: list[Path], title: str, ranks=None, flagged=None) -> dict[str, bytes]:
    """{file name: PNG bytes} for the whole edition."""
    names = sheet_names(len(thumbs))
    return {name: contact_sheet(thumbs[k * PER_SHEET:(k + 1) * PER_SHEET], k * PER_SHEET, title, len(thumbs),
                                ranks, flagged)
            for k, name in enumerate(names)}
