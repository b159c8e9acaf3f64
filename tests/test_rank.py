"""Seed ranking: many seeds rendered, scored in batches, ranked, written."""
from __future__ import annotations

import json

import numpy as np
import pytest

from gencraft.errors import UserError
from gencraft.ml.search.rank import parse_seeds
from gencraft.ml.search.explore import rank
from gencraft.render import render

from .test_search_objectives import SHAPES, Counting, redness


def test_parse_seeds_forms():
    assert parse_seeds("0..4") == [0, 1, 2, 3, 4]
    assert parse_seeds("3, 7,42") == [3, 7, 42]
    assert parse_seeds("0..2,10..11,storm") == [0, 1, 2, 10, 11, "storm"]
    assert parse_seeds("1,1,2") == [1, 2]
    assert parse_seeds(range(3)) == [0, 1, 2] and parse_seeds(9) == [9]
    with pytest.raises(UserError, match="end is before the start"):
        parse_seeds("9..1")
    with pytest.raises(UserError, match="no seeds"):
        parse_seeds(" , ")


def test_rank_orders_seeds_by_score_and_keeps_the_top(tmp_path):
    counting = Counting()
    result = rank(SHAPES, "0..13", "red", top=4, params={"colour": "red"}, size=(40, 40), batch=5,
                  objective=counting, out_dir=tmp_path, progress=False)
    assert counting.calls == 3 and counting.images == 14  # batches of 5, 5, 4
    seeds = [s for s, _ in result.ranking]
    scores = [v for _, v in result.ranking]
    assert sorted(seeds) == list(range(14)) and scores == sorted(scores, reverse=True)
    for seed in (seeds[0], seeds[-1]):  # each score is the objective of that seed's render
        direct = redness([render(SHAPES, {"colour": "red"}, seed, (40, 40)).rgba])[0]
        assert dict(result.ranking)[seed] == pytest.approx(direct)
    assert [s for s, _, _ in result.top] == seeds[:4]
    assert all(np.array_equal(r.rgba, render(SHAPES, {"colour": "red"}, s, (40, 40)).rgba)
               for s, _, r in result.top)
    assert result.top[0][2].recipe["stages"][-1] == {"stage": "rank", "prompt": "red", "negatives": [],
                                                     "model": "callable:Counting", "metric": "custom",
                                                     "score": scores[0], "rank": 1}
    data = json.loads((tmp_path / "ranking.json").read_text())
    assert [r["seed"] for r in data["ranking"]] == seeds and data["params"]["colour"] == "red"
    csv = (tmp_path / "ranking.csv").read_text().splitlines()
    assert csv[0] == "rank,seed,score" and csv[1].startswith(f"1,{seeds[0]},") and len(csv) == 15
    assert (tmp_path / "rank_sheet.png").read_bytes()[:4] == b"\x89PNG"


def test_rank_bad_input(tmp_path):
    with pytest.raises(UserError, match="empty prompt"):
        rank(SHAPES, "0..3", " ", objective=redness, progress=False)
    with pytest.raises(UserError, match="top must be"):
        rank(SHAPES, "0..3", "red", top=0, objective=redness, progress=False)
    with pytest.raises(UserError, match="'colour'"):
        rank(SHAPES, "0..3", "red", params={"colour": "teal"}, objective=redness, progress=False)


@pytest.mark.parametrize("args, message", [
    (["--seeds", "5..1", "--prompt", "red"], "end is before the start"),
    (["--seeds", "0..3", "--prompt", ""], "empty prompt"),
    (["--seeds", "0..3", "--prompt", "red", "-p", "shape=hexagons"], "'shape'"),
])
def test_cli_rank_bad_input_exits_2(run_cli, tmp_path, args, message):
    proc = run_cli("rank", SHAPES, *args, "--out", tmp_path / "o", cwd=tmp_path)
    assert proc.returncode == 2 and message in proc.stderr, proc.stderr
    assert not (tmp_path / "o").exists()
