"""Pen-plotter output: retained geometry, pages in mm, pen layers, hidden lines, vpype optimisation, files.

Values are read back the way a plotter user would: the SVG with vpype
(``vpype.read_multilayer_svg``, what ``vpype read`` does), G-code as text.
"""
from __future__ import annotations

import math
import re

import numpy as np
import pytest

pytest.importorskip("vpype")

from gencraft.draw.canvas import Canvas  # noqa: E402
from gencraft.draw.plotter import MM, read_svg_document  # noqa: E402
from gencraft.errors import UserError  # noqa: E402
from gencraft.plotter import PlotterOptions, make_plot, plot_bytes, plot_to_file  # noqa: E402

from .conftest import SKETCHES  # noqa: E402

OCCLUDED = '''"""A line behind a paper-coloured square, a red ring on top."""
SIZE = (100, 100)
PAPER = "100x100mm"
def draw(c, rng, p):
    c.background("#ffffff")
    c.stroke("#000000", width=1)
    c.line(10, 50, 90, 50)
    c.no_stroke().fill("#ffffff").rect(30, 30, 40, 40)
    c.stroke("#ff0000").no_fill().circle(50, 50, 10)
'''


def layer_lengths(doc) -> dict[str, float]:
    return {str(doc.layers[i].property("vp_name")): doc.layers[i].length() / MM for i in sorted(doc.layers)}


# ------------------------------------------------------------- retained geometry
def test_canvas_records_paths_in_device_space_with_transforms():
    c = Canvas(200, 100, "plotter")
    c.stroke("#102030", width=2)
    with c.push():
        c.translate(50, 10).scale(2)
        c.layer("ink")
        c.line(0, 0, 10, 0)          # device (50, 10) -> (70, 10), width 4
    c.line(0, 90, 5, 90)             # layer and transform restored
    c.fill("#ff0000").no_stroke().rect(10, 10, 20, 20)
    c.polylines([np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([[2.0, 2.0], [3.0, 2.0]])],
                colors=["#00ff00", "#0000ff"], widths=np.array([1.0, 3.0]))
    items = c.recorder.items
    assert [it.kind for it in items] == ["stroke", "stroke", "fill", "stroke"]
    np.testing.assert_allclose(items[0].paths[0], [[50, 10], [70, 10]])
    assert items[0].width == pytest.approx(4.0) and items[0].layer == "ink"
    assert items[1].layer is None
    assert items[2].rgba[:3] == (1.0, 0.0, 0.0) and items[2].closed == [True]
    assert items[3].rgba.shape == (2, 4) and list(items[3].width) == [1.0, 3.0]
    assert c.plotter and c.surface.ink_extents()[2] == 0  # nothing was painted


def test_retained_alongside_raster_records_and_paints():
    c = Canvas(40, 40, "png", retain=True)
    c.background("#ffffff").stroke("#000000", width=4).line(0, 20, 40, 20)
    assert [it.kind for it in c.recorder.items] == ["paint", "stroke"]
    assert c.to_array()[20, 20, 0] < 50  # the line is in the pixels too


# ------------------------------------------------------------- the measured bar
@pytest.mark.parametrize("sketch,seed", [("flow.py", 2), ("meander.py", 1)])
def test_bundled_line_sketch_plots_in_mm_with_layers_and_less_travel(tmp_path, sketch, seed):
    out, plain = tmp_path / "plot.svg", tmp_path / "order.svg"
    plot_to_file(SKETCHES / sketch, out, seed=seed, size="A3")
    plot_to_file(SKETCHES / sketch, plain, seed=seed, size="A3", options=PlotterOptions(optimise=False))
    text = out.read_text()
    assert 'width="29.7cm"' in text and 'height="42.0cm"' in text
    assert "<image" not in text and 'inkscape:groupmode="layer"' in text
    doc, order = read_svg_document(out), read_svg_document(plain)
    w, h = (v / MM for v in doc.page_size)
    assert (round(w, 2), round(h, 2)) == (297.0, 420.0)
    assert len(doc.layers) >= 1 and len(doc.layers) == text.count('inkscape:groupmode="layer"')  # none merged
    assert doc.pen_up_length() <= 0.5 * order.pen_up_length() + 1e-6
    assert doc.length() == pytest.approx(order.length(), rel=0.01)  # the same drawing, reordered


