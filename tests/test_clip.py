"""gencraft.ml.clip.model: loading by spec, bad input, batched embedding and the scoring maths.

Uses a randomly initialised model of the tiny CLIP's architecture written to a
temporary open_clip folder, so these run fast and do not depend on training.
"""
from __future__ import annotations

import json
import pickle
import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")
open_clip = pytest.importorskip("open_clip")

from gencraft.errors import UserError  # noqa: E402
from gencraft.ml.clip.model import ClipModel, apply_metric, load_clip  # noqa: E402
from gencraft.ml.clip.load import CONFIG_NAME, WEIGHTS_NAME  # noqa: E402
from gencraft.ml.clip.tiny.config import MODEL_NAME, open_clip_config, register  # noqa: E402

pytestmark = pytest.mark.ml


@pytest.fixture(scope="module")
def arch(tmp_path_factory):
    return register(tmp_path_factory.mktemp("cfg"))


@pytest.fixture(scope="module")
def random_dir(tmp_path_factory, arch):
    """An open_clip local-dir folder holding a randomly initialised tiny CLIP."""
    from safetensors.torch import save_file
    torch.manual_seed(3)
    model = open_clip.create_model(arch)
    folder = tmp_path_factory.mktemp("rand-clip")
    (folder / CONFIG_NAME).write_text(json.dumps(open_clip_config()))
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(folder / WEIGHTS_NAME))
    return folder


@pytest.fixture(scope="module")
def model(random_dir):
    return load_clip(f"local-dir:{random_dir}")


def images(n=6, size=(40, 52), seed=0, channels=4):
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        im = rng.integers(0, 256, (*size, channels), dtype=np.uint8)
        if channels == 4:
            im[..., 3] = 255
        out.append(im)
    return out


# ------------------------------------------------------------------ imports
def test_ml_package_does_not_import_torch():
    code = "import sys, gencraft.ml, gencraft.cli.ml; print('torch' in sys.modules, 'open_clip' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


# ------------------------------------------------------------------ loading
def test_local_dir_loads_with_preprocess_from_config(model):
    assert model.image_size == (64, 64)
    assert model.preprocess.mean.tolist() == [0.5, 0.5, 0.5]
    emb = model.embed_images(images(3))
    assert emb.shape == (3, 128) and emb.dtype == torch.float32
    assert torch.allclose(emb.norm(dim=1), torch.ones(3), atol=1e-5)


def test_load_is_cached_per_spec(random_dir, model):
    assert load_clip(f"local-dir:{random_dir}") is model


def test_arch_file_safetensors_matches_local_dir(random_dir, arch, model):
    other = load_clip(f"{arch}:{random_dir / WEIGHTS_NAME}")
    mine, theirs = model.model.state_dict(), other.model.state_dict()
    assert mine.keys() == theirs.keys() and all(torch.equal(mine[k], theirs[k]) for k in mine)
    assert torch.allclose(other.embed_text(["red circles"]), model.embed_text(["red circles"]), atol=1e-6)
    # ARCH:FILE carries no preprocess config: the architecture's defaults (OpenAI mean/std) apply
    assert other.preprocess.mean.tolist() != model.preprocess.mean.tolist()


def test_arch_file_weights_only_torch_file(tmp_path, random_dir, arch, model):
    from safetensors.torch import load_file
    path = tmp_path / "weights.pt"
    torch.save({"state_dict": load_file(str(random_dir / WEIGHTS_NAME))}, path)
    other = load_clip(f"{arch}:{path}")
    pixels = torch.rand(2, 3, 64, 64)
    with torch.no_grad():
        assert torch.allclose(other.model.encode_image(pixels), model.model.encode_image(pixels), atol=1e-6)


