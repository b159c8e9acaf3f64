"""gencraft in Jupyter, without a kernel: display methods, show/grid/edition_preview, the interact panel.

The panel's widgets are real ipywidgets; outside a kernel their comms go
nowhere, which is all these tests need. The example notebook runs in a real
kernel in test_notebook_kernel.py.
"""
from __future__ import annotations

import io
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
from PIL import Image

from gencraft.draw.canvas import Canvas
from gencraft.errors import UserError
from gencraft.render import render
from gencraft.sketch import load_sketch

from .conftest import ROOT

SKETCH = '''
"""Dots — a test sketch for the notebook helpers."""
from gencraft import Bool, Choice, Colour, Float, Int
SIZE = (90, 60)
radius = Float(6, 2, 20, step=0.5, vary="uniform", trait="Radius", bands={"small": 8, "big": None})
count = Int(5, 1, 30)
colours = Choice("red", ["red", "blue", "green"], weights=[1, 1, 1], trait="Colour")
ring = Bool(False, chance=0.5, trait="Ring")
paper = Colour("#f4efe6")

def draw(c, rng, p):
    c.background(p.paper).no_stroke().fill(p.colours)
    for _ in range(p.count):
        c.circle(rng.uniform(0, c.width), rng.uniform(0, c.height), p.radius)
    if p.ring:
        c.no_fill().stroke("#000", width=2).circle(45, 30, 25)
'''

BUG_LINE = "    c.background(p.paper).no_stroke().fill(p.colours)\n"


def png_array(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))


@pytest.fixture
def dots(write_sketch):
    return write_sketch(SKETCH, "dots.py")


def break_it(path, line=BUG_LINE):
    """Put a ZeroDivisionError in draw(); return its line number."""
    text = path.read_text()
    path.write_text(text.replace(line, line + "    width = 1 / 0\n"))
    return text[:text.index(line)].count("\n") + 2


# ---------------------------------------------------------------- display methods
def test_png_canvas_shows_its_pixels():
    c = Canvas(40, 30)
    c.background("#336699").no_stroke().fill("#ffcc00").circle(20, 15, 8)
    data = c._repr_png_()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert np.array_equal(png_array(data), c.to_array())


def test_vector_canvas_shows_svg_once_finished_and_never_png():
    buf = io.BytesIO()
    c = Canvas(40, 30, "svg", target=buf)
    c.background("#336699")
    assert c._repr_png_() is None
    assert c._repr_svg_() is None  # still drawing: nothing to show yet, and showing must not finish it
    c.fill("#ffcc00").circle(20, 15, 8)
    c.finish()
    assert c._repr_svg_().lstrip().startswith("<?xml") and "<svg" in c._repr_svg_()
    assert Canvas(10, 10, "svg")._repr_svg_() is None  # written nowhere: nothing to show


def test_render_shows_as_png_carrying_its_recipe(dots, tmp_path):
    from gencraft.provenance import read_recipe

    r = render(dots, {"count": 9}, seed=4)
    data = r._repr_png_()
    assert np.array_equal(png_array(data), r.rgba)
    (tmp_path / "shown.png").write_bytes(data)
    recipe = read_recipe(tmp_path / "shown.png")
    assert recipe["params"]["count"] == 9 and recipe["seed"] == "4"


def test_sketch_shows_its_render_at_a_preview_size(dots, write_sketch):
    data = load_sketch(dots)._repr_png_()
    assert np.array_equal(png_array(data), render(dots, None, 0).rgba)  # small sketches at their own size
    big = write_sketch(SKETCH.replace("SIZE = (90, 60)", "SIZE = (3000, 1500)"), "big.py")
    assert png_array(load_sketch(big)._repr_png_()).shape == (300, 600, 4)


