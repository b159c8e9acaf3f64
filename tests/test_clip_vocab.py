"""What the tiny CLIP knows: its vocabulary file, the one-line warning for other words, README prompts."""
from __future__ import annotations

import re
import shlex

import pytest

from gencraft.ml import TINY_CLIP_DIR
from gencraft.ml.clip.vocab import (VOCABULARY_NAME, help_text, unknown_words, vocabulary, vocabulary_warning,
                                    warn_unknown_words)
from tests.conftest import ROOT


def test_shipped_vocabulary_is_what_the_training_captions_use():
    from gencraft.ml.clip.tiny.dataset import caption_vocabulary

    listed = (TINY_CLIP_DIR / VOCABULARY_NAME).read_text().split()
    assert listed == caption_vocabulary()
    assert {"red", "circles", "warm", "dark", "dense", "grid"} <= set(listed)


def test_unknown_words_named_once_in_order_function_words_ignored():
    vocab = vocabulary("tiny")
    assert unknown_words("a storm over the sea", vocab) == ["storm", "over", "sea"]
    assert unknown_words(["Red circles!", "the blue storm", "storm"], vocab) == ["storm"]
    assert unknown_words("many small red circles on a dark background", vocab) == []


def test_warning_is_one_line_naming_words_and_suggesting_a_real_model():
    line = vocabulary_warning("tiny", ["a storm over the sea", "red circle"])
    assert line is not None and "\n" not in line
    for w in ("'storm'", "'sea'", "'circle' (did you mean 'circles'?)", "--model local-dir:"):
        assert w in line
    assert vocabulary_warning("tiny", "warm colours on a dark background") is None


def test_models_without_a_vocabulary_are_not_checked(tmp_path):
    assert vocabulary_warning("ViT-B-32:laion2b_s34b_b79k", "a storm over the sea") is None
    assert vocabulary_warning(f"local-dir:{tmp_path}", "a storm over the sea") is None
    (tmp_path / VOCABULARY_NAME).write_text("storm\nsea\n")
    line = vocabulary_warning(f"local-dir:{tmp_path}", "a storm over the sea")
    assert "'over'" in line and "'storm'" not in line and VOCABULARY_NAME in line
    seen = []
    assert warn_unknown_words(f"local-dir:{tmp_path}", ["storm", ""], echo=seen.append) is None and not seen


def test_score_help_lists_the_vocabulary(run_cli):
    r = run_cli("score", "--help")
    assert r.returncode == 0
    text = " ".join(r.stdout.split())
    assert help_text("tiny").split(":")[0] in text and "triangles" in text


def _readme_prompts() -> list[tuple[str, str]]:
    """(command line, prompt) for every README command scored by the default (tiny) CLIP."""
    found = []
    text = re.sub(r"\\\n\s*", " ", (ROOT / "README.md").read_text())  # join shell continuation lines
    for line in text.splitlines():
        line = line.split("#")[0].strip()
        m = re.match(r"gencraft (score|explore|rank|live|compare|morph) ", line)
        if not m:
            continue
        args = shlex.split(line)
        if "--model" in args and m.group(1) != "compare":  # a real model named: any words
            continue
        for flag in ("--prompt", "--negative", "--prompt-from", "--prompt-to"):
            for i, a in enumerate(args[:-1]):
                if a == flag:
                    found.append((line, args[i + 1]))
    return found


def test_readme_prompts_for_the_default_model_are_in_its_vocabulary():
    prompts = _readme_prompts()
    assert len(prompts) >= 5
    vocab = vocabulary("tiny")
    bad = [(line, p, unknown_words(p, vocab)) for line, p in prompts if unknown_words(p, vocab)]
    assert not bad


@pytest.mark.ml
def test_score_cli_warns_in_one_line_and_still_scores(run_cli, tmp_path):
    pytest.importorskip("open_clip")
    import numpy as np
    from PIL import Image

    img = tmp_path / "red.png"
    Image.fromarray(np.full((32, 32, 3), (200, 30, 30), dtype=np.uint8)).save(img)
    r = run_cli("score", img, "--prompt", "a storm over the sea")
    assert r.returncode == 0, r.stderr
    warnings = [ln for ln in r.stderr.splitlines() if ln.startswith("warning:")]
    assert len(warnings) == 1 and "'storm'" in warnings[0] and "local-dir:" in warnings[0]
    assert "score" in r.stdout
    r = run_cli("score", img, "--prompt", "red")
    assert r.returncode == 0 and "warning" not in r.stderr
