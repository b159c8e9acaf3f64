"""Where tokens are rendered: in this process, a local process pool, or Dask.

Every backend runs :func:`gencraft.editions.token.render_token` on jobs and
hands each :class:`TokenOutput` to a callback in this process as it arrives
(completion order; the callback writes files, so order does not matter).
A bounded number of jobs is in flight, so memory stays flat for big editions.

The pool uses the "forkserver" start method (or "spawn"): numba's threading
layer is not fork-safe once used, and a clean child is also what a Dask
worker gets, so both paths behave alike.
"""
from __future__ import annotations

import multiprocessing as mp
from concurrent.futures import FIRST_COMPLETED, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Iterable

from gencraft.draw.threads import use_one_draw_thread
from gencraft.errors import UserError
from gencraft.timelimit import DEFAULT_RENDER_TIMEOUT, TimeLimitedPool
from gencraft.editions.token import TokenJob, TokenOutput, render_token

Callback = Callable[[TokenOutput], None]

#: tokens each extra pool worker must have ahead of it to repay its start
TOKENS_PER_WORKER = 4


def _context():
    methods = mp.get_all_start_methods()
    ctx = mp.get_context("forkserver" if "forkserver" in methods else "spawn")
    if ctx.get_start_method() == "forkserver":
        # Warmed once in the server, so each forked worker starts with the renderer loaded.
        ctx.set_forkserver_preload(["gencraft.editions.warm"])
    return ctx


def prestart() -> None:
    """Start the fork server now, so its warm-up overlaps the edition's own preparation.

    The server imports the renderer and numba (about a second) before it can
    fork workers; started early, that happens while traits are computed and
    the output folder is checked instead of after.
    """
    ctx = _context()
    if ctx.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def run_inline(jobs: Iterable[TokenJob], on_result: Callback) -> None:
    """In this process, with no time limit (the library's choice when it passes timeout=None)."""
    for job in jobs:
        on_result(render_token(job))


def run_pool(jobs: list[TokenJob], workers: int, on_result: Callback,
             timeout: float | None = DEFAULT_RENDER_TIMEOUT) -> None:
    """A local process pool of `workers` processes, each token under the time limit `timeout`.

    A token that passes the limit, or whose sketch ends the worker process,
    stops the edition with one line naming it; tokens already finished were
    written and a rerun resumes after them.
    """
    if timeout is None and (workers <= 1 or len(jobs) <= 1):
        return run_inline(jobs, on_result)
    # A worker costs a fork plus loading the sketch's compiled kernels (~0.3-1 s) before
    # its first token: only start one per TOKENS_PER_WORKER tokens, so a small edition on
    # 2 workers is never slower than on 1 (issue 20).
    workers = max(1, min(workers, len(jobs) // TOKENS_PER_WORKER))
    todo = iter(jobs)
    limit = 2 * max(1, workers)
    with TimeLimitedPool(max(1, workers), timeout, _context(), initializer=use_one_draw_thread) as pool:
        pending = set()

        def submit(job: TokenJob):
            pending.add(pool.submit(f"token #{job.index} ({job.hash[:10]}…)", render_token, job))

        try:
            for job in todo:
                submit(job)
                if len(pending) >= limit:
                    break
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    on_result(fut.result())
                    nxt = next(todo, None)
                    if nxt is not None:
                        submit(nxt)
        except BrokenProcessPool:
            for fut in pending:
                fut.cancel()
            raise pool.explain("render") from None
        except BaseException:
            for fut in pending:
                fut.cancel()
            pool.shutdown(cancel=True)
            raise


def _client(scheduler):
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - dask is part of gencraft[editions]
        raise UserError("--scheduler needs dask[distributed]: pip install 'gencraft[editions]'") from None
    if isinstance(scheduler, Client):
        return scheduler, False
    address = str(scheduler)
    try:
        import dask

        timeout = dask.config.get("gencraft.scheduler-timeout", "10s")  # env DASK_GENCRAFT__SCHEDULER_TIMEOUT
        return Client(address, timeout=timeout, set_as_default=False), True
    except (OSError, TimeoutError, ValueError) as exc:
        raise UserError(f"cannot reach the Dask scheduler at {address!r}: {exc}") from None


def run_dask(jobs: list[TokenJob], scheduler, on_result: Callback) -> None:
    """Render on a Dask distributed cluster (`scheduler`: address or Client).

    Workers only compute bytes; files are written here, so the cluster needs
    no access to the output folder.
    """
    from distributed import as_completed

    client, own = _client(scheduler)
    try:
        nworkers = max(1, len(client.scheduler_info().get("workers", {})))
        limit = max(4, 3 * nworkers)
        todo = iter(jobs)
        first = [client.submit(render_token, j, pure=False)
                 for _, j in zip(range(limit), todo)]
        queue = as_completed(first, loop=client.loop)
        try:
            for fut in queue:
                result = fut.result()
                fut.release()
                on_result(result)
                nxt = next(todo, None)
                if nxt is not None:
                    queue.add(client.submit(render_token, nxt, pure=False))
        except BaseException:
            for fut in list(queue.futures) if hasattr(queue, "futures") else []:
                fut.cancel()
            raise
    finally:
        if own:
            client.close()
