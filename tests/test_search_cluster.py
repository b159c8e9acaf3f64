"""Searches at cluster scale: rank, explore and atlas on a Dask LocalCluster (2 workers),
and studies shared through a real PostgreSQL server started here.

The objective is a pixel function (redness), so these test distribution, not CLIP.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import numpy as np
import pytest

from gencraft.errors import SketchError, UserError

from .test_search_objectives import SHAPES, redness

pytest.importorskip("distributed")
pytest.importorskip("optuna")

SMALL = (40, 40)

# Slow enough (sleep) that a worker killed after the first batch still has renders in flight.
SLOW = '''
import time
from gencraft import Float

SIZE = (40, 40)
delay = Float(0.0, 0.0, 1.0)

def draw(c, rng, p):
    time.sleep(p.delay)
    c.background("#101014")
    c.fill("#e9b86c" if rng.chance(0.5) else "#d7263d").no_stroke()
    for _ in range(int(rng.uniform(5, 40))):
        c.circle(rng.uniform(0, 40), rng.uniform(0, 40), rng.uniform(0.5, 4))
'''
HANGS = "def draw(c, rng, p):\n    while True:\n        pass\n"
EXITS = "import os\ndef draw(c, rng, p):\n    os._exit(7)\n"


@pytest.fixture(scope="module")
def cluster():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as lc:
        with Client(lc, set_as_default=False) as client:
            yield lc, client


def same_renders(a, b) -> bool:
    return all(np.array_equal(x.rgba, y.rgba) and x.recipe == y.recipe for x, y in zip(a, b))


# ---------------------------------------------------------------------------------------- rank
@pytest.mark.slow
def test_rank_on_a_cluster_is_the_local_ranking(cluster):
    lc, _ = cluster
    kw = dict(top=5, params={"colour": "red"}, size=SMALL, batch=6, objective=redness, progress=False)
    from gencraft.ml.search.rank import rank_seeds

    local = rank_seeds(SHAPES, "0..29", "red", workers=2, **kw)
    dask = rank_seeds(SHAPES, "0..29", "red", scheduler=lc.scheduler_address, **kw)
    assert dask.ranking == local.ranking  # same seeds, same scores, same order: exactly
    assert [s for s, _, _ in dask.top] == [s for s, _, _ in local.top]
    assert same_renders([r for _, _, r in dask.top], [r for _, _, r in local.top])


@pytest.mark.slow
def test_killing_a_worker_mid_rank_still_ranks_every_seed(cluster, write_sketch):
    """SIGKILL one worker process after the first batch is scored: its tasks are re-run, nothing is lost."""
    from gencraft.ml.search.rank import rank_seeds

    lc, client = cluster
    sketch = write_sketch(SLOW, "slow.py")
    pids = client.run(os.getpid)
    killed = []

    def objective(images):
        if not killed:
            victim = sorted(pids.values())[0]
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)
        return redness(images)

    kw = dict(top=3, params={"delay": 0.05}, size=SMALL, batch=4, progress=False)
    dask = rank_seeds(sketch, "0..23", "x", objective=objective, scheduler=lc.scheduler_address, **kw)
    local = rank_seeds(sketch, "0..23", "x", objective=redness, timeout=None, **kw)
    assert killed and dask.ranking == local.ranking and len(dask.ranking) == 24
    client.wait_for_workers(2, timeout=60)  # the nanny restarted it, for the tests after this one


@pytest.mark.slow
@pytest.mark.parametrize("source, message", [
    (HANGS, "seed 3: the render did not finish within the time limit of 2 s"),
    (EXITS, "the render process ended without an answer"),
], ids=["hangs", "exits"])
def test_a_render_that_hangs_or_exits_on_a_worker_is_one_line(cluster, write_sketch, source, message):
    from gencraft.ml.search.rank import rank_seeds

    lc, _ = cluster
    sketch = write_sketch(source, "bad.py")
    with pytest.raises(SketchError, match=message):
        rank_seeds(sketch, "3", "x", size=(24, 24), objective=redness, progress=False, timeout=2,
                   scheduler=lc.scheduler_address)
    # the worker that ran it is fine: the next search renders normally
    ok = rank_seeds(SHAPES, "0..3", "red", size=(24, 24), objective=redness, progress=False, timeout=30,
                    scheduler=lc.scheduler_address)
    assert len(ok.ranking) == 4


def test_an_unreachable_scheduler_is_a_user_error():
    import dask

    from gencraft.ml.search.rank import rank_seeds

    with dask.config.set({"gencraft.scheduler-timeout": "2s"}):
        with pytest.raises(UserError, match="cannot reach the Dask scheduler at 'tcp://127.0.0.1:9'"):
            rank_seeds(SHAPES, "0..3", "red", objective=redness, progress=False, scheduler="tcp://127.0.0.1:9")


# ------------------------------------------------------------------------------------- explore
@pytest.mark.slow
@pytest.mark.parametrize("algo, atlas", [("tpe", False), ("cma", False), ("random", False), ("random", True)])
def test_explore_on_a_cluster_asks_the_same_trials_in_the_same_order(cluster, algo, atlas):
    from gencraft.ml.search.explore import explore

    lc, _ = cluster
    kw = dict(algo=algo, seed=5, size=SMALL, batch=4, objective=redness, progress=False, top_k=3, atlas=atlas,
              grid=(3, 3))
    local = explore(SHAPES, "red things", 12, timeout=None, **kw)
    dask = explore(SHAPES, "red things", 12, scheduler=lc.scheduler_address, **kw)
    assert dask.trials == local.trials and dask.history == local.history
    assert same_renders([r for _, _, r in dask.best], [r for _, _, r in local.best])


# ------------------------------------------------------------------------------------- PostgreSQL
def _pg_bin() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                      key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return Path(versions[-1]).parent if versions else None


@pytest.fixture(scope="module")
def postgres():
    """A throwaway PostgreSQL server on a free loopback port, its data in a temporary folder.

    initdb refuses to run as root, so as root the server runs as the `postgres`
    user the Debian package creates (`make sysdeps` installs it).
    """
    psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed (pip install 'gencraft[test]')")

    bindir = _pg_bin()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (Debian's postgresql package; `make sysdeps` installs it)")
    prefix: list[str] = []
    root = tempfile.mkdtemp(prefix="gencraft-pg-")
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no `postgres` user to run the server as")
        os.chown(root, user.pw_uid, user.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    data = Path(root) / "data"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    run = dict(check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)
    subprocess.run(prefix + [str(bindir / "initdb"), "-D", str(data), "--auth=trust", "--username=gencraft",
                             "-E", "UTF8", "--no-sync"], **run)
    subprocess.run(prefix + [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(Path(root) / "log"), "-w",
                             "-o", f"-k {data} -h 127.0.0.1 -p {port} -F", "start"], **run)
    try:
        with psycopg.connect(host="127.0.0.1", port=port, user="gencraft", dbname="postgres",
                             autocommit=True) as conn:
            for db in ("shared", "otherapp", "theirs", "fresh"):
                conn.execute(f"CREATE DATABASE {db}")
        yield f"postgresql://gencraft@127.0.0.1:{port}"
    finally:
        subprocess.run(prefix + [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
        shutil.rmtree(root, ignore_errors=True)


def _tables(url: str) -> set[str]:
    import sqlalchemy

    from gencraft.ml.search.study import with_driver

    engine = sqlalchemy.create_engine(with_driver(url))
    try:
        return set(sqlalchemy.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_a_database_with_other_tables_is_refused_and_left_alone(postgres):
    import psycopg

    from gencraft.ml.search.study import open_study

    url = f"{postgres}/otherapp"
    with psycopg.connect(url) as conn:
        conn.execute("CREATE TABLE customers (id serial PRIMARY KEY, name text)")
        conn.execute("INSERT INTO customers (name) VALUES ('Ada')")
    with pytest.raises(UserError, match=r"database of something else \(tables customers\)"):
        open_study(url, "flow:storm", {"sketch": "flow"})
    assert _tables(url) == {"customers"}


def test_a_plain_optuna_study_in_a_database_is_not_adopted(postgres):
    import optuna

    from gencraft.ml.search.study import open_study, with_driver

    url = f"{postgres}/theirs"
    optuna.create_study(study_name="theirs", storage=with_driver(url))
    with pytest.raises(UserError, match="Optuna studies that gencraft did not make"):
        open_study(url, "flow:storm", {"sketch": "flow"})


def test_bad_study_urls_are_one_line(postgres):
    from gencraft.ml.search.study import describe_storage, open_study

    port = postgres.rsplit(":", 1)[1]
    closed = postgres.replace(f":{port}", ":9")
    with pytest.raises(UserError, match=r"study 'postgresql://gencraft@127.0.0.1:9/x': cannot read the database"):
        open_study(f"{closed}/x", "flow:storm", {})
    with pytest.raises(UserError, match="unknown kind of database 'nosuchdb'"):
        open_study("nosuchdb://host/x", "flow:storm", {})
    assert describe_storage("postgresql://ada:secret@db.example/s") == "postgresql://ada:***@db.example/s"
    study = open_study(f"{postgres}/fresh", "flow:storm", {"sketch": "flow"})  # an empty database is fine
    assert study.user_attrs["gencraft_config"] == {"sketch": "flow"}


WORKER = textwrap.dedent('''
    import sys, time
    from pathlib import Path
    import numpy as np
    from gencraft.ml.search.explore import explore

    def redness(images):
        time.sleep(0.15)  # a slow scorer, so that the two searches overlap
        return np.array([(im[..., 0].astype(float) - 0.5 * (im[..., 1].astype(float) + im[..., 2])).mean()
                         for im in images])

    url, seed, folder = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    (folder / f"ready-{seed}").touch()
    while len(list(folder.glob("ready-*"))) < 2:  # start together
        time.sleep(0.02)
    r = explore(sys.argv[4], "red things", 24, seed=seed, study=url, size=(40, 40), batch=2, objective=redness,
                timeout=None, progress=False)
    print(r.evaluated, len(r.history))
''')


@pytest.mark.slow
def test_two_processes_share_one_study_in_postgresql(postgres, tmp_path):
    """Both contribute trials; together exactly the budget, none lost, none evaluated twice."""
    import optuna
    from optuna.trial import TrialState

    from gencraft.ml.search.study import with_driver

    url = f"{postgres}/shared"
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, url, str(seed), str(tmp_path), str(SHAPES)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for seed in (1, 2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err[-2000:] for _, err in outs]
    evaluated = [int(out.split()[0]) for out, _ in outs]
    assert all(n > 0 for n in evaluated), evaluated  # both contributed
    names = optuna.study.get_all_study_names(with_driver(url))
    assert len(names) == 1
    study = optuna.load_study(study_name=names[0], storage=with_driver(url))
    complete = study.get_trials(states=(TrialState.COMPLETE,))
    assert len(complete) == 24 == sum(evaluated)  # none lost, none duplicated
    assert not study.get_trials(states=(TrialState.RUNNING,))
    owners = {t.user_attrs["gencraft_owner"] for t in complete}
    assert len(owners) == 2


@pytest.mark.slow
def test_a_long_local_rank_does_not_stall_the_time_limited_pool():
    """Each pool job reports its start on a pipe; unread, 64 KB of reports (~1,300 jobs) blocked the workers."""
    from gencraft.ml.search.rank import rank_seeds

    result = rank_seeds(SHAPES, "0..1499", "red", size=(8, 8), batch=64, objective=redness, progress=False,
                        workers=1, timeout=60)
    assert len(result.ranking) == 1500
