"""gencraft's own trained diffusion model: train -> save -> load through `refine` -> provenance.

The whole path runs on a very small configuration (two sketches, 32 px renders,
a two-level UNet, a few steps), so it takes seconds; the bundled model's own
record (size, format, evaluation) is checked from its files.
"""
from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("diffusers")
pytestmark = pytest.mark.diffusion

from gencraft.ml import TINY_DIFFUSION_DIR  # noqa: E402

SMALL = dict(steps=4, batch_size=4, per_sketch=2, size=32, crop=16, channels=(8, 16), warmup=1,
             sketches=["mosaic", "loop"])


def _train(out, cache, checkpoint=None, log=None, **kw):
    from gencraft.ml.refine.tiny.train import TrainConfig, train

    return train(out, TrainConfig(**{**SMALL, **kw}), cache_dir=cache, checkpoint=checkpoint, save_every=2,
                 progress=False, log=log or (lambda m: None))


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny-diffusion")
    summary = _train(root / "model", root / "cache")
    return root, summary


def _weights(folder):
    from safetensors.numpy import load_file

    return load_file(str(folder / "unet" / "diffusion_pytorch_model.safetensors"))


def test_training_writes_a_diffusers_folder_with_its_record(small):
    root, summary = small
    model = root / "model"
    index = json.loads((model / "model_index.json").read_text())
    assert index["_class_name"] == "TinyPixelDiffusionPipeline"
    assert index["unet"] == ["diffusers", "UNet2DModel"] and index["scheduler"] == ["diffusers", "DDIMScheduler"]
    assert index["kinds"] == "mosaic,loop"
    assert not list(model.rglob("*.bin")) and not list(model.rglob("*.pt"))
    record = json.loads((model / "training.json").read_text())
    assert record["steps"] == 4 and record["data"]["renders"] == 4 and record["kinds"] == ["mosaic", "loop"]
    assert len(record["loss_curve"]) == 4 and all(np.isfinite(v) for _, v in record["loss_curve"])
    card = (model / "README.md").read_text()
    assert "Training record" in card and "4 steps of batch 4" in card
    assert (model / "loss.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # the renders were cached: one file per sketch
    assert len(list((root / "cache").glob("renders-*.npz"))) == 2


def test_whole_path_refine_loads_it_and_records_both_stages(small, tmp_path, run_cli):
    from gencraft.provenance import read_recipe
    from gencraft.render import render

    root, _ = small
    src = tmp_path / "mosaic.png"
    render("sketches/mosaic.py", None, seed="abc", size=(40, 24)).save(src)
    out = tmp_path / "refined.png"
    proc = run_cli("refine", src, "--model", root / "model", "--prompt", "a mosaic", "--strength", "0.5",
                   "--steps", "4", "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert "tiny diffusion model" in proc.stderr  # the folder's note: what this model is
    recipe = read_recipe(out)
    assert recipe["sketch"]["name"] == "mosaic"          # stage one: the render
    stage = recipe["stages"][-1]                          # stage two: the refinement
    assert stage["stage"] == "refine" and stage["pipeline"] == "TinyPixelDiffusionPipeline"
    assert stage["scheduler"] == "DDIMScheduler" and stage["condition"] == "mosaic"
    assert stage["model"] == str((root / "model").resolve()) and stage["denoising_steps"] == 2
    assert stage["working_size"] == [32, 16]              # native 32 px, aspect kept, multiples of 8
    from PIL import Image

    with Image.open(out) as im:
        assert im.size == (40, 24)


def test_refine_is_deterministic_and_the_prompt_picks_the_class(small):
    from gencraft.ml.refine.img2img import refine_array

    root, _ = small
    img = np.full((32, 32, 3), 230, np.uint8)
    img[8:24, 8:24] = (200, 40, 60)
    a = refine_array(img, root / "model", "loop", strength=0.6, steps=5, seed=3)
    b = refine_array(img, root / "model", "loop", strength=0.6, steps=5, seed=3)
    c = refine_array(img, root / "model", "red squares", strength=0.6, steps=5, seed=3)
    assert np.array_equal(a.rgba, b.rgba)
    assert a.stage["condition"] == "loop" and c.stage["condition"] == "any sketch"
    assert not np.array_equal(a.rgba, c.rgba)


def test_resumed_training_ends_with_the_same_weights(small, tmp_path, monkeypatch):
    """Stop after two steps (as Ctrl-C would), run again: identical to the uninterrupted run."""
    import gencraft.ml.refine.tiny.train as train_mod

    root, summary = small
    real = train_mod._lr_at

    def stop_at_two(cfg, step):
        if step == 2:
            raise KeyboardInterrupt
        return real(cfg, step)

    monkeypatch.setattr(train_mod, "_lr_at", stop_at_two)
    ckpt = tmp_path / "ckpt.pt"
    with pytest.raises(KeyboardInterrupt):
        _train(tmp_path / "model", root / "cache", ckpt)
    assert ckpt.is_file() and not (tmp_path / "model").exists()   # a checkpoint, no half-trained model
    monkeypatch.setattr(train_mod, "_lr_at", real)
    logs = []
    resumed = _train(tmp_path / "model", root / "cache", ckpt, log=logs.append)
    assert any("resuming" in m and "step 2/4" in m for m in logs)
    a, b = _weights(root / "model"), _weights(tmp_path / "model")
    assert a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)
    assert resumed["loss_curve"] == summary["loss_curve"]


def test_checkpoint_of_another_configuration_is_refused(small, tmp_path):
    from gencraft.errors import UserError
    from gencraft.ml.refine.tiny.train import TrainConfig, default_checkpoint, train

    root, _ = small
    ckpt = default_checkpoint(TrainConfig(**SMALL), root / "cache")
    assert ckpt.is_file()
    with pytest.raises(UserError, match="different configuration"):
        train(tmp_path / "m", TrainConfig(**{**SMALL, "lr": 1e-3}), cache_dir=root / "cache", checkpoint=ckpt,
              progress=False)


def test_bad_configuration_is_one_line():
    from gencraft.errors import UserError
    from gencraft.ml.refine.tiny.train import TrainConfig

    with pytest.raises(UserError, match="crop 18: expected a multiple of 4"):
        TrainConfig(**{**SMALL, "crop": 18, "channels": (8, 16, 16)})
    with pytest.raises(UserError, match="channels"):
        TrainConfig(channels=(12, 16))


def test_tiny_pipeline_takes_no_controlnet(small, tmp_path):
    from gencraft.errors import UserError
    from gencraft.ml.refine.load import load_pipeline
    from gencraft.ml.refine.tiny_diffusion import build_tiny_controlnet, build_tiny_diffusion

    root, _ = small
    loaded = load_pipeline(root / "model")
    assert type(loaded.pipe).__name__ == "TinyPixelDiffusionPipeline" and loaded.native_size == 32
    sd = build_tiny_diffusion(tmp_path / "sd")
    cn = build_tiny_controlnet(tmp_path / "cn", sd)
    with pytest.raises(UserError):
        load_pipeline(root / "model", cn)


def test_frechet_distance():
    from gencraft.ml.refine.tiny.evaluate import frechet_distance

    rng = np.random.default_rng(0)
    a = rng.normal(size=(400, 4))
    b = rng.normal(size=(400, 4))
    assert frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)
    assert frechet_distance(a, b) < 0.1
    assert frechet_distance(a, b + 2.0) == pytest.approx(16.0, rel=0.1)  # |mu1 - mu2|^2 = 4 * 2^2


