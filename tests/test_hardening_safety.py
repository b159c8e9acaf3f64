"""Hardening: never delete a user's files, never run untrusted code by surprise, bounded time and memory."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import pytest

from gencraft.errors import UserError

DOTS = '''"""Dots."""
from gencraft import Int
n = Int(5, 1, 50, help="dots")
def draw(c, rng, p):
    c.background("#f4efe6")
    c.fill("#222")
    for _ in range(p.n):
        c.circle(*rng.uniform(0, c.width, 2), 3)
def features(rng, p):
    return {"N": p.n}
'''


# -- 1. edition --force touches only what an edition's manifest lists ------------------------------

def test_force_into_a_folder_that_is_not_an_edition_is_refused_and_deletes_nothing(write_sketch, tmp_path):
    from gencraft.editions import make_edition

    sketch = write_sketch(DOTS)
    out = tmp_path / "mine"
    user_files = ["contact.png", "contact-02.png", "tokens/7.png", "tokens/7.json", "thumbs/5.jpg", "index.html",
                  "rarity.csv"]
    for rel in user_files:
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(f"the user's own {rel}")
    with pytest.raises(UserError, match="holds no gencraft edition") as err:
        make_edition(sketch, out, 3, collection_seed=1, workers=1, progress=False, force=True)
    assert "--force" not in str(err.value)
    for rel in user_files:
        assert (out / rel).read_text() == f"the user's own {rel}"


def test_force_replaces_only_the_previous_editions_files(write_sketch, tmp_path):
    from gencraft.editions import make_edition

    sketch = write_sketch(DOTS)
    out = tmp_path / "ed"
    make_edition(sketch, out, 6, collection_seed=1, size=(32, 32), workers=1, progress=False)
    (out / "notes.txt").write_text("mine")
    (out / "tokens" / "17.png").write_text("mine too")
    (out / "thumbs" / "cover.jpg").write_text("and mine")
    make_edition(sketch, out, 3, collection_seed=2, size=(32, 32), workers=1, progress=False, force=True)
    assert not (out / "tokens" / "5.png").exists() and not (out / "token" / "5.html").exists()
    assert not (out / "tokens" / "4.json").exists() and not (out / "thumbs" / "3.jpg").exists()
    assert (out / "notes.txt").read_text() == "mine"
    assert (out / "tokens" / "17.png").read_text() == "mine too"
    assert (out / "thumbs" / "cover.jpg").read_text() == "and mine"
    assert json.loads((out / "edition.json").read_text())["count"] == 3


def test_unreadable_manifest_is_refused_even_with_force(write_sketch, tmp_path):
    from gencraft.editions import make_edition

    sketch = write_sketch(DOTS)
    out = tmp_path / "ed"
    out.mkdir()
    (out / "edition.json").write_text("{not json")
    (out / "index.html").write_text("mine")
    with pytest.raises(UserError, match="unreadable edition.json"):
        make_edition(sketch, out, 2, collection_seed=1, workers=1, progress=False, force=True)
    assert (out / "index.html").read_text() == "mine"


# -- 2. reproduce never runs a sketch whose source is not the one the recipe names -----------------

def test_reproduce_does_not_execute_a_changed_or_foreign_sketch(write_sketch, tmp_path, run_cli):
    from gencraft.render import render_to_file
    from gencraft.reproduce import reproduce

    sketch = write_sketch(DOTS)
    image = render_to_file(sketch, tmp_path / "dots.png", seed=4, size=(40, 40))
    marker = tmp_path / "ran.txt"
    hostile = DOTS + f"\nopen({str(marker)!r}, 'w').write('executed')\n"
    sketch.write_text(hostile)  # the file the recipe names now holds other code
    with pytest.raises(UserError, match="not the sketch that made"):
        reproduce(image)
    other = write_sketch(hostile, "other.py")
    res = run_cli("reproduce", image, "--sketch", other)
    assert res.returncode == 2 and "was not run" in res.stderr
    assert not marker.exists()
    res = run_cli("reproduce", image, "--sketch", other, "--allow-changed")  # the user's explicit choice
    assert res.returncode == 1 and marker.read_text() == "executed"


# -- 3. a study must be a gencraft study (or a new, empty file) ------------------------------------

def test_explore_refuses_a_database_that_is_not_a_gencraft_study(tmp_path):
    pytest.importorskip("optuna")
    from gencraft.ml.search.study import open_study

    app = tmp_path / "other_app.db"
    conn = sqlite3.connect(app)
    conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO customers (name) VALUES ('Ada')")
    conn.commit()
    conn.close()
    before = app.read_bytes()
    with pytest.raises(UserError, match="database of something else.*customers"):
        open_study(app, "flow:storm", {"sketch": "flow"})
    assert app.read_bytes() == before
    tables = {r[0] for r in sqlite3.connect(app).execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"customers"}

    truncated = tmp_path / "cut.db"
    ok = tmp_path / "ok.db"
    open_study(ok, "flow:storm", {"sketch": "flow"})
    truncated.write_bytes(ok.read_bytes()[:100] + b"\x00garbage" * 300)  # a header, then nothing sane
    with pytest.raises(UserError, match="truncated or corrupt|not a SQLite"):
        open_study(truncated, "flow:storm", {"sketch": "flow"})
    again = open_study(ok, "flow:storm", {"sketch": "flow"})  # our own study opens again
    assert again.user_attrs["gencraft_config"] == {"sketch": "flow"}


def test_a_plain_optuna_study_is_not_adopted(tmp_path):
    optuna = pytest.importorskip("optuna")
    from gencraft.ml.search.study import open_study

    path = tmp_path / "theirs.db"
    optuna.create_study(study_name="theirs", storage=f"sqlite:///{path}")
    with pytest.raises(UserError, match="Optuna studies that gencraft did not make"):
        open_study(path, "flow:storm", {"sketch": "flow"})


# -- 4, 5. a sketch that exits or hangs is an error, with a time limit on loading too --------------

EXITS_AT_IMPORT = "import sys\nsys.exit(0)\ndef draw(c, rng, p):\n    pass\n"
EXITS_IN_DRAW = "import sys\ndef draw(c, rng, p):\n    c.background('#fff')\n    sys.exit(3)\n"
HARD_EXIT = "import os\ndef draw(c, rng, p):\n    os._exit(0)\n"
LOOPS_AT_IMPORT = "while True:\n    pass\ndef draw(c, rng, p):\n    pass\n"


@pytest.mark.parametrize("source, fragment", [
    (EXITS_AT_IMPORT, "sketch.py:2: the sketch called sys.exit(0) while loading"),
    (EXITS_IN_DRAW, "sketch.py:4: the sketch called sys.exit(3) in draw()"),
    (HARD_EXIT, "did the sketch call os._exit(), or crash?"),
])
def test_a_sketch_that_exits_is_one_line_and_exit_2(write_sketch, tmp_path, run_cli, source, fragment):
    out = tmp_path / "x.png"
    res = run_cli("render", write_sketch(source), "-o", out, "--size", "32")
    assert res.returncode == 2, (res.returncode, res.stderr)
    assert fragment in res.stderr and "Traceback" not in res.stderr and len(res.stderr.strip().splitlines()) == 1
    assert not out.exists() and not list(tmp_path.glob(".x.png.*"))


def test_render_timeout_also_stops_a_loop_at_module_level(write_sketch, tmp_path, run_cli):
    res = run_cli("render", write_sketch(LOOPS_AT_IMPORT), "-o", tmp_path / "x.png", "--timeout", "2", timeout=60)
    assert res.returncode == 2 and "time limit of 2 s" in res.stderr


# -- 6. no orphans, no leftovers ---------------------------------------------------------------------

def test_sigterm_of_render_kills_its_child_and_leaves_no_part_file(write_sketch, tmp_path):
    import signal
    import time

    sketch = write_sketch("def draw(c, rng, p):\n    while True:\n        pass\n")
    proc = subprocess.Popen([sys.executable, "-m", "gencraft", "render", str(sketch), "-o", str(tmp_path / "x.png")],
                            stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 30
    children = []
    while time.time() < deadline and not children:
        time.sleep(0.2)
        children = _children(proc.pid)
    assert children, "the render child never started"
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(20) == 128 + signal.SIGTERM
    time.sleep(0.5)
    assert not any(_alive(pid) for pid in children)
    assert list(tmp_path.iterdir()) == [sketch]


def test_a_killed_writers_part_file_is_cleaned_on_the_next_run(tmp_path):
    from gencraft.atomic import write_bytes

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".out.png.{dead.pid}.abc123.part"
    stale.write_bytes(b"half")
    live = tmp_path / f".out.png.{os.getpid()}.def456.part"  # a writer that is still running
    live.write_bytes(b"busy")
    write_bytes(tmp_path / "out.png", b"whole")
    assert not stale.exists() and live.exists()
    assert (tmp_path / "out.png").read_bytes() == b"whole"


def _children(pid: int) -> list[int]:
    out = []
    for stat in os.listdir("/proc"):
        if stat.isdigit():
            try:
                fields = open(f"/proc/{stat}/stat").read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(stat))
    return out


def _alive(pid: int) -> bool:
    try:
        state = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


# -- 7. every user-controlled size is capped before anything is allocated ----------------------------

def test_frames_and_animation_memory_are_capped(write_sketch, tmp_path, run_cli):
    from gencraft.sketch import load_sketch

    with pytest.raises(UserError, match=r"FRAMES = 10000000: expected a whole number of frames from 1 to 10,000"):
        load_sketch(write_sketch("FRAMES = 10**7\ndef draw(c, rng, p, t):\n    pass\n"))
    big = write_sketch("FRAMES = 5000\ndef draw(c, rng, p, t):\n    c.background('#fff')\n", "big.py")
    res = run_cli("render", big, "-o", tmp_path / "a.gif", "--size", "1000x1000")
    assert res.returncode == 2 and "GiB of pixels" in res.stderr


def test_simulate_and_crops_are_capped(write_sketch, run_cli):
    res = run_cli("edition", write_sketch(DOTS), "--simulate", "100000000")
    assert res.returncode == 2 and "from 1 to 1,000,000" in res.stderr
    pytest.importorskip("torch")
    from gencraft.ml.clip.model import load_clip

    import numpy as np
    with pytest.raises(UserError, match="crops 100000: expected 0 to 64"):
        load_clip("tiny").score([np.zeros((8, 8, 3), np.uint8)], "a tree", crops=100000)


# -- 4, 5 in pools: editions and searches stop a hung or exiting sketch with one line ----------------

HANGS_IN_NUMBA = '''
import numpy as np
from numba import njit

@njit
def spin(a):
    i = 0
    while a[0] >= 0:          # never false: a[0] only grows
        a[i % a.size] += 1.0
        i += 1

def draw(c, rng, p):
    spin(np.zeros(4))
'''
HANGS_IN_PYTHON = "def draw(c, rng, p):\n    while True:\n        pass\n"


@pytest.mark.parametrize("source", [HANGS_IN_PYTHON, HANGS_IN_NUMBA])
def test_edition_stops_a_hung_token_at_the_time_limit(write_sketch, tmp_path, run_cli, source):
    out = tmp_path / "ed"
    res = run_cli("edition", write_sketch(source), "--count", "2", "--collection-seed", "1", "--size", "32",
                  "--out", out, "--workers", "1", "--timeout", "3", "--quiet", timeout=120)
    assert res.returncode == 2, res.stderr
    assert "the render did not finish within the time limit of 3 s" in res.stderr and "token #" in res.stderr
    assert "Traceback" not in res.stderr


def test_edition_worker_that_exits_is_one_line(write_sketch, tmp_path, run_cli):
    res = run_cli("edition", write_sketch(HARD_EXIT), "--count", "3", "--collection-seed", "1", "--size", "32",
                  "--out", tmp_path / "ed", "--workers", "2", "--quiet", timeout=120)
    assert res.returncode == 2 and "did the sketch call os._exit(), or crash?" in res.stderr
    assert "Traceback" not in res.stderr and "BrokenProcessPool" not in res.stderr


def test_search_renders_have_a_time_limit_too(write_sketch):
    from gencraft.errors import SketchError
    from gencraft.ml.search.render_batch import BatchRenderer
    from gencraft.sketch import load_sketch

    sk = load_sketch(write_sketch(HANGS_IN_PYTHON))
    with BatchRenderer(sk, (32, 32), workers=1, timeout=2) as renderer:
        with pytest.raises(SketchError, match="seed 5: the render did not finish within the time limit of 2 s"):
            renderer([{}], [5])


def test_loading_a_sketch_that_loops_is_bounded_for_every_command(write_sketch, run_cli, tmp_path):
    res = run_cli("edition", write_sketch(LOOPS_AT_IMPORT), "--simulate", "10", "--timeout", "2", timeout=60)
    assert res.returncode == 2 and "loading the sketch did not finish within the time limit of 2 s" in res.stderr


def test_live_worker_dies_with_the_server_even_on_sigkill(write_sketch, tmp_path):
    import signal
    import time

    sketch = write_sketch("def draw(c, rng, p):\n    while True:\n        pass\n")
    server = subprocess.Popen([sys.executable, "-m", "gencraft", "live", str(sketch), "--port", "0",
                               "--out", str(tmp_path / "out"), "--timeout", "600"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        workers = []
        while time.time() < deadline and not workers:
            time.sleep(0.3)
            workers = [pid for pid in _children(server.pid) if b"gencraft.live.worker" in
                       open(f"/proc/{pid}/cmdline", "rb").read()]
        assert workers, "the live worker never started"
        time.sleep(1.0)  # it is now spinning in draw()
        server.send_signal(signal.SIGKILL)
        server.wait(10)
        deadline = time.time() + 10
        while time.time() < deadline and any(_alive(pid) for pid in workers):
            time.sleep(0.2)
        assert not any(_alive(pid) for pid in workers)
    finally:
        if server.poll() is None:
            server.kill()


def test_sizes_given_as_tuples_are_capped_too():
    from gencraft.render import parse_size, render

    assert parse_size((640, 480)) == (640, 480)
    with pytest.raises(UserError, match="at most 32767 pixels a side"):
        parse_size((40000, 10))
    with pytest.raises(UserError, match="200,000,000 pixels in all"):
        render("sketches/flow.py", None, seed=1, size=(32000, 32000))
    with pytest.raises(UserError, match="whole pixels"):
        parse_size((1.5, 2))
