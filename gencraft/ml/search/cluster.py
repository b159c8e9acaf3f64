"""Searches on a Dask cluster: renders go to the workers, scoring stays here.

``rank_seeds(..., scheduler=ADDRESS)`` and ``explore(..., scheduler=ADDRESS)``
(``--scheduler`` on the command line; tpe, cma, random and ``--atlas``) swap
the local :class:`~gencraft.ml.search.render_batch.BatchRenderer` for a
:class:`DaskRenderer` with the same interface: a batch of (parameters, seed)
is cut into tasks, the tasks run on the cluster's workers (each render under
the per-render time limit, see :mod:`.worker_render`), and the renders come
back in the order asked. The objective (CLIP) is called here, on the whole
batch, exactly as in a local run.

What holds, and how:

* **Identical results.** A render depends only on the sketch source, its
  parameters, the seed and the size, so a render on a worker is byte-identical
  to one made here; the batches scored are the same batches in the same order.
  So ``rank`` gives the same ranking and scores, and ``explore`` (tpe, cma,
  random, atlas) the same trials in the same order with the same scores, as a
  local run with the same seeds, budget and batch — exactly, not statistically.
  (Two *processes* sharing one study interleave their trials by timing; that
  is only statistically the same search, on a cluster or not.)
* **Faults.** A worker that dies loses nothing: the scheduler re-runs its
  tasks on the others (Dask's ``distributed.scheduler.allowed-failures``,
  3 by default, before a task that keeps killing workers is reported). A render
  that passes the time limit or ends its process raises the same one-line
  error as a local run; so does a render that keeps killing workers.
* **Back-pressure.** ``rank`` keeps a few batches in flight (enough to give
  every worker thread work while this process scores), never the whole seed
  list, so memory here stays flat; the progress bar shows renders queued on
  the cluster and its workers.
"""
from __future__ import annotations

import math
from collections import deque
from typing import Any, Iterable, Iterator, Mapping, Sequence

from gencraft.errors import SketchError, UserError
from gencraft.params import Params
from gencraft.render import Render
from gencraft.seeds import parse_seed
from gencraft.timelimit import DEFAULT_RENDER_TIMEOUT, check_timeout


