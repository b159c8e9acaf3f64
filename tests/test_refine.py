"""Diffusion refinement, run for real on a tiny random-weight pipeline built offline.

The pipeline folder is written with save_pretrained by gencraft.ml.refine.tiny_diffusion
and loaded back through the same loader users go through; its output is noise
(untrained weights), so the tests check plumbing, sizes, determinism and errors.
"""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

pytest.importorskip("diffusers")
pytestmark = pytest.mark.diffusion

from gencraft.errors import UserError  # noqa: E402
from gencraft.ml.refine.control import control_image, edge_map, ink_map  # noqa: E402
from gencraft.ml.refine.img2img import refine_array, torch_seed, working_size  # noqa: E402
from gencraft.ml.refine.load import check_controlnet_folder, check_model_folder, load_pipeline  # noqa: E402

PROMPT = "red circles on paper"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    from gencraft.ml.refine.tiny_diffusion import build_tiny_diffusion

    root = tmp_path_factory.mktemp("tiny-diffusion")
    build_tiny_diffusion(root / "sd", controlnet_dest=root / "cn")
    return root


@pytest.fixture
def art():
    """A 53x37 RGBA 'render': paper with a red bar and a dark diagonal stroke (odd sizes on purpose)."""
    img = np.empty((37, 53, 4), np.uint8)
    img[...] = (244, 239, 230, 255)
    img[8:16, 4:40, :3] = (215, 38, 61)
    for k in range(30):
        img[5 + k, 15 + k, :3] = (30, 30, 30)
    return img


def _copy(tiny, tmp_path, name="sd"):
    dest = tmp_path / name
    shutil.copytree(tiny / name, dest)
    return dest


# ---------------------------------------------------------------- building blocks
def test_tokenizer_matches_open_clip_ids(tiny, tmp_path):
    from open_clip.tokenizer import SimpleTokenizer

    from gencraft.ml.refine.tiny_diffusion import build_clip_tokenizer

    ref = SimpleTokenizer()
    text = "a storm over the sea, red circles & 3 stars"
    full = build_clip_tokenizer(tmp_path / "full", merges=None)  # CLIP's whole vocabulary: 49408 tokens
    assert len(full) == 49408
    ids = full(text).input_ids
    assert ids[0] == full.bos_token_id == 49406 and ids[-1] == full.eos_token_id == 49407
    assert ids[1:-1] == ref.encode(text)
    # the tiny pipeline keeps the first 4000 merges: common words keep CLIP's own ids
    from transformers import CLIPTokenizer

    small = CLIPTokenizer.from_pretrained(str(tiny / "sd" / "tokenizer"))
    assert small("a red sea").input_ids[1:-1] == ref.encode("a red sea")


def test_loader_builds_img2img_pipeline_with_native_size(tiny):
    loaded = load_pipeline(tiny / "sd")
    assert type(loaded.pipe).__name__ == "StableDiffusionImg2ImgPipeline"
    assert loaded.vae_scale_factor == 8 and loaded.native_size == 64
    assert next(loaded.pipe.unet.parameters()).dtype.__repr__() == "torch.float32"
    with_cn = load_pipeline(tiny / "sd", tiny / "cn")
    assert type(with_cn.pipe).__name__ == "StableDiffusionControlNetImg2ImgPipeline"


@pytest.mark.parametrize("size,long_side,expected", [
    ((53, 37), 64, (64, 48)),       # aspect kept, rounded to multiples of 8
    ((37, 53), 64, (48, 64)),
    ((1200, 1200), 512, (512, 512)),
    ((1000, 10), 512, (512, 8)),    # never below one multiple
    ((1920, 1080), 1024, (1024, 576)),
])
def test_working_size(size, long_side, expected):
    w, h = working_size(size, long_side)
    assert (w, h) == expected and w % 8 == 0 and h % 8 == 0


def test_torch_seed_uses_integers_as_given():
    assert torch_seed(42) == 42 and torch_seed("42") == 42
    assert torch_seed("storm") == torch_seed("storm") != torch_seed("calm")


# ---------------------------------------------------------------- img2img
def test_same_seed_same_image_other_seed_differs(tiny, art):
    a = refine_array(art, tiny / "sd", PROMPT, strength=0.5, steps=2, seed=7)
    b = refine_array(art, tiny / "sd", PROMPT, strength=0.5, steps=2, seed=7)
    c = refine_array(art, tiny / "sd", PROMPT, strength=0.5, steps=2, seed=8)
    assert np.array_equal(a.rgba, b.rgba)
    assert np.abs(a.rgba.astype(int) - c.rgba).mean() > 1.0
    assert not np.array_equal(a.rgba, art)