# ------------------------------------------------------------- hidden lines, fills
def test_line_behind_a_square_is_cut_exactly(write_sketch):
    plot = make_plot(write_sketch(OCCLUDED), options=PlotterOptions(margin_mm=0, optimise=False))
    assert plot.layout.page_mm == (100.0, 100.0) and plot.layout.scale == pytest.approx(1.0)
    lengths = layer_lengths(plot.doc)
    assert set(lengths) == {"pen 1 #000000", "pen 2 #ff0000"}  # the paper-coloured square hides, draws nothing
    assert lengths["pen 1 #000000"] == pytest.approx(40.0, abs=1e-6)  # 80 mm less the 40 mm square
    assert sorted(round(float(line.real.min() / MM), 6) for line in plot.doc.layers[1]) == [10.0, 70.0]
    assert lengths["pen 2 #ff0000"] == pytest.approx(2 * math.pi * 10, rel=0.01)  # on top: whole


def test_coloured_fill_is_hatched_inside_its_outline_and_hides_what_is_behind(write_sketch):
    src = OCCLUDED.replace('fill("#ffffff")', 'fill("#0000ff")')
    plot = make_plot(write_sketch(src), options=PlotterOptions(margin_mm=0, optimise=False, hatch_mm=2.0))
    blue = plot.doc.layers[2]
    assert blue.property("vp_name") == "pen 2 #0000ff"
    pts = np.concatenate([line for line in blue]) / MM
    assert pts.real.min() >= 30 - 1e-6 and pts.real.max() <= 70 + 1e-6
    # hatching at 2 mm across a 40 mm square at 45 degrees: the diagonal span 40*sqrt(2) holds about 28 lines
    outline = 160.0
    hatch_len = blue.length() / MM - outline
    assert hatch_len == pytest.approx(40 * 40 / 2.0, rel=0.06)  # area / spacing
    assert layer_lengths(plot.doc)["pen 1 #000000"] == pytest.approx(40.0, abs=1e-6)
    outline_only = make_plot(write_sketch(src, "o.py"), options=PlotterOptions(margin_mm=0, fill="outline"))
    assert layer_lengths(outline_only.doc)["pen 2 #0000ff"] == pytest.approx(outline, abs=1e-6)
    kept = make_plot(write_sketch(src, "k.py"), options=PlotterOptions(margin_mm=0, occlude=False, fill="none"))
    assert layer_lengths(kept.doc)["pen 1 #000000"] == pytest.approx(80.0, abs=1e-6)


# ------------------------------------------------------------- layers
LAYERED = '''"""Two named pens."""
SIZE = (200, 100)
def draw(c, rng, p):
    c.layer("red pen", color="#cc2222").stroke("#cc2222").line(10, 10, 190, 10)
    c.layer("blue pen").stroke("#2222cc").line(10, 50, 190, 50)
    c.layer("red pen").stroke("#aa0000").line(10, 90, 190, 90)
'''


def test_named_layers_are_vpype_and_inkscape_layers(tmp_path, write_sketch):
    out = tmp_path / "p.svg"
    plot_to_file(write_sketch(LAYERED), out, size="A5")
    text = out.read_text()
    assert text.count('inkscape:groupmode="layer"') == 2
    assert 'inkscape:label="red pen"' in text and 'inkscape:label="blue pen"' in text
    doc = read_svg_document(out)
    assert [len(doc.layers[i]) for i in sorted(doc.layers)] in ([2, 1], [1, 1])  # merged or not, two pens
    assert (round(doc.page_size[0] / MM, 2), round(doc.page_size[1] / MM, 2)) == (210.0, 148.0)  # A5, turned


