"""gencraft.draw.contact: the generic contact sheet used by search, rank and editions."""
from __future__ import annotations

import numpy as np
import pytest

from gencraft.draw.contact import contact_sheet


def _solid(rgb, h=30, w=30, channels=4):
    im = np.zeros((h, w, channels), np.uint8)
    im[..., :3] = rgb
    if channels == 4:
        im[..., 3] = 255
    return im


def test_grid_layout_places_each_image_in_its_cell():
    ims = [_solid((255, 0, 0)), _solid((0, 255, 0)), _solid((0, 0, 255), channels=3)]
    sheet = contact_sheet(ims, columns=2, cell=30, pad=10, background="#ffffff")
    assert sheet.shape == (2 * 30 + 3 * 10, 2 * 30 + 3 * 10, 4)
    assert tuple(sheet[25, 25, :3]) == (255, 0, 0)       # row 0, col 0
    assert tuple(sheet[25, 65, :3]) == (0, 255, 0)       # row 0, col 1
    assert tuple(sheet[65, 25, :3]) == (0, 0, 255)       # row 1, col 0 (RGB input accepted)
    assert tuple(sheet[65, 65, :3]) == (255, 255, 255)   # empty cell shows the background


def test_captions_and_title_add_rows_and_draw_text():
    ims = [_solid((200, 30, 30), 40, 80)]  # wide image keeps its aspect inside a square cell
    plain = contact_sheet(ims, cell=80, pad=8, background="#ffffff")
    captioned = contact_sheet(ims, ["a caption"], cell=80, pad=8, background="#ffffff", title="Title")
    assert captioned.shape[0] > plain.shape[0] and captioned.shape[1] == plain.shape[1]
    below = captioned[-30:, :, :3]
    assert (below < 128).any()  # caption ink under the image
    assert tuple(plain[8 + 10, 8 + 40, :3]) == (255, 255, 255)  # letterboxed above the wide image
    assert tuple(plain[8 + 40, 8 + 40, :3]) == (200, 30, 30)


def test_bad_input():
    with pytest.raises(ValueError, match="at least one image"):
        contact_sheet([])
    with pytest.raises(ValueError, match="2 captions for 1 images"):
        contact_sheet([_solid((0, 0, 0))], ["a", "b"])
    with pytest.raises(ValueError, match="uint8"):
        contact_sheet([np.zeros((4, 4, 4), np.float32)])