class _Boom:
    """Unpickling this would create a marker file: a stand-in for malicious code."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_pickle_checkpoint_is_refused_without_running(tmp_path, arch):
    marker = tmp_path / "pwned"
    evil = tmp_path / "evil.pt"
    evil.write_bytes(pickle.dumps({"visual.proj": _Boom(marker)}))
    with pytest.raises(UserError, match="refusing to load"):
        load_clip(f"{arch}:{evil}")
    # the same file as the weights of a local-dir folder goes through open_clip's loader
    folder = tmp_path / "evil-dir"
    folder.mkdir()
    (folder / CONFIG_NAME).write_text(json.dumps(open_clip_config()))
    (folder / "open_clip_pytorch_model.bin").write_bytes(evil.read_bytes())
    with pytest.raises(UserError, match="refusing to load"):
        load_clip(f"local-dir:{folder}")
    assert not marker.exists()


@pytest.mark.parametrize("spec, message", [
    ("local-dir:/no/such/folder", "model folder not found: /no/such/folder"),
    ("ViT-B-32:/no/such/file.safetensors", "model checkpoint not found"),
    ("ViT-B-32:no_such_tag", "unknown pretrained tag 'no_such_tag'"),
    ("ViT-B-33:laion2b_s34b_b79k", "unknown open_clip architecture 'ViT-B-33'.*did you mean"),
    ("ViT-B-32", "give weights"),
    ("nonsense", "unknown model spec"),
    ("  ", "empty model spec"),
])
def test_bad_specs(spec, message):
    with pytest.raises(UserError, match=message):
        load_clip(spec)


def test_folder_that_is_not_a_model_names_the_missing_file(tmp_path):
    with pytest.raises(UserError, match=f"not an open_clip model folder: {CONFIG_NAME} is missing"):
        load_clip(f"local-dir:{tmp_path}")
    (tmp_path / CONFIG_NAME).write_text(json.dumps(open_clip_config()))
    with pytest.raises(UserError, match=f"no weights file \\({WEIGHTS_NAME}\\)"):
        load_clip(f"local-dir:{tmp_path}")
    (tmp_path / CONFIG_NAME).write_text("{}")
    (tmp_path / WEIGHTS_NAME).write_bytes(b"not really")
    with pytest.raises(UserError, match="no 'model_cfg'"):
        load_clip(f"local-dir:{tmp_path}")


def test_weights_that_do_not_fit_the_architecture(tmp_path, arch):
    from safetensors.torch import save_file
    path = tmp_path / "other.safetensors"
    save_file({"visual.proj": torch.zeros(3, 3)}, str(path))
    with pytest.raises(UserError, match=f"does not hold weights for {arch}"):
        load_clip(f"{arch}:{path}")
    path.write_bytes(b"garbage")
    with pytest.raises(UserError, match="unreadable safetensors file"):
        load_clip(f"{arch}:{path}")


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_cuda_without_gpu_is_a_user_error(random_dir):
    with pytest.raises(UserError, match="no CUDA GPU"):
        load_clip(f"local-dir:{random_dir}", device="cuda")


def test_empty_prompt_and_unreadable_image(tmp_path, model):
    with pytest.raises(UserError, match="empty prompt"):
        model.score(images(1), "   ")
    with pytest.raises(UserError, match="empty negative prompt"):
        model.score(images(1), "red", negatives=[""])
    with pytest.raises(UserError, match="unknown metric"):
        model.score(images(1), "red", metric="dot")
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"\x89PNG not an image")
    with pytest.raises(UserError, match="unreadable image .*broken.png"):
        model.embed_images([bad])
    with pytest.raises(UserError, match="image not found"):
        model.embed_images([tmp_path / "missing.png"])


# ---------------------------------------------------------------- batching
def test_batching_equals_one_by_one(model):
    ims = images(5, (40, 52)) + images(3, (64, 64), seed=1, channels=3)
    ims = [ims[i] for i in (0, 5, 1, 6, 2, 3, 7, 4)]  # mixed sizes interleaved
    together = model.embed_images(ims)
    alone = torch.cat([model.embed_images([im]) for im in ims])
    assert torch.allclose(together, alone, atol=1e-5)
    small = ClipModel(model.model, model.tokenizer, spec=model.spec, batch_size=3)
    assert torch.allclose(small.embed_images(ims), together, atol=1e-5)
    s_together = model.score(ims, "red circles", crops=3, seed=5)
    s_alone = np.concatenate([model.score([im], "red circles", crops=3, seed=5) for im in ims])
    np.testing.assert_allclose(s_together, s_alone, atol=1e-5)


def test_tensor_input_and_alpha(model):
    ims = images(4, (64, 64))
    as_tensor = torch.from_numpy(np.stack(ims))
    assert torch.allclose(model.embed_images(as_tensor), model.embed_images(ims), atol=1e-6)
    rgb = [im[..., :3] for im in ims]  # opaque alpha == plain RGB
    assert torch.allclose(model.embed_images(rgb), model.embed_images(ims), atol=1e-6)
    clear = ims[0].copy()
    clear[..., 3] = 0  # fully transparent composites to white
    white = np.full((64, 64, 3), 255, np.uint8)
    assert torch.allclose(model.embed_images([clear]), model.embed_images([white]), atol=1e-6)


def test_preprocess_uniform_colour_and_shortest_side(model):
    x = torch.full((1, 3, 30, 90), 0.75)
    out = model.preprocess(x)
    assert out.shape == (1, 3, 64, 64)
    assert torch.allclose(out, torch.full_like(out, (0.75 - 0.5) / 0.25), atol=1e-5)
    # shortest-side resize then centre crop keeps the middle third of a wide image
    x = torch.zeros(1, 3, 64, 192)
    x[..., 64:128] = 1.0
    out = model.preprocess(x)
    assert torch.allclose(out, torch.full_like(out, 2.0), atol=1e-4)


def test_text_embeddings_are_cached(model):
    model._text_cache.clear()
    a = model.embed_text(["red", "blue", "red"])
    assert torch.equal(a[0], a[2]) and set(model._text_cache) == {"red", "blue"}
    assert torch.equal(model.embed_text(["blue"])[0], a[1])


# ------------------------------------------------------------------- maths
def test_cosine_and_clipscore_formula(model):
    ims = images(5)
    emb, txt = model.embed_images(ims), model.embed_text(["red circles"])[0]
    cos = (emb @ txt).double().numpy()
    np.testing.assert_allclose(model.score(ims, "red circles"), cos, atol=1e-6)
    np.testing.assert_allclose(model.score(ims, "red circles", metric="clipscore"),
                               2.5 * np.maximum(cos, 0), atol=1e-6)
    np.testing.assert_array_equal(apply_metric(np.array([-0.3, 0.0, 0.2]), "clipscore"), [0.0, 0.0, 0.5])


def test_negative_prompts_are_contrastive(model):
    ims = images(4)
    cos = model.similarity(ims, ["red", "blue", "green"])
    got = model.score(ims, "red", negatives=["blue", "green"])
    np.testing.assert_allclose(got, cos[:, 0] - cos[:, 1:].mean(axis=1), atol=1e-6)
    got = model.score(ims, "red", negatives=["blue"], metric="clipscore")
    np.testing.assert_allclose(got, 2.5 * np.maximum(cos[:, 0], 0) - 2.5 * np.maximum(cos[:, 1], 0), atol=1e-6)


def test_prompt_ensemble_averages_templates(model):
    ims = images(3)
    templates = ["a picture of {}", "{} on a dark background"]
    filled = model.embed_text(["a picture of red", "red on a dark background"])
    direction = torch.nn.functional.normalize(filled.mean(0), dim=0)
    expected = (model.embed_images(ims) @ direction).double().numpy()
    np.testing.assert_allclose(model.score(ims, "red", templates=templates), expected, atol=1e-6)
    assert not np.allclose(model.score(ims, "red", templates=templates), model.score(ims, "red"))


def test_crops_average_and_determinism(model):
    ims = images(3, (80, 120))
    a = model.score(ims, "stars", crops=4, seed=11)
    np.testing.assert_array_equal(a, model.score(ims, "stars", crops=4, seed=11))
    assert not np.allclose(a, model.score(ims, "stars", crops=4, seed=12))
    per_crop = model.embed_images(ims, crops=4, seed=11)  # (N, K, D)
    assert per_crop.shape == (3, 4, 128)
    txt = model.embed_text(["stars"])[0]
    np.testing.assert_allclose(a, (per_crop @ txt).mean(1).double().numpy(), atol=1e-6)
    assert not np.allclose(a, model.score(ims, "stars"))
    # seed=None draws fresh crops
    r1, r2 = model.score(ims, "stars", crops=4, seed=None), model.score(ims, "stars", crops=4, seed=None)
    assert not np.array_equal(r1, r2)
