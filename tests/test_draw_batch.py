"""Canvas.polylines: exactly the pixels of the plain pycairo loop, natively and in bands."""
from __future__ import annotations

import io

import cairo
import numpy as np
import pytest

import gencraft.draw.polylines as db
import gencraft.draw.threads as dt
from gencraft.draw.canvas import Canvas
from gencraft.provenance import normalise_svg_ids

SIZE = 300


def _polylines(rng, m=300, k_max=40, size=SIZE, step=4.0):
    """m random walks (1 to k_max points: 1-point ones draw nothing) in CSR layout."""
    lengths = rng.integers(1, k_max, m)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    starts = np.repeat(rng.uniform(0, size, (m, 2)), lengths, axis=0)
    walk = np.cumsum(rng.normal(0, step, (offsets[-1], 2)), axis=0)
    return starts + walk - np.repeat(walk[offsets[:-1]], lengths, axis=0), offsets


def _canvas(background=True, transform=False, blend=None):
    c = Canvas(SIZE, SIZE)
    if background:
        c.background("#f4efe6")
    c.stroke("#1d1d22", 1.5, alpha=0.8)
    if transform:
        c.translate(150, 150).rotate(0.3).scale(0.8, 1.1).translate(-150, -150)
    if blend:
        c.blend(blend)
    return c


def _artist_loop(c, coords, offsets, colors=None, widths=None, closed=False):
    """What Canvas.polylines promises to draw, written the way an artist would."""
    ctx = c.ctx
    for i in range(len(offsets) - 1):
        pts = coords[offsets[i]:offsets[i + 1]]
        if len(pts) < 2:
            continue
        ctx.set_source_rgba(*(c._stroke if colors is None else colors[i]))
        ctx.set_line_width(1.5 if widths is None else widths[i])
        ctx.move_to(*pts[0])
        for x, y in pts[1:]:
            ctx.line_to(x, y)
        if closed:
            ctx.close_path()
        ctx.stroke()
    return c.to_array()


def _fast(c, coords, offsets, threads=1, **kw):
    db.stroke_polylines(c, coords, offsets, threads=threads, **kw)
    return c.to_array()


def test_fast_route_is_really_used_here():
    assert db.cairo_t_pointer(Canvas(10, 10).ctx) is not None


@pytest.mark.parametrize("case", ["plain", "styles", "closed", "transform", "multiply", "transparent"])
def test_fast_route_draws_the_artist_loop_pixel_for_pixel(case):
    rng = np.random.default_rng(7)
    coords, offsets = _polylines(rng)
    m = len(offsets) - 1
    kw = {}
    if case == "styles":  # per-polyline colours (with alpha) and widths
        palette = np.array([[1, 0, 0, 0.5], [0.04, 0.22, 0.33, 1.0], [0.9, 0.34, 0.18, 0.7]])
        kw = {"colors": palette[rng.integers(0, 3, m)], "widths": rng.choice([0.7, 2.0, 5.5], m)}
    if case == "closed":
        kw = {"closed": True}
    setup = {"transform": case == "transform", "blend": "multiply" if case == "multiply" else None,
             "background": case != "transparent"}
    ref = _artist_loop(_canvas(**setup), coords, offsets, **kw)
    assert (ref != _canvas(**setup).to_array()).any(axis=-1).mean() > 0.05  # it drew something
    assert np.array_equal(_fast(_canvas(**setup), coords, offsets, **kw), ref)
    assert np.array_equal(_fast(_canvas(**setup), coords, offsets, fast=False, **kw), ref)


def test_each_polyline_is_composited_on_its_own():
    """Translucent curves build up where they cross (they are not merged into one path)."""
    coords = np.array([[10.0, 50.0], [90.0, 50.0], [50.0, 10.0], [50.0, 90.0]])
    c = Canvas(100, 100).background("white").stroke("black", 6, alpha=0.5)
    a = c.polylines(coords, np.array([0, 2, 4])).to_array().astype(int)
    crossing, single = a[50, 50, 0], a[50, 20, 0]
    assert single == pytest.approx(128, abs=2) and crossing == pytest.approx(64, abs=2)


# cases where bands could go wrong: dense short edges; long straight edges (cairo's analytic
# full-row path); sharp zigzags with long miters; wide strokes; transforms; translucency
BAND_CASES = {
    "walks": lambda rng: _polylines(rng, m=400, k_max=80),
    "long lines": lambda rng: (rng.uniform(-20, SIZE + 20, (120, 2)), np.arange(0, 121, 2)),
    "zigzags": lambda rng: (np.stack([np.linspace(5, 295, 60), np.tile([20.0, 280.0], 30)], 1) + rng.normal(0, .3, (60, 2)),
                            np.array([0, 60])),
}