def test_core_and_show_import_no_ipython():
    code = ("import sys, gencraft\n"
            "assert 'gencraft.notebook' not in sys.modules, 'import gencraft pulled in the notebook package'\n"
            "from gencraft.render import render\n"
            "from gencraft.draw.canvas import Canvas\n"
            "r = render('examples/notebook/rings.py', seed=1, size=(40, 40)); r._repr_png_()\n"
            "Canvas(8, 8)._repr_png_()\n"
            "gencraft.show('examples/notebook/rings.py', seed=1, size=40)\n"
            "gencraft.grid('examples/notebook/rings.py', seeds=range(2), cell=32)\n"
            "print('LOADED', [m for m in ('IPython', 'ipywidgets', 'ipykernel') if m in sys.modules])\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert "LOADED []" in out.stdout, out.stdout + out.stderr


def test_interact_without_the_extra_names_it():
    code = ("import sys\nsys.modules['ipywidgets'] = None\nimport gencraft\n"
            "try:\n    gencraft.interact('examples/notebook/rings.py')\n"
            "except Exception as exc:\n    print(type(exc).__name__, exc)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert out.stdout.strip() == ("UserError gencraft.interact needs the notebook extra: "
                                  "pip install 'gencraft[notebook]'"), out.stdout + out.stderr


def test_unknown_names_are_still_attribute_errors():
    import gencraft

    with pytest.raises(AttributeError, match="no attribute 'shwo'"):
        gencraft.shwo  # noqa: B018
    assert callable(gencraft.show) and callable(gencraft.grid) and callable(gencraft.edition_preview)


# ---------------------------------------------------------------- show
def test_show_pins_given_values_and_draws_the_rest(dots):
    import gencraft

    r = gencraft.show(dots, seed=3, size=(45, 30), count=12, radius=4)
    assert r.rgba.shape == (30, 45, 4)
    assert r.params.count == 12 and r.params.radius == 4.0
    assert r.params.pinned == {"count", "radius"} and r.params.drawn == {"colours", "ring"}
    again = render(dots, {"count": 12, "radius": 4}, seed=3, size=(45, 30))
    assert np.array_equal(r.rgba, again.rgba)  # the same path as `gencraft render`


def test_show_rereads_the_file_on_each_call(dots):
    import gencraft

    first = gencraft.show(dots, seed=1)
    dots.write_text(SKETCH.replace('Colour("#f4efe6")', 'Colour("#101010")'))
    second = gencraft.show(load_sketch(dots.parent / "dots.py"), seed=1)
    assert tuple(second.rgba[0, 0, :3]) == (16, 16, 16) != tuple(first.rgba[0, 0, :3])
    sketch = load_sketch(dots)
    dots.write_text(SKETCH.replace('Colour("#f4efe6")', 'Colour("#202020")'))
    assert tuple(gencraft.show(sketch, seed=1).rgba[0, 0, :3]) == (32, 32, 32)  # a loaded sketch is re-read too


def test_show_svg(dots):
    import gencraft

    svg = gencraft.show(dots, seed=2, format="svg", count=3)
    assert "<svg" in svg._repr_svg_() and "gencraft" in svg.svg
    assert svg.recipe["format"] == "svg" and svg.recipe["params"]["count"] == 3


def test_show_error_names_the_sketch_file_and_line_only(dots):
    import gencraft
    from gencraft.notebook.errors import NotebookSketchError

    line = break_it(dots)
    with pytest.raises(NotebookSketchError) as caught:
        gencraft.show(dots, seed=1)
    assert str(caught.value).startswith(f"{dots}:{line}: ZeroDivisionError")
    shown = "\n".join(caught.value._render_traceback_())
    assert f"{dots}:{line}" in shown and "width = 1 / 0" in shown
    assert "gencraft/render.py" not in shown and "gencraft/sketch.py" not in shown  # only the sketch's frames
    dots.write_text(SKETCH)
    with pytest.raises(UserError, match="unknown parameter 'cuont'.*did you mean 'count'"):
        gencraft.show(dots, cuont=3)


# ---------------------------------------------------------------- grid and edition preview
def test_grid_renders_each_token_with_its_traits(dots):
    import gencraft

    g = gencraft.grid(dots, seeds=range(6), cell=60, columns=3)
    assert len(g) == 6 and [t.seed for t in g.tokens] == [str(k) for k in range(6)]
    sketch = load_sketch(dots)
    for k, token in enumerate(g.tokens):
        expected = render(sketch, None, k, (60, 40))
        assert np.array_equal(token.render.rgba, expected.rgba)
        assert token.traits == sketch.call_features(expected.seed.rng(), expected.params)
    sheet = png_array(g._repr_png_())
    assert sheet.shape[1] == 3 * 60 + 4 * 12
    assert np.array_equal(g[2].rgba, g.tokens[2].render.rgba)
    pinned = gencraft.grid(dots, seeds=[1, 2], cell=60, colours="green")
    assert {t.traits["Colour"] for t in pinned.tokens} == {"green"}


def test_grid_captions_read_as_words():
    from gencraft.notebook.tokens import caption

    assert caption({"Palette": "sea", "Rings": 6, "Halo": "yes", "Gilded": "no"}, "seed 3") == \
        "sea · Rings 6 · Halo\nseed 3"


def test_grid_error_names_the_token(dots):
    import gencraft
    from gencraft.notebook.errors import NotebookSketchError

    line = break_it(dots)
    with pytest.raises(NotebookSketchError, match=rf"^seed 0: {dots}:{line}: ZeroDivisionError"):
        gencraft.grid(dots, seeds=range(3))
    with pytest.raises(UserError, match="grid of 0 seeds"):
        gencraft.grid(dots, seeds=[])


def test_edition_preview_uses_the_editions_hashes_and_simulation(dots):
    import gencraft
    from gencraft.editions.hashes import hashes_from_seed
    from gencraft.editions.simulate import simulate

    p = gencraft.edition_preview(dots, n=4, collection_seed="nb", simulate=60, cell=50)
    assert [t.seed for t in p.grid.tokens] == hashes_from_seed("nb", 4)
    report = simulate(dots, 60, "nb")
    assert p.rarity == report.rarity and p.collection_seed == "nb"
    page = p._repr_html_()
    assert "data:image/png;base64," in page and "Colour" in page and "Radius" in page and "Ring" in page
    assert "distinct trait combinations among 60 tokens" in page
    assert png_array(p._repr_png_()).shape[0] > 50
    assert "simulated 60 tokens" in repr(p)
    with pytest.raises(UserError, match="n 0"):
        gencraft.edition_preview(dots, n=0)


# ---------------------------------------------------------------- newest wins
def test_latest_debounces_and_runs_only_the_newest():
    from gencraft.notebook.latest import Latest

    seen = []
    latest = Latest(seen.append, delay=0.1)
    for k in range(20):
        latest.submit(k)
    assert latest.wait(5)
    assert seen == [19] and latest.superseded == 19


def test_latest_lets_the_running_job_finish_then_runs_the_newest():
    from gencraft.notebook.latest import Latest

    started, seen = threading.Event(), []

    def job(k):
        started.set()
        time.sleep(0.2)
        seen.append(k)

    latest = Latest(job, delay=0.0)
    latest.submit("first")
    started.wait(5)
    for k in ("a", "b", "c"):
        latest.submit(k)
    assert latest.busy
    assert latest.wait(5)
    assert seen == ["first", "c"]


def test_step_seed_matches_the_live_page():
    from gencraft.notebook.controls import decimals, step_seed

    assert step_seed("7", 1) == "8" and step_seed("0", -1) == "-1"
    assert step_seed("storm-2", 1) == "storm-3" and step_seed("storm-1", -1) == "storm"
    assert step_seed("storm", 1) == "storm-1" and step_seed("storm", -1) == "storm"
    assert decimals(0.05) == 2 and decimals(0.5) == 1 and decimals(1) == 0


# ---------------------------------------------------------------- interact
@pytest.fixture
def widgets():
    return pytest.importorskip("ipywidgets")


def test_interact_builds_one_control_per_parameter(dots, widgets):
    import gencraft

    ui = gencraft.interact(dots, seed=5)
    assert list(ui.controls) == ["radius", "count", "colours", "ring", "paper"]
    radius, count, colours, ring, paper = ui.controls.values()
    assert isinstance(radius, widgets.FloatSlider) and (radius.min, radius.max, radius.step) == (2, 20, 0.5)
    assert isinstance(count, widgets.IntSlider) and (count.min, count.max, count.step) == (1, 30, 1)
    assert isinstance(colours, widgets.Dropdown) and list(colours.options) == [("red", "red"), ("blue", "blue"),
                                                                                 ("green", "green")]
    assert isinstance(ring, widgets.Checkbox) and isinstance(paper, widgets.ColorPicker)
    assert paper.value == "#f4efe6"
    assert list(ui.locks) == ["radius", "colours", "ring"]  # only the varying ones
    assert not any(lock.value for lock in ui.locks.values())
    assert all("gencraft-param" in c._dom_classes for c in ui.controls.values())
    # the controls show the token's drawn values, and the image is that render
    expected = render(dots, None, 5, (90, 60))
    assert {k: c.value for k, c in ui.controls.items()} == expected.params.to_dict()
    assert np.array_equal(png_array(ui.image.value), expected.rgba)
    assert "application/vnd.jupyter.widget-view+json" in ui._repr_mimebundle_()
    ui.close()


def test_moving_a_varying_control_locks_it_and_seeds_keep_it(dots, widgets):
    import gencraft

    ui = gencraft.interact(dots, seed=5, delay=0.01)
    ui.controls["colours"].value = "blue" if ui.controls["colours"].value != "blue" else "green"
    chosen = ui.controls["colours"].value
    assert ui.wait(10)
    assert ui.locks["colours"].value and ui.overrides == {"colours": chosen}
    for _ in range(3):
        ui.seed_text.value = str(int(ui.seed) + 1)
        assert ui.wait(10)
        assert ui.values["colours"] == chosen and ui.render.params.pinned == {"colours"}
    assert ui.seed == "8" and ui.render.seed.text == "8"
    ui.locks["colours"].value = False  # back to the hash
    assert ui.wait(10)
    assert ui.overrides == {} and ui.values["colours"] == render(dots, None, 8).params.colours
    ui.locks["radius"].value = True  # locking keeps the drawn value for every seed
    assert ui.wait(10)
    held = ui.values["radius"]
    ui.set(seed=100)
    assert ui.values["radius"] == held and ui.seed_text.value == "100"
    ui.close()


def test_a_burst_of_changes_renders_once_with_the_newest(dots, widgets):
    import gencraft

    ui = gencraft.interact(dots, seed=1, delay=0.2)
    before = ui.renders
    for n in range(2, 12):
        ui.controls["count"].value = n
    assert ui.wait(10)
    assert ui.renders == before + 1 and ui.values["count"] == 11
    ui.close()


def test_interact_error_shows_over_the_last_good_image_and_recovers(dots, widgets):
    import gencraft

    ui = gencraft.interact(dots, seed=2)
    good = ui.image.value
    line = break_it(dots)
    ui.refresh()
    assert ui.error["file"] == str(dots) and ui.error["line"] == line
    assert ui.overlay.layout.display is None and f"{dots}:{line}" in ui.overlay.value
    assert "ZeroDivisionError" in ui.overlay.value and "width = 1 / 0" in ui.overlay.value
    assert ui.image.value == good  # the last good image stays
    assert ui.render is not None and "error" in ui.status.value
    dots.write_text(SKETCH.replace("count = Int(5, 1, 30)", "count = Int(5, 1, 30)\nextra = Float(0.5)"))
    ui.refresh()
    assert ui.error is None and ui.overlay.layout.display == "none"
    assert list(ui.controls) == ["radius", "count", "extra", "colours", "ring", "paper"]  # rebuilt
    ui.close()


def test_interact_keeps_values_that_still_fit_an_edited_sketch(dots, widgets):
    import gencraft

    ui = gencraft.interact(dots, seed=2, params={"count": 25, "radius": 3})
    assert ui.values["count"] == 25 and ui.locks["radius"].value
    dots.write_text(SKETCH.replace("count = Int(5, 1, 30)", "count = Int(5, 1, 20)"))
    ui.refresh()
    assert "count" not in ui.overrides and ui.values["count"] == 5  # out of the new range: back to default
    assert ui.values["radius"] == 3
    with pytest.raises(UserError, match="did you mean 'count'"):
        ui.set(cuont=3)
    with pytest.raises(UserError, match="parameter 'count'"):
        gencraft.interact(dots, params={"count": 99})
    ui.close()


def test_interact_on_a_broken_sketch_shows_the_error_then_its_controls_once_fixed(dots, widgets):
    import gencraft

    dots.write_text(SKETCH.replace("def draw(c, rng, p):", "def draw(c, rng, p)"))
    ui = gencraft.interact(dots)
    assert ui.render is None and ui.error["line"] is not None and "SyntaxError" in ui.overlay.value
    assert ui.controls == {}
    dots.write_text(SKETCH)
    ui.refresh()
    assert ui.error is None and len(ui.controls) == 5
    ui.close()
