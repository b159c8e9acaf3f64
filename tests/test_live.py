"""gencraft live without a browser: worker, scheduler, variants, server routes, CLI."""
from __future__ import annotations

import random
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest

from gencraft.errors import UserError
from gencraft.live.outputs import next_free_stem, safe_stem
from gencraft.live.scheduler import RenderScheduler, Request
from gencraft.live.server import LiveSession, RunningServer, bind_socket
from gencraft.live.variants import grid_cells, neighbour_seeds, random_value, step_seed
from gencraft.live.worker import SketchCache, WorkerProcess, render_job, tolerant_resolve
from gencraft.provenance import read_recipe
from gencraft.render import render

RINGS = '''"""Rings — concentric circles."""
import time
from gencraft import Float, Int, Bool, Choice, Colour

SIZE = (120, 90)
radius = Float(0.4, 0.1, 0.5, step=0.01, help="outer radius")
rings = Int(6, 1, 30)
filled = Bool(False)
mood = Choice("warm", ["warm", "cool"])
paper = Colour("#f4efe6")
nap = Float(0.0, 0.0, 5.0)          # seconds to sleep: a slow sketch on demand
hang = Bool(False)                   # never return: for the time limit

def draw(c, rng, p):
    time.sleep(p.nap)
    while p.hang:
        pass
    c.background(p.paper)
    col = "#c8553d" if p.mood == "warm" else "#3d7ac8"
    for k in range(p.rings):
        c.stroke(col, width=2)
        c.circle(c.center[0] + rng.normal() * 3, c.center[1], p.radius * c.min_side * (k + 1) / p.rings)
'''

BROKEN_DRAW = RINGS.replace("    c.background(p.paper)", "    c.background(p.paper)\n    1 / 0")

ANIMATED = '''"""Pulse — one growing disc."""
SIZE = (64, 64)
FRAMES = 5
FPS = 10

def draw(c, rng, p, t):
    c.background("#101010")
    c.fill("#e0a458")
    c.circle(32, 32, 4 + 24 * t)
'''


def line_of(source: str, text: str) -> int:
    return next(i for i, line in enumerate(source.splitlines(), 1) if text in line)


BAD_LINE = line_of(BROKEN_DRAW, "1 / 0")
DRAW_LINE = line_of(RINGS, "def draw")


