"""Deterministic pixel objectives for testing the search machinery without a model."""
from __future__ import annotations

from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHAPES = ROOT / "sketches" / "shapes.py"


def redness(images):
    """Mean of R - (G + B) / 2 over the image: red, dense renders score highest."""
    out = []
    for im in images:
        f = im[..., :3].astype(np.float64)
        out.append((f[..., 0] - 0.5 * (f[..., 1] + f[..., 2])).mean())
    return np.array(out)


class Counting:
    """Wraps an objective; counts calls and images, optionally interrupts on call N."""

    def __init__(self, fn=redness, interrupt_on: int | None = None):
        self.fn, self.interrupt_on = fn, interrupt_on
        self.calls = self.images = 0

    def __call__(self, images):
        self.calls += 1
        if self.interrupt_on is not None and self.calls == self.interrupt_on:
            raise KeyboardInterrupt
        self.images += len(images)
        return self.fn(images)


# ---------------------------------------------------------------- tests of the objective layer
import pytest  # noqa: E402

from gencraft.errors import UserError  # noqa: E402
from gencraft.ml.search.objective import ClipObjective, check_prompt, describe_objective  # noqa: E402


def test_redness_orders_red_above_blue():
    red = np.zeros((4, 4, 4), np.uint8); red[..., 0] = 220; red[..., 3] = 255
    blue = np.zeros((4, 4, 4), np.uint8); blue[..., 2] = 220; blue[..., 3] = 255
    assert list(np.sign(redness([red, blue]))) == [1.0, -1.0]


@pytest.mark.parametrize("bad", ["", "   ", None])
def test_empty_prompt_is_a_user_error(bad):
    with pytest.raises(UserError, match="empty prompt"):
        check_prompt(bad)


def test_clip_objective_wraps_any_model_with_score():
    class FakeScorer:  # a real object with the ClipModel.score signature, scoring mean brightness
        spec = "fixed:brightness"

        def score(self, images, prompt, negatives=(), metric="cosine", crops=0, seed=0):
            self.seen = (prompt, tuple(negatives), metric, crops)
            return [float(im[..., :3].mean()) for im in images]

    scorer = FakeScorer()
    obj = ClipObjective(scorer, "  bright  ", negatives=["dark"], metric="clipscore")
    ims = [np.full((2, 2, 4), v, np.uint8) for v in (10, 200)]
    assert obj(ims).tolist() == [10.0, 200.0]
    assert scorer.seen == ("bright", ("dark",), "clipscore", 0)
    assert obj.describe()["model"] == "fixed:brightness"
    with pytest.raises(UserError, match="unknown metric"):
        ClipObjective(scorer, "x", metric="l2")
    assert describe_objective(redness, "p")["model"] == "callable:redness"