def test_colliding_layer_names_are_one_line(tmp_path, write_sketch, run_cli):
    src = LAYERED.replace('c.layer("blue pen")', 'c.layer("Red  Pen")')
    with pytest.raises(UserError, match=r"layer name 'Red  Pen' collides with layer 'red pen'"):
        make_plot(write_sketch(src))
    src2 = ('def draw(c, rng, p):\n    c.stroke("#aa0000").line(0, 0, 9, 9)\n'
            '    c.layer("#aa0000").stroke("#0000ff").line(0, 9, 9, 0)\n')
    with pytest.raises(UserError, match="collides with the colour layer"):
        make_plot(write_sketch(src2, "s2.py"))
    out = tmp_path / "x.svg"
    r = run_cli("render", write_sketch(src, "s3.py"), "--plotter", "-o", out)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "collides" in r.stderr
    assert not out.exists() and not list(tmp_path.glob("*.part*"))


# ------------------------------------------------------------- bad input
RASTER = '''"""Pixels only."""
import numpy as np
SIZE = (50, 50)
def draw(c, rng, p):
    c.background("#ffffff")
    c.image(np.zeros((50, 50, 3)))
'''


def test_rasters_are_refused_in_one_line(tmp_path, write_sketch, run_cli):
    with pytest.raises(UserError, match=r"draws only rasters \(c\.image\)"):
        make_plot(write_sketch(RASTER))
    mixed = RASTER + "    c.line(0, 0, 50, 50)\n"
    with pytest.raises(UserError, match=r"draws 1 raster image\(s\) \(c\.image\).*c\.plotter"):
        make_plot(write_sketch(mixed, "m.py"))
    out = tmp_path / "r.gcode"
    r = run_cli("render", write_sketch(RASTER, "r.py"), "-o", out)  # .gcode implies --plotter
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "draws only rasters" in r.stderr
    assert not out.exists()


def test_page_smaller_than_drawing_names_side_and_amount(write_sketch):
    sk = write_sketch(OCCLUDED.replace('PAPER = "100x100mm"', 'PAPER = "A4"').replace("(100, 100)", "(300, 100)"))
    with pytest.raises(UserError, match=r"210x297 mm page less 10 mm margins \(190x277 mm\): 110 mm too wide"):
        make_plot(sk, options=PlotterOptions(scale=1.0, landscape=False))
    with pytest.raises(UserError, match=r"23 mm too wide; expected a larger page"):  # turned to fit the drawing
        make_plot(sk, options=PlotterOptions(scale=1.0))
    with pytest.raises(UserError, match=r"--margin 60 mm leaves no room on a 100x100 mm page"):
        make_plot(write_sketch(OCCLUDED, "b.py"), options=PlotterOptions(margin_mm=60))
    with pytest.raises(UserError, match=r"--fill 'dots': expected one of hatch, outline, none"):
        PlotterOptions(fill="dots").check()


# ------------------------------------------------------------- provenance, G-code, HPGL
def test_recipe_round_trip_info_and_reproduce(tmp_path, write_sketch, run_cli):
    from gencraft.provenance import read_recipe
    from gencraft.reproduce import reproduce

    sk = write_sketch(LAYERED)
    out = tmp_path / "p.svg"
    plot_to_file(sk, out, seed=7, size="297x210mm", options=PlotterOptions(margin_mm=5, hatch_mm=0.5))
    recipe = read_recipe(out)
    assert recipe["format"] == "plotter-svg" and recipe["seed"] == "7"
    assert recipe["plotter"]["page_mm"] == [297.0, 210.0] and recipe["plotter"]["margin_mm"] == 5
    assert recipe["plot"]["after"]["layers"] == 2
    assert reproduce(out).ok
    info = run_cli("info", out)
    assert info.returncode == 0 and "plotter   page 297x210 mm, margin 5" in info.stdout


def test_gcode_in_one_command(tmp_path, write_sketch, run_cli):
    out = tmp_path / "p.gcode"
    r = run_cli("render", write_sketch(LAYERED), "-o", out, "--size", "A5", "--margin", "5")
    assert r.returncode == 0, r.stderr
    assert "optimised:" in r.stderr and "pen up" in r.stderr
    text = out.read_text()
    lines = text.splitlines()
    assert lines[0].startswith("; gencraft:recipe={") and '"format":"plotter-gcode"' in lines[0]
    assert "G21 (millimetres)" in text and text.count("M0 (change pen)") == 1 and text.rstrip().endswith("M2")
    xy = np.array([[float(v) for v in re.findall(r"[XY](-?[\d.]+)", ln)] for ln in lines
                   if ln.startswith("G1 X")])
    assert xy[:, 0].min() >= 5 - 1e-3 and xy[:, 0].max() <= 205 + 1e-3  # inside the A5 page less margins
    assert xy[:, 1].min() >= 5 - 1e-3 and xy[:, 1].max() <= 143 + 1e-3