def wait_for(fn, timeout=30.0, every=0.05):
    """Poll `fn` until it returns something truthy (renders run in another process)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = fn()
        if value:
            return value
        time.sleep(every)
    raise AssertionError("condition not met in time")


# ------------------------------------------------------------------ variants
def test_step_seed_counts_integers_and_suffixes_strings():
    assert step_seed("41", 1) == "42"
    assert step_seed("0", -1) == "-1"
    assert step_seed("storm", 1) == "storm-1"
    assert step_seed("storm-3", 1) == "storm-4"
    assert step_seed("storm-1", -1) == "storm"
    assert neighbour_seeds("10", 9) == [str(s) for s in range(6, 15)]
    assert neighbour_seeds("sea", 3) == ["sea", "sea-1", "sea-2"]


def test_random_params_respect_ranges_steps_and_locks():
    params = [
        {"name": "a", "kind": "float", "min": 0.2, "max": 0.8, "step": 0.1, "default": 0.5},
        {"name": "n", "kind": "int", "min": 2, "max": 12, "step": 2, "default": 4},
        {"name": "b", "kind": "bool", "default": True},
        {"name": "ch", "kind": "choice", "options": ["x", "y", 3], "default": "x"},
        {"name": "col", "kind": "colour", "default": "#000000"},
    ]
    values = {"a": 0.5, "n": 4, "b": True, "ch": "x", "col": "#123456"}
    cells = grid_cells("params", 30, "7", values, params, locked={"col"}, lock_seed=True, rnd=random.Random(1))
    assert len(cells) == 30
    assert {c["seed"] for c in cells} == {"7"}
    assert {c["overrides"]["col"] for c in cells} == {"#123456"}
    floats = [c["overrides"]["a"] for c in cells]
    assert all(0.2 <= x <= 0.8 and abs(round((x - 0.2) / 0.1) * 0.1 + 0.2 - x) < 1e-9 for x in floats)
    assert len(set(floats)) > 2
    assert all(c["overrides"]["n"] in (2, 4, 6, 8, 10, 12) for c in cells)
    assert {c["overrides"]["ch"] for c in cells} <= {"x", "y", 3}
    unlocked_seeds = grid_cells("params", 6, "7", values, params, lock_seed=False, rnd=random.Random(2))
    assert len({c["seed"] for c in unlocked_seeds}) > 1
    assert random_value(params[4], random.Random(3)).startswith("#")
    with pytest.raises(ValueError):
        grid_cells("nope", 4, "1", values, params)


def test_output_names_never_collide(tmp_path):
    assert safe_stem("a/../b c") == "a-..-b-c"
    assert next_free_stem(tmp_path, "sk_1") == "sk_1_001"
    (tmp_path / "sk_1_001.png").write_bytes(b"x")
    (tmp_path / "sk_1_002.json").write_bytes(b"x")
    assert next_free_stem(tmp_path, "sk_1") == "sk_1_003"


# -------------------------------------------------------------------- worker
def test_values_survive_a_sketch_edit_where_the_parameter_still_exists(write_sketch):
    path = write_sketch(RINGS)
    cache = SketchCache(path)
    first = render_job(cache, {"overrides": {"rings": 12, "mood": "cool"}, "seed": "3"})
    assert first["values"]["rings"] == 12 and first["dropped"] == []
    # The edit removes `mood` and narrows `rings` to [1, 10]: both fall back, `radius` survives.
    path.write_text(RINGS.replace('mood = Choice("warm", ["warm", "cool"])\n', "")
                    .replace('"#c8553d" if p.mood == "warm" else "#3d7ac8"', '"#c8553d"')
                    .replace("Int(6, 1, 30)", "Int(6, 1, 10)"))
    second = render_job(cache, {"overrides": {"rings": 12, "mood": "cool", "radius": 0.2}, "seed": "3"})
    assert sorted(second["dropped"]) == ["mood", "rings"]
    assert second["values"]["radius"] == 0.2 and second["values"]["rings"] == 6
    assert "mood" not in second["values"]
    params, kept, dropped = tolerant_resolve(cache.get(), {"rings": 3, "gone": 1})
    assert params["rings"] == 3 and kept == {"rings": 3} and dropped == ["gone"]


def test_worker_reports_errors_with_file_and_line(write_sketch, tmp_path):
    path = write_sketch(BROKEN_DRAW)
    worker = WorkerProcess(path)
    try:
        status, info = worker.call({"overrides": {}, "seed": "0"}, timeout=60)
        assert status == "error"
        assert info["file"] == str(path) and info["line"] == BAD_LINE
        assert "ZeroDivisionError" in info["message"]
        path.write_text(RINGS.replace("def draw(c, rng, p):", "def draw(c, rng, p)"))  # syntax error
        status, info = worker.call({"overrides": {}, "seed": "0"}, timeout=60)
        assert status == "error" and "SyntaxError" in info["message"] and info["line"] == DRAW_LINE
        path.write_text(RINGS)
        status, result = worker.call({"overrides": {}, "seed": "0"}, timeout=60)
        assert status == "ok" and result["image"].startswith(b"\x89PNG")
        assert worker.started == 1  # errors never cost the warm process
    finally:
        worker.stop()


# ----------------------------------------------------------------- scheduler
def test_newer_requests_supersede_waiting_ones(write_sketch):
    path = write_sketch(RINGS)
    scheduler = RenderScheduler(WorkerProcess(path), timeout=60)
    results, ends = {}, {}
    done = threading.Event()

    def request(name, nap):
        def on_result(i, status, payload):
            results[name] = (status, payload["values"]["nap"] if status == "ok" else payload)

        def on_end(status):
            ends[name] = status
            if name == "last":
                done.set()

        return Request("main", [{"overrides": {"nap": nap}, "seed": "1"}], on_result, on_end)

    try:
        scheduler.submit(request("first", 0.8))
        wait_for(lambda: scheduler.jobs_run == 1)  # "first" is in the worker now
        for k, name in enumerate(["drag1", "drag2", "drag3", "last"]):
            scheduler.submit(request(name, 0.01 * (k + 1)))
        assert done.wait(60)
        assert scheduler.jobs_run == 2  # first (already running) and last: nothing stale in between
        assert results == {"first": ("ok", 0.8), "last": ("ok", 0.04)}
        assert ends == {"first": "done", "drag1": "superseded", "drag2": "superseded", "drag3": "superseded",
                        "last": "done"}
    finally:
        scheduler.close()


def test_render_past_the_time_limit_is_killed_and_the_next_one_works(write_sketch):
    path = write_sketch(RINGS)
    worker = WorkerProcess(path)
    scheduler = RenderScheduler(worker, timeout=1.5, warmup_grace=30)
    got = []
    try:
        for overrides in ({}, {"hang": True}, {}):  # the first warms the worker: the hang gets 1.5 s
            finished = threading.Event()
            scheduler.submit(Request("main", [{"overrides": overrides, "seed": "0"}],
                                     lambda i, s, p: got.append((s, p)), lambda s: finished.set()))
            assert finished.wait(60)
        assert [s for s, _ in got] == ["ok", "timeout", "ok"]
        assert "time limit of 1.5 s" in got[1][1]["message"]
        assert worker.started == 2  # the hung process was killed and replaced
    finally:
        scheduler.close()


# -------------------------------------------------------------------- server
@pytest.fixture
def live(write_sketch, tmp_path):
    path = write_sketch(RINGS)
    session = LiveSession(path, out_dir=tmp_path / "out", timeout=30, watch=False)
    with RunningServer(session) as server:
        client = httpx.Client(base_url=server.url, timeout=30)
        wait_for(lambda: session.current is not None)
        yield session, client, path
        client.close()


def test_serves_only_its_own_files(live):
    session, client, _ = live
    assert client.get("/").status_code == 200
    assert "gencraft live" in client.get("/").text
    assert client.get("/static/app.js").status_code == 200
    rid = session.current.id
    assert client.get(f"/render/{rid}/0.png").content.startswith(b"\x89PNG")
    for bad in ["/static/../server.py", "/static/%2e%2e/server.py", "/static/..%2fserver.py",
                "/static/%2e%2e/%2e%2e/errors.py", "/render/../../etc/passwd", f"/render/{rid}/..%2f0.png",
                "/render/x/0.png", "/render/999/0.png", "/thumb/..%2f..%2fcli.py", "/etc/passwd",
                "/static//etc/passwd", "/static/%2fetc%2fpasswd"]:
        resp = client.get(bad)
        assert resp.status_code == 404, bad
        assert b"def " not in resp.content and b"root:" not in resp.content
    # Another host name (DNS rebinding) and cross-site posts are refused.
    assert client.get("/api/state", headers={"host": "evil.example"}).status_code == 400
    assert client.post("/api/save", content=b"{}", headers={"content-type": "text/plain"}).status_code == 403
    assert client.post("/api/save", json={}, headers={"origin": "http://evil.example"}).status_code == 403


def test_controls_render_save_like_and_grid(live):
    session, client, path = live
    first = session.current.id
    resp = client.post("/api/render", json={"set": {"rings": 20, "mood": "cool"}, "seed": "5"})
    assert resp.status_code == 202
    wait_for(lambda: session.current.id != first and session.current.values["rings"] == 20)
    state = client.get("/api/state").json()
    assert state["values"]["mood"] == "cool" and state["seed"] == "5" and state["error"] is None
    assert client.post("/api/render", json={"seed": "0x12"}).status_code == 400  # not a seed: one line
    raw = client.get(f"/render/{session.current.id}/0.rgba")  # what the page paints: pixels, no encoding
    assert (raw.headers["x-width"], raw.headers["x-height"]) == ("120", "90") and len(raw.content) == 120 * 90 * 4
    saved = client.post("/api/save", json={}).json()
    recipe = read_recipe(saved["png"])
    assert recipe["params"]["rings"] == 20 and recipe["seed"] == "5"
    again = render(path, recipe["params"], "5", tuple(recipe["size"]))
    assert again.png_bytes() == open(saved["png"], "rb").read()  # reproducible, byte for byte
    liked = client.post("/api/like", json={}).json()
    assert "/likes/" in liked["png"] and liked["json"].endswith(".json")
    grid = client.post("/api/grid", json={"mode": "seeds", "rows": 2, "cols": 2}).json()
    assert [c["seed"] for c in grid["cells"]] == ["3", "4", "5", "6"]
    wait_for(lambda: session.grid and all(session.grid["thumbs"]))
    tid = session.grid["thumbs"][3]
    thumb = client.get(f"/thumb/{tid}.png").content
    assert thumb.startswith(b"\x89PNG")
    before = session.current.id
    assert client.post("/api/adopt", json={"grid": grid["id"], "index": 3}).status_code == 202
    wait_for(lambda: session.current.id != before and session.current.seed == "6")
    assert client.post("/api/adopt", json={"grid": 9999, "index": 0}).status_code == 404
    assert client.post("/api/grid", json={"mode": "seeds", "rows": 9, "cols": 9}).status_code == 400


def test_errors_keep_the_last_good_render_and_clear_when_fixed(live):
    session, client, path = live
    good = session.current.id
    path.write_text(BROKEN_DRAW)
    client.post("/api/render", json={"reason": "test"})
    error = wait_for(lambda: client.get("/api/state").json()["error"])
    assert error["line"] == BAD_LINE and error["file"] == str(path) and "ZeroDivisionError" in error["message"]
    assert session.current.id == good
    assert client.get(f"/render/{good}/0.png").status_code == 200
    path.write_text(RINGS)
    client.post("/api/render", json={})
    wait_for(lambda: session.current.id != good)
    assert client.get("/api/state").json()["error"] is None


def test_saving_the_file_re_renders_and_keeps_slider_values(write_sketch, tmp_path):
    import os

    path = write_sketch(RINGS)
    session = LiveSession(path, out_dir=tmp_path / "out", watch=True, overrides={"rings": 11})
    with RunningServer(session) as server, httpx.Client(base_url=server.url, timeout=30) as client:
        first = wait_for(lambda: session.current)
        assert first.values["rings"] == 11 and first.values["paper"] == "#f4efe6"
        time.sleep(0.3)  # let the watcher settle in
        # Save the way many editors do: write a temporary file, rename it over the sketch.
        tmp = path.with_name(".sketch.py.swp~")
        tmp.write_text(RINGS.replace('Colour("#f4efe6")', 'Colour("#202830")'))
        os.replace(tmp, path)
        record = wait_for(lambda: session.current if session.current.id != first.id else None)
        assert record.values["paper"] == "#202830" and record.values["rings"] == 11
        assert session.reloads >= 1 and client.get("/api/state").json()["values"]["paper"] == "#202830"


def test_server_reports_a_hung_render_and_keeps_serving(write_sketch, tmp_path):
    path = write_sketch(RINGS)
    session = LiveSession(path, out_dir=tmp_path / "out", timeout=1.5, watch=False)
    with RunningServer(session) as server, httpx.Client(base_url=server.url, timeout=30) as client:
        good = wait_for(lambda: session.current).id
        client.post("/api/render", json={"set": {"hang": True}})
        error = wait_for(lambda: client.get("/api/state").json()["error"])
        assert error["kind"] == "timeout" and "time limit of 1.5 s" in error["message"]
        assert session.current.id == good and client.get(f"/render/{good}/0.png").status_code == 200
        client.post("/api/render", json={"set": {"hang": False, "rings": 3}})
        wait_for(lambda: session.current.id != good and session.current.values["rings"] == 3)
        assert client.get("/api/state").json()["error"] is None


def test_animated_sketch_renders_every_frame(write_sketch, tmp_path):
    path = write_sketch(ANIMATED, "pulse.py")
    session = LiveSession(path, out_dir=tmp_path / "out", watch=False)
    with RunningServer(session) as server, httpx.Client(base_url=server.url, timeout=30) as client:
        record = wait_for(lambda: session.current if session.current and session.current.complete else None)
        assert len(record.frames) == 5 and record.meta["fps"] == 10
        frames = [client.get(f"/render/{record.id}/{k}.png").content for k in range(5)]
        assert len(set(frames)) == 5  # the disc grows: five different images
        saved = client.post("/api/save", json={}).json()
        assert saved["gif"].endswith(".gif") and read_recipe(saved["png"])["frame"] == 0


# ----------------------------------------------------------------------- CLI
def test_port_taken_is_one_clear_line(write_sketch, run_cli):
    path = write_sketch(RINGS)
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen(1)
    port = holder.getsockname()[1]
    try:
        with pytest.raises(UserError, match=f"port {port} on 127.0.0.1 is already in use"):
            bind_socket("127.0.0.1", port)
        proc = run_cli("live", path, "--port", port, timeout=120)
        assert proc.returncode == 2
        assert proc.stderr.strip().splitlines() == [
            f"error: port {port} on 127.0.0.1 is already in use (another gencraft live?); "
            "choose another with --port, or --port 0 for any free port"]
    finally:
        holder.close()


def test_cli_rejects_bad_input(write_sketch, run_cli, tmp_path):
    path = write_sketch(RINGS)
    proc = run_cli("live", tmp_path / "missing.py")
    assert proc.returncode == 2 and "does not exist" in proc.stderr
    proc = run_cli("live", path, "--timeout", "0")
    assert proc.returncode == 2 and "--timeout" in proc.stderr


# ---------------------------------------------------------------- CLIP prompt
def test_prompt_without_ml_is_one_clear_line(monkeypatch):
    """Where torch is not installed, --prompt says so before starting anything."""
    import importlib.util

    from gencraft.live import scorer

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "torch" else real(name, *a))
    with pytest.raises(UserError, match=r"--prompt needs CLIP scoring, but torch is not available; install"):
        scorer.check_ml_available()


@pytest.mark.ml
@pytest.mark.slow
def test_prompt_scores_each_render_and_thumbnail(write_sketch, tmp_path):
    clip = pytest.importorskip("gencraft.ml.clip.model", reason="gencraft.ml.clip.model is not available")
    try:
        model = clip.load_clip("tiny")
    except Exception as exc:  # noqa: BLE001 - the bundled weights may not be trained yet
        pytest.skip(f"the bundled tiny CLIP cannot be loaded here: {exc}")
    path = write_sketch(RINGS)
    session = LiveSession(path, out_dir=tmp_path / "out", watch=False, prompt="red circles on paper")
    with RunningServer(session) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        record = wait_for(lambda: session.current if session.current and session.current.score is not None
                          else None, timeout=120)
        expected = float(model.score([record.frames[0]], "red circles on paper")[0])
        assert record.score == pytest.approx(expected, abs=1e-6)
        assert client.get("/api/state").json()["render"]["score"] == pytest.approx(expected, abs=1e-6)
        client.post("/api/grid", json={"mode": "seeds", "rows": 1, "cols": 2})
        wait_for(lambda: session.grid and all(session.grid["thumbs"]) and all(
            session.thumbs[t]["score"] is not None for t in session.grid["thumbs"]), timeout=120)
        saved = client.post("/api/save", json={}).json()
        doc = __import__("json").loads(open(saved["json"]).read())
        assert doc["prompt"] == "red circles on paper" and doc["clip_score"] == pytest.approx(expected, abs=1e-6)


def test_cli_serves_on_loopback_and_stops_on_ctrl_c(write_sketch, tmp_path):
    import signal
    import subprocess
    import sys

    path = write_sketch(RINGS)
    proc = subprocess.Popen([sys.executable, "-m", "gencraft", "live", str(path), "--port", "0", "-p", "rings=9",
                             "--out", str(tmp_path / "keep")], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("gencraft live: http://127.0.0.1:"), line
        url = line.split()[2]
        with httpx.Client(base_url=url, timeout=30) as client:
            state = wait_for(lambda: (s := client.get("/api/state").json())["render"] and s)
            assert state["values"]["rings"] == 9 and state["out_dir"] == str(tmp_path / "keep")
        proc.send_signal(signal.SIGINT)
        assert proc.wait(30) in (0, 130)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


VARYING_RINGS = '''"""Rings with a palette from the hash."""
from gencraft import Choice, Int

tone = Choice("ink", ["ink", "sea", "ember", "moss"], weights=[1, 1, 1, 1], help="colour")
rings = Int(6, 2, 30, help="how many rings")

def draw(c, rng, p):
    c.background("#ffffff")
    col = {"ink": "#111111", "sea": "#0b3954", "ember": "#e4572e", "moss": "#5b8c3a"}[p.tone]
    c.no_fill().stroke(col, width=2)
    for k in range(p.rings):
        c.circle(c.width / 2, c.height / 2, 3 + 4 * k)
'''


def test_live_shows_drawn_values_and_neighbour_seeds_draw_their_own(write_sketch, tmp_path):
    path = write_sketch(VARYING_RINGS)
    session = LiveSession(path, out_dir=tmp_path / "out", timeout=30, watch=False)
    with RunningServer(session) as server:
        client = httpx.Client(base_url=server.url, timeout=30)
        wait_for(lambda: session.current is not None)
        state = client.get("/api/state").json()
        assert state["drawn"] == ["tone"]
        grid = client.post("/api/grid", json={"mode": "seeds", "rows": 2, "cols": 3}).json()
        assert all("tone" not in c["overrides"] for c in grid["cells"])  # each neighbour draws its own palette
        client.post("/api/render", json={"set": {"tone": "moss"}})  # pinning: the page's "hash" button
        wait_for(lambda: session.overrides.get("tone") == "moss" and session.values.get("tone") == "moss")
        wait_for(lambda: session.drawn == [])
        grid = client.post("/api/grid", json={"mode": "seeds", "rows": 1, "cols": 2}).json()
        assert all(c["overrides"]["tone"] == "moss" for c in grid["cells"])
        client.close()


def test_json_with_infinity_or_nan_is_a_400_not_a_500(live):
    """Issue 19 item 13: Python's json reads Infinity and NaN; the server must not."""
    session, client, _ = live
    headers = {"content-type": "application/json"}
    for body in (b'{"set": {"radius": Infinity}}', b'{"set": {"rings": NaN}}', b'{"seed": "1", "x": -Infinity}',
                 b'{"set": {"radius": 1e400}}'):
        resp = client.post("/api/render", content=body, headers=headers)
        assert resp.status_code == 400 and "NaN or Infinity" in resp.json()["error"], resp.text
    resp = client.post("/api/grid", content=b'{"mode": "seeds", "rows": 1e400, "cols": 2}', headers=headers)
    assert resp.status_code == 400, resp.text
    resp = client.post("/api/render", content=b"[" * 100_000 + b"]" * 100_000, headers=headers)
    assert resp.status_code == 400, resp.text
    state = client.get("/api/state")
    assert state.status_code == 200 and "Infinity" not in state.text and "radius" not in state.json()["overrides"]


