"""gencraft upscale: exact re-render from the recipe; refined images need a diffusers upscaler or are refused."""
from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from gencraft.errors import UserError
from gencraft.post.grade import grade_array, grade_file, make_stage
from gencraft.post.upscale import upscale_file
from gencraft.provenance import add_stage, encode_png, read_recipe
from gencraft.render import render
from gencraft.reproduce import reproduce

from .sketch_sources import CIRCLES


@pytest.fixture
def small(write_sketch, tmp_path):
    sk = write_sketch(CIRCLES)
    path = tmp_path / "small.png"
    render(sk, {"count": 25}, 7, (40, 30)).save(path)
    return sk, path


def test_upscale_is_an_exact_re_render(small, tmp_path):
    sk, path = small
    out = tmp_path / "big.png"
    result = upscale_file(path, out, 4)
    assert result.method == "re-render" and result.size == (160, 120)
    assert np.array_equal(result.rgba, render(sk, {"count": 25}, 7, (160, 120)).rgba)
    recipe = read_recipe(out)
    assert recipe["size"] == [160, 120] and recipe["stages"][-1] == {
        "stage": "upscale", "method": "re-render", "scale": 4.0, "from": [40, 30]}
    assert reproduce(out).ok


def test_grades_are_replayed_at_the_larger_size(small, tmp_path):
    sk, path = small
    graded = tmp_path / "graded.png"
    grade_file(path, graded, saturation=1.6, temperature=0.5)
    result = upscale_file(graded, tmp_path / "big.png", 2.5)
    big = render(sk, {"count": 25}, 7, (100, 75)).rgba
    assert np.array_equal(result.rgba, grade_array(big, make_stage(saturation=1.6, temperature=0.5)))
    assert reproduce(tmp_path / "big.png").ok


def test_refined_image_without_a_model_is_refused(small, tmp_path):
    _, path = small
    recipe = add_stage(read_recipe(path), {"stage": "refine", "prompt": "oil painting", "strength": 0.4})
    refined = tmp_path / "refined.png"
    refined.write_bytes(encode_png(np.asarray(Image.open(path).convert("RGBA")), recipe))
    with pytest.raises(UserError, match=r"went through refine.*--model DIR"):
        upscale_file(refined, tmp_path / "big.png", 4)
    assert not (tmp_path / "big.png").exists()


def test_a_refined_image_needs_an_upscaler_folder(small, tmp_path):
    pytest.importorskip("diffusers")
    _, path = small
    refined = tmp_path / "refined.png"
    refined.write_bytes(encode_png(np.asarray(Image.open(path).convert("RGBA")),
                                   add_stage(read_recipe(path), {"stage": "refine", "prompt": "x"})))
    with pytest.raises(UserError, match="does not exist"):
        upscale_file(refined, tmp_path / "big.png", 4, model=tmp_path / "no-model")
    with pytest.raises(UserError, match="scales by 4"):
        upscale_file(refined, tmp_path / "big.png", 2, model=tmp_path / "no-model")
    folder = tmp_path / "img2img"
    folder.mkdir()
    (folder / "model_index.json").write_text(json.dumps({"_class_name": "StableDiffusionPipeline"}))
    with pytest.raises(UserError):
        upscale_file(refined, tmp_path / "big.png", 4, model=folder)


def test_plain_image_is_refused_with_the_way_out(tmp_path):
    src = tmp_path / "photo.png"
    Image.fromarray(np.zeros((4, 4, 3), np.uint8)).save(src)
    with pytest.raises(UserError, match="no gencraft recipe.*--model"):
        upscale_file(src, tmp_path / "big.png", 4)


def test_changed_sketch_is_not_run(small, tmp_path):
    sk, path = small
    sk.write_text(sk.read_text() + "\n# edited\n")
    with pytest.raises(UserError, match="sha256 differs"):
        upscale_file(path, tmp_path / "big.png", 2)
    assert upscale_file(path, tmp_path / "big.png", 2, allow_changed=True).size == (80, 60)


@pytest.mark.parametrize("scale", [0, 0.5, 100, float("inf")])
def test_bad_scale(small, tmp_path, scale):
    with pytest.raises(UserError, match="scale"):
        upscale_file(small[1], tmp_path / "big.png", scale)


def test_cli_upscale(small, run_cli, tmp_path):
    _, path = small
    r = run_cli("upscale", path, "--scale", "2")
    assert r.returncode == 0, r.stderr
    assert "exact, not interpolated" in r.stdout and (tmp_path / "small-x2.png").exists()
    r = run_cli("upscale", path, "-o", tmp_path / "big.jpg")
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "expected a .png" in r.stderr
    r = run_cli("upscale", tmp_path / "nothing.png")
    assert r.returncode == 2 and "does not exist" in r.stderr