def test_hpgl_through_vpype_device(write_sketch):
    plot = make_plot(write_sketch(LAYERED), size="A4")
    data = plot_bytes(plot, "hpgl").decode()
    assert data.startswith("IN;") and "SP1;" in data and "SP2;" in data and "PD" in data
    with pytest.raises(UserError, match="has no paper of 100x100 mm"):
        plot_bytes(make_plot(write_sketch(OCCLUDED, "o.py")), "hpgl")


# ------------------------------------------------------------- preview, live, edition
def test_preview_draws_pen_colours_and_faint_travel(write_sketch):
    from gencraft.draw.plotter_preview import preview_rgba

    plot = make_plot(write_sketch(LAYERED), size="A5", options=PlotterOptions(optimise=False))
    img = preview_rgba(plot.doc, 400, margin_mm=10)
    assert img.shape[:2] == (282, 400)  # A5 landscape: 148/210 of 400
    rgb = img[..., :3].astype(int)
    blue = (rgb[..., 2] > 150) & (rgb[..., 0] < 80)
    travel = (rgb[..., 0] > 200) & (rgb[..., 1] < 200) & (rgb[..., 1] > 80) & (rgb[..., 2] < 200)
    assert blue.sum() > 50 and travel.sum() > 5


def test_live_worker_plotter_job_returns_preview_and_stats(write_sketch):
    from gencraft.live.worker import SketchCache, render_job

    out = render_job(SketchCache(write_sketch(LAYERED)), {"seed": "1", "plotter": True, "raw": True})
    assert out["image"].ndim == 3 and out["meta"]["frames"] == 1
    assert [layer["name"] for layer in out["plot"]["layers"]] == ["red pen", "blue pen"]
    assert out["plot"]["after"]["pen_up_mm"] <= out["plot"]["before"]["pen_up_mm"] + 1e-6
    assert "preview" in out["recipe"]  # a picture of the plot, never mistaken for the plot itself


def test_edition_token_plotter_svg(write_sketch):
    from gencraft.editions.token import TokenJob, render_token, token_files

    sk = write_sketch(LAYERED)
    job = TokenJob(0, "0x" + "ab" * 32, str(sk), sk.read_bytes(), {}, (200, 100), ("png", "plotter-svg"))
    files = render_token(job).files
    assert set(files) == set(token_files(0, job.formats, False))
    assert b'inkscape:label="red pen"' in files["tokens/0.plotter.svg"]



@pytest.mark.parametrize("text,page,canvas", [
    ("A3", (297.0, 420.0), None), ("A4@100", (210.0, 297.0), (827, 1169)), ("297x420mm", (297.0, 420.0), None),
    ("11x17in", (279.4, 431.8), None), ("30x40cm", (300.0, 400.0), None), ("1600x1200", None, (1600, 1200)),
])
def test_page_sizes_in_mm(text, page, canvas):
    from gencraft.plotter import parse_page

    got_page, got_canvas = parse_page(text)
    assert got_canvas == canvas
    assert (got_page is None and page is None) or np.allclose(got_page, page)


def test_bad_page_is_one_line():
    from gencraft.plotter import parse_page

    with pytest.raises(UserError, match=r"size 'B7': expected a paper"):
        parse_page("B7")


def test_without_vpype_the_plotter_path_names_its_extra(tmp_path, write_sketch):
    import subprocess
    import sys

    sk = write_sketch(LAYERED)
    for args in (["plot", str(sk)], ["render", str(sk), "--plotter"]):
        code = ("import sys\nsys.modules['vpype'] = None\nsys.modules['vpype_cli'] = None\n"
                f"from gencraft.cli import main\nmain({args!r})\n")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=tmp_path)
        assert out.returncode == 2 and "plotter extra" in out.stderr and "pip install 'gencraft[plotter]'" in out.stderr
        assert len(out.stderr.strip().splitlines()) == 1 and not list(tmp_path.glob("*.svg"))
