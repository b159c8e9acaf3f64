"""Learned taste: likes folder, logistic regression with CV, a simulated collector, rank/explore --taste."""
from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("sklearn")
pytest.importorskip("open_clip")
pytestmark = pytest.mark.ml

from gencraft.errors import UserError  # noqa: E402
from gencraft.ml.search.taste import SKIPS, fit_taste, labelled_images, like_images, simulate_collector  # noqa: E402
from tests.conftest import SKETCHES  # noqa: E402

MOSAIC = SKETCHES / "mosaic.py"


def test_fit_chooses_c_by_cross_validation_and_separates():
    rng = np.random.default_rng(0)
    d = np.zeros(16)
    d[0] = 1.0
    pos = rng.normal(size=(10, 16)) * 0.3 + d
    neg = rng.normal(size=(30, 16)) * 0.3 - d
    head = fit_taste(pos, neg)
    assert head.cv_auc is not None and head.cv_auc > 0.95 and head.C > 0
    assert (head.probability(pos) > 0.5).mean() > 0.9 and (head.margin(neg) < 0).mean() > 0.9
    one = fit_taste(pos[:1], neg)  # too few for CV: still fits, and says so
    assert one.cv_auc is None and "no cross-validation" in one.notes[0]
    with pytest.raises(UserError, match="no liked images"):
        fit_taste(pos[:0], neg)
    with pytest.raises(UserError, match="not liked"):
        fit_taste(pos, neg[:0])


def test_like_copies_skip_moves_and_folder_is_read_per_sketch(tmp_path):
    from gencraft.render import render

    a, b = tmp_path / "a.png", tmp_path / "b.png"
    render(MOSAIC, {}, 1, (32, 32)).save(a)
    render(MOSAIC, {}, 2, (32, 32)).save(b)
    likes = tmp_path / "likes"
    like_images([a, b], likes)
    assert sorted(p.name for p in likes.glob("*.png")) == ["a.png", "b.png"]
    like_images([b], likes, skip=True)  # changed one's mind: b is now a skip
    liked, skipped, note = labelled_images(likes, "mosaic")
    assert [p.name for p in liked] == ["a.png"] and [p.name for p in skipped] == ["b.png"] and note == ""
    assert not (likes / "b.png").exists() and (likes / SKIPS / "b.png").exists()
    liked, _, note = labelled_images(likes, "flow")
    assert "no likes of flow" in note and len(liked) == 1
    with pytest.raises(UserError, match="does not exist"):
        labelled_images(tmp_path / "nope")
    bad = tmp_path / "bad.png"
    bad.write_text("not an image")
    with pytest.raises(UserError, match="bad.png"):
        like_images([bad], likes)


def test_simulated_collector_held_out_auc_with_20_labelled_renders():
    res = simulate_collector(MOSAIC, "colours", ["mono"], pool=100, counts=(8, 20), repeats=6, seed=1)
    curve = {c["labelled"]: c["auc_mean"] for c in res["curve"]}
    assert curve[20] >= 0.9, res
    assert res["pool"] == 100 and 0 < res["liked_share"] < 0.5
    with pytest.raises(UserError, match="no parameter"):
        simulate_collector(MOSAIC, "nope", ["x"], pool=8, counts=(4,), repeats=1)


def _mono_seeds(n_mono: int, n_other: int, start: int) -> tuple[list[int], list[int]]:
    from gencraft.seeds import parse_seed
    from gencraft.sketch import load_sketch

    sk = load_sketch(MOSAIC)
    base = sk.resolve({})
    mono, other = [], []
    s = start
    while len(mono) < n_mono or len(other) < n_other:
        value = sk.for_token(base, parse_seed(s))["colours"]
        (mono if value == "mono" else other).append(s) if (len(mono) < n_mono if value == "mono"
                                                           else len(other) < n_other) else None
        s += 1
    return mono, other


def test_rank_and_explore_by_taste(tmp_path, run_cli):
    from gencraft.render import render

    mono, other = _mono_seeds(4, 12, 1000)
    for s in mono:
        render(MOSAIC, {}, s, (64, 64)).save(tmp_path / f"like-{s}.png")
    likes = tmp_path / "likes"
    r = run_cli("like", *[tmp_path / f"like-{s}.png" for s in mono], "--to", likes)
    assert r.returncode == 0, r.stderr
    for s in other:
        render(MOSAIC, {}, s, (64, 64)).save(tmp_path / f"skip-{s}.png")
    r = run_cli("like", "--skip", *[tmp_path / f"skip-{s}.png" for s in other], "--to", likes)
    assert r.returncode == 0 and "4 liked, 12 skipped" in r.stderr
    # rank seeds the head never saw: the mono ones come first
    test_mono, test_other = _mono_seeds(2, 10, 5000)
    seeds = ",".join(map(str, sorted(test_mono + test_other)))
    out = tmp_path / "rank"
    r = run_cli("rank", MOSAIC, "--seeds", seeds, "--taste", likes, "--size", "64", "-q", "--top", "4", "-o", out)
    assert r.returncode == 0, r.stderr
    assert "taste from 4 likes vs 12 skips" in r.stderr
    ranked = [int(line.split()[2]) for line in r.stdout.splitlines() if " seed " in line]
    assert set(ranked[:2]) == set(test_mono), (ranked, test_mono)
    # explore with taste and a prompt together
    r = run_cli("explore", MOSAIC, "--taste", likes, "--prompt", "warm colours", "--budget", "4", "--size", "48",
                "-q", "--top", "1", "-o", tmp_path / "ex")
    assert r.returncode == 0, r.stderr
    assert "taste from 4 likes" in r.stderr and "best" in r.stdout
    r = run_cli("rank", MOSAIC, "--seeds", "0..3", "-q")
    assert r.returncode == 2 and "--prompt TEXT, --taste" in r.stderr
