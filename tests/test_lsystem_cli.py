"""`gencraft lsystem`: stats JSON, inline systems, listing, rendering and errors."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from gencraft.draw.canvas import Canvas
from gencraft.lsystem import derive, draw_turtle, interpret, load_preset, parse_lsystem


def _json(proc):
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_stats_json_for_a_preset(run_cli):
    data = _json(run_cli("lsystem", "dragon", "-n", "10", "--stats", "--json"))
    assert data["string_length"] == 3 * 2 ** 10 - 2
    assert data["draw_count"] == 2 ** 10
    assert math.hypot(*data["end_point"]) == pytest.approx(32)
    assert len(data["bbox"]) == 4 and data["bbox"][0] <= 0 <= data["bbox"][2]


def test_inline_system_with_draw_heading_and_angle(run_cli):
    # the dragon typed inline, L and R drawn like F, heading +x: each step multiplies the
    # end-to-end vector by (1 + i) (the L+R+ generator), so the end is (1 + i)^6 = -8i
    data = _json(run_cli("lsystem", "--axiom", "L", "--rule", "L->L+R+", "--rule", "R -> -L-R",
                         "--draw", "LR", "--angle", "90", "-n", "6", "--heading", "0", "--stats", "--json"))
    assert data["draw_count"] == 64
    assert data["end_point"] == pytest.approx([0, -8])
    plant = _json(run_cli("lsystem", "--axiom", "X", "--rule", "X->F[+X]F[-X]+X", "--rule", "F->FF",
                          "--angle", "20", "-n", "3", "--stats", "--json"))
    # F count: f(n) = 2 f(n-1) + 2 x(n-1) with x(n) = 3^n
    assert plant["draw_count"] == 2 * (2 * 2 + 2 * 3) + 2 * 9
    # modules: x(n) = 3^n X, f(n) F, and 7 brackets/turns per rewritten X: 27 + 38 + (7 + 21 + 63)
    assert plant["string_length"] == 27 + 38 + 91


def test_list_shows_every_preset(run_cli):
    rows = _json(run_cli("lsystem", "--list", "--json"))
    names = {r["name"] for r in rows}
    assert {"dragon", "koch-island", "plant-1.24b", "hogeweg-1.31a", "parametric-1.33"} <= names
    text = run_cli("lsystem", "--list").stdout
    assert "sierpinski-arrowhead" in text and "1.10b" in text


def test_render_png_and_svg(run_cli, tmp_path):
    png = tmp_path / "d.png"
    proc = run_cli("lsystem", "dragon", "-n", "8", "--size", "200x160", "-o", png)
    assert proc.returncode == 0, proc.stderr
    import imageio.v3 as iio

    img = iio.imread(png)
    assert img.shape[:2] == (160, 200)
    assert img[..., :3].min() < 100 and img[..., :3].max() > 200  # ink on paper
    svg = tmp_path / "p.svg"
    proc = run_cli("lsystem", "1.24b", "-n", "3", "--angle", "30", "-o", svg)
    assert proc.returncode == 0, proc.stderr
    assert svg.read_text().lstrip().startswith("<?xml") and "<path" in svg.read_text()


def test_user_errors_exit_2_without_output(run_cli, tmp_path):
    bad = tmp_path / "bad.lsys"
    bad.write_text("axiom: F\nangle: 20\nA(x): x >> 1 -> F\n")
    out = tmp_path / "x.png"
    proc = run_cli("lsystem", bad, "-o", out)
    assert proc.returncode == 2
    assert "line 3, column 10" in proc.stderr and "expected a number" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    proc = run_cli("lsystem", "dragon", "-n", "30", "--max-modules", "100000", "-o", out)
    assert proc.returncode == 2 and "step 16 would produce 196,606 modules" in proc.stderr
    proc = run_cli("lsystem", "dragn")
    assert proc.returncode == 2 and "did you mean 'dragon'" in proc.stderr
    assert not out.exists() and not list(tmp_path.glob("*.part"))


def test_draw_turtle_batches_and_depth_sorts():
    system = load_preset("bush-3d", n=3)
    shape = interpret(system, derive(system))
    assert np.abs(shape.vertices[:, 2]).max() > 0.1  # really 3D
    flat = Canvas(120, 120)
    flat.background("white")
    fit = draw_turtle(flat, shape, colors=["#000000"])
    assert 0 < fit.scale
    sorted_ = Canvas(120, 120)
    sorted_.background("white")
    draw_turtle(sorted_, shape, view=(40, 20), depth_sort=True, fog=0.5, fog_color="white",
                colors=["#553311", "#226622"])
    for c in (flat, sorted_):
        ink = (c.to_array()[..., :3] < 200).any(axis=2).mean()
        assert 0.02 < ink < 0.9
    proj = shape.project(40, 20)
    a, b, depth, widths, cidx = proj.segments()
    assert len(a) == shape.draw_count and len(widths) == len(cidx) == len(depth)


def test_words_convert_for_plain_systems():
    s = parse_lsystem("axiom: F\nF -> F+F")
    assert derive(s, n=2).to_string() == "F+F+F+F"


@pytest.mark.slow
def test_sketches_render_with_features():
    from gencraft.render import render
    from gencraft.sketch import load_sketch

    root = __import__("pathlib").Path(__file__).resolve().parent.parent / "sketches"
    garden = load_sketch(root / "garden.py")
    a = render(garden, {"plants": 4, "growth": 4}, seed=3, size=(240, 170))
    b = render(garden, {"plants": 4, "growth": 4}, seed=3, size=(240, 170))
    c = render(garden, {"plants": 4, "growth": 4}, seed=4, size=(240, 170))
    assert np.array_equal(a.rgba, b.rgba) and not np.array_equal(a.rgba, c.rgba)
    traits = garden.call_features(None, garden.resolve({"plants": 4, "growth": 4}))
    assert traits["Density"] == "sparse" and traits["Season"] == "Summer"
    gallery = load_sketch(root / "abop.py")
    img = render(gallery, {"detail": -2}, seed=0, size=(300, 240)).rgba
    assert (img[..., :3].astype(int).sum(axis=2) < 300).mean() > 0.01  # there is ink
    assert gallery.call_features(None, gallery.resolve({}))["Angle"] == "as published"
