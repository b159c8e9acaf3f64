"""The shipped tiny CLIP: it loads offline, it is semantic, and its commands work.

The accuracy figures are caption retrieval on renders from a seed training
never used (gencraft.ml.tiny_clip.evaluate): chance is 11% for the colour,
12.5% for the shape and 1.4% for colour + shape.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("open_clip")

from gencraft.ml import TINY_CLIP_DIR  # noqa: E402
from gencraft.ml.clip import load_clip  # noqa: E402
from gencraft.ml.tiny_clip.dataset import Scene, render_scene  # noqa: E402

pytestmark = pytest.mark.ml
ROOT = Path(__file__).resolve().parent.parent
SHAPES_SKETCH = ROOT / "sketches" / "shapes.py"


@pytest.fixture(scope="module")
def tiny():
    return load_clip()


def scene_image(colour, shape, seed=0, background="light", size=128):
    scene = Scene(colour, shape, background, many=False, large=True, outlined=False)
    return render_scene(scene, np.random.default_rng(seed), size)


def test_tiny_is_the_default_and_ships_as_an_open_clip_folder(tiny):
    assert tiny.spec == "tiny" and tiny.name == "tiny-clip"
    assert (TINY_CLIP_DIR / "open_clip_config.json").is_file()
    weights = TINY_CLIP_DIR / "open_clip_model.safetensors"
    assert weights.is_file() and weights.stat().st_size < 10_000_000
    same = load_clip(f"local-dir:{TINY_CLIP_DIR}")  # the same loader as any real model
    ims = [scene_image("red", "circles")]
    assert torch.allclose(same.embed_images(ims), tiny.embed_images(ims), atol=1e-6)


def test_held_out_caption_accuracy_well_above_chance(tiny):
    from gencraft.ml.tiny_clip.evaluate import accuracy
    acc = accuracy(tiny, n=150)
    print("held-out accuracy:", json.dumps(acc))
    assert acc["colour"] >= 0.8
    assert acc["shape"] >= 0.5
    assert acc["colour+shape"] >= 0.35  # chance 1.4%


@pytest.mark.parametrize("colour, other", [("red", "blue"), ("blue", "red"), ("green", "purple"),
                                           ("yellow", "blue")])
def test_colour_words(tiny, colour, other):
    ims = [scene_image(colour, shape, seed=i) for i, shape in enumerate(["circles", "squares", "lines"])]
    s = tiny.similarity(ims, [colour, other])
    assert (s[:, 0] > s[:, 1]).all(), s


@pytest.mark.parametrize("shape", ["circles", "squares", "lines", "stars"])
def test_shape_words(tiny, shape):
    words = ["circles", "squares", "lines", "stars"]
    ims = [scene_image(colour, shape, seed=i) for i, colour in enumerate(["red", "blue", "orange"])]
    s = tiny.similarity(ims, words)
    assert (s.argmax(axis=1) == words.index(shape)).mean() >= 2 / 3, s


@pytest.mark.slow
def test_sketch_grid_prompt_finds_its_colour_and_shape(tiny):
    """The search acceptance in miniature: among all colour x shape renders of
    sketches/shapes.py, the prompt's combination scores highest."""
    from gencraft.render import render
    from gencraft.sketch import load_sketch
    sketch = load_sketch(SHAPES_SKETCH)
    colours, shapes = sketch.params["colour"].options, sketch.params["shape"].options
    combos = [(c, s) for c in colours for s in shapes]
    ims = [render(sketch, {"colour": c, "shape": s}, seed=1, size=(256, 256)).rgba for c, s in combos]
    hits = 0
    for target in [("red", "circles"), ("blue", "squares"), ("green", "triangles"), ("yellow", "stars"),
                   ("purple", "circles"), ("orange", "lines")]:
        scores = tiny.score(ims, f"{target[0]} {target[1]}")
        rank = int((scores > scores[combos.index(target)]).sum())
        print(target, "rank", rank + 1, "of", len(combos))
        hits += rank < 3
    assert hits >= 5


# ------------------------------------------------------------------- CLI
def _png(path, rgba):
    from PIL import Image
    Image.fromarray(rgba).save(path)
    return path


def test_score_cli_table_and_json(tmp_path, run_cli):
    red = _png(tmp_path / "red.png", scene_image("red", "circles"))
    blue = _png(tmp_path / "blue.png", scene_image("blue", "circles"))
    res = run_cli("score", red, blue, "--prompt", "red", "--json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["model"] == "tiny" and [r["image"] for r in data["scores"]] == [str(red), str(blue)]
    assert data["scores"][0]["score"] > data["scores"][1]["score"]
    res = run_cli("score", red, blue, "-p", "blue", "--negative", "red", "--metric", "clipscore", "--crops", "2")
    assert res.returncode == 0, res.stderr
    lines = res.stdout.strip().splitlines()
    assert "clipscore" in lines[0] and lines[2].split()[-1] == "2" and lines[3].split()[-1] == "1"


def test_score_cli_bad_input_exits_2(tmp_path, run_cli):
    img = _png(tmp_path / "ok.png", scene_image("red", "circles"))
    bad = tmp_path / "bad.png"
    bad.write_text("not a png")
    for args, msg in [
        ([img, "--prompt", " "], "empty --prompt"),
        ([bad, "--prompt", "red"], "unreadable image"),
        ([img, "--prompt", "red", "--model", f"local-dir:{tmp_path / 'nope'}"], "model folder not found"),
        ([img, "--prompt", "red", "--model", f"local-dir:{tmp_path}"], "open_clip_config.json is missing"),
    ]:
        res = run_cli("score", *args)
        assert res.returncode == 2 and msg in res.stderr and "Traceback" not in res.stderr, res.stderr


@pytest.mark.slow
def test_train_command_is_deterministic_and_loads(tmp_path, run_cli):
    outs = []
    for name in ("a", "b"):
        out = tmp_path / name
        res = run_cli("ml", "train-tiny-clip", "--out", out, "--steps", "2", "--batch-size", "8", "--no-eval")
        assert res.returncode == 0, res.stderr
        outs.append(out)
    a, b = [(o / "open_clip_model.safetensors").read_bytes() for o in outs]
    assert a == b
    model = load_clip(f"local-dir:{outs[0]}")
    assert model.embed_text(["red"]).shape == (1, 128)
