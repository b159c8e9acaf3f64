"""The simulation sketches (morphogen, meander, wash): non-blank, seeded, edition traits,
the paper finish in the recipe and off for vector output."""
import numpy as np
import pytest

from gencraft.render import render, render_animation_frames, render_vector
from gencraft.sketch import load_sketch

from .conftest import SKETCHES

SIM_SKETCHES = ["morphogen", "meander", "wash"]


def _ink_share(rgba):
    bg = rgba[2, 2, :3].astype(int)
    return (np.abs(rgba[..., :3].astype(int) - bg).sum(-1) > 30).mean()


@pytest.mark.parametrize("name", SIM_SKETCHES)
def test_renders_differ_by_seed_and_are_not_blank(name):
    sketch = load_sketch(SKETCHES / f"{name}.py")
    renders = [render(sketch, seed=s, size=(128, 128)) for s in (1, 2, 3)]
    for r in renders:
        assert _ink_share(r.rgba) >= 0.03, "at least 3% of the pixels differ from the paper"
    a, b, c = (r.rgba.astype(int) for r in renders)
    assert np.abs(a - b).mean() > 2 and np.abs(b - c).mean() > 2
    again = render(sketch, seed=1, size=(128, 128))
    assert again.png_bytes() == renders[0].png_bytes()
    traits = sketch.call_features(renders[0].seed.rng(), renders[0].params)
    assert len(traits) >= 4


@pytest.mark.parametrize("name", SIM_SKETCHES)
def test_paper_finish_is_in_the_recipe_and_does_something(name):
    sketch = load_sketch(SKETCHES / f"{name}.py")
    r = render(sketch, seed=4, size=(96, 96))
    assert r.recipe["params"]["fibre"] == sketch.params["fibre"].default
    plain = render(sketch, {"fibre": 0.0, "grain": 0.0, **({"vignette": 0.0} if "vignette" in sketch.params else {})},
                   seed=4, size=(96, 96))
    assert np.abs(r.rgba.astype(int) - plain.rgba.astype(int)).mean() > 0.3


def test_meander_vector_output_is_lines_only():
    svg = render_vector(SKETCHES / "meander.py", seed=2, size=(200, 200), fmt="svg").decode()
    assert "<path" in svg and "<image" not in svg       # no raster finish in the plotter file


def test_meander_animation_replays_the_growth():
    sketch = load_sketch(SKETCHES / "meander.py")
    sketch.module.FRAMES = 4                             # a short loop for the test
    frames = render_animation_frames(sketch, seed=3, size=(96, 96))
    still = render(sketch, seed=3, size=(96, 96))
    assert len(frames) == 4
    assert np.array_equal(frames[0], still.rgba)         # frame 0 is the grown line (editions' still)
    inked = [_ink_share(f) for f in frames[1:]]
    assert inked == sorted(inked) and inked[0] < _ink_share(frames[0])
