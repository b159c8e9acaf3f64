"""Batched polylines: the libcairo path route draws exactly the pixels of the pycairo loop."""
from __future__ import annotations

import io
import numpy as np
import pytest

import gencraft.draw_batch as db
from gencraft.canvas import Canvas
from gencraft.provenance import normalise_svg_ids


def _polylines(rng, m=300, k_max=40, size=300.0):
    lengths = rng.integers(1, k_max, m)  # includes 1-point polylines, which draw nothing
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    starts = rng.uniform(0, size, (m, 2))
    steps = rng.normal(0, 4.0, (offsets[-1], 2))
    coords = np.repeat(starts, lengths, axis=0) + np.cumsum(steps, axis=0) - np.repeat(
        np.cumsum(steps, axis=0)[offsets[:-1]] - steps[offsets[:-1]], lengths, axis=0)
    return coords, offsets


def _draw(fast, coords, offsets, transform=False, **kw):
    c = Canvas(300, 300)
    c.background("#f4efe6")
    c.stroke("#1d1d22", 1.5, alpha=0.8)
    if transform:
        c.translate(150, 150).rotate(0.3).scale(0.8, 1.1).translate(-150, -150)
    db.stroke_polylines(c, coords, offsets, fast=fast, **kw)
    return c.to_array()


def test_fast_route_is_really_used_here():
    c = Canvas(10, 10)
    assert db.cairo_t_pointer(c.ctx) is not None


@pytest.mark.parametrize("case", ["plain", "styles", "closed", "transform"])
def test_fast_route_gives_identical_pixels(case):
    rng = np.random.default_rng(7)
    coords, offsets = _polylines(rng)
    m = len(offsets) - 1
    kw = {}
    if case == "styles":  # per-polyline colours (with alpha) and widths: several style groups
        kw = {"colors": rng.choice(["#ff000080", "#0b3954", "#e4572e"], m), "widths": rng.choice([0.7, 2.0, 5.5], m)}
    if case == "closed":
        kw = {"closed": True}
    ref = _draw(False, coords, offsets, transform=case == "transform", **kw)
    fast = _draw(True, coords, offsets, transform=case == "transform", **kw)
    assert (ref != fast).sum() == 0
    assert (ref != _draw(False, coords[:0], offsets[:1])).any(axis=-1).mean() > 0.05  # it drew something


def test_vector_output_is_identical_too():
    rng = np.random.default_rng(3)
    coords, offsets = _polylines(rng, m=20)
    outs = []
    for fast in (False, True):
        buf = io.BytesIO()
        c = Canvas(300, 300, "svg", target=buf)
        db.stroke_polylines(c, coords, offsets, fast=fast)
        c.finish()
        outs.append(normalise_svg_ids(buf.getvalue().decode()))  # cairo numbers surfaces per process
    assert outs[0] == outs[1] and "<path" in outs[0]


def test_canvas_polylines_with_list_input_and_fallback(monkeypatch):
    pts = [np.array([[10.0, 10.0], [50.0, 60.0], [90.0, 15.0]]), np.array([[5.0, 90.0], [95.0, 92.0]])]
    c1 = Canvas(100, 100)
    c1.background("white").stroke("black", 3).polylines(pts)
    monkeypatch.setattr(db, "cairo_t_pointer", lambda ctx: None)  # e.g. an unknown pycairo layout
    c2 = Canvas(100, 100)
    c2.background("white").stroke("black", 3).polylines(pts)
    a, b = c1.to_array(), c2.to_array()
    assert np.array_equal(a, b) and a[91, 50, 0] < 100


def test_path_data_layout_matches_cairo_path_data_t():
    coords = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 1.0], [7.0, 8.0]])
    data = db._path_data(coords, np.array([0, 1, 4]), np.array([0, 1]), True)
    hdr = data.view(np.int32).reshape(-1, 4)
    # the 1-point polyline is skipped; then MOVE_TO, LINE_TO, LINE_TO (2 elements each), CLOSE_PATH (1)
    assert hdr[[0, 2, 4, 6], 0].tolist() == [0, 1, 1, 3] and hdr[[0, 2, 4, 6], 1].tolist() == [2, 2, 2, 1]
    assert data[[1, 3, 5]].tolist() == [[3.0, 4.0], [5.0, 1.0], [7.0, 8.0]] and data.shape == (7, 2)
    # and cairo reads it back as the same path
    c = Canvas(10, 10)
    db.append_polylines(c.ctx, coords, np.array([0, 1, 4]), np.array([0, 1]), closed=True)
    path = list(c.ctx.copy_path())
    assert [op for op, _ in path][:4] == [0, 1, 1, 3]
    assert [pt for _, pt in path[:3]] == [(3.0, 4.0), (5.0, 1.0), (7.0, 8.0)]
