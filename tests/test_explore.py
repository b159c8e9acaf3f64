"""explore(): the Optuna search loop, studies (resume, share), outputs — with a pixel objective.

The CLIP-driven acceptance test is in test_explore_clip.py; here the objective is a
deterministic function of the pixels, so the search machinery is tested on its own.
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from PIL import Image

from gencraft.errors import UserError
from gencraft.ml.search.explore import explore
from gencraft.params import load_params_file
from gencraft.provenance import read_recipe
from gencraft.render import render

from .test_search_objectives import SHAPES, Counting, redness

SMALL = (40, 40)
COLOURS = ["red", "orange", "yellow", "green", "blue", "purple"]


def run(budget=16, **kw):
    kw.setdefault("objective", redness)
    return explore(SHAPES, "red things", budget, size=SMALL, progress=False, **kw)


def test_same_seed_same_search_other_seed_other_search():
    a, b, c = run(seed=3), run(seed=3), run(seed=4)
    assert a.history == b.history and [t["params"] for t in a.trials] == [t["params"] for t in b.trials]
    assert a.history != c.history
    assert len(a.history) == 16 and a.evaluated == 16


@pytest.mark.parametrize("algo", ["tpe", "cma", "random"])
def test_every_algo_searches_categoricals_as_categories(algo):
    result = run(budget=24, algo=algo, seed=1)
    assert len(result.history) == 24
    colours = {t["params"]["colour"] for t in result.trials}
    assert colours <= set(COLOURS) and len(colours) >= 3  # options, never rounded in-betweens
    assert all(t["params"]["size"] == round(t["params"]["size"], 2) for t in result.trials)  # Float step 0.01
    params, score, rend = result.best[0]
    assert score == max(result.history)
    assert np.array_equal(rend.rgba, render(SHAPES, params, 0, SMALL).rgba)


def red_coverage(images):
    """Fraction of pixels close to the sketch's red (#d7263d, shaded by up to 12 %)."""
    red = np.array([215, 38, 61], float)
    return np.array([(np.linalg.norm(im[..., :3] - red, axis=2) < 60).mean() for im in images])


@pytest.mark.parametrize("algo", ["tpe", "cma"])
def test_guided_search_finds_the_red_region(algo):
    result = run(budget=32, seed=0, algo=algo, objective=red_coverage)
    assert result.best[0][0]["colour"] == "red"
    # the second half of a guided search is better on average than the first (it learned something)
    assert np.mean(result.history[16:]) > np.mean(result.history[:16])


def test_best_renders_are_distinct_and_sorted():
    result = run(budget=16, top_k=5)
    scores = [s for _, s, _ in result.best]
    assert scores == sorted(scores, reverse=True) and len(result.best) == 5
    assert len({json.dumps(p, sort_keys=True) for p, _, _ in result.best}) == 5
    assert len({r.rgba.tobytes() for _, _, r in result.best}) == 5  # different pixels, not just params


def test_parameters_that_do_not_show_do_not_fill_the_best_list():
    # circles ignore tilt: 12 tilts of one circle render are one image, listed once
    result = run(budget=12, top_k=4, fixed={"shape": "circles", "colour": "red", "count": "8", "size": "0.1",
                                            "variety": "0.3"})
    assert len({t["params"]["tilt"] for t in result.trials}) > 1
    assert len(result.best) == 1


def test_fixed_parameters_are_held():
    result = run(budget=8, fixed={"shape": "stars", "count": "5"})
    assert {t["params"]["shape"] for t in result.trials} == {"stars"}
    assert {t["params"]["count"] for t in result.trials} == {5}


def test_outputs_carry_provenance_and_reproduce(tmp_path):
    out = tmp_path / "out"
    result = run(budget=12, top_k=3, out_dir=out, render_seed=7)
    names = {p.name for p in out.iterdir()}
    assert {"best_01.png", "best_03.json", "results.json", "history.csv", "search.png", "contact_sheet.png"} <= names
    assert "best_04.png" not in names
    recipe = read_recipe(out / "best_01.png")
    stage = recipe["stages"][-1]
    assert stage["stage"] == "search" and stage["prompt"] == "red things" and stage["algo"] == "tpe"
    assert stage["score"] == pytest.approx(result.best[0][1]) and stage["rank"] == 1
    assert recipe["seed"] == "7"
    params = load_params_file(out / "best_01.json")  # the params JSON feeds `gencraft render --params`
    again = render(SHAPES, params, 7, SMALL).rgba
    assert np.array_equal(np.asarray(Image.open(out / "best_01.png").convert("RGBA")), again)
    assert len((out / "history.csv").read_text().strip().splitlines()) == 13
    assert json.loads((out / "results.json").read_text())["evaluations"] == 12


