"""The tiny CLIP v2's training data: captions measured from pixels, the loss, the vocabulary."""
from __future__ import annotations

import numpy as np
import pytest

from gencraft.ml.clip.tiny.sketch_captions import KINDS, Look, caption, kind_prompt, measure


def picture(ground, ink, coverage, size=100):
    """A ground colour with a block of ink covering `coverage` of the picture, centred (margins stay ground)."""
    img = np.empty((size, size, 3), np.uint8)
    img[:] = ground
    side = int(round(size * np.sqrt(coverage)))
    lo = (size - side) // 2
    img[lo:lo + side, lo:lo + side] = ink
    return img


@pytest.mark.parametrize("ground, ink, coverage, expected", [
    ((15, 15, 25), (220, 40, 40), 0.5, Look("dark", "dense", "warm", "red")),
    ((245, 240, 230), (30, 80, 200), 0.05, Look("light", "sparse", "cool", "blue")),
    ((245, 240, 230), (20, 20, 20), 0.25, Look("light", None, None, "black")),
    ((10, 10, 10), (250, 250, 250), 0.25, Look("dark", None, None, "white")),
    ((128, 128, 128), (240, 150, 30), 0.25, Look(None, None, "warm", "orange")),
])
def test_measure_reads_background_density_warmth_and_colour(ground, ink, coverage, expected):
    assert measure(picture(ground, ink, coverage)) == expected


def test_mixed_warm_and_cool_ink_has_no_warmth_or_main_colour():
    img = picture((240, 240, 240), (220, 40, 40), 0.36)
    img[20:50, 20:80] = (30, 80, 200)  # the top half of the ink block turns blue
    look = measure(img)
    assert look.warmth is None and look.colour is None and look.background == "light"


def test_captions_name_the_kind_and_only_measured_words():
    rng = np.random.default_rng(0)
    texts = [caption("flow", Look("dark", "dense", "warm", "red"), rng) for _ in range(400)]
    assert all("flow lines" in t or t == "warm colours on a dark background" for t in texts)
    assert "flow lines" in texts and "dense warm flow lines on a dark background" in texts
    assert any(t == "red flow lines" for t in texts)
    bare = {caption("attractor", Look(None, None, None, None), rng) for _ in range(100)}
    assert bare == {"a strange attractor"}  # nothing measured, nothing claimed
    assert kind_prompt("attractor") == "a strange attractor" and kind_prompt("flow") == "flow lines"


def test_every_sketch_has_a_distinct_kind_prompt_and_the_vocabulary_lists_its_words():
    from gencraft.ml.clip.tiny.dataset import caption_vocabulary
    from gencraft.ml.refine.tiny.dataset import art_sketches

    assert {p.stem for p in art_sketches()} == set(KINDS)  # every art sketch, no fixture
    prompts = [kind_prompt(s) for s in KINDS]
    assert len(set(prompts)) == len(prompts)
    words = set(caption_vocabulary())
    for p in prompts:
        assert set(p.split()) <= words, p
    assert {"sparse", "dense", "warm", "cool", "dark", "light"} <= words


def _unit_rows(generator, n: int, dim: int = 8):
    """n random unit vectors: stand-ins for CLIP's normalised embeddings."""
    import torch

    return torch.nn.functional.normalize(torch.randn(n, dim, generator=generator), dim=-1)


def test_caption_loss_is_clip_loss_for_distinct_captions_and_groups_identical_ones():
    torch = pytest.importorskip("torch")
    from open_clip.loss import ClipLoss

    from gencraft.ml.clip.tiny.train import caption_loss

    g = torch.Generator().manual_seed(0)
    img, txt = _unit_rows(g, 6), _unit_rows(g, 6)
    scale = torch.tensor(10.0)
    distinct = [f"c{i}" for i in range(6)]
    assert torch.allclose(caption_loss(img, txt, scale, distinct), ClipLoss()(img, txt, scale), atol=1e-6)
    # images with the same caption: which of their texts goes with which image does not matter
    same = ["a", "a", "b", "c", "d", "e"]
    swapped = txt[[1, 0, 2, 3, 4, 5]]
    assert torch.allclose(caption_loss(img, txt, scale, same), caption_loss(img, swapped, scale, same), atol=1e-6)
    assert not torch.allclose(ClipLoss()(img, txt, scale), ClipLoss()(img, swapped, scale), atol=1e-3)


def test_word_loss_is_cross_entropy_over_the_words_for_labelled_images_only():
    torch = pytest.importorskip("torch")
    from gencraft.ml.clip.tiny.train import word_loss

    g = torch.Generator().manual_seed(1)
    img, words = _unit_rows(g, 5), _unit_rows(g, 3)
    scale = torch.tensor(20.0)
    labels = torch.tensor([2, -1, 0, 1, -1])  # -1: a sketch crop or a many-coloured scene, no word fits
    logits = 20.0 * img @ words.T
    by_hand = -sum(logits[i].log_softmax(0)[k] for i, k in ((0, 2), (2, 0), (3, 1))) / 3
    assert torch.allclose(word_loss(img, words, scale, labels), by_hand, atol=1e-6)
    assert float(word_loss(img, words, scale, torch.full((5,), -1))) == 0.0
    # the right word closer to its image lowers the loss
    closer = words.clone()
    closer[2] = torch.nn.functional.normalize(words[2] + img[0], dim=-1)
    assert word_loss(img[:1], closer, scale, labels[:1]) < word_loss(img[:1], words, scale, labels[:1])


def test_sample_crops_are_deterministic_and_opaque():
    pytest.importorskip("torch")
    from gencraft.ml.clip.tiny.sketch_renders import SketchSet, sample_crops

    rng = np.random.default_rng(3)
    images = rng.integers(0, 256, size=(4, 40, 40, 3), dtype=np.uint8)
    data = SketchSet(images, ["flow"] * 4, [Look(None, None, None, None)] * 4)
    a, ia = sample_crops(data, np.random.default_rng(1), 5, 32)
    b, ib = sample_crops(data, np.random.default_rng(1), 5, 32)
    assert a.shape == (5, 32, 32, 4) and (a[..., 3] == 255).all()
    assert np.array_equal(a, b) and ia == ib


SKETCH_THAT_KILLS_ITS_PROCESS = '''
import os
SIZE = (64, 64)

def draw(c, rng, p):
    if os.environ.get("GENCRAFT_TEST_PARENT") != str(os.getpid()):
        os._exit(3)  # a hard crash (a segfault, the OOM killer) in a render worker
    c.background("#ffffff")
'''


@pytest.mark.timeout(180)
def test_a_render_worker_that_dies_stops_the_run_instead_of_hanging(tmp_path, write_sketch, monkeypatch):
    """multiprocessing.Pool replaced a dead worker and waited forever for its lost job (seen
    when a training script's spawned workers died at start-up: the run sat idle for half an
    hour): now the run stops with an error naming the sketch."""
    import os

    from gencraft.ml.refine.tiny.dataset import render_set

    monkeypatch.setenv("GENCRAFT_TEST_PARENT", str(os.getpid()))  # the sketch draws in this process only
    path = write_sketch(SKETCH_THAT_KILLS_ITS_PROCESS, "crasher.py")
    assert render_set([path], 2, 16, cache_dir=None, workers=1, progress=False).images.shape == (2, 16, 16, 3)
    with pytest.raises(RuntimeError, match="render worker died while rendering crasher.py"):
        render_set([path], 2, 16, cache_dir=tmp_path / "cache", workers=2, progress=False)
    assert not list(tmp_path.rglob("*.npz"))  # nothing cached for the sketch that did not finish
