"""`gencraft compare`: rule-based vs CLIP-steered vs diffusion-refined, with the bundled tiny CLIP."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("open_clip")
pytestmark = pytest.mark.ml

from gencraft.errors import UserError  # noqa: E402

SHAPES = Path(__file__).resolve().parent.parent / "sketches" / "shapes.py"
FAST = dict(budget=6, size=(96, 96), search_size=(64, 64), seed=3)


@pytest.fixture(scope="module")
def tiny_sd(tmp_path_factory):
    pytest.importorskip("diffusers")
    from gencraft.ml.refine.tiny_diffusion import build_tiny_diffusion

    root = tmp_path_factory.mktemp("tiny-sd")
    build_tiny_diffusion(root / "sd")
    return root / "sd"


@pytest.fixture(scope="module")
def without_refiner():
    from gencraft.ml.refine.compare import compare

    return compare(SHAPES, "red circles", **FAST)


def test_columns_scores_and_what_produced_them(without_refiner):
    from gencraft.ml.clip.model import load_clip
    from gencraft.render import render

    cmp = without_refiner
    rule, steered, refined = cmp.columns
    assert [c.key for c in cmp.columns] == ["rule", "steered", "refined"]
    # rule-based: the declared defaults at the compare size
    expected = render(SHAPES, {}, 3, (96, 96))
    assert np.array_equal(rule.rgba, expected.rgba) and rule.params == dict(expected.params)
    # steered: the sketch re-rendered with the search's best parameters, carrying the search stage
    assert np.array_equal(steered.rgba, render(SHAPES, steered.params, 3, (96, 96)).rgba)
    assert steered.recipe["stages"][-1]["stage"] == "search"
    assert "best of 6 TPE evaluations" in steered.produced_by
    # scores are the tiny CLIP's own, for these exact images
    clip = load_clip("tiny")
    want = clip.score([rule.rgba, steered.rgba], "red circles")
    assert rule.score == pytest.approx(want[0]) and steered.score == pytest.approx(want[1])
    assert cmp.clip_model == "tiny-clip"
    # without a diffusion model the third column is honestly absent
    assert not refined.available and refined.rgba is None and refined.score is None
    assert "not available" in refined.reason
    assert cmp.best in ("rule", "steered")


def test_write_comparison_files(without_refiner, tmp_path):
    from PIL import Image

    from gencraft.ml.refine.compare import write_comparison
    from gencraft.provenance import read_recipe

    out = tmp_path / "sheet.png"
    files = write_comparison(without_refiner, out)
    assert files == {"rule": "sheet-rule.png", "steered": "sheet-steered.png", "sheet": "sheet.png",
                     "json": "sheet.json"}
    assert not (tmp_path / "sheet-refined.png").exists()
    data = json.loads((tmp_path / "sheet.json").read_text())
    assert data["prompt"] == "red circles" and data["clip_model"] == "tiny-clip"
    cols = {c["key"]: c for c in data["columns"]}
    assert cols["refined"]["available"] is False and cols["refined"]["score"] is None
    assert cols["steered"]["score"] == pytest.approx(without_refiner.columns[1].score)
    assert cols["steered"]["recipe"]["stages"][-1]["stage"] == "search"
    assert read_recipe(tmp_path / "sheet-steered.png")["params"] == without_refiner.columns[1].params
    sheet_recipe = read_recipe(out)
    assert sheet_recipe["stages"][-1]["stage"] == "compare"
    assert sheet_recipe["stages"][-1]["scores"]["refined"] is None
    with Image.open(out) as im:
        w, h = im.size
    assert w == 3 * 320 + 4 * 16 and h > 320  # three 320 px panels side by side


@pytest.mark.slow
def test_with_tiny_diffusion_model(tiny_sd, tmp_path):
    from gencraft.ml.refine.compare import compare, write_comparison
    from gencraft.provenance import read_recipe

    cmp = compare(SHAPES, "red circles", refine_model=tiny_sd, steps=2, strength=0.5, **FAST)
    refined = cmp.columns[2]
    assert refined.available and refined.rgba.shape == (96, 96, 4)
    assert isinstance(refined.score, float)
    assert "random untrained weights" in refined.note  # said plainly, on the sheet and in the JSON
    write_comparison(cmp, tmp_path / "c.png")
    stages = [s["stage"] for s in read_recipe(tmp_path / "c-refined.png")["stages"]]
    assert stages == ["search", "refine"]
    assert json.loads((tmp_path / "c.json").read_text())["columns"][2]["note"] == refined.note


def test_bad_refine_model_fails_before_the_search(tmp_path):
    from gencraft.ml.refine.compare import compare

    with pytest.raises(UserError, match="model_index.json is missing"):
        compare(SHAPES, "red circles", refine_model=tmp_path, **FAST)
    with pytest.raises(UserError, match="strength 2"):
        compare(SHAPES, "red circles", refine_model=tmp_path, strength=2.0, **FAST)
    with pytest.raises(UserError, match="--controlnet needs --refine-model"):
        compare(SHAPES, "red circles", controlnet=tmp_path, **FAST)
    with pytest.raises(UserError, match="prompt"):
        compare(SHAPES, " ", **FAST)


@pytest.mark.slow
def test_cli_compare(tmp_path, run_cli):
    out = tmp_path / "cmp.png"
    proc = run_cli("compare", SHAPES, "--prompt", "blue squares", "--budget", "4", "--size", "64x64",
                   "--search-size", "64x64", "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert out.exists() and (tmp_path / "cmp.json").exists()
    assert "not available" in proc.stdout and "rule-based" in proc.stdout
    bad = run_cli("compare", SHAPES, "--prompt", "x", "--refine-model", tmp_path / "none", "-o", tmp_path / "b.png")
    assert bad.returncode == 2 and "does not exist" in bad.stderr
    assert not (tmp_path / "b.png").exists() and not (tmp_path / "b.json").exists()
