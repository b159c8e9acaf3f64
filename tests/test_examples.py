"""The library examples run as documented (small sizes)."""
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from .conftest import ROOT


def run_example(name, *args):
    return subprocess.run([sys.executable, str(ROOT / "examples" / name), *map(str, args)], capture_output=True,
                          text=True, timeout=600, cwd=ROOT)


def test_render_seeds_contact_sheet(tmp_path):
    out = tmp_path / "seeds.png"
    r = run_example("render_seeds.py", "sketches/truchet.py", "--count", 4, "--thumb", 96, "-o", out)
    assert r.returncode == 0, r.stderr
    img = np.asarray(Image.open(out))
    assert img.shape[1] == 2 * (96 + 16) + 16  # two columns of thumbnails
    assert len(np.unique(img.reshape(-1, img.shape[-1]), axis=0)) > 50


@pytest.mark.slow
def test_compose_engines(tmp_path):
    out = tmp_path / "c.png"
    r = run_example("compose_engines.py", "--size", 300, "-o", out)
    assert r.returncode == 0, r.stderr
    img = np.asarray(Image.open(out).convert("RGB")).astype(int)
    background = img[-1, -1]
    drawn = np.abs(img - background).sum(axis=-1) > 60
    assert drawn[:, :150].mean() > 0.005 and drawn[:150, 150:].mean() > 0.005  # plant left, moon top right


@pytest.mark.ml
@pytest.mark.slow
def test_score_renders_ranks_the_forest_palette_first_for_green():
    r = run_example("score_renders.py", "sketches/truchet.py", "--prompt", "green", "--seeds", 16)
    assert r.returncode == 0, r.stderr
    assert "'Palette': 'forest'" in r.stdout.splitlines()[0]
