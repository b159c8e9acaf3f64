"""Editions across workers: process pool, Dask cluster, kill -9 and resume — byte-identical output."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from gencraft.editions import make_edition

# Slow enough (sleep) that a kill lands mid-edition; still tiny images.
SKETCH = '''"""Grains — speckles whose density is a trait."""
import time
from gencraft import Float

SIZE = (40, 40)
delay = Float(0.0, 0.0, 1.0)

def draw(c, rng, p):
    time.sleep(p.delay)
    c.background("#101014")
    dense = rng.chance(0.4)
    c.fill("#e9b86c").no_stroke()
    for _ in range(60 if dense else 15):
        c.circle(rng.uniform(0, 40), rng.uniform(0, 40), rng.uniform(0.5, 2.5))

def features(rng, p):
    return {"Density": "dense" if rng.chance(0.4) else "sparse"}
'''


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def grains(write_sketch):
    return write_sketch(SKETCH, "grains.py")


@pytest.fixture
def reference(grains, tmp_path):
    out = tmp_path / "ref"
    make_edition(grains, out, 10, collection_seed="par", workers=1, progress=False)
    return tree(out)


@pytest.mark.slow
def test_process_pool_output_is_byte_identical(grains, tmp_path, reference):
    out = tmp_path / "pool"
    rep = make_edition(grains, out, 10, collection_seed="par", workers=2, progress=False, verify=2)
    assert rep.rendered == list(range(10)) and rep.verify.ok
    assert tree(out) == reference


@pytest.mark.slow
def test_dask_cluster_output_is_byte_identical(grains, tmp_path, reference):
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        out = tmp_path / "dask"
        rep = make_edition(grains, out, 10, collection_seed="par", scheduler=cluster.scheduler_address,
                           progress=False)
        assert rep.rendered == list(range(10))
    assert tree(out) == reference


def test_unreachable_scheduler_is_a_user_error(run_cli, grains, tmp_path):
    env = {**os.environ, "DASK_GENCRAFT__SCHEDULER_TIMEOUT": "2s"}
    r = run_cli("edition", grains, "-n", "2", "--out", tmp_path / "e", "--scheduler", "tcp://127.0.0.1:9",
                "--quiet", timeout=120, env=env)
    assert r.returncode == 2 and "cannot reach the Dask scheduler at 'tcp://127.0.0.1:9'" in r.stderr


@pytest.mark.slow
def test_kill_9_leaves_no_partial_file_and_resume_completes(grains, tmp_path):
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "gencraft", "edition", str(grains), "-n", "10", "--out", str(out),
           "--collection-seed", "par", "--workers", "2", "--quiet", "-p", "delay=0.25"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline and len(list((out / "tokens").glob("*.json"))) < 3:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the whole run: coordinator and pool workers
    proc.wait()
    finished = list((out / "tokens").glob("*.json"))
    assert 3 <= len(finished) < 10
    for p in out.rglob("*"):
        if p.is_file() and not p.name.startswith("."):
            if p.suffix == ".json":
                json.loads(p.read_text())
            elif p.suffix in (".png", ".jpg"):
                with Image.open(p) as img:
                    img.load()
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)  # the same command resumes
    assert r.returncode == 0, r.stderr
    assert f"{len(finished)} already finished" in r.stdout
    got = tree(out)
    assert not [k for k in got if Path(k).name.startswith(".")]  # temporary files of the killed run are gone
    fresh = tmp_path / "fresh"
    make_edition(grains, fresh, 10, collection_seed="par", params={"delay": 0.25}, workers=2, progress=False)
    assert got == tree(fresh)


@pytest.mark.slow
def test_sketch_error_in_a_worker_is_reported_and_finished_tokens_kept(run_cli, write_sketch, tmp_path):
    sk = write_sketch(SKETCH.replace('    c.background("#101014")', '    c.background("#101014")\n'
                                     '    if rng.random() < 0.3:\n        raise ValueError("unlucky token")'),
                      "flaky.py")
    out = tmp_path / "ed"
    r = run_cli("edition", sk, "-n", "12", "--out", out, "--collection-seed", "x", "--workers", "2", "--quiet")
    assert r.returncode == 2, r.stderr
    assert "flaky.py:" in r.stderr and "ValueError: unlucky token" in r.stderr and "Traceback" not in r.stderr
    for p in (out / "tokens").glob("*.json"):
        i = p.stem
        assert (out / "tokens" / f"{i}.png").is_file() and (out / "thumbs" / f"{i}.jpg").is_file()
