"""explore/rank --render-top K: the K best re-rendered at full size with their recipes, linked from an HTML sheet."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

pytest.importorskip("optuna")

from gencraft.errors import UserError  # noqa: E402
from gencraft.ml.search.explore import explore  # noqa: E402
from gencraft.ml.search.rank import rank_seeds  # noqa: E402
from gencraft.provenance import read_recipe  # noqa: E402
from gencraft.render import render  # noqa: E402
from gencraft.reproduce import reproduce  # noqa: E402

from .test_morph import SKETCH  # noqa: E402
from .test_search_objectives import redness  # noqa: E402


@pytest.fixture
def sk(write_sketch):
    return write_sketch(SKETCH)


def test_explore_renders_the_winners_at_full_size(sk, tmp_path):
    out = tmp_path / "ex"
    result = explore(sk, "red", 6, size=(24, 18), objective=redness, out_dir=out, progress=False, top_k=3,
                     render_top=2, render_size="96x72", timeout=None)
    full = sorted(p.name for p in (out / "full").iterdir())
    assert full == ["best_01.png", "best_02.png"]
    recipe = read_recipe(out / "full" / "best_01.png")
    assert recipe["size"] == [96, 72] and recipe["stages"][-1]["stage"] == "search"
    params, _, small = result.best[0]
    assert np.array_equal(render(sk, small.params, small.seed, (96, 72)).rgba,
                          np.asarray(Image.open(out / "full" / "best_01.png").convert("RGBA")))
    assert reproduce(out / "full" / "best_01.png").ok
    page = (out / "contact_sheet.html").read_text()
    assert 'href="full/best_01.png"' in page and 'src="best_01.png"' in page


def test_rank_renders_the_winners_at_the_sketch_size(sk, tmp_path):
    out = tmp_path / "rk"
    result = rank_seeds(sk, "0..4", "red", top=3, size=(24, 18), objective=redness, out_dir=out, progress=False,
                        render_top=1, timeout=None)
    recipe = read_recipe(out / "full" / "rank_01.png")
    assert recipe["size"] == [48, 36] and recipe["seed"] == str(result.ranking[0][0])
    assert recipe["stages"][-1]["stage"] == "rank"
    assert reproduce(out / "full" / "rank_01.png").ok
    assert 'href="full/rank_01.png"' in (out / "rank_sheet.html").read_text()


def test_render_top_needs_an_output_folder(sk):
    with pytest.raises(UserError, match="output folder"):
        explore(sk, "red", 2, size=(24, 18), objective=redness, progress=False, render_top=1, timeout=None)
    with pytest.raises(UserError, match="render_top"):
        rank_seeds(sk, "0..1", "red", objective=redness, progress=False, render_top=-1, timeout=None)