# ------------------------------------------------------------ learned taste
@pytest.mark.parametrize("hidden,what", [("torch", "torch"), ("sklearn", "scikit-learn")])
def test_taste_without_ml_is_one_line_and_exit_2(write_sketch, tmp_path, hidden, what):
    """`gencraft live --taste` on a core install: one line naming what is missing, exit 2, no server."""
    import subprocess
    import sys

    path = write_sketch(RINGS)
    code = (f"import sys\nsys.modules[{hidden!r}] = None\nfrom gencraft.cli import main\n"
            f"main(['live', {str(path)!r}, '--port', '0', '--taste', {str(tmp_path / 'likes')!r}])\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 2, out
    assert out.stderr.strip().splitlines() == [
        f"error: --taste needs CLIP embeddings and scikit-learn, but {what} is not available; "
        "install the ml extra (pip install 'gencraft[ml]') or leave out --taste"], out.stderr
    assert out.stdout == ""  # no server was started


def _tone_seeds(path, tone: str, n_tone: int, n_other: int, start: int) -> tuple[list[int], list[int]]:
    """Seeds whose hash draws `tone` (and seeds that draw another tone) for VARYING_RINGS."""
    from gencraft.seeds import parse_seed
    from gencraft.sketch import load_sketch

    sk = load_sketch(path)
    base = sk.resolve({})
    hits, others = [], []
    s = start
    while len(hits) < n_tone or len(others) < n_other:
        drawn = sk.for_token(base, parse_seed(s))["tone"]
        if drawn == tone and len(hits) < n_tone:
            hits.append(s)
        elif drawn != tone and len(others) < n_other:
            others.append(s)
        s += 1
    return hits, others


@pytest.mark.ml
def test_variant_grid_orders_by_taste_and_refits_on_like_and_skip(write_sketch, tmp_path):
    """A collector who likes the ember palette: the grid's ember variants come first, scores descending."""
    pytest.importorskip("sklearn")
    pytest.importorskip("open_clip")
    from gencraft.ml.search.taste import like_images
    from gencraft.seeds import parse_seed
    from gencraft.sketch import load_sketch

    path = write_sketch(VARYING_RINGS, "rings.py")
    liked, skipped = _tone_seeds(path, "ember", 5, 10, 1000)
    shots = tmp_path / "shots"
    shots.mkdir()
    for s in liked + skipped:
        render(path, {}, s, (96, 96)).save(shots / f"rings-{s}.png")
    likes = tmp_path / "likes"
    like_images([shots / f"rings-{s}.png" for s in liked], likes)
    like_images([shots / f"rings-{s}.png" for s in skipped], likes, skip=True)

    # a 3x3 neighbourhood (seeds the head never saw) with both ember and other variants
    sk = load_sketch(path)
    base = sk.resolve({})
    tone = {s: sk.for_token(base, parse_seed(s))["tone"] for s in range(0, 200)}
    centre = next(c for c in range(4, 196) if 1 <= sum(tone[s] == "ember" for s in range(c - 4, c + 5)) <= 4)

    session = LiveSession(path, size=(96, 96), seed=str(centre), out_dir=tmp_path / "out", timeout=60, watch=False,
                          taste=likes)
    assert session.likes_dir == likes
    with RunningServer(session) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        wait_for(lambda: session.current is not None, timeout=120)
        state = wait_for(lambda: (s := client.get("/api/state").json())["taste"]["ready"] and s, timeout=180)
        assert state["taste"]["status"].startswith("taste from 5 likes vs 10 skips"), state["taste"]
        assert state["likes_dir"] == str(likes.resolve())
        client.post("/api/grid", json={"mode": "seeds", "rows": 3, "cols": 3})

        def scored():
            doc = client.get("/api/variants", params={"order": "taste"}).json()
            return doc if len(doc["variants"]) == 9 and all(v["taste"] is not None for v in doc["variants"]) else None

        doc = wait_for(scored, timeout=180)
        scores = [v["taste"] for v in doc["variants"]]
        assert scores == sorted(scores, reverse=True) and all(0 <= x <= 1 for x in scores)
        ember = [v for v in doc["variants"] if tone[int(v["seed"])] == "ember"]
        other = [v for v in doc["variants"] if tone[int(v["seed"])] != "ember"]
        assert ember and other
        assert [v["seed"] for v in doc["variants"][:len(ember)]] == [v["seed"] for v in ember], doc
        assert min(v["taste"] for v in ember) > max(v["taste"] for v in other)
        by_seed = client.get("/api/variants", params={"order": "seed"}).json()["variants"]
        assert [v["index"] for v in by_seed] == list(range(9))
        assert [v["seed"] for v in by_seed] == [str(s) for s in range(centre - 4, centre + 5)]
        assert client.get("/api/variants", params={"order": "colour"}).status_code == 400

        # Skip on the page writes into the taste folder's skipped/, refits, and the grid is scored again
        version = state["taste"]["version"]
        paths = client.post("/api/skip", json={}).json()
        assert Path(paths["png"]).parent == likes / "skipped"
        state = wait_for(lambda: (s := client.get("/api/state").json())["taste"]["version"] > version and s,
                         timeout=120)
        assert "vs 11 skips" in state["taste"]["status"], state["taste"]
        wait_for(scored, timeout=180)
        # ...and liking the same render takes it out of skipped/: the last word counts
        paths = client.post("/api/like", json={}).json()
        png = Path(paths["png"]).read_bytes()
        assert Path(paths["png"]).parent == likes
        assert not any(p.read_bytes() == png for p in (likes / "skipped").glob("*.png"))
        wait_for(lambda: "6 likes vs 10 skips" in client.get("/api/state").json()["taste"]["status"], timeout=120)
