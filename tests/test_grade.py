"""gencraft grade: OKLab colour correction, palette remaps, .cube LUTs (trilinear), replayed by reproduce."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from gencraft.draw.color import PALETTES, srgb_to_oklab
from gencraft.errors import UserError
from gencraft.post.grade import grade_array, grade_file, make_stage
from gencraft.post.lut import apply_lut, identity_lut, parse_cube, read_cube, write_cube
from gencraft.provenance import read_recipe
from gencraft.render import render
from gencraft.reproduce import reproduce

from .sketch_sources import CIRCLES

CORNERS = [(0, 0, 0), (1, 0, 0), (0, 1, 0), (1, 1, 0), (0, 0, 1), (1, 0, 1), (0, 1, 1), (1, 1, 1)]  # red fastest
GREEN = {(0, 0, 0): 0.0, (1, 0, 0): 0.2, (0, 1, 0): 0.4, (1, 1, 0): 0.6,
         (0, 0, 1): 0.1, (1, 0, 1): 0.3, (0, 1, 1): 0.5, (1, 1, 1): 1.0}
HAND_CUBE = "TITLE \"hand\"\n# a comment\nLUT_3D_SIZE 2\n" + "".join(
    f"{r * g * b} {GREEN[(r, g, b)]} 0.5\n" for r, g, b in CORNERS)


def image(seed=0, shape=(9, 11)):
    rng = np.random.default_rng(seed)
    rgba = rng.integers(0, 256, size=shape + (4,), dtype=np.uint8)
    rgba[..., 3] = 255
    return rgba


def test_hand_computed_trilinear_case():
    lut = parse_cube(HAND_CUBE)
    assert lut.size == 2 and lut.title == "hand"
    out = apply_lut(np.array([0.5, 0.25, 0.75]), lut)
    # red: only corner (1,1,1) is 1 -> fr*fg*fb; green by hand: c00=.1 c10=.5 c01=.2 c11=.75 -> .2, .3375 -> .303125
    assert out == pytest.approx([0.5 * 0.25 * 0.75, 0.303125, 0.5])
    for corner in CORNERS:  # lattice points come back exactly
        assert apply_lut(np.array(corner, float), lut)[1] == GREEN[corner]
    assert apply_lut(np.array([2.0, -1.0, 0.5]), lut) == pytest.approx(apply_lut(np.array([1.0, 0.0, 0.5]), lut))


def test_domain_scales_the_input():
    lut = parse_cube("DOMAIN_MIN 0 0 0\nDOMAIN_MAX 2 2 2\n" + HAND_CUBE)
    assert apply_lut(np.array([1.0, 0.5, 1.5]), lut) == pytest.approx([0.09375, 0.303125, 0.5])


@pytest.mark.parametrize("n", [2, 17, 33])
def test_identity_lut_changes_nothing(tmp_path, n):
    rgb = image(n)[..., :3] / 255.0
    assert np.allclose(apply_lut(rgb, identity_lut(n)), rgb, atol=1e-12)
    cube = tmp_path / "id.cube"
    cube.write_text(write_cube(identity_lut(n)))
    src = tmp_path / "in.png"
    Image.fromarray(image(n)).save(src)
    result = grade_file(src, tmp_path / "out.png", lut=cube)
    assert np.array_equal(result.rgba, image(n))
    assert result.stage["lut"]["size"] == n and len(result.stage["lut"]["sha256"]) == 64


@pytest.mark.parametrize("text,message", [
    ("LUT_1D_SIZE 4\n0 0 0\n", "1D LUT"),
    ("LUT_3D_SIZE 2\n0 0 0\n", "1 table rows; expected 8"),
    ("0 0 0\n", "before LUT_3D_SIZE"),
    ("LUT_3D_SIZE 1\n", "LUT_3D_SIZE N"),
    ("LUT_3D_SIZE 2\n" + "0 0 x\n" * 8, "line 2"),
    ("LUT_3D_SIZE 2\n" + "0 0 nan\n" * 8, "finite"),
    ("TITLE \"x\"\n", "no LUT_3D_SIZE"),
    ("DOMAIN_MIN 1 1 1\nDOMAIN_MAX 0 1 1\n" + HAND_CUBE, "DOMAIN_MAX"),
])
def test_bad_cube_files_are_one_line(text, message):
    with pytest.raises(UserError, match=message):
        parse_cube(text)


def test_read_cube_checks_the_file(tmp_path):
    with pytest.raises(UserError, match="expected a .cube file"):
        read_cube(tmp_path / "x.lut")
    with pytest.raises(UserError, match="does not exist"):
        read_cube(tmp_path / "x.cube")


def test_default_grade_is_the_identity():
    img = image(1)
    assert np.array_equal(grade_array(img, make_stage()), img)


def test_exposure_is_linear_light_scaling():
    grey = np.full((1, 1, 4), 255, np.uint8)
    grey[..., :3] = 100  # sRGB 100 -> linear 0.1274
    out = grade_array(grey, make_stage(exposure=1.0))
    lin = lambda v: ((v / 255 + 0.055) / 1.055) ** 2.4  # noqa: E731
    assert lin(out[0, 0, 0]) == pytest.approx(2 * lin(100), rel=0.02)
    assert out[0, 0, 3] == 255


def test_saturation_contrast_temperature():
    img = image(2)
    grey = grade_array(img, make_stage(saturation=0.0))
    lab = srgb_to_oklab(grey[..., :3] / 255.0)
    assert np.abs(lab[..., 1:]).max() < 0.01
    flat = grade_array(img, make_stage(contrast=0.0))
    assert np.ptp(srgb_to_oklab(flat[..., :3] / 255.0)[..., 0]) < 0.2
    warm = grade_array(np.full((1, 1, 4), 200, np.uint8), make_stage(temperature=1.0))
    assert warm[0, 0, 0] > warm[0, 0, 2]  # redder than blue
    black = np.zeros((1, 1, 4), np.uint8)
    assert np.array_equal(grade_array(black, make_stage(temperature=1.0, tint=-1.0)), black)  # black stays black


def test_palette_remap():
    img = image(3)
    near = grade_array(img, make_stage(palette="sea", palette_mode="nearest"))
    pal = PALETTES["sea"]
    allowed = {tuple(int(round(c * 255)) for c in col[:3]) for col in list(pal) + [pal.background]}
    assert {tuple(p) for p in near[..., :3].reshape(-1, 3)} <= allowed
    ramp = grade_array(img, make_stage(palette="sea"))
    assert not np.array_equal(ramp, img)
    half = grade_array(img, make_stage(palette="sea", palette_mix=0.5))
    assert not np.array_equal(half, ramp)


@pytest.mark.parametrize("kwargs,message", [
    ({"exposure": 9}, "exposure 9"), ({"contrast": -1}, "contrast -1"), ({"saturation": float("nan")}, "saturation"),
    ({"temperature": 2}, "temperature 2"), ({"palette": "dsuk"}, "did you mean 'dusk'"),
    ({"palette": "dusk", "palette_mode": "fancy"}, "palette mode"), ({"palette": "dusk", "palette_mix": 2}, "palette_mix"),
])
def test_bad_settings(kwargs, message):
    with pytest.raises(UserError, match=message):
        make_stage(**kwargs)


def test_grade_is_a_stage_that_reproduce_replays(write_sketch, tmp_path):
    sk = write_sketch(CIRCLES)
    src = tmp_path / "c.png"
    render(sk, {"count": 30}, 5, (80, 60)).save(src)
    cube = tmp_path / "look.cube"
    lut = identity_lut(9)
    lut.table = lut.table ** 1.4
    cube.write_text(write_cube(lut))
    once = tmp_path / "g1.png"
    grade_file(src, once, exposure=0.4, contrast=1.2, saturation=1.3, temperature=0.3, palette="dusk",
               palette_mix=0.4, lut=cube)
    twice = tmp_path / "g2.png"
    grade_file(once, twice, saturation=0.5)
    stages = read_recipe(twice)["stages"]
    assert [s["stage"] for s in stages] == ["grade", "grade"] and stages[0]["palette"] == "dusk"
    assert reproduce(once).ok and reproduce(twice).ok
    cube.write_text(write_cube(identity_lut(9)))
    with pytest.raises(UserError, match="LUT .* changed"):
        reproduce(once)


def test_a_plain_image_is_graded_with_a_source_recipe(tmp_path):
    src = tmp_path / "photo.png"
    Image.fromarray(image(4)).save(src)
    grade_file(src, tmp_path / "out.png", saturation=1.5)
    recipe = read_recipe(tmp_path / "out.png")
    assert recipe["source"]["path"].endswith("photo.png") and recipe["stages"][0]["saturation"] == 1.5


def test_cli_grade_and_its_mistakes(run_cli, tmp_path):
    src = tmp_path / "in.png"
    Image.fromarray(image(5)).save(src)
    r = run_cli("grade", src, "--exposure", "0.5", "--palette", "ink", "--palette-mode", "nearest")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "in-graded.png").exists()
    for args, message in [(("--exposure", "20"), "exposure 20"), (("--lut", tmp_path / "no.cube"), "does not exist"),
                          (("-o", tmp_path / "x.jpg"), "expected a .png"), (("--palette", "mud"), "unknown palette")]:
        r = run_cli("grade", src, "-o", tmp_path / "x.png", *args) if "-o" not in args else run_cli("grade", src, *args)
        assert r.returncode == 2 and r.stderr.count("\n") == 1 and message in r.stderr, r.stderr
    assert not (tmp_path / "x.png").exists() and not (tmp_path / "x.jpg").exists()
    r = run_cli("grade", tmp_path / "missing.png")
    assert r.returncode == 2 and "does not exist" in r.stderr
    (tmp_path / "junk.png").write_bytes(b"not an image")
    r = run_cli("grade", tmp_path / "junk.png")
    assert r.returncode == 2 and "not a readable image" in r.stderr
