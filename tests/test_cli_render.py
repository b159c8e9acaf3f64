"""`gencraft render / info / reproduce / params` as a user runs them: exit codes and messages."""
import json
import sys

import pytest

from .sketch_sources import CIRCLES, FOREVER, RAISES, SYNTAX


def only(tmp_path):
    return sorted(p.name for p in tmp_path.iterdir())


def test_render_info_reproduce(run_cli, write_sketch, tmp_path):
    sk = write_sketch(CIRCLES)
    out = tmp_path / "a.png"
    params = tmp_path / "p.json"
    params.write_text(json.dumps({"count": 60, "radius": 4}))
    r = run_cli("render", sk, "--params", params, "-p", "radius=9", "--hash", "0x" + "cd" * 32,
                "--size", "200x100", "-o", out)
    assert r.returncode == 0, r.stderr
    info = run_cli("info", out, "--json")
    recipe = json.loads(info.stdout)
    assert recipe["params"] == {"radius": 9.0, "count": 60, "colours": "dusk"}  # -p beats the file
    assert recipe["seed"] == "0x" + "cd" * 32 and recipe["size"] == [200, 100]
    rep = run_cli("reproduce", out)
    assert rep.returncode == 0 and "byte-identical" in rep.stdout
    sk.write_text(CIRCLES.replace("alpha=0.8", "alpha=0.3"))
    rep = run_cli("reproduce", out)
    assert rep.returncode == 2 and "is not the sketch that made" in rep.stderr and "--allow-changed" in rep.stderr
    rep = run_cli("reproduce", out, "--allow-changed")
    assert rep.returncode == 1 and "sketch source changed" in rep.stdout


@pytest.mark.parametrize("args, fragment", [
    (["-p", "cout=3"], "unknown parameter 'cout' (did you mean 'count'?)"),
    (["-p", "count=500"], "parameter 'count': got 500, expected an integer in [1, 200]"),
    (["-p", "radius=big"], "expected a number in [1, 60]"),
    (["--size", "huge"], "size 'huge'"),
    (["-o", "OUT/x.jpg"], "unknown output format '.jpg'"),
    (["-o", "OUT/missing/x.png"], "does not exist"),
])
def test_user_mistakes_exit_2_one_line(run_cli, write_sketch, tmp_path, args, fragment):
    sk = write_sketch(CIRCLES)
    args = [str(a).replace("OUT", str(tmp_path)) for a in args]
    r = run_cli("render", sk, *args, cwd=tmp_path)
    assert r.returncode == 2
    assert fragment in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert "Traceback" not in r.stderr
    assert only(tmp_path) == ["sketch.py"]


@pytest.mark.parametrize("source, fragment, extra", [
    (RAISES, "ZeroDivisionError", []),
    (SYNTAX, "SyntaxError", []),
    (FOREVER, "time limit of 1 s", ["--timeout", "1"]),
    (None, "does not exist", []),
])
def test_broken_sketches_exit_2(run_cli, write_sketch, tmp_path, source, fragment, extra):
    sk = write_sketch(source) if source else tmp_path / "nope.py"
    r = run_cli("render", sk, "-o", tmp_path / "o.png", *extra)
    assert r.returncode == 2, r.stderr
    assert fragment in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "o.png").exists()


def test_unwritable_output(run_cli, write_sketch):
    # /proc refuses new files even to root, so this holds however the tests run
    r = run_cli("render", write_sketch(CIRCLES), "-o", "/proc/gencraft-test.png")
    assert r.returncode == 2 and "cannot write '/proc/gencraft-test.png'" in r.stderr
    assert "Traceback" not in r.stderr


def test_params_listing(run_cli, write_sketch):
    r = run_cli("params", write_sketch(CIRCLES), "--json")
    names = [d["name"] for d in json.loads(r.stdout)]
    assert names == ["radius", "count", "colours"]


def test_render_never_imports_torch(write_sketch, tmp_path):
    import subprocess
    code = ("import sys; from gencraft.cli import main\n"
            "try:\n    main(['render', sys.argv[1], '-o', sys.argv[2], '--timeout', '30'])\n"
            "except SystemExit:\n    pass\n"
            "print('torch' in sys.modules, 'open_clip' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(write_sketch(CIRCLES)), str(tmp_path / "o.png")],
                         capture_output=True, text=True, check=True).stdout.split()
    assert out[-2:] == ["False", "False"]