@pytest.mark.parametrize("case", sorted(BAND_CASES))
@pytest.mark.parametrize("style", ["round", "miter", "wide-square", "transform"])
def test_bands_draw_the_same_pixels_as_one_context(monkeypatch, case, style):
    monkeypatch.setattr(db, "_MIN_SEGMENTS_PER_BAND", 1)
    used = []
    real = db._stroke_banded
    monkeypatch.setattr(db, "_stroke_banded", lambda *a: used.append(a[-1]) or real(*a))
    rng = np.random.default_rng(11)
    coords, offsets = BAND_CASES[case](rng)
    m = len(offsets) - 1
    colors = np.concatenate([rng.uniform(0, 1, (m, 3)), rng.uniform(0.3, 1, (m, 1))], axis=1)
    widths = 9.0 if style == "wide-square" else rng.uniform(0.5, 3, m)

    def draw(threads):
        c = _canvas(transform=style == "transform")
        if style == "miter":
            c.ctx.set_line_join(cairo.LINE_JOIN_MITER)
            c.ctx.set_miter_limit(30)
        if style == "wide-square":
            c.ctx.set_line_cap(cairo.LINE_CAP_SQUARE)
        return _fast(c, coords, offsets, threads=threads, colors=colors, widths=widths)

    one = draw(1)
    assert not used
    banded = draw(7)
    assert used == [7]
    assert np.array_equal(banded, one)


def test_bands_split_the_points_evenly_and_leave_room_for_the_margin():
    y = np.concatenate([np.full(1000, 10.0), np.linspace(100, 200, 1000)])
    bounds = db._band_bounds(y, 300, 4)
    assert bounds[0] == 0 and bounds[-1] == 300 and (np.diff(bounds) > 0).all()
    counts = np.histogram(y, bounds)[0]
    assert counts.max() <= 1100  # about 2000/4 each, where the points allow it
    assert bounds[1] > db._MARGIN


def test_clip_or_vector_target_draws_unbanded_and_still_right(monkeypatch):
    monkeypatch.setattr(db, "_MIN_SEGMENTS_PER_BAND", 1)
    monkeypatch.setattr(db, "_stroke_banded", lambda *a: pytest.fail("banded despite a clip"))
    coords, offsets = _polylines(np.random.default_rng(5))
    c1, c2 = _canvas(), _canvas()
    for c in (c1, c2):
        c.ctx.arc(150, 150, 100, 0, 7)
        c.ctx.clip()
    assert np.array_equal(_fast(c1, coords, offsets, threads=4), _artist_loop(c2, coords, offsets))


def test_vector_output_is_identical_too():
    coords, offsets = _polylines(np.random.default_rng(3), m=20)
    outs = []
    for fast in (False, True):
        buf = io.BytesIO()
        c = Canvas(SIZE, SIZE, "svg", target=buf)
        db.stroke_polylines(c, coords, offsets, fast=fast)
        c.finish()
        outs.append(normalise_svg_ids(buf.getvalue().decode()))  # cairo numbers surfaces per process
    assert outs[0] == outs[1] and outs[0].count("<path") >= 15  # one path per polyline


def test_canvas_polylines_with_list_input_and_fallback(monkeypatch):
    pts = [np.array([[10.0, 10.0], [50.0, 60.0], [90.0, 15.0]]), np.array([[5.0, 90.0], [95.0, 92.0]])]
    c1 = Canvas(100, 100)
    c1.background("white").stroke("black", 3).polylines(pts)
    monkeypatch.setattr(db, "cairo_t_pointer", lambda ctx: None)  # e.g. an unknown pycairo layout
    c2 = Canvas(100, 100)
    c2.background("white").stroke("black", 3).polylines(pts)
    a, b = c1.to_array(), c2.to_array()
    assert np.array_equal(a, b) and a[91, 50, 0] < 100


def test_style_state_is_left_as_it_was():
    c = Canvas(50, 50).stroke("black", 2.5)
    c.polylines(np.array([[1.0, 1.0], [40.0, 40.0]]), np.array([0, 2]), colors=[(1, 0, 0)], widths=[7.0])
    assert c.ctx.get_line_width() == 2.5 and not c.ctx.has_current_point()


def test_wrong_number_of_colours_is_a_clear_error():
    with pytest.raises(ValueError, match="one colour per polyline"):
        Canvas(50, 50).polylines(np.zeros((4, 2)), np.array([0, 2, 4]), colors=np.ones((3, 4)))


def test_draw_threads_follow_the_environment(monkeypatch):
    monkeypatch.setenv("GENCRAFT_DRAW_THREADS", "3")
    assert dt.draw_threads() == 3
    dt.use_one_draw_thread()  # what edition and search workers call
    assert dt.draw_threads() == 1
    monkeypatch.delenv("GENCRAFT_DRAW_THREADS")
    assert dt.draw_threads() >= 1


def test_non_finite_points_are_a_clear_error_on_every_route():
    coords = np.array([[1.0, 1.0], [5.0, np.nan], [9.0, 9.0]])
    for fast in (True, False):
        with pytest.raises(ValueError, match=r"point 1 is \(5.0, nan\)"):
            db.stroke_polylines(Canvas(20, 20), coords, np.array([0, 3]), fast=fast)
