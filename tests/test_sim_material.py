"""Paper and grain finishing pass: deterministic, bounded, strengths do what they say."""
import numpy as np
import pytest

from gencraft import sim


def _flat(h=120, w=160, colour=(240, 236, 228)):
    img = np.zeros((h, w, 4), np.uint8)
    img[..., :3] = colour
    img[..., 3] = 255
    return img


def test_deterministic_and_seeded():
    img = _flat()
    a = sim.paper_finish(img, seed=3, fibre=0.8, grain=0.5, vignette=0.4)
    b = sim.paper_finish(img, seed=3, fibre=0.8, grain=0.5, vignette=0.4)
    c = sim.paper_finish(img, seed=4, fibre=0.8, grain=0.5, vignette=0.4)
    assert a.tobytes() == b.tobytes() and a.tobytes() != c.tobytes()
    assert a.dtype == np.uint8 and a.shape == img.shape
    assert (img == _flat()).all()                      # input untouched
    assert (a[..., 3] == 255).all()                    # alpha passed through


def test_all_off_is_identity():
    img = _flat()
    img[10:50, 20:90, :3] = (20, 40, 90)
    assert np.array_equal(sim.paper_finish(img, seed=1, fibre=0, grain=0, vignette=0), img)


def test_strengths_are_subtle_and_monotone():
    img = _flat()
    diffs = []
    for s in (0.25, 0.5, 1.0):
        out = sim.paper_finish(img, seed=2, fibre=s, grain=s, vignette=s).astype(int)
        diffs.append(np.abs(out - img).mean())
    assert diffs[0] < diffs[1] < diffs[2] < 25          # visible, never overwhelming
    assert diffs[0] > 0.5


def test_vignette_darkens_corners_not_centre():
    img = _flat(101, 101)
    out = sim.paper_finish(img, seed=0, fibre=0, grain=0, vignette=1.0).astype(int)
    assert (out[50, 50, :3] == img[50, 50, :3]).all()
    assert (out[0, 0, :3] < img[0, 0, :3] * 0.8).all() and (out[0, 0, :3] > img[0, 0, :3] * 0.6).all()


def test_grain_is_zero_mean_luminance_noise():
    img = _flat(200, 200, (128, 128, 128))
    out = sim.paper_finish(img, seed=9, fibre=0, grain=1.0, vignette=0).astype(float)
    d = out[..., :3] - 128
    assert abs(d.mean()) < 0.5 and 10 < d.std() < 18
    assert np.array_equal(d[..., 0], d[..., 1]) and np.array_equal(d[..., 1], d[..., 2])


def test_fibre_is_streaky_along_x():
    tex = sim.paper_texture(300, 300, seed=5)
    assert tex.shape == (300, 300) and np.isfinite(tex).all()
    # correlation along rows (fibre direction) beats correlation down columns
    along = np.corrcoef(tex[:, :-2].ravel(), tex[:, 2:].ravel())[0, 1]
    across = np.corrcoef(tex[:-2].ravel(), tex[2:].ravel())[0, 1]
    assert along > across + 0.2


def test_rgb_input_and_global_state():
    img = _flat()[..., :3].copy()
    state = np.random.get_state()[1].copy()
    out = sim.paper_finish(img, seed=1)
    assert out.shape == img.shape
    assert (np.random.get_state()[1] == state).all()


@pytest.mark.parametrize("kwargs, match", [
    (dict(image=np.zeros((4, 4, 3))), r"image must be an \(H, W, 3\|4\) uint8 array"),
    (dict(image=np.zeros((4, 4), np.uint8)), r"image must be an \(H, W, 3\|4\) uint8 array"),
    (dict(fibre=1.5), r"fibre must be a number from 0 to 1, got 1.5"),
    (dict(grain=float("nan")), r"grain must be a number from 0 to 1"),
    (dict(vignette=-0.1), r"vignette must be a number from 0 to 1"),
    (dict(seed=-1), r"seed must be a non-negative integer"),
])
def test_bad_input(kwargs, match):
    args = dict(image=_flat(), seed=0)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        sim.paper_finish(args.pop("image"), **args)


def test_finish_paper_on_a_canvas_equals_the_engine_and_skips_vector():
    import io

    from gencraft.draw.canvas import Canvas

    def scene(fmt="png", target=None):
        c = Canvas(120, 90, fmt, target=target)
        c.background("#f0ebe0")
        c.fill("#203050")
        c.rect(30, 20, 50, 40)
        return c

    c = scene()
    before = c.to_array()
    sim.finish_paper(c, 3, fibre=0.8, grain=0.5, vignette=0.5)
    assert np.array_equal(c.to_array(), sim.paper_finish(before, seed=3, fibre=0.8, grain=0.5, vignette=0.5))
    again = scene()
    sim.finish_paper(again, 3, fibre=0.8, grain=0.5, vignette=0.5)
    assert np.array_equal(c.to_array(), again.to_array())
    buf = io.BytesIO()
    v = scene("svg", buf)
    assert sim.finish_paper(v, 3) is v                 # vector: nothing to texture, no error
    v.finish()
    assert b"<image" not in buf.getvalue()
    with pytest.raises(ValueError, match="grain must be a number from 0 to 1"):
        sim.finish_paper(scene(), 1, grain=2.0)
