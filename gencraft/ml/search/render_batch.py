"""Render many parameter sets of one sketch, in this process or in a pool.

Searches and seed ranking render hundreds of small images of one sketch;
rendering is plain CPU work, so `workers > 1` spreads it over processes
(spawned, so no torch or thread state is inherited). Renders are deterministic,
so the results do not depend on the number of workers.
"""
from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
import multiprocessing
from typing import Any, Mapping, Sequence

from gencraft.draw.threads import use_one_draw_thread
from gencraft.errors import UserError
from gencraft.params import Params
from gencraft.render import Render, render
from gencraft.seeds import parse_seed
from gencraft.sketch import Sketch, load_sketch

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

    def __init__(self, sketch: Sketch, size: tuple[int, int], workers: int = 1):
        if workers < 1:
            raise UserError(f"workers must be at least 1, got {workers}")
        self.sketch, self.size, self.workers = sketch, tuple(size), int(workers)
        self._pool: ProcessPoolExecutor | None = None

    def __call__(self, params_list: Sequence[Mapping[str, Any]], seeds: Sequence[Any]) -> list[Render]:
        params_list = [p if isinstance(p, Params) else self.sketch.resolve(p) for p in params_list]
        if self.workers == 1 or len(params_list) == 1:
            return [render(self.sketch, p, s, self.size) for p, s in zip(params_list, seeds)]
        pool = self._get_pool()
        futures = [pool.submit(_render_in_worker, dict(p), s) for p, s in zip(params_list, seeds)]
        out = []
        for p, s, fut in zip(params_list, seeds, futures):
            rgba, recipe = fut.result()
            out.append(Render(rgba, recipe, self.sketch, p, parse_seed(s)))
        return out

    def _get_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker, initargs=(str(self.sketch.path), self.sketch.sha256, self.size))
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def __enter__(self) -> "BatchRenderer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
