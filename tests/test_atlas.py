"""Quality-diversity atlas (ribs) and the pixel descriptors it is laid out by."""
from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from gencraft.draw.canvas import Canvas
from gencraft.ml.search.descriptors import colourfulness, describe_images, ink_density
from gencraft.ml.search.explore import explore
from gencraft.provenance import read_recipe
from gencraft.render import render

from .test_search_objectives import SHAPES, redness


def _square(colour, side=20, paper="#f4efe6", n=40):
    c = Canvas(n, n)
    c.background(paper)
    c.no_stroke().fill(colour).rect(0, 0, side, side) if side else None
    return c.to_array()


def test_ink_density_is_the_inked_fraction():
    assert ink_density(_square("#1b4f9c", side=0)) == 0.0
    assert ink_density(_square("#1b4f9c", side=20)) == pytest.approx(0.25)
    assert ink_density(_square("#f0ebe2", side=20)) == 0.0  # too close to the paper to count as ink


def test_colourfulness_is_zero_for_grey_and_grows_with_saturation():
    grey = _square("#555555", side=30, paper="#ffffff")
    dull = _square("#8a7f78", side=30, paper="#ffffff")
    vivid = _square("#d7263d", side=30, paper="#ffffff")
    assert colourfulness(grey) < 0.02
    assert colourfulness(grey) < colourfulness(dull) < colourfulness(vivid) <= 1.0
    assert describe_images([grey, vivid]).shape == (2, 2)


@pytest.mark.parametrize("algo", ["cma", "tpe"])
def test_atlas_fills_cells_with_their_best(algo, tmp_path):
    result = explore(SHAPES, "red things", 48, algo=algo, seed=2, size=(40, 40), objective=redness,
                     atlas=True, grid=(4, 4), top_k=4, progress=False, out_dir=tmp_path)
    atlas = result.atlas
    assert len(result.history) == 48 and atlas.evaluations == 48
    assert len(atlas.cells) >= 4  # diverse: several cells, not one best
    (x0, x1), (y0, y1) = atlas.ranges
    for (i, j), cell in atlas.cells.items():
        ink, col = describe_images([cell.render.rgba])[0]
        assert cell.descriptors == pytest.approx((ink, col))
        # each elite lies in its own cell (values past the range land in the edge cells)
        assert i == min(int((ink - x0) / (x1 - x0) * 4), 3) and j == min(int((col - y0) / (y1 - y0) * 4), 3)
        assert cell.score == pytest.approx(redness([cell.render.rgba])[0])
        # it is the best of all evaluations that fell into that cell
        inside = [t["score"] for t in result.trials
                  if (min(int((t["descriptors"][0] - x0) / (x1 - x0) * 4), 3),
                      min(int((t["descriptors"][1] - y0) / (y1 - y0) * 4), 3)) == (i, j)]
        assert cell.score == pytest.approx(max(inside))
        assert np.array_equal(cell.render.rgba, render(SHAPES, cell.params, 0, (40, 40)).rgba)
    assert [s for _, s, _ in result.best] == sorted((c.score for c in atlas.cells.values()), reverse=True)[:4]
    img = Image.open(tmp_path / "atlas.png")
    assert img.size[0] > 4 * 100 and img.size[1] > 4 * 100
    data = json.loads((tmp_path / "atlas.json").read_text())
    assert len(data["cells"]) == len(atlas.cells) and data["labels"] == ["ink density", "colourfulness"]
    stage = read_recipe(tmp_path / "best_01.png")["stages"][-1]
    assert stage["stage"] == "atlas" and stage["cell"] == list(result.atlas.cells and max(
        atlas.cells.values(), key=lambda c: c.score).index)


def test_atlas_is_deterministic_for_a_seed():
    kw = dict(algo="cma", size=(32, 32), objective=redness, atlas=True, grid=(3, 3), progress=False)
    a = explore(SHAPES, "red", 16, seed=5, **kw)
    b = explore(SHAPES, "red", 16, seed=5, **kw)
    assert a.history == b.history and sorted(a.atlas.cells) == sorted(b.atlas.cells)


def test_atlas_with_a_study_is_refused(tmp_path):
    from gencraft.errors import UserError

    with pytest.raises(UserError, match="--study is not supported with --atlas"):
        explore(SHAPES, "red", 4, atlas=True, study=tmp_path / "s.db", objective=redness, progress=False)