def test_prompt_and_negative_change_the_result(tiny, art):
    a = refine_array(art, tiny / "sd", PROMPT, strength=0.6, steps=2, seed=1)
    b = refine_array(art, tiny / "sd", "a blue storm", strength=0.6, steps=2, seed=1)
    c = refine_array(art, tiny / "sd", PROMPT, negative_prompt="blurry", strength=0.6, steps=2, seed=1)
    assert not np.array_equal(a.rgba, b.rgba)
    assert not np.array_equal(a.rgba, c.rgba)
    assert c.stage["negative_prompt"] == "blurry"


def test_output_keeps_input_size_and_is_opaque(tiny, art):
    art = art.copy()
    art[:, :10, 3] = 0  # a transparent strip: flattened over white
    res = refine_array(art, tiny / "sd", PROMPT, strength=0.3, steps=4, seed=0)
    assert res.rgba.shape == (37, 53, 4) and res.rgba.dtype == np.uint8
    assert (res.rgba[..., 3] == 255).all()
    st = res.stage
    assert st["size"] == [53, 37] and st["working_size"] == [64, 48]
    assert st["stage"] == "refine" and st["denoising_steps"] == 1 and st["dtype"] == "float32"
    assert "random untrained weights" in st["note"]


def test_resolution_option_and_tall_image(tiny):
    tall = np.full((90, 21, 3), 200, np.uint8)
    res = refine_array(tall, tiny / "sd", PROMPT, strength=0.5, steps=2, resolution=96)
    assert res.rgba.shape == (90, 21, 4)
    assert res.stage["working_size"] == [24, 96]


def test_too_few_steps_for_strength_still_denoise_once(tiny, art):
    res = refine_array(art, tiny / "sd", PROMPT, strength=0.2, steps=2, seed=0)
    assert res.stage["steps"] == 2 and res.stage["steps_run"] == 5 and res.stage["denoising_steps"] == 1


def test_strength_zero_returns_input_without_running_the_model(tiny, art, tmp_path):
    # A folder whose UNet weights are garbage: any attempt to load the model fails,
    # so strength 0 succeeding proves no model was loaded or called.
    broken = _copy(tiny, tmp_path)
    (broken / "unet" / "diffusion_pytorch_model.safetensors").write_bytes(b"not safetensors")
    res = refine_array(art, broken, PROMPT, strength=0.0, steps=2, seed=3)
    assert np.array_equal(res.rgba, art) and res.rgba is not art
    assert res.stage["denoising_steps"] == 0 and "unchanged" in res.stage["note"]
    with pytest.raises(UserError, match="cannot load diffusion model"):
        refine_array(art, broken, PROMPT, strength=0.5, steps=2)


# ---------------------------------------------------------------- ControlNet
def test_control_image_lines_are_the_strokes(art):
    ctrl, mode = control_image(art, "lines")
    assert mode == "lines" and ctrl.shape == (37, 53, 3) and ctrl.dtype == np.uint8
    assert ctrl[20, 30, 0] == 255                # on the diagonal stroke
    assert ctrl[12, 20, 0] == 255                # inside the red bar (ink)
    assert ctrl[30, 5, 0] == 0                   # paper
    assert (ctrl[..., 0] == ctrl[..., 2]).all()  # grey: white on black