class DaskRenderer:
    """Callable like BatchRenderer: (params list, seeds) -> list of :class:`Render`, rendered on Dask.

    ``submit`` starts a batch and returns a handle; ``gather(handle)`` waits for
    it. scheduler: an address (tcp://host:8786) or a ``distributed.Client``.
    """

    def __init__(self, sketch, size: tuple[int, int], scheduler: Any,
                 timeout: float | None = DEFAULT_RENDER_TIMEOUT):
        from gencraft.editions.backends import _client

        self.sketch, self.size = sketch, tuple(size)
        self.timeout = check_timeout(timeout)
        self.client, self._own = _client(scheduler)
        self._queued = 0
        self._source = bytes(sketch.source)

    # ------------------------------------------------------------------ the cluster
    def threads(self) -> int:
        """Worker threads on the cluster now (at least 1)."""
        try:
            return max(1, sum(self.client.nthreads().values()))
        except Exception:  # noqa: BLE001 - a scheduler hiccup must not stop a search
            return 1

    def status(self) -> dict:
        """For the progress bar: renders queued on the cluster by this search, and its workers."""
        try:
            workers = len(self.client.nthreads())
        except Exception:  # noqa: BLE001
            workers = 0
        return {"queued": self._queued, "workers": workers}

    # ------------------------------------------------------------------ rendering
    def submit(self, params_list: Sequence[Mapping[str, Any]], seeds: Sequence[Any]):
        from gencraft.ml.search.worker_render import render_many

        params_list = [p if isinstance(p, Params) else self.sketch.resolve(p) for p in params_list]
        seeds = list(seeds)
        # Only what is held goes to the worker: varying parameters left to the hash are drawn there.
        items = [(dict(self.sketch.held(p)), s) for p, s in zip(params_list, seeds)]
        per = max(1, min(8, len(items) // (2 * self.threads()) or 1))
        futures = [self.client.submit(render_many, str(self.sketch.path), self._source, self.size,
                                      items[i:i + per], self.timeout, pure=False)
                   for i in range(0, len(items), per)]
        self._queued += len(items)
        return params_list, seeds, futures, [len(items[i:i + per]) for i in range(0, len(items), per)]

    def gather(self, handle) -> list[Render]:
        from distributed import KilledWorker

        params_list, seeds, futures, _ = handle
        out: list[Render] = []
        try:
            for fut in futures:
                try:
                    chunk = fut.result()
                except KilledWorker as exc:
                    raise SketchError(f"renders of {self.sketch.name} kept ending Dask workers ({exc}): does the "
                                      "sketch run out of memory, or crash?") from None
                fut.release()
                for rgba, recipe in chunk:
                    p, s = params_list[len(out)], seeds[len(out)]
                    seed = parse_seed(s)
                    out.append(Render(rgba, recipe, self.sketch, self.sketch.for_token(p, seed), seed))
                    self._queued -= 1
        except BaseException:
            self.cancel(handle)
            raise
        return out

    def cancel(self, handle) -> None:
        _, _, futures, sizes = handle
        pending = [(f, n) for f, n in zip(futures, sizes) if not f.done()]
        if pending and self.client is not None:
            try:
                self.client.cancel([f for f, _ in pending])
            except Exception:  # noqa: BLE001 - the cluster may already be gone
                pass
        self._queued = max(0, self._queued - sum(n for _, n in pending))

    def __call__(self, params_list: Sequence[Mapping[str, Any]], seeds: Sequence[Any]) -> list[Render]:
        return self.gather(self.submit(params_list, seeds))

    def close(self) -> None:
        if self._own and self.client is not None:
            self.client.close()
        self.client = None

    def __enter__(self) -> "DaskRenderer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def make_renderer(sketch, size, workers: int = 1, timeout: float | None = DEFAULT_RENDER_TIMEOUT,
                  scheduler: Any = None):
    """A DaskRenderer when given a scheduler, else the local BatchRenderer with `workers` processes."""
    if scheduler is not None and str(scheduler).strip() == "":
        raise UserError("--scheduler '': expected a Dask scheduler address such as tcp://10.0.0.5:8786")
    if scheduler is not None:
        return DaskRenderer(sketch, size, scheduler, timeout)
    from gencraft.ml.search.render_batch import BatchRenderer

    return BatchRenderer(sketch, size, workers, timeout)


def render_ahead(renderer, jobs: Iterable[tuple[Sequence, Sequence]], batch: int) -> Iterator[list[Render]]:
    """Renders of each (params list, seeds) job, in order, with later jobs already rendering.

    A renderer with ``submit``/``gather`` (a cluster) gets enough jobs in flight to
    keep every worker thread busy while the caller scores; others render one job
    at a time. Only a few jobs are ever queued, so a long seed list costs no memory.
    """
    if not hasattr(renderer, "submit"):
        for params, seeds in jobs:
            yield renderer(params, seeds)
        return
    ahead = max(2, math.ceil(3 * renderer.threads() / max(1, batch)))
    todo = iter(jobs)
    inflight: deque = deque()
    try:
        for job in todo:
            inflight.append(renderer.submit(*job))
            if len(inflight) >= ahead:
                break
        while inflight:
            renders = renderer.gather(inflight.popleft())
            nxt = next(todo, None)
            if nxt is not None:
                inflight.append(renderer.submit(*nxt))
            yield renders
    finally:
        for handle in inflight:
            renderer.cancel(handle)


def progress_postfix(renderer) -> dict:
    """Extra progress-bar fields for a cluster renderer ({} for a local one)."""
    return renderer.status() if hasattr(renderer, "status") else {}