# ---------------------------------------------------------------- the bundled model
bundled = pytest.mark.skipif(not (TINY_DIFFUSION_DIR / "model_index.json").is_file(),
                             reason="the tiny diffusion model is not bundled in this checkout")


@bundled
def test_bundled_model_is_small_safetensors_with_its_record():
    files = [p for p in TINY_DIFFUSION_DIR.rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in files) <= 20 * 2 ** 20
    assert any(p.name == "diffusion_pytorch_model.safetensors" for p in files)
    assert not [p for p in files if p.suffix in (".bin", ".ckpt", ".pt", ".pth", ".pkl")]
    record = json.loads((TINY_DIFFUSION_DIR / "training.json").read_text())
    assert "shapes" not in record["kinds"] and len(record["kinds"]) >= 10   # art sketches only, no fixture
    ev = record["evaluation"]
    for row in ev["rows"]:   # trained output is far closer to held-out renders than random-weight output
        assert row["trained"] < 0.5 * row["random"], row
    card = (TINY_DIFFUSION_DIR / "README.md").read_text()
    assert "Training record" in card and "held-out" in card and (TINY_DIFFUSION_DIR / "grid.png").is_file()


@bundled
def test_refine_without_model_uses_the_bundled_one_and_says_so(tmp_path, run_cli):
    from gencraft.provenance import read_recipe
    from gencraft.render import render

    src = tmp_path / "flow.png"
    render("sketches/flow.py", None, seed="one", size=(64, 64)).save(src)
    out = tmp_path / "out.png"
    proc = run_cli("refine", src, "--prompt", "flow", "--strength", "0.3", "--steps", "10", "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert "no --model given: using gencraft's bundled tiny diffusion model" in proc.stderr
    stage = read_recipe(out)["stages"][-1]
    assert stage["model"] == str(TINY_DIFFUSION_DIR.resolve()) and stage["condition"] == "flow"
