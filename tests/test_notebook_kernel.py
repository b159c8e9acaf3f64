"""The example notebook runs top to bottom in a real Jupyter kernel (nbclient), and shows what it says.

One execution (module fixture) is checked for: images where renders are
shown, SVG for the vector cell, one widget control per declared parameter
(read from the widget state the notebook saves, as a Jupyter front end would
restore it), locks only on varying parameters, and the sketch's file:line in
both the error overlay and the error cell.
"""
from __future__ import annotations

import base64
import io
import re

import numpy as np
import pytest
from PIL import Image

from gencraft.sketch import load_sketch

from .conftest import ROOT

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipywidgets")
pytest.importorskip("ipykernel")

FOLDER = ROOT / "examples" / "notebook"
NOTEBOOK = FOLDER / "gencraft_in_a_notebook.ipynb"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


pytestmark = pytest.mark.slow  # a kernel start, and the bundled flow sketch compiles its kernels on a cold cache


@pytest.fixture(scope="module")
def executed():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=False,
                                     resources={"metadata": {"path": str(FOLDER)}})
    client.execute()  # a cell that raises fails this, unless tagged raises-exception (the error demo)
    return nb


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def cell_with(nb, text):
    """The first code cell containing `text` (or, for a line ending in a newline, that whole line)."""
    found = [c for c in code_cells(nb) if text in c.source + "\n"]
    assert found, f"no cell contains {text!r}"
    return found[0]


def outputs_of(cell, mime):
    return [o["data"][mime] for o in cell.outputs if "data" in o and mime in o["data"]]


def png(b64: str) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(b64))).convert("RGB"))


def widget_tree(nb, cell):
    """The saved widget models under the cell's displayed widget, top first."""
    state = nb.metadata["widgets"][WIDGET_STATE]["state"]
    (view,) = outputs_of(cell, WIDGET_VIEW)

    def walk(mid):  # depth first, in the order a front end lays the widgets out
        yield state[mid]
        for ref in state[mid]["state"].get("children", []):
            yield from walk(ref.removeprefix("IPY_MODEL_"))

    return list(walk(view["model_id"]))


def with_class(models, css):
    return [m for m in models if css in m["state"].get("_dom_classes", [])]


def test_only_the_tagged_cell_raises(executed):
    errors = [c for c in code_cells(executed) if any(o.output_type == "error" for o in c.outputs)]
    assert len(errors) == 1 and "raises-exception" in errors[0].metadata.get("tags", [])


def test_renders_show_as_images(executed):
    for text in ('gencraft.show(SKETCH, seed=7, size=360)\n', "rings=12", "sketches/flow.py", "gencraft.grid(",
                 "gencraft.edition_preview(", "Canvas(360, 90)"):
        images = outputs_of(cell_with(executed, text), "image/png")
        assert len(images) == 1, text
        pixels = png(images[0])
        assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 20, text  # a real picture, not a blank
    assert png(outputs_of(cell_with(executed, "rings=12"), "image/png")[0]).shape == (360, 360, 3)
    (svg,) = outputs_of(cell_with(executed, 'format="svg"'), "image/svg+xml")
    assert "<svg" in svg
    (page,) = outputs_of(cell_with(executed, "gencraft.edition_preview("), "text/html")
    assert "Palette" in page and "distinct trait combinations among 400 tokens" in page


def test_interact_has_one_control_per_parameter(executed):
    sketch = load_sketch(FOLDER / "rings.py")
    models = widget_tree(executed, cell_with(executed, "ui = gencraft.interact("))
    controls = with_class(models, "gencraft-param")
    assert [m["state"]["description"] for m in controls] == list(sketch.params)
    kinds = {m["state"]["description"]: m["model_name"] for m in controls}
    assert kinds == {"colours": "DropdownModel", "rings": "IntSliderModel", "spread": "FloatSliderModel",
                     "wobble": "FloatSliderModel", "halo": "CheckboxModel", "ink": "ColorPickerModel"}
    assert len(with_class(models, "gencraft-lock")) == len(sketch.varying)
    (image,) = [m for m in models if m["model_name"] == "ImageModel"]
    assert image["buffers"] and image["buffers"][0]["path"] == ["value"]  # the render travels with the state
    (status,) = with_class(models, "gencraft-status")
    assert "seed 12" in status["state"]["value"]  # ui.set(seed=12) updated the same widget


def test_the_error_names_the_sketch_file_and_line(executed):
    source = (FOLDER / "rings.py").read_text().splitlines()
    line = next(k for k, text in enumerate(source, 1) if "biggest = side * 0.42" in text)
    models = widget_tree(executed, cell_with(executed, "live = gencraft.interact("))
    (overlay,) = with_class(models, "gencraft-error")
    assert re.search(rf"rings\.py:{line}</b>\nZeroDivisionError", overlay["state"]["value"])
    assert overlay["state"]["layout"]  # shown over the image, which keeps the last good render
    (image,) = [m for m in models if m["model_name"] == "ImageModel"]
    assert image["buffers"]
    (error,) = [o for o in cell_with(executed, "gencraft.show(work").outputs if o.output_type == "error"]
    assert re.search(rf"rings\.py:{line}: ZeroDivisionError", error.evalue)
    shown = "\n".join(error.traceback)
    assert "len(centres[5:])" in shown and "gencraft/render.py" not in shown
