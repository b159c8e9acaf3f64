"""gencraft morph: interpolation of every parameter kind, end frames equal to their recipes' renders."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from gencraft.draw.color import mix, to_hex
from gencraft.errors import UserError
from gencraft.morphing import blend, ease, interpolate, keyframe, plan_morph, write_morph
from gencraft.params import Bool, Choice, Colour, Float, Int
from gencraft.provenance import read_recipe
from gencraft.render import render
from gencraft.reproduce import reproduce

SKETCH = '''
"""Morph fixture."""
from gencraft import Float, Int, Bool, Choice, Colour
SIZE = (48, 36)
radius = Float(6, 1, 20)
count = Int(5, 1, 30)
ring = Bool(False)
shape = Choice("circle", ["circle", "square"])
ink = Colour("#2f6fdf")
tone = Float(0.5, 0, 1, vary="uniform")

def draw(c, rng, p):
    c.background("#f4efe6")
    c.no_stroke()
    for _ in range(p.count):
        c.fill(p.ink, alpha=0.5 + 0.5 * p.tone)
        x, y = rng.uniform(0, c.width), rng.uniform(0, c.height)
        if p.shape == "circle":
            c.circle(x, y, p.radius)
        else:
            c.rect(x - p.radius, y - p.radius, 2 * p.radius, 2 * p.radius)
    if p.ring:
        c.no_fill().stroke("#000").circle(24, 18, 10)
'''
B_PARAMS = {"radius": 15.0, "count": 20, "shape": "square", "ink": "#e4572e", "ring": True}


def named(p, name):
    p.name = name
    return p


@pytest.fixture
def sk(write_sketch):
    return write_sketch(SKETCH)


@pytest.fixture
def ab(sk, tmp_path):
    """Two keyframe PNGs of the same seed: A at the defaults (tone drawn from the hash), B changed everywhere."""
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    render(sk, {}, 3).save(a)
    render(sk, B_PARAMS, 3).save(b)
    return a, b


# ---------------------------------------------------------------- interpolation of each kind

def test_easings_are_exact_at_the_ends_and_shaped_between():
    for name in ("linear", "smoothstep", "cosine"):
        assert ease(name, 0.0) == 0.0 and ease(name, 1.0) == 1.0
        assert ease(name, 0.5) == pytest.approx(0.5)
    assert ease("smoothstep", 0.25) == pytest.approx(0.15625)
    assert ease("cosine", 0.25) == pytest.approx((1 - np.cos(np.pi / 4)) / 2)
    assert ease("linear", 0.3) == pytest.approx(0.3)


def test_float_interpolates_exactly_to_its_ends_and_stays_in_range():
    p = named(Float(0.1, 0.1, 0.7), "x")
    assert interpolate(p, 0.1, 0.7, 0.0) == 0.1
    assert interpolate(p, 0.1, 0.7, 1.0) == 0.7
    assert interpolate(p, 0.1, 0.7, 0.5) == pytest.approx(0.4)
    for t in np.linspace(0, 1, 101):
        assert 0.1 <= interpolate(p, 0.1, 0.7, float(t)) <= 0.7


def test_int_interpolates_rounded_to_its_step():
    p = named(Int(0, 0, 100), "n")
    assert [interpolate(p, 0, 10, t) for t in (0.0, 0.24, 0.26, 0.5, 1.0)] == [0, 2, 3, 5, 10]
    stepped = named(Int(0, 0, 100, step=5), "m")
    assert interpolate(stepped, 0, 20, 0.4) == 10 and interpolate(stepped, 0, 20, 0.3) in (5, 10)
    assert all(isinstance(interpolate(p, 0, 10, t), int) for t in (0.0, 0.3, 1.0))


def test_colour_interpolates_in_oklab():
    p = named(Colour("#000000"), "c")
    assert interpolate(p, "#2f6fdf", "#f2c12e", 0.0) == "#2f6fdf"
    assert interpolate(p, "#2f6fdf", "#f2c12e", 1.0) == "#f2c12e"
    mid = interpolate(p, "#2f6fdf", "#f2c12e", 0.5)
    assert mid == to_hex(mix("#2f6fdf", "#f2c12e", 0.5))          # OKLab, not sRGB
    srgb_mid = "#" + "".join(f"{(int(a, 16) + int(b, 16)) // 2:02x}" for a, b in (("2f", "f2"), ("6f", "c1"), ("df", "2e")))
    assert mid != srgb_mid
    assert interpolate(p, "#00000000", "#ffffffff", 0.5).startswith("#")  # alpha mixes too


def test_choice_and_bool_switch_at_the_midpoint():
    c = named(Choice("a", ["a", "b", "c"]), "k")
    assert [interpolate(c, "a", "c", t) for t in (0.0, 0.49, 0.5, 1.0)] == ["a", "a", "c", "c"]
    b = named(Bool(False), "on")
    assert [interpolate(b, False, True, t) for t in (0.2, 0.7)] == [False, True]


def test_blend_is_exact_at_the_ends():
    a = np.zeros((2, 2, 4), np.uint8)
    b = np.full((2, 2, 4), 255, np.uint8)
    assert blend(a, b, 0.0) is a and blend(a, b, 1.0) is b
    assert (blend(a, b, 0.5) == 128).all()


# ---------------------------------------------------------------- end frames and the path

def test_end_frames_have_the_pixels_of_their_recipes(sk, ab):
    a, b = ab
    m = plan_morph(sk, [a, b], 7, ease="smoothstep")
    frames = list(m.render())
    assert len(frames) == 7
    assert np.array_equal(frames[0].rgba, render(sk, {}, 3).rgba)
    assert np.array_equal(frames[-1].rgba, render(sk, B_PARAMS, 3).rgba)
    assert "drawn" in read_recipe(a) and "drawn" not in frames[0].recipe  # pinned: nothing drawn mid-morph
    assert frames[0].params["tone"] == read_recipe(a)["params"]["tone"]
    radii = [f.params["radius"] for f in frames]
    assert radii == sorted(radii) and radii[0] == 6.0 and radii[-1] == 15.0
    assert len({f.rgba.tobytes() for f in frames}) == 7
    assert [f.params["shape"] for f in frames] == ["circle"] * 3 + ["square"] * 4


def test_per_parameter_easing(sk, ab):
    m = plan_morph(sk, list(ab), 5, ease="linear", eases={"radius": "smoothstep"})
    plans = m.plan()
    assert plans[1].params["radius"] == pytest.approx(6 + 9 * ease("smoothstep", 0.25))
    assert plans[1].params["count"] == round(5 + 15 * 0.25)


def test_seeds_are_held_or_cross_faded_and_it_says_so(sk, tmp_path):
    held = plan_morph(sk, ["seed=4", "seed=4"], 3)
    assert not held.notes and all(p.other is None for p in held.plan())
    m = plan_morph(sk, ["seed=4", "seed=9"], 3)
    assert any("cross-faded" in n for n in m.notes)
    first, mid, last = list(m.render())
    assert np.array_equal(first.rgba, render(sk, {}, 4).rgba)
    assert np.array_equal(last.rgba, render(sk, {}, 9).rgba)
    a_mid = render(sk, mid.plan.params, 4).rgba
    b_mid = render(sk, mid.plan.other, 9).rgba
    assert np.array_equal(mid.rgba, blend(a_mid, b_mid, 0.5))
    assert mid.recipe["stages"][-1]["blend"]["seed"] == "9"
    out = tmp_path / "frames"
    write_morph(m, out)
    assert reproduce(out / "frame_0001.png").ok      # the cross-fade is replayed
    assert reproduce(out / "frame_0000.png").ok


def test_choices_cross_fade(sk, ab):
    m = plan_morph(sk, list(ab), 3, choices="fade")
    mid = m.plan()[1]
    assert mid.params["shape"] == "circle" and mid.other["shape"] == "square" and mid.weight == 0.5
    assert mid.params["radius"] == mid.other["radius"]  # continuous parameters shared by both sides


def test_loop_returns_to_the_start_seamlessly(sk, ab):
    m = plan_morph(sk, list(ab), 8, loop=True)
    plans = m.plan()
    assert [p.position for p in plans] == [k * 2 / 8 for k in range(8)]
    assert plans[4].params == m.keyframes[1].params           # B halfway
    assert plans[-1].params != plans[0].params                # the frame before A, not A twice


def test_three_keyframes_pass_through_the_middle_one(sk, ab, tmp_path):
    c = tmp_path / "c.json"
    c.write_text(json.dumps({"params": {"radius": 2, "count": 9}, "seed": 3}))
    m = plan_morph(sk, [ab[0], ab[1], c], 5)
    frames = list(m.render())
    assert np.array_equal(frames[2].rgba, render(sk, B_PARAMS, 3).rgba)
    assert frames[-1].params["radius"] == 2.0 and frames[-1].params["count"] == 9


def test_keyframe_specs(sk, tmp_path):
    kf = keyframe(sk, "seed=11")
    assert kf.params == dict(render(sk, {}, 11).params) and str(kf.seed) == "11"
    f = tmp_path / "p.json"
    f.write_text(json.dumps({"radius": 3}))
    assert keyframe(sk, f, seed=5).params["radius"] == 3.0 and str(keyframe(sk, f, seed=5).seed) == "5"
    assert keyframe(sk, "seed=11", params={"count": 2}).params["count"] == 2  # -p holds along the path


def test_a_graded_keyframe_is_morphed_as_its_recipe_and_says_so(sk, ab, tmp_path):
    from gencraft.post.grade import grade_file

    graded = tmp_path / "graded.png"
    grade_file(ab[1], graded, saturation=0.2)
    m = plan_morph(sk, [ab[0], graded], 2)
    assert any("went through grade" in n for n in m.notes)
    assert np.array_equal(list(m.render())[-1].rgba, render(sk, B_PARAMS, 3).rgba)


def test_gif_carries_the_whole_path(sk, ab, tmp_path):
    out = tmp_path / "m.gif"
    write_morph(plan_morph(sk, list(ab), 4, loop=True), out, fps=12)
    stage = read_recipe(out)["stages"][-1]
    assert stage["stage"] == "morph" and stage["frames"] == 4 and stage["loop"] is True
    assert [k["params"]["radius"] for k in stage["keyframes"]] == [6.0, 15.0]
    assert stage["seeds"] == "held" and stage["fps"] == 12.0
    with pytest.raises(UserError, match="cannot be reproduced|later stages"):
        reproduce(out)


def test_frames_folder_each_frame_reproducible(sk, ab, tmp_path):
    out = tmp_path / "frames"
    write_morph(plan_morph(sk, list(ab), 3), out)
    assert sorted(p.name for p in out.iterdir()) == ["frame_0000.png", "frame_0001.png", "frame_0002.png",
                                                    "morph.json"]
    assert reproduce(out / "frame_0001.png").ok
    assert not list(tmp_path.glob(".*.part"))


def test_lazy_library_entry_point(sk):
    code = "import sys, gencraft; assert 'gencraft.morphing' not in sys.modules; print(gencraft.morph.__module__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "gencraft.morphing", out.stderr
    import gencraft

    frames = list(gencraft.morph(sk, ["seed=1", "seed=1"], 2))
    assert len(frames) == 2


# ---------------------------------------------------------------- bad inputs

@pytest.mark.parametrize("keys,kwargs,message", [
    (["seed=1"], {}, "at least two keyframes"),
    (["seed=1", "seed=2"], {"frames": 1}, "frames 1"),
    (["seed=1", "seed=2"], {"ease": "bounce"}, "easing 'bounce'"),
    (["seed=1", "seed=2"], {"eases": {"radus": "linear"}}, "did you mean 'radius'"),
    (["seed=1", "seed=2"], {"choices": "blend"}, "choices 'blend'"),
    (["seed=1", "nope.png"], {}, "does not exist"),
    (["seed=1", "what"], {}, "expected a PNG/SVG/PDF"),
    (["seed=1", "seed="], {}, "seed=VALUE"),
    (["seed=1", "seed=2"], {"params": {"radius": 99}}, "radius"),
])
def test_bad_morphs_are_one_line(sk, keys, kwargs, message):
    with pytest.raises(UserError, match=message):
        plan_morph(sk, keys, kwargs.pop("frames", 4), **kwargs)


def test_cli_morph_and_its_mistakes(sk, ab, run_cli, tmp_path):
    out = tmp_path / "m.gif"
    r = run_cli("morph", sk, *ab, "--frames", "4", "--ease", "cosine", "--ease", "radius=linear", "-o", out, "-q")
    assert r.returncode == 0, r.stderr
    assert out.exists()
    for args, message in [((*ab, "-o", tmp_path / "m.png"), "expected a .gif or .mp4"),
                          ((ab[0], "-o", tmp_path / "x.gif"), "at least two keyframes"),
                          ((*ab, "--ease", "jump", "-o", tmp_path / "x.gif"), "easing 'jump'"),
                          ((*ab, "--prompt-from", "a", "-o", tmp_path / "x.gif"), "both --prompt-from")]:
        r = run_cli("morph", sk, *args)
        assert r.returncode == 2 and r.stderr.count("\n") == 1 and message in r.stderr, r.stderr
    assert not (tmp_path / "x.gif").exists() and not (tmp_path / "m.png").exists()
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("x")
    r = run_cli("morph", sk, *ab, "-o", tmp_path / "full")
    assert r.returncode == 2 and "not empty" in r.stderr


def test_a_sketch_that_fails_mid_morph_leaves_nothing(write_sketch, tmp_path):
    bad = write_sketch(SKETCH.replace("    if p.ring:", "    if p.radius > 10:\n        raise ValueError('too big')\n"
                                      "    if p.ring:"), "bad.py")
    m = plan_morph(bad, [{"radius": 2}, {"radius": 20}], 4)
    for out in (tmp_path / "x.gif", tmp_path / "frames"):
        with pytest.raises(UserError, match="too big"):
            write_morph(m, out)
        assert not out.exists()
    assert not list(tmp_path.glob(".*part*"))
