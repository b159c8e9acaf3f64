"""Seed ranking on a Dask cluster against the local process pool, and how it scales.

Measured: ``rank_seeds`` of 2,000 seeds of sketches/shapes.py at 224x224 on a
``LocalCluster`` of 2 single-thread workers against the same call with local
``workers=2``, on the same machine in the same run; both score with a pixel
objective here so that only the rendering path differs (CLIP scoring is the
same code in both). The ratio is the cluster's overhead on one machine: task
scheduling, the time-limit helper's pipe, and moving every 200 KB render to
the client. The two are interleaved (harness.compare: a warm-up call of each,
kept apart as the first-call time -- it starts the local pool's and each
worker's render helper -- then A B A B with the cluster up throughout); the
ratio is the median of per-pair ratios with min-max.

Modelled: :func:`simulate` replays ``render_ahead``'s batch scheduling (batches
of B renders cut into tasks, a window of batches in flight, the client
receiving each render and scoring each batch in turn) for W worker threads,
with the per-render, per-task and scoring costs measured here. It says where a
real cluster stops scaling: when the client's scoring or its network link, not
the workers, is the bottleneck.
"""
from __future__ import annotations

import heapq
import math
import time
from pathlib import Path

import numpy as np

from benchmarks.harness import Result, compare

SHAPES = Path(__file__).resolve().parent.parent / "sketches" / "shapes.py"
SIZE = (224, 224)
BATCH = 32


def redness(images):
    return np.array([(im[..., 0].astype(float) - 0.5 * (im[..., 1].astype(float) + im[..., 2])).mean()
                     for im in images])


def _rank(seeds: int, **kw) -> tuple[float, object]:
    from gencraft.ml.search.rank import rank_seeds

    t0 = time.perf_counter()
    result = rank_seeds(SHAPES, f"0..{seeds - 1}", "red", top=8, size=SIZE, batch=BATCH, objective=redness,
                        progress=False, **kw)
    return time.perf_counter() - t0, result


def simulate(n: int, threads: int, render_s: float, task_s: float, score_s: float, receive_s: float,
             batch: int = BATCH) -> float:
    """Seconds to rank `n` seeds on `threads` worker threads, replaying render_ahead's scheduling.

    render_s: one render on a worker; task_s: fixed cost of one task (scheduling,
    helper round trip); score_s: scoring one batch on the client; receive_s: the
    client receiving one render (deserialising, network).
    """
    per = max(1, min(8, batch // (2 * threads) or 1))
    ahead = max(2, math.ceil(3 * threads / batch))
    free = [0.0] * threads  # when each worker thread is next free
    heapq.heapify(free)
    nbatches = math.ceil(n / batch)

    def submit(k: int, at: float) -> float:
        size = min(batch, n - k * batch)
        done = at
        for start in range(0, size, per):
            t = max(heapq.heappop(free), at)
            end = t + task_s + render_s * min(per, size - start)
            heapq.heappush(free, end)
            done = max(done, end)
        return done

    ready = {k: submit(k, 0.0) for k in range(min(ahead, nbatches))}
    clock = 0.0
    for k in range(nbatches):
        clock = max(clock, ready.pop(k)) + receive_s * min(batch, n - k * batch)
        if k + ahead < nbatches:
            ready[k + ahead] = submit(k + ahead, clock)
        clock += score_s
    return clock


def _score_time() -> float:
    """One batch of 224x224 renders scored by the tiny CLIP on this CPU (0 without torch)."""
    try:
        from gencraft.ml.search.objective import ClipObjective
    except ImportError:
        return 0.0
    try:
        objective = ClipObjective("tiny", "red")
    except Exception:  # noqa: BLE001 - no torch / model: model scoring as free
        return 0.0
    images = [np.zeros((*SIZE, 4), np.uint8)] * BATCH
    objective(images)
    t0 = time.perf_counter()
    objective(images)
    return time.perf_counter() - t0


def run(quick: bool, device: str) -> list[Result]:
    from distributed import LocalCluster

    from gencraft.render import render
    from gencraft.sketch import load_sketch

    n = 200 if quick else 2000
    sk = load_sketch(SHAPES)
    render(sk, {}, 0, SIZE)
    t0 = time.perf_counter()
    for s in range(40):
        render(sk, {}, s, SIZE)
    render_s = (time.perf_counter() - t0) / 40

    got = {}

    def local():
        got["local"] = _rank(n, workers=2)[1]

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        def dask():
            got["dask"] = _rank(n, scheduler=cluster.scheduler_address)[1]

        t = compare(dask, local, repeats=2 if quick else 3)
    assert got["dask"].ranking == got["local"].ranking, "the cluster's ranking differs from the local one"
    tasks = math.ceil(n / BATCH) * math.ceil(BATCH / max(1, min(8, BATCH // 4)))
    # what the cluster costs beyond rendering, per task (2 threads; scoring here is ~free)
    task_s = max(0.0, (t.ours - n * render_s / 2) * 2 / tasks)
    score_s = _score_time()
    receive_s = 224 * 224 * 4 / 100e6  # a render over a 1 Gbit/s link (~100 MB/s), deserialised
    model = {f"sim W={w}": f"{n / simulate(n, w, render_s, task_s, score_s, receive_s):,.0f} seeds/s "
                           f"({n / simulate(n, w, render_s, task_s, 0.0, receive_s):,.0f} with free scoring)"
             for w in (2, 8, 32, 128)}
    return [Result("search", f"rank {n:,} seeds, LocalCluster 2 workers vs local --workers 2",
                   baseline_name="local process pool (--workers 2)", goal=">= 0.5x", timing=t,
                   extra={"seeds/s cluster": n / t.ours, "seeds/s local": n / t.baseline, "ms/render": render_s * 1e3,
                          "ms/task overhead": task_s * 1e3, "ms/CLIP batch": score_s * 1e3, **model})]
