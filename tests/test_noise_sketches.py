"""The noise sketches render, have traits, and the loop is seamless."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gencraft.render import render
from gencraft.sketch import load_sketch

SKETCHES = Path(__file__).resolve().parent.parent / "sketches"


@pytest.mark.parametrize("name", ["marble", "contours", "loop"])
def test_sketch_renders_with_traits(name):
    sketch = load_sketch(SKETCHES / f"{name}.py")
    r = render(sketch, seed=3, size=(240, 200))
    rgb = r.rgba[..., :3].astype(float)
    assert r.rgba.shape == (200, 240, 4)
    assert rgb.std() > 10  # not a blank canvas
    traits = sketch.call_features(None, sketch.resolve())
    assert traits and all(isinstance(v, (str, int, float)) for v in traits.values())
    again = render(sketch, seed=3, size=(240, 200))
    assert np.array_equal(r.rgba, again.rgba)  # same seed, same pixels
    assert not np.array_equal(r.rgba, render(sketch, seed=4, size=(240, 200)).rgba)


def test_loop_is_seamless():
    sketch = load_sketch(SKETCHES / "loop.py")
    mod, p = sketch.module, sketch.resolve()
    assert sketch.animated and mod.FRAMES > 1
    first = mod.ridges(7, p, 0.0)
    last = mod.ridges(7, p, mod.FRAMES / mod.FRAMES)  # t = 1.0: one full loop later
    assert np.array_equal(first, last)
    # neighbouring frames differ by a little, including across the seam
    step = np.abs(mod.ridges(7, p, 1.0 / mod.FRAMES) - first).max()
    seam = np.abs(mod.ridges(7, p, (mod.FRAMES - 1) / mod.FRAMES) - first).max()
    middle = np.abs(mod.ridges(7, p, 0.5) - first).max()
    assert 0 < seam < 3 * step + 1e-9 and middle > 3 * seam
    a = render(sketch, seed=1, size=(120, 150), frame=0).rgba
    b = render(sketch, seed=1, size=(120, 150), frame=mod.FRAMES).rgba
    assert np.array_equal(a, b)
