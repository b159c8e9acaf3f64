"""Parameters that vary per token: distributions, pinning, the one derivation, recipes, traits."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from gencraft import Bool, Choice, Colour, Float, Int
from gencraft.params import Params, draw_for_token, param_stream, resolve
from gencraft.provenance import read_recipe
from gencraft.render import render, render_to_file
from gencraft.reproduce import reproduce
from gencraft.sketch import load_sketch

VARYING = '''
from gencraft import Bool, Choice, Float, Int
colours = Choice("dusk", ["dusk", "sea", "ember"], weights=[5, 3, 1], trait="Palette")
spacing = Float(0.011, 0.005, 0.03, step=0.001, vary="triangular", trait="Density",
                bands={"dense": 0.009, "balanced": 0.018, "airy": None})
rows = Int(12, 4, 30, vary={8: 1, 12: 3, 24: 1})
gilded = Bool(False, chance=0.25, trait="Gilded")
ink = Float(0.5, 0.0, 1.0)

def draw(c, rng, p):
    c.background({"dusk": "#223", "sea": "#246", "ember": "#a42"}[p.colours])
    c.fill("#fff").rect(0, 0, p.rows, p.spacing * 1000)
'''


def named(**params):
    for name, p in params.items():
        p.name = name
    return params


def chi_square(counts, expected):
    counts, expected = np.asarray(counts, float), np.asarray(expected, float)
    return float(((counts - expected) ** 2 / expected).sum())


def draws(param, n=10_000):
    return [param.draw(param_stream(i, param.name)) for i in range(n)]


def test_choice_weights_are_honoured_over_10000_draws():
    p = named(c=Choice("a", ["a", "b", "c"], weights=[5, 3, 1]))["c"]
    values = draws(p)
    counts = [values.count(v) for v in "abc"]
    expected = [10_000 * w / 9 for w in (5, 3, 1)]
    assert chi_square(counts, expected) < 13.8  # chi-square, 2 dof, p = 0.001


def test_weighted_numbers_and_bool_chance_are_honoured():
    rows = named(rows=Int(12, 4, 30, vary={8: 1, 12: 3, 24: 1}))["rows"]
    values = draws(rows)
    assert chi_square([values.count(v) for v in (8, 12, 24)], [2000, 6000, 2000]) < 13.8
    gilded = named(g=Bool(False, chance=0.1))["g"]
    hits = sum(draws(gilded))
    assert chi_square([hits, 10_000 - hits], [1000, 9000]) < 10.8  # 1 dof


def test_distributions_stay_in_range_and_have_their_shape():
    f = named(f=Float(0.2, 0.0, 1.0, step=0.001, vary="triangular"))["f"]
    tri = np.array(draws(f, 5000))
    assert tri.min() >= 0.0 and tri.max() <= 1.0
    assert abs(np.mean(tri) - 0.4) < 0.02            # mean of triangular(0, 0.2, 1) = 0.4
    assert np.allclose(tri * 1000, np.round(tri * 1000))  # snapped to the step
    u = named(u=Int(5, 1, 6, vary="uniform"))["u"]
    ints = draws(u, 6000)
    assert set(ints) == {1, 2, 3, 4, 5, 6}            # the ends are reachable
    assert chi_square([ints.count(k) for k in range(1, 7)], [1000] * 6) < 20.5  # 5 dof
    n = named(n=Float(0.5, 0.0, 1.0, vary="normal"))["n"]
    normal = np.array(draws(n, 5000))
    assert normal.min() >= 0 and normal.max() <= 1
    assert abs(normal.mean() - 0.5) < 0.01 and 0.12 < normal.std() < 0.18


def test_pinned_values_are_never_drawn():
    declared = named(c=Choice("a", ["a", "b", "c"], weights=[1, 1, 1]), x=Float(0.5, 0, 1, vary="uniform"))
    params = resolve(declared, {"c": "b"})
    assert params.pinned == {"c"}
    for seed in range(200):
        token = draw_for_token(declared, params, seed)
        assert token["c"] == "b"
        assert token.drawn == {"x"}
    assert len({draw_for_token(declared, params, s)["x"] for s in range(50)}) > 40


def test_each_parameter_has_its_own_stream():
    """Adding a parameter does not change the values another one draws."""
    one = named(x=Float(0.5, 0, 1, vary="uniform"))
    two = named(x=Float(0.5, 0, 1, vary="uniform"), y=Int(3, 0, 9, vary="uniform"))
    for seed in ("0x" + "ab" * 32, 7, "hello"):
        a = draw_for_token(one, resolve(one), seed)["x"]
        b = draw_for_token(two, resolve(two), seed)["x"]
        assert a == b


def test_draws_agree_across_processes():
    code = ("from gencraft import Float, Choice\nfrom gencraft.params import draw_for_token, resolve\n"
            "d = {'x': Float(0.5, 0, 1, vary='normal'), 'c': Choice('a', ['a', 'b'], vary=True)}\n"
            "for k, p in d.items(): p.name = k\n"
            "print([dict(draw_for_token(d, resolve(d), s)) for s in range(20)])\n")
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
            for _ in range(2)}
    assert len(outs) == 1
    here = named(x=Float(0.5, 0, 1, vary="normal"), c=Choice("a", ["a", "b"], vary=True))
    assert outs.pop().strip() == str([dict(draw_for_token(here, resolve(here), s)) for s in range(20)])


def test_bad_declarations_are_one_clear_error():
    with pytest.raises(ValueError, match="3 options but 2 weights"):
        Choice("a", ["a", "b", "c"], weights=[1, 2])
    with pytest.raises(ValueError, match="vary='gaussian'"):
        Float(0.5, 0, 1, vary="gaussian")
    with pytest.raises(ValueError, match="vary value 2.0"):
        Float(0.5, 0, 1, vary={2.0: 1})
    with pytest.raises(ValueError, match="chance"):
        Bool(False, chance=1.5)
    with pytest.raises(ValueError, match="bands"):
        Float(0.5, 0, 1, trait="T", bands={"hi": 0.8, "lo": 0.2, "rest": None})
    with pytest.raises(ValueError, match="not all be zero"):
        Int(1, 0, 3, vary={1: 0, 2: 0})


def test_recipe_records_drawn_values_and_reproduce_replays_them(write_sketch, tmp_path):
    path = write_sketch(VARYING)
    out = render_to_file(path, tmp_path / "t.png", seed="0x" + "1f" * 32, size=(64, 64))
    recipe = read_recipe(out)
    assert recipe["drawn"] == ["colours", "gilded", "rows", "spacing"]  # `ink` does not vary
    token = load_sketch(path).for_token(load_sketch(path).resolve(), "0x" + "1f" * 32)
    assert recipe["params"] == dict(token)
    assert reproduce(out).ok


def test_pinned_parameter_is_not_in_drawn_and_is_kept(write_sketch):
    path = write_sketch(VARYING)
    r = render(path, {"colours": "ember"}, seed=3, size=(32, 32))
    assert r.params["colours"] == "ember"
    assert "colours" not in r.recipe["drawn"]
    assert r.recipe["params"]["colours"] == "ember"


def test_tokens_differ_and_same_hash_is_byte_identical(write_sketch):
    path = write_sketch(VARYING)
    a = render(path, None, seed=11, size=(40, 40)).png_bytes()
    assert a == render(path, None, seed=11, size=(40, 40)).png_bytes()
    assert len({render(path, None, seed=s, size=(40, 40)).png_bytes() for s in range(12)}) > 6


def test_declared_traits_with_bands_and_features_override(write_sketch):
    path = write_sketch(VARYING + "\ndef features(rng, p):\n    return {'Rows': p.rows, 'Gilded': 'GOLD' if p.gilded else 'plain'}\n")
    sk = load_sketch(path)
    params = Params({"colours": "sea", "spacing": 0.02, "rows": 8, "gilded": True, "ink": 0.5})
    traits = sk.call_features(np.random.default_rng(0), params)
    assert traits == {"Palette": "sea", "Density": "airy", "Gilded": "GOLD", "Rows": 8}
    params = Params({"colours": "sea", "spacing": 0.005, "rows": 8, "gilded": False, "ink": 0.5})
    assert sk.call_features(np.random.default_rng(0), params)["Density"] == "dense"


def test_simulate_reports_trait_spread_and_warns(write_sketch, run_cli):
    path = write_sketch(VARYING)
    res = run_cli("edition", path, "--simulate", "400", "--collection-seed", "1", "--json")
    assert res.returncode == 0, res.stderr
    report = json.loads(res.stdout)
    assert set(report["traits"]) == {"Palette", "Density", "Gilded"}
    assert report["unique_combinations"] >= 8
    assert report["top_combination"]["share"] < 0.4
    const = write_sketch("from gencraft import Choice\nc = Choice('a', ['a', 'b'], trait='Kind')\n"
                         "def draw(c, rng, p):\n    pass\n", "const.py")
    res = run_cli("edition", const, "--simulate", "50", "--collection-seed", "1")
    assert "trait 'Kind' always has the value 'a'" in res.stdout
    assert "100% of tokens share one trait combination (Kind=a)" in res.stdout


def test_params_command_shows_each_distribution(write_sketch, run_cli):
    res = run_cli("params", write_sketch(VARYING))
    assert "weighted: dusk 56%, sea 33%, ember 11%" in res.stdout
    assert "per token: triangular   trait 'Density'" in res.stdout
    assert "true 25% of tokens" in res.stdout
    assert "per token: fixed" in res.stdout


def test_edition_tokens_draw_their_own_values_and_resume(write_sketch, tmp_path):
    from gencraft.editions import make_edition

    path = write_sketch(VARYING)
    out = tmp_path / "ed"
    make_edition(path, count=6, out=out, collection_seed="c", size=(32, 32), progress=False)
    metas = [json.loads((out / "tokens" / f"{i}.json").read_text()) for i in range(6)]
    palettes = {m["recipe"]["params"]["colours"] for m in metas}
    assert len({json.dumps(m["recipe"]["params"], sort_keys=True) for m in metas}) == 6
    assert palettes <= {"dusk", "sea", "ember"}
    for m in metas:
        traits = {a["trait_type"]: a["value"] for a in m["attributes"]}
        assert traits["Palette"] == m["recipe"]["params"]["colours"]
    before = {p.name: p.stat().st_mtime_ns for p in (out / "tokens").iterdir()}
    make_edition(path, count=6, out=out, collection_seed="c", size=(32, 32), progress=False)
    after = {p.name: p.stat().st_mtime_ns for p in (out / "tokens").iterdir()}
    assert before == after  # every token counted as finished: nothing re-rendered


def test_colour_can_vary_by_weighted_values():
    c = named(c=Colour("#ffffff", vary={"#000000": 1, "#ff0000": 1}))["c"]
    assert set(draws(c, 200)) == {"#000000", "#ff0000"}
