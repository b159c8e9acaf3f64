"""Image sizes: parsing '1600x1200' or 'A3@300', and the caps every render respects.

A small core module of its own so that the recipe checks (provenance), sketch
loading and rendering can all use it without importing each other.
"""
from __future__ import annotations

import re

from gencraft.errors import UserError

#: the largest image gencraft renders (800 MB of RGBA pixels)
MAX_PIXELS = 200_000_000
#: cairo's limit on an image surface's side
MAX_SIDE = 32767

PAPER_MM = {
    "A5": (148, 210), "A4": (210, 297), "A3": (297, 420), "A2": (420, 594), "A1": (594, 841),
    "letter": (215.9, 279.4), "tabloid": (279.4, 431.8), "square": (300, 300),
}


def mm_to_px(mm: float, dpi: float) -> int:
    """Millimetres to whole pixels at a dpi."""
    return int(round(mm / 25.4 * dpi))


def parse_size(text: str | tuple | None) -> tuple[int, int] | None:
    """'1600x1200', '2000' (square), a paper size at a dpi ('A3@300', 'letter@150'), or (w, h).

    Every size, however given, is checked against the caps before anything is allocated.
    """
    if text is None:
        return None
    if isinstance(text, (tuple, list)):
        if len(text) != 2 or not all(isinstance(v, int) and not isinstance(v, bool) for v in text):
            raise UserError(f"size {text!r}: expected (width, height) in whole pixels")
        w, h = int(text[0]), int(text[1])
        s = f"{w}x{h}"
    else:
        s = str(text).strip()
        m = re.fullmatch(r"(\d+)\s*[xX×]\s*(\d+)", s) or re.fullmatch(r"(\d+)", s)
        if m:
            w = int(m.group(1))
            h = int(m.group(2)) if m.lastindex == 2 else w
        else:
            m = re.fullmatch(r"([A-Za-z0-9]+)(?:@(\d+)(?:dpi)?)?", s)
            paper = {k.lower(): v for k, v in PAPER_MM.items()}
            if not m or m.group(1).lower() not in paper:
                raise UserError(
                    f"size {s!r}: expected WIDTHxHEIGHT in pixels (e.g. 1600x1200) or a paper size at a dpi "
                    f"(e.g. A3@300; papers: {', '.join(PAPER_MM)})"
                )
            dpi = int(m.group(2) or 150)
            wmm, hmm = paper[m.group(1).lower()]
            w, h = mm_to_px(wmm, dpi), mm_to_px(hmm, dpi)
    if w < 1 or h < 1 or w * h > MAX_PIXELS:
        raise UserError(f"size {s!r}: expected between 1x1 and {MAX_PIXELS:,} pixels in all")
    if max(w, h) > MAX_SIDE:
        raise UserError(f"size {s!r}: expected at most {MAX_SIDE} pixels a side (cairo's limit)")
    return (w, h)
