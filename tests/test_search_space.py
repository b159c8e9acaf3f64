"""Which parameters a search varies, and how each kind maps to a distribution."""
from __future__ import annotations

import numpy as np
import pytest

from gencraft.errors import UserError
from gencraft.ml.search.space import SearchSpace, params_key
from gencraft.sketch import load_sketch

SOURCE = '''
from gencraft import Bool, Choice, Colour, Float, Int
amount = Float(0.5, 0.1, 1.0, step=0.05)
rough = Float(0.3, 0.0, 1.0)
rows = Int(10, 2, 40, step=2)
outline = Bool(False)
mood = Choice("calm", ["calm", "storm", "fog"])
pair = Choice((1, 2), [(1, 2), (3, 4)])
only = Choice("a", ["a"])
ink = Colour("#222222")

def draw(c, rng, p):
    c.background("#ffffff")
'''


@pytest.fixture
def space(write_sketch):
    return SearchSpace.of(load_sketch(write_sketch(SOURCE)), {"rough": "0.7"})


def test_kinds_map_to_optuna_distributions(space):
    from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

    d = space.distributions()
    assert set(d) == {"amount", "rows", "outline", "mood", "pair"}  # fixed, one-option and colour excluded
    assert isinstance(d["amount"], FloatDistribution) and d["amount"].step == 0.05
    assert (d["amount"].low, d["amount"].high) == (0.1, pytest.approx(1.0))
    assert isinstance(d["rows"], IntDistribution) and (d["rows"].low, d["rows"].high, d["rows"].step) == (2, 40, 2)
    assert isinstance(d["outline"], CategoricalDistribution) and d["outline"].choices == (False, True)
    assert isinstance(d["mood"], CategoricalDistribution) and d["mood"].choices == ("calm", "storm", "fog")
    assert d["pair"].choices == ("(1, 2)", "(3, 4)")  # non-scalar options searched by their text
    assert space.held == ["ink"] and space.fixed == {"rough": 0.7}


def test_trial_values_map_back_to_validated_params(space):
    p = space.from_trial_params({"amount": 0.30000000000000004, "rows": 12, "outline": True, "mood": "fog",
                                 "pair": "(3, 4)"})
    assert p.amount == 0.3 and p.rows == 12 and p.outline is True and p.mood == "fog"
    assert p.pair == (3, 4) and p.rough == 0.7 and p.ink == "#222222" and p.only == "a"


def test_unit_cube_decoding_covers_every_option(space):
    moods = {space.from_unit(np.array([0.5, 0.5, 0.5, u, 0.5]))["mood"] for u in np.linspace(0, 1, 31)}
    assert moods == {"calm", "storm", "fog"}
    lo, hi = space.from_unit(np.zeros(space.dim)), space.from_unit(np.ones(space.dim))
    assert (lo.amount, lo.rows, lo.outline, lo.pair) == (0.1, 2, False, (1, 2))
    assert (hi.amount, hi.rows, hi.outline, hi.pair) == (1.0, 40, True, (3, 4))
    again = space.from_unit(space.to_unit(hi))
    assert params_key(again) == params_key(hi)


def test_a_sketch_with_nothing_to_search_is_a_user_error(write_sketch):
    sk = load_sketch(write_sketch("from gencraft import Colour\nink = Colour('#000')\ndef draw(c, rng, p):\n    pass\n"))
    with pytest.raises(UserError, match="no parameter to search"):
        SearchSpace.of(sk)


def test_bad_fixed_value_is_a_user_error(write_sketch):
    sk = load_sketch(write_sketch(SOURCE))
    with pytest.raises(UserError, match="'rows'"):
        SearchSpace.of(sk, {"rows": "400"})
    with pytest.raises(UserError, match="unknown parameter"):
        SearchSpace.of(sk, {"colour": "red"})
