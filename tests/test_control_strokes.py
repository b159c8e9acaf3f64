"""ControlNet conditioning from the sketch's own strokes (recorded geometry), pixels as the fallback."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gencraft.errors import UserError
from gencraft.ml.refine.control import (control_image, geometry_control, geometry_from_recipe, geometry_gaps,
                                        record_geometry)

SHAPES = Path(__file__).resolve().parent.parent / "sketches" / "shapes.py"

OCCLUDED = """
SIZE = (100, 50)

def draw(c, rng, p):
    c.background("#f4efe6")
    c.stroke("#222222", 2).line(0, 25, 100, 25)       # a horizontal line...
    c.no_stroke().fill("#d7263d").rect(40, 10, 20, 30)  # ...half hidden by a square drawn after it
"""

RASTER = """
import numpy as np
SIZE = (40, 40)

def draw(c, rng, p):
    c.background("#ffffff")
    c.image(np.zeros((8, 8, 4), np.uint8) + 255, 0, 0, width=40, height=40)
    c.stroke("#000000", 1).line(0, 20, 40, 20)
"""


def test_strokes_drawn_as_line_art_at_the_requested_size_with_hidden_lines(write_sketch):
    rec = record_geometry(write_sketch(OCCLUDED), {}, 0, (100, 50))
    img = geometry_control(rec, (200, 100))  # twice the render: vectors scale exactly
    assert img.shape == (100, 200, 3) and img.dtype == np.uint8
    lit = img[..., 0] > 128
    assert lit[50, 20] and lit[50, 180]            # the line, left and right of the square
    assert not lit[50, 100]                        # hidden inside the square drawn over it
    assert lit[20:80, 79:82].any() and lit[19:22, 90].any()  # the square's outline
    assert not lit[0:5, :].any()                   # the background (a paint) draws nothing
    assert 1 <= lit[:, 20].sum() <= 4              # thin lines, as lineart ControlNets expect


def test_auto_prefers_recorded_strokes_and_falls_back_to_pixels(write_sketch):
    from gencraft.render import render

    r = render(SHAPES, {}, 2, (96, 96))
    rec = record_geometry(SHAPES, {}, 2, (96, 96))
    ctrl, mode = control_image(r.rgba, "auto", rec)
    assert mode == "strokes" and ctrl.shape == (96, 96, 3)
    assert control_image(r.rgba, "auto")[1] in ("lines", "edges")  # no geometry: the pixels
    with pytest.raises(UserError, match="control 'strokes' needs the sketch's recorded geometry"):
        control_image(r.rgba, "strokes")
    # an image painted by the sketch has no strokes: auto reads the pixels, strokes draws what there is
    sk = write_sketch(RASTER, "raster.py")
    rr = render(sk, {}, 0)
    grec = record_geometry(sk, {}, 0, (40, 40))
    assert "paints 1 image" in geometry_gaps(grec)
    assert control_image(rr.rgba, "auto", grec)[1] != "strokes"
    assert control_image(rr.rgba, "strokes", grec)[1] == "strokes"


def test_geometry_from_a_recipe_only_runs_the_unchanged_sketch(write_sketch, tmp_path):
    from gencraft.render import render

    sk = write_sketch(OCCLUDED)
    recipe = render(sk, {}, 5).recipe
    rec, why = geometry_from_recipe(recipe)
    assert rec is not None and why == "" and rec.width == 100
    assert geometry_from_recipe(None) == (None, "no gencraft recipe")
    sk.write_text(OCCLUDED + "\n# edited\n")
    rec, why = geometry_from_recipe(recipe)
    assert rec is None and "changed since the render" in why
    refined = dict(render(sk, {}, 5).recipe, stages=[{"stage": "refine"}])
    assert "later stages (refine)" in geometry_from_recipe(refined)[1]


# ------------------------------------------------------- the tiny random-weight ControlNet pipeline
@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    pytest.importorskip("diffusers")
    from gencraft.ml.refine.tiny_diffusion import build_tiny_diffusion

    root = tmp_path_factory.mktemp("tiny-cn")
    build_tiny_diffusion(root / "sd", controlnet_dest=root / "cn")
    return root


@pytest.mark.diffusion
def test_refine_file_conditions_on_the_recipes_strokes(tiny, tmp_path, write_sketch):
    from gencraft.ml.refine.img2img import refine_file
    from gencraft.provenance import read_recipe
    from gencraft.render import render

    sk = write_sketch(OCCLUDED)
    src = tmp_path / "render.png"
    render(sk, {}, 1).save(src)
    kw = dict(strength=0.5, steps=2, seed=3, controlnet=tiny / "cn")
    res = refine_file(src, tmp_path / "out.png", tiny / "sd", "red squares", save_control=tmp_path / "c.png", **kw)
    stage = read_recipe(tmp_path / "out.png")["stages"][-1]
    assert stage["control"] == "strokes" and stage["control_source"] == "the sketch's recorded strokes"
    wh = tuple(stage["working_size"])
    assert res.control.shape == (wh[1], wh[0], 3)
    expected = geometry_control(record_geometry(sk, {}, 1, (100, 50)), wh)
    assert np.array_equal(res.control, expected)  # the line art of the sketch's strokes, at the working size
    # an image without a recipe: pixel control, and the stage says why
    from PIL import Image

    plain = tmp_path / "plain.png"
    Image.fromarray(np.asarray(Image.open(src).convert("RGB"))).save(plain)
    res2 = refine_file(plain, tmp_path / "out2.png", tiny / "sd", "red squares", **kw)
    assert res2.stage["control"] in ("lines", "edges")
    assert res2.stage["control_fallback"] == "no gencraft recipe"
    with pytest.raises(UserError, match="control 'strokes' needs"):
        refine_file(plain, tmp_path / "out3.png", tiny / "sd", "red squares", control="strokes", **kw)


@pytest.mark.diffusion
@pytest.mark.ml
def test_compare_sheet_labels_the_control(tiny, tmp_path):
    pytest.importorskip("open_clip")
    from gencraft.ml.refine.compare import compare, draw_sheet

    cmp = compare(SHAPES, "red circles", refine_model=tiny / "sd", controlnet=tiny / "cn", budget=4,
                  size=(64, 64), search_size=(48, 48), seed=3, strength=0.5, steps=2)
    refined = cmp.columns[-1]
    assert refined.available and refined.control == "the sketch's recorded strokes"
    assert refined.recipe["stages"][-1]["control"] == "strokes"
    assert cmp.to_json()["columns"][-1]["control"] == refined.control
    plain = compare(SHAPES, "red circles", refine_model=tiny / "sd", budget=4, size=(64, 64),
                    search_size=(48, 48), seed=3, strength=0.5, steps=2)
    assert plain.columns[-1].control is None
    assert draw_sheet(cmp).shape[0] > draw_sheet(plain).shape[0]  # the extra "control:" line
