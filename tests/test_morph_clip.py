"""The CLIP path of gencraft morph: best renders of two explorations, morphed, scored along the path."""
from __future__ import annotations

import pytest

pytest.importorskip("open_clip")
pytestmark = [pytest.mark.ml, pytest.mark.slow]

from gencraft.provenance import read_recipe  # noqa: E402

from .test_morph import SKETCH  # noqa: E402


def test_prompt_morph_explores_morphs_and_charts(write_sketch, run_cli, tmp_path):
    sk = write_sketch(SKETCH)
    out = tmp_path / "m.gif"
    r = run_cli("morph", sk, "--prompt-from", "blue circles", "--prompt-to", "red squares", "--budget", "4",
                "--explore-size", "32", "--frames", "4", "-o", out, "-q", "--timeout", "60")
    assert r.returncode == 0, r.stderr
    assert out.exists() and (tmp_path / "m-scores.png").exists()
    rows = (tmp_path / "m-scores.csv").read_text().splitlines()
    assert rows[0] == "frame,score_from,score_to" and len(rows) == 5
    stage = read_recipe(out)["stages"][-1]
    assert stage["clip"]["prompt_to"] == "red squares" and len(stage["clip"]["scores_from"]) == 4
    assert (tmp_path / "m-explore-from" / "best_01.png").exists()
    # reuse the explorations instead of running them again
    again = tmp_path / "again"
    r = run_cli("morph", sk, "--prompt-from", "blue circles", "--prompt-to", "red squares", "--from-explore",
                tmp_path / "m-explore-from", "--to-explore", tmp_path / "m-explore-to", "--frames", "3", "-o", again,
                "-q")
    assert r.returncode == 0, r.stderr
    assert len(list(again.glob("frame_*.png"))) == 3 and (tmp_path / "again-scores.png").exists()
    r = run_cli("morph", sk, "--prompt-from", "a", "--prompt-to", "b", "--from-explore", tmp_path, "-o",
                tmp_path / "x.gif")
    assert r.returncode == 2 and "no best_01.png" in r.stderr
