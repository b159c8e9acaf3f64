"""Sketch loading, rendering, determinism and provenance (Python API)."""
import subprocess
import sys

import numpy as np
import pytest

from gencraft.errors import SketchError, UserError
from gencraft.provenance import read_recipe
from gencraft.render import parse_size, render, render_animation_frames, render_file_bytes, render_to_file
from gencraft.reproduce import reproduce
from gencraft.sketch import load_sketch

from .sketch_sources import ANIMATED, CIRCLES, FOREVER, NOT_A_SKETCH, RAISES, SYNTAX


def test_load_declarations_and_fresh_module(write_sketch):
    path = write_sketch(CIRCLES)
    a, b = load_sketch(path), load_sketch(path)
    assert list(a.params) == ["radius", "count", "colours"]
    assert a.module is not b.module
    assert a.title == "Circles" and a.default_size == (160, 120)
    path.write_text(CIRCLES.replace("Int(20, 1, 200)", "Int(30, 1, 200)"))
    assert load_sketch(path).params["count"].default == 30  # reload sees the edit


def test_render_is_deterministic_and_seed_sensitive(write_sketch):
    path = write_sketch(CIRCLES)
    a = render(path, {"count": 40}, seed="0x" + "12" * 32)
    b = render(path, {"count": 40}, seed="0x" + "12" * 32)
    c = render(path, {"count": 40}, seed="0x" + "13" * 32)
    assert a.png_bytes() == b.png_bytes()
    assert not np.array_equal(a.rgba, c.rgba)
    assert a.rgba.shape == (120, 160, 4)
    # the background is the palette's and circles add other colours
    assert tuple(a.rgba[0, 0, :3]) != tuple(a.rgba[60, 80, :3]) or len(np.unique(a.rgba.reshape(-1, 4), axis=0)) > 5


def test_byte_identical_across_processes(write_sketch, tmp_path):
    path = write_sketch(CIRCLES)
    code = (f"from gencraft.render import render; import sys; "
            f"sys.stdout.buffer.write(render({str(path)!r}, {{'count': 50}}, seed='abc').png_bytes())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True).stdout
    assert out == render(path, {"count": 50}, seed="abc").png_bytes()


def test_recipe_roundtrip_png_svg_pdf(write_sketch, tmp_path):
    path = write_sketch(CIRCLES)
    for ext in ("png", "svg", "pdf"):
        out = render_to_file(path, tmp_path / f"o.{ext}", {"radius": 5.5}, seed=9)
        recipe = read_recipe(out)
        assert recipe["params"] == {"radius": 5.5, "count": 20, "colours": "dusk"}
        assert recipe["seed"] == "9" and recipe["size"] == [160, 120] and recipe["format"] == ext
        assert recipe["sketch"]["sha256"] == load_sketch(path).sha256
        assert reproduce(out).ok


def test_reproduce_explains_source_change(write_sketch, tmp_path):
    path = write_sketch(CIRCLES)
    out = render_to_file(path, tmp_path / "o.png", seed=1)
    path.write_text(CIRCLES.replace("alpha=0.8", "alpha=0.5"))
    verdict = reproduce(out, allow_changed=True)
    assert not verdict.ok and "sketch source changed" in verdict.summary()


def test_reproduce_explains_invalid_params(write_sketch, tmp_path):
    path = write_sketch(CIRCLES)
    out = render_to_file(path, tmp_path / "o.png", {"count": 150}, seed=1)
    path.write_text(CIRCLES.replace("Int(20, 1, 200)", "Int(20, 1, 100)"))
    verdict = reproduce(out, allow_changed=True)
    assert not verdict.ok and "parameters no longer valid" in verdict.summary()


@pytest.mark.parametrize("source, fragment", [
    (RAISES, "sketch.py:6: ZeroDivisionError: division by zero (return 1 / x)"),
    (SYNTAX, "sketch.py:2:20: SyntaxError"),
    (NOT_A_SKETCH, "is not a gencraft sketch"),
])
def test_sketch_errors_are_one_line(write_sketch, tmp_path, source, fragment):
    path = write_sketch(source)
    with pytest.raises(UserError) as err:
        render_to_file(path, tmp_path / "o.png")
    assert fragment in str(err.value)
    assert not list(tmp_path.glob("o.png*")) and not list(tmp_path.glob(".o.png*"))


def test_timeout_kills_and_leaves_nothing(write_sketch, tmp_path):
    path = write_sketch(FOREVER)
    with pytest.raises(SketchError, match="time limit of 1 s"):
        render_to_file(path, tmp_path / "o.png", timeout=1.0)
    assert [p.name for p in tmp_path.iterdir()] == ["sketch.py"]


def test_sizes():
    assert parse_size("640x480") == (640, 480)
    assert parse_size("512") == (512, 512)
    assert parse_size("A4@100") == (827, 1169)
    for bad in ["12x", "A9@300", "0x10", "100000x100000"]:
        with pytest.raises(UserError):
            parse_size(bad)


def test_animation_frames_loop(write_sketch):
    path = write_sketch(ANIMATED)
    frames = render_animation_frames(path)
    assert len(frames) == 6
    assert not np.array_equal(frames[0], frames[3])
    gif = render_file_bytes(path, "x.gif")
    assert gif[:6] == b"GIF89a"


def test_unknown_output_format(write_sketch, tmp_path):
    with pytest.raises(UserError, match=r"unknown output format '.jpg'"):
        render_to_file(write_sketch(CIRCLES), tmp_path / "o.jpg")