def test_interrupted_search_resumes_without_repeating(tmp_path):
    db = tmp_path / "study.db"
    first = Counting(interrupt_on=3)
    with pytest.raises(KeyboardInterrupt):
        run(budget=14, batch=4, study=db, objective=first)
    import optuna

    (summary,) = optuna.get_all_study_summaries(f"sqlite:///{db}")
    study = optuna.load_study(study_name=summary.study_name, storage=f"sqlite:///{db}")
    states = [t.state.name for t in study.trials]
    assert states.count("COMPLETE") == 8 and "RUNNING" not in states  # the cut batch was failed, not left open
    done = {t.number: (t.params, t.value) for t in study.trials if t.state.name == "COMPLETE"}

    second = Counting()
    result = run(budget=14, batch=4, study=db, objective=second)
    assert len(result.history) == 14 and result.evaluated == 6
    assert second.images <= 6  # the 8 finished evaluations were not redone
    after = {t["number"]: t for t in result.trials}
    for number, (params, value) in done.items():
        assert after[number]["score"] == value
    # a third run with the same budget has nothing left to do
    third = Counting()
    assert run(budget=14, batch=4, study=db, objective=third).evaluated == 0 and third.calls == 0


def test_orphaned_running_trial_of_a_dead_process_is_failed(tmp_path):
    from gencraft.ml.search import study as study_mod

    db = tmp_path / "s.db"
    run(budget=4, study=db)
    import optuna

    (summary,) = optuna.get_all_study_summaries(f"sqlite:///{db}")
    st = optuna.load_study(study_name=summary.study_name, storage=f"sqlite:///{db}")
    orphan = st.ask()
    orphan.set_user_attr(study_mod.OWNER_ATTR, f"{study_mod.socket.gethostname()}:999999999")
    result = run(budget=8, study=db)
    assert len(result.history) == 8
    st = optuna.load_study(study_name=summary.study_name, storage=f"sqlite:///{db}")
    assert st.trials[orphan.number].state.name == "FAIL"


@pytest.mark.slow
def test_two_processes_share_one_study(tmp_path):
    db = tmp_path / "shared.db"
    code = textwrap.dedent(f"""
        import sys
        from gencraft.ml.search.explore import explore
        from tests.test_search_objectives import SHAPES, redness
        r = explore(SHAPES, "red things", 12, seed=int(sys.argv[1]), study={str(db)!r}, size=(40, 40),
                    batch=2, objective=redness, progress=False)
        print(r.evaluated, len(r.history))
    """)
    from .conftest import ROOT

    procs = [subprocess.Popen([sys.executable, "-c", code, str(s)], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for s in (1, 2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1][-800:] for o in outs]
    evaluated = [int(o[0].split()[0]) for o in outs]
    import optuna

    (summary,) = optuna.get_all_study_summaries(f"sqlite:///{db}")
    st = optuna.load_study(study_name=summary.study_name, storage=f"sqlite:///{db}")
    complete = [t for t in st.trials if t.state.name == "COMPLETE"]
    assert len(complete) == 12 and sum(evaluated) == 12


def test_study_name_depends_on_prompt_and_scoring_not_on_algo(tmp_path):
    db = tmp_path / "names.db"
    a = run(budget=2, study=db)
    b = run(budget=4, study=db, algo="random")  # same study, continued with another sampler
    c = explore(SHAPES, "blue things", 2, size=SMALL, progress=False, objective=redness, study=db)
    assert a.study_name == b.study_name != c.study_name
    assert a.study_name.startswith("shapes:red-things:") and len(b.history) == 4


@pytest.mark.parametrize("kwargs, message", [
    ({"prompt": ""}, "empty prompt"),
    ({"budget": 0}, "budget must be an integer >= 1"),
    ({"algo": "tep"}, "unknown search algorithm 'tep'.*did you mean 'tpe'"),
    ({"workers": 0}, "workers must be"),
    ({"size": "tiny"}, "size 'tiny'"),
    ({"fixed": {"colour": "mauve"}}, "'colour'"),
])
def test_bad_input_is_a_user_error(kwargs, message, tmp_path):
    args = {"prompt": "red", "budget": 4, **kwargs}
    with pytest.raises(UserError, match=message):
        explore(SHAPES, args.pop("prompt"), args.pop("budget"), objective=redness, progress=False,
                out_dir=tmp_path / "never", **args)
    assert not (tmp_path / "never").exists()


def test_study_path_that_is_not_sqlite_is_a_user_error(tmp_path):
    bad = tmp_path / "notes.db"
    bad.write_text("hello")
    with pytest.raises(UserError, match="not a SQLite database"):
        run(budget=2, study=bad)


@pytest.mark.parametrize("args, message", [
    (["--prompt", "", "--budget", "4"], "empty prompt"),
    (["--prompt", "red", "--budget", "0"], "budget must be an integer >= 1"),
    (["--prompt", "red", "--algo", "bayes"], "unknown search algorithm 'bayes'"),
    (["--prompt", "red", "-p", "nope=1"], "unknown parameter 'nope'"),
    (["--prompt", "red", "--atlas", "--grid", "0x3"], "grid '0x3'"),
])
def test_cli_bad_input_exits_2(run_cli, tmp_path, args, message):
    proc = run_cli("explore", SHAPES, *args, "--out", tmp_path / "o", cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr and proc.stderr.startswith("error: ")
    assert not (tmp_path / "o").exists()


@pytest.mark.slow
def test_render_workers_do_not_change_the_search():
    one = run(budget=8, batch=4, seed=9)
    two = run(budget=8, batch=4, seed=9, workers=2)
    assert one.history == two.history
    assert np.array_equal(one.best[0][2].rgba, two.best[0][2].rgba)
