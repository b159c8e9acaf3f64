"""Canvas: style state, shapes, colour round trips, images, blend modes, vector output."""
import io

import numpy as np
import pytest

from gencraft.draw.canvas import Canvas, array_to_surface, surface_to_rgba


def test_background_and_fill_colours_exact():
    c = Canvas(20, 10)
    c.background("#102030")
    c.no_stroke().fill("#ff8000").rect(5, 0, 5, 10)
    px = c.to_array()
    assert tuple(px[0, 0]) == (0x10, 0x20, 0x30, 255)
    assert tuple(px[5, 7]) == (255, 128, 0, 255)


def test_alpha_composites_over_background():
    c = Canvas(4, 4)
    c.background("#000000")
    c.no_stroke().fill("#ffffff", alpha=0.5).rect(0, 0, 4, 4)
    assert abs(int(c.to_array()[1, 1, 0]) - 128) <= 1


def test_push_restores_style_and_transform():
    c = Canvas(40, 40)
    c.background("#000").no_stroke().fill("#f00")
    with c.push():
        c.fill("#0f0").translate(20, 0)
        c.rect(0, 0, 10, 10)
    c.rect(0, 0, 10, 10)
    px = c.to_array()
    assert tuple(px[5, 25, :3]) == (0, 255, 0) and tuple(px[5, 5, :3]) == (255, 0, 0)


def test_stroke_width_covers_expected_band():
    c = Canvas(50, 50)
    c.background("#fff").stroke("#000", width=10, cap="butt").line(0, 25, 50, 25)
    col = c.to_array()[:, 25, 0]
    dark = np.nonzero(col < 128)[0]
    assert dark.min() == 20 and dark.max() == 29


def test_multiply_blend():
    c = Canvas(4, 4)
    c.background("#808080").blend("multiply").no_stroke().fill("#808080").rect(0, 0, 4, 4)
    assert abs(int(c.to_array()[0, 0, 0]) - 64) <= 1
    with pytest.raises(ValueError, match="unknown blend mode"):
        c.blend("glow")


def test_array_surface_roundtrip_with_alpha():
    rng = np.random.default_rng(0)
    rgba = rng.integers(0, 256, (7, 9, 4), dtype=np.uint8)
    rgba[..., 3] = 255
    back = surface_to_rgba(array_to_surface(rgba))
    np.testing.assert_array_equal(back, rgba)
    semi = rgba.copy()
    semi[..., 3] = 128
    back = surface_to_rgba(array_to_surface(semi))
    assert np.abs(back[..., :3].astype(int) - semi[..., :3]).max() <= 2


def test_image_composite():
    c = Canvas(10, 10)
    c.background("#000")
    img = np.zeros((5, 5, 3))
    img[..., 1] = 1.0
    c.image(img, 5, 5)
    px = c.to_array()
    assert tuple(px[7, 7, :3]) == (0, 255, 0) and tuple(px[2, 2, :3]) == (0, 0, 0)


def test_polylines_lists_and_csr_agree():
    a, b = Canvas(60, 60), Canvas(60, 60)
    lines = [np.array([[5, 5], [50, 10], [30, 50]]), np.array([[10, 40], [55, 55]])]
    for c in (a, b):
        c.background("#fff").stroke("#123456", width=3)
    a.polylines(lines)
    coords = np.concatenate(lines)
    b.polylines(coords, np.array([0, 3, 5]))
    np.testing.assert_array_equal(a.to_array(), b.to_array())
    assert (a.to_array()[..., 0] < 200).sum() > 100


@pytest.mark.parametrize("fmt, magic", [("svg", b"<?xml"), ("pdf", b"%PDF")])
def test_vector_output(fmt, magic):
    buf = io.BytesIO()
    c = Canvas(100, 80, fmt, target=buf)
    c.background("#fff").stroke("#000").circle(50, 40, 20)
    c.finish()
    assert buf.getvalue().startswith(magic)


def test_invalid_size():
    with pytest.raises(ValueError):
        Canvas(0, 10)
