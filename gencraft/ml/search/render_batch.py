"""Render many parameter sets of one sketch, in this process or in a pool.

Searches and seed ranking render hundreds of small images of one sketch;
rendering is plain CPU work, so `workers > 1` spreads it over processes
(spawned, so no torch or thread state is inherited). Renders are deterministic,
so the results do not depend on the number of workers. With a time limit
(the default) even one worker is a separate process, so a sketch that hangs
or ends its process stops the search with one line instead of hanging it.
"""
from __future__ import annotations

import multiprocessing
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Mapping, Sequence

from gencraft.draw.threads import use_one_draw_thread
from gencraft.errors import UserError
from gencraft.params import Params
from gencraft.render import Render, render
from gencraft.seeds import parse_seed
from gencraft.sketch import Sketch, load_sketch
from gencraft.timelimit import DEFAULT_RENDER_TIMEOUT, TimeLimitedPool, check_timeout

_WORKER: dict[str, Any] = {}


def _init_worker(path: str, sha256: str, size: tuple[int, int]) -> None:
    use_one_draw_thread()
    sketch = load_sketch(path)
    if sketch.sha256 != sha256:
        raise UserError(f"sketch {path!r} changed on disk while the search was starting")
    _WORKER.update(sketch=sketch, size=size)


def _render_in_worker(params: dict, seed: Any) -> tuple:
    r = render(_WORKER["sketch"], params, seed, _WORKER["size"])
    return r.rgba, r.recipe


class BatchRenderer:
    """Callable: list of parameter dicts (and seeds) -> list of :class:`Render`."""

    def __init__(self, sketch: Sketch, size: tuple[int, int], workers: int = 1,
                 timeout: float | None = DEFAULT_RENDER_TIMEOUT):
        if workers < 1:
            raise UserError(f"workers must be at least 1, got {workers}")
        self.sketch, self.size, self.workers = sketch, tuple(size), int(workers)
        self.timeout = check_timeout(timeout)
        self._pool: TimeLimitedPool | None = None

    def __call__(self, params_list: Sequence[Mapping[str, Any]], seeds: Sequence[Any]) -> list[Render]:
        params_list = [p if isinstance(p, Params) else self.sketch.resolve(p) for p in params_list]
        if self.timeout is None and (self.workers == 1 or len(params_list) == 1):
            return [render(self.sketch, p, s, self.size) for p, s in zip(params_list, seeds)]
        pool = self._get_pool()
        # Only what is held goes to the worker: varying parameters left to the hash are drawn there.
        futures = [pool.submit(f"seed {s}", _render_in_worker, self.sketch.held(p), s)
                   for p, s in zip(params_list, seeds)]
        out = []
        try:
            for p, s, fut in zip(params_list, seeds, futures):
                rgba, recipe = fut.result()
                seed = parse_seed(s)
                out.append(Render(rgba, recipe, self.sketch, self.sketch.for_token(p, seed), seed))
        except BrokenProcessPool:
            error = pool.explain("render")
            self.close()
            raise error from None
        return out

    def _get_pool(self) -> TimeLimitedPool:
        if self._pool is None:
            self._pool = TimeLimitedPool(
                self.workers, self.timeout, multiprocessing.get_context("spawn"),
                initializer=_init_worker, initargs=(str(self.sketch.path), self.sketch.sha256, self.size))
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel=True)
            self._pool = None

    def __enter__(self) -> "BatchRenderer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