def test_auto_control_picks_lines_for_strokes_edges_for_fills(art):
    strokes = np.full((64, 64, 3), 240, np.uint8)
    for k in range(4, 64, 9):
        strokes[k, :] = (20, 20, 20)         # 1 px strokes, like a flow-field render
        strokes[:, k // 2 + 3] = (200, 0, 0)
    assert control_image(strokes, "auto")[1] == "lines"
    blobs = np.full((64, 64, 3), 240, np.uint8)
    blobs[10:30, 10:30] = blobs[40:55, 35:60] = (20, 60, 160)  # filled shapes on 20% of the paper
    assert control_image(blobs, "auto")[1] == "edges"


def test_control_image_edges_outline_filled_shapes():
    img = np.full((40, 40, 3), 240, np.uint8)
    img[5:35, 5:35] = (20, 60, 160)  # a big filled square: 56% ink, so auto picks edges
    ctrl, mode = control_image(img, "auto")
    assert mode == "edges"
    e = ctrl[..., 0] > 0
    assert not e[20, 20] and not e[1, 1]        # interior and paper are dark
    assert e[20, 4:7].any() and e[4:7, 20].any()  # the outline is lit
    assert 0.05 < e.mean() < 0.3
    assert edge_map(np.full((8, 8, 3), 9, np.uint8)).max() == 0
    assert ink_map(np.full((8, 8, 3), 9, np.uint8)).max() == 0


def test_controlnet_path_uses_the_control_image(tiny, art):
    kw = dict(strength=0.5, steps=2, seed=5, controlnet=tiny / "cn")
    lines = refine_array(art, tiny / "sd", PROMPT, control="lines", **kw)
    again = refine_array(art, tiny / "sd", PROMPT, control="lines", **kw)
    blank = refine_array(art, tiny / "sd", PROMPT, control=np.zeros((37, 53, 3), np.uint8), **kw)
    plain = refine_array(art, tiny / "sd", PROMPT, strength=0.5, steps=2, seed=5)
    assert np.array_equal(lines.rgba, again.rgba)
    assert np.abs(lines.rgba.astype(int) - blank.rgba).mean() > 0.2
    assert not np.array_equal(lines.rgba, plain.rgba)
    assert lines.stage["pipeline"] == "StableDiffusionControlNetImg2ImgPipeline"
    assert lines.stage["control"] == "lines" and blank.stage["control"] == "given"
    assert lines.control.shape == (48, 64, 3)  # drawn at the working size


@pytest.mark.slow
def test_sdxl_family_loads_and_refines(tmp_path, art):
    from gencraft.ml.refine.tiny_diffusion import build_tiny_diffusion

    build_tiny_diffusion(tmp_path / "xl", family="sdxl", controlnet_dest=tmp_path / "xlcn")
    assert (tmp_path / "xl" / "text_encoder_2" / "config.json").is_file()
    a = refine_array(art, tmp_path / "xl", PROMPT, strength=0.5, steps=2, seed=2)
    b = refine_array(art, tmp_path / "xl", PROMPT, strength=0.5, steps=2, seed=2)
    assert a.stage["pipeline"] == "StableDiffusionXLImg2ImgPipeline"
    assert a.rgba.shape == (37, 53, 4) and np.array_equal(a.rgba, b.rgba)
    c = refine_array(art, tmp_path / "xl", PROMPT, strength=0.5, steps=2, seed=2, controlnet=tmp_path / "xlcn")
    assert c.stage["pipeline"] == "StableDiffusionXLControlNetImg2ImgPipeline"
    assert not np.array_equal(a.rgba, c.rgba)
    (tmp_path / "xl" / "text_encoder_2" / "config.json").unlink()
    with pytest.raises(UserError, match="text_encoder_2/config.json is missing"):
        check_model_folder(tmp_path / "xl")


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize("strength", [-0.1, 1.5, float("nan"), "much"])
def test_strength_out_of_range(tiny, art, strength):
    with pytest.raises(UserError, match="strength .*between 0 and 1"):
        refine_array(art, tiny / "sd", PROMPT, strength=strength)


def test_bad_steps_guidance_prompt(tiny, art):
    with pytest.raises(UserError, match="steps 0"):
        refine_array(art, tiny / "sd", PROMPT, steps=0)
    with pytest.raises(UserError, match="guidance -1"):
        refine_array(art, tiny / "sd", PROMPT, guidance=-1)
    with pytest.raises(UserError, match="prompt"):
        refine_array(art, tiny / "sd", "  ")
    with pytest.raises(UserError, match="control mode 'canny'"):
        refine_array(art, tiny / "sd", PROMPT, control="canny")


@pytest.mark.parametrize("remove,expected", [
    ("model_index.json", "model_index.json is missing"),
    ("unet/config.json", "unet/config.json is missing"),
    ("vae/diffusion_pytorch_model.safetensors", "vae/diffusion_pytorch_model.safetensors is missing"),
    ("scheduler/scheduler_config.json", "scheduler/scheduler_config.json is missing"),
    ("tokenizer", "tokenizer/ is missing"),
    ("text_encoder/model.safetensors", "text_encoder/model.safetensors is missing"),
])
def test_incomplete_model_folder_names_the_missing_file(tiny, tmp_path, remove, expected):
    folder = _copy(tiny, tmp_path)
    target = folder / remove
    shutil.rmtree(target) if target.is_dir() else target.unlink()
    with pytest.raises(UserError, match="incomplete") as err:
        check_model_folder(folder)
    assert expected in str(err.value)


def test_model_folder_errors(tiny, tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        check_model_folder(tmp_path / "nope")
    (tmp_path / "file").write_text("x")
    with pytest.raises(UserError, match="not a folder"):
        check_model_folder(tmp_path / "file")
    folder = _copy(tiny, tmp_path)
    (folder / "model_index.json").write_text("{oops")
    with pytest.raises(UserError, match="model_index.json is not valid JSON"):
        check_model_folder(folder)
    folder2 = tmp_path / "pickle"
    shutil.copytree(tiny / "sd", folder2)
    w = folder2 / "unet" / "diffusion_pytorch_model.safetensors"
    w.rename(w.with_suffix(".bin"))
    with pytest.raises(UserError, match="only pickle weights"):
        check_model_folder(folder2)


def test_controlnet_folder_errors(tiny, tmp_path):
    assert check_controlnet_folder(tiny / "cn").index["_class_name"] == "ControlNetModel"
    with pytest.raises(UserError, match="not a ControlNetModel"):
        check_controlnet_folder(tiny / "sd" / "unet")
    cn = tmp_path / "cn"
    shutil.copytree(tiny / "cn", cn)
    cfg = json.loads((cn / "config.json").read_text())
    cfg["cross_attention_dim"] = 768
    (cn / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(UserError, match="does not fit model.*cross_attention_dim is 768"):
        load_pipeline(tiny / "sd", cn)


# ---------------------------------------------------------------- CLI and provenance
SKETCH = """
from gencraft import Float
SIZE = (45, 30)
width = Float(3.0, 0.5, 8.0)

def draw(c, rng, p):
    c.background("#f4efe6")
    c.stroke("#1b4f9c", p.width)
    for _ in range(6):
        c.line(*rng.uniform(0, 45, 2), *rng.uniform(0, 30, 2))
"""


@pytest.mark.slow
def test_cli_refine_writes_png_with_both_stages(tiny, tmp_path, write_sketch, run_cli):
    from gencraft.provenance import read_recipe
    from gencraft.render import render

    src = tmp_path / "render.png"
    render(write_sketch(SKETCH), {}, seed=4).save(src)
    out = tmp_path / "refined.png"
    ctrl = tmp_path / "control.png"
    proc = run_cli("refine", src, "--model", tiny / "sd", "--prompt", "blue lines", "--strength", "0.5",
                   "--steps", "2", "--seed", "11", "--controlnet", tiny / "cn", "--control", "lines", "--save-control", ctrl,
                   "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert "random untrained weights" in proc.stderr
    recipe = read_recipe(out)
    assert recipe["sketch"]["name"] == "sketch" and recipe["params"] == {"width": 3.0}
    stage = recipe["stages"][-1]
    assert stage["stage"] == "refine" and stage["prompt"] == "blue lines" and stage["strength"] == 0.5
    assert stage["steps"] == 2 and stage["seed"] == "11" and stage["model"] == str((tiny / "sd").resolve())
    assert stage["controlnet"] == str((tiny / "cn").resolve()) and stage["control"] == "lines"
    from PIL import Image

    with Image.open(out) as im:
        assert im.size == (45, 30)
    with Image.open(ctrl) as im:
        assert im.size == (64, 40)  # the control image at the working size
    # the same refinement again (through the Python API the command wraps) gives the byte-identical file
    from gencraft.ml.refine.img2img import refine_file

    out2 = tmp_path / "refined2.png"
    refine_file(src, out2, tiny / "sd", "blue lines", strength=0.5, steps=2, seed="11",
                controlnet=tiny / "cn", control="lines")
    assert out.read_bytes() == out2.read_bytes()


def test_refine_file_of_a_foreign_image_records_its_hash(tiny, tmp_path):
    import hashlib

    from PIL import Image

    from gencraft.ml.refine.img2img import refine_file
    from gencraft.provenance import read_recipe

    src = tmp_path / "photo.jpg"
    Image.fromarray(np.full((20, 30, 3), 120, np.uint8)).save(src)
    out = tmp_path / "out.png"
    refine_file(src, out, tiny / "sd", PROMPT, strength=0.0)
    recipe = read_recipe(out)
    assert recipe["source"]["sha256"] == hashlib.sha256(src.read_bytes()).hexdigest()
    assert recipe["stages"][0]["stage"] == "refine"


@pytest.mark.parametrize("case", ["not-an-image", "missing-unet-config", "strength", "missing-image"])
def test_cli_refine_bad_input_exits_2_without_output(tiny, tmp_path, run_cli, case):
    img = tmp_path / "in.png"
    from PIL import Image

    Image.fromarray(np.full((16, 16, 3), 200, np.uint8)).save(img)
    model = tiny / "sd"
    args = {"strength": "0.4"}
    if case == "not-an-image":
        img = tmp_path / "fake.png"
        img.write_text("this is text, not pixels")
        expected = "is not a readable image: expected a PNG, JPEG"  # no Python object reprs
    elif case == "missing-unet-config":
        model = _copy(tiny, tmp_path)
        (model / "unet" / "config.json").unlink()
        expected = "unet/config.json is missing"
    elif case == "strength":
        args["strength"] = "1.5"
        expected = "strength 1.5: expected a number between 0 and 1"
    else:
        img = tmp_path / "absent.png"
        expected = "does not exist"
    out = tmp_path / "out.png"
    proc = run_cli("refine", img, "--model", model, "--prompt", "x", "--strength", args["strength"],
                   "--steps", "2", "-o", out)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and expected in lines[0], proc.stderr
    assert not out.exists() and not list(tmp_path.glob(".out.png*"))
