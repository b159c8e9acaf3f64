"""Colour parsing, OKLab round trips and palettes."""
import numpy as np
import pytest

from gencraft.draw.color import (PALETTES, gradient, mix, oklab_to_srgb, palette, parse_color, srgb_to_oklab,
                            to_hex)


@pytest.mark.parametrize("text, rgba", [
    ("#fff", (1, 1, 1, 1)), ("#ff000080", (1, 0, 0, 128 / 255)), ("rgb(255, 0, 0)", (1, 0, 0, 1)),
    ("hsl(120, 100%, 50%)", (0, 1, 0, 1)), ("white", (1, 1, 1, 1)), ((255, 128, 0), (1, 128 / 255, 0, 1)),
])
def test_parse(text, rgba):
    assert parse_color(text) == pytest.approx(rgba)


@pytest.mark.parametrize("bad", ["#12", "rgb(1,2)", "banana", (2, 2)])
def test_parse_rejects(bad):
    with pytest.raises(ValueError):
        parse_color(bad)


def test_oklab_reference_values_and_roundtrip():
    # Ottosson's published values: white -> L=1, a=b=0; pure red L≈0.628, a≈0.225, b≈0.126
    np.testing.assert_allclose(srgb_to_oklab(np.array([1.0, 1.0, 1.0])), [1, 0, 0], atol=1e-4)
    np.testing.assert_allclose(srgb_to_oklab(np.array([1.0, 0, 0])), [0.628, 0.2249, 0.1258], atol=1e-3)
    rgb = np.random.default_rng(0).random((100, 3))
    np.testing.assert_allclose(oklab_to_srgb(srgb_to_oklab(rgb)), rgb, atol=1e-5)


def test_mix_endpoints_and_gradient_lightness_monotone():
    assert to_hex(mix("#000000", "#ffffff", 0.0)) == "#000000"
    assert to_hex(mix("#000000", "#ffffff", 1.0)) == "#ffffff"
    g = gradient(["#000000", "#ffffff"], 11)
    lightness = srgb_to_oklab(g[:, :3])[:, 0]
    np.testing.assert_allclose(np.diff(lightness), 0.1, atol=1e-3)  # perceptually even steps


def test_palettes():
    p = palette("dusk")
    assert len(p) >= 4 and p[len(p)] == p[0]
    with pytest.raises(ValueError, match="unknown palette 'nope'"):
        palette("nope")
    assert len(PALETTES) >= 6
