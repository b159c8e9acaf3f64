"""Quality-diversity exploration: an atlas of good renders that differ from each other.

A search for the single best render keeps finding variations of one idea. An
atlas (MAP-Elites, Mouret & Clune 2015) divides a space of two descriptors of
the render — here ink density and colourfulness, computed from the pixels by
:mod:`gencraft.ml.search.descriptors` — into a grid and keeps, in every cell, the
render that scores best for the prompt. The result is a map: sparse to dense
along x, grey to colourful along y, each cell the best the search found there.

Built on ribs: a ``GridArchive`` over the two descriptors, and either CMA-ME
(``algo="cma"``: two ``EvolutionStrategyEmitter`` with the improvement ranker,
Fontaine et al. 2020) or plain MAP-Elites (any other algo: a
``GaussianEmitter`` mutating archive elites, started from uniform random
solutions). Solutions live in the unit cube and are decoded into parameters by
:meth:`SearchSpace.from_unit` (choices by equal-width bins). Everything is
seeded, so an atlas run is deterministic for its seed.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gencraft.draw.canvas import Canvas
from gencraft.provenance import add_stage
from gencraft.render import Render
from gencraft.ml.search.descriptors import DESCRIPTORS, describe_images
from gencraft.ml.search.space import SearchSpace, params_key

# ink density rarely passes 0.6, colourfulness 0.8; values beyond land in the last cell
RANGES = ((0.0, 0.6), (0.0, 0.8))


@dataclass
class AtlasCell:
    """The best render found in one cell of the grid."""

    index: tuple[int, int]      # (column along ink density, row along colourfulness)
    params: dict
    score: float
    descriptors: tuple[float, float]
    evaluation: int             # 1-based index of the evaluation that found it
    render: Render


@dataclass
class AtlasGrid:
    dims: tuple[int, int]
    ranges: tuple[tuple[float, float], tuple[float, float]]
    labels: tuple[str, str]
    cells: dict[tuple[int, int], AtlasCell] = field(default_factory=dict)
    evaluations: int = 0

    @property
    def coverage(self) -> float:
        """Fraction of the grid's cells holding a render."""
        return len(self.cells) / (self.dims[0] * self.dims[1])

    def to_json(self) -> dict:
        return {"dims": list(self.dims), "ranges": [list(r) for r in self.ranges], "labels": list(self.labels),
                "evaluations": self.evaluations, "coverage": self.coverage,
                "cells": [{"index": list(c.index), "params": c.params, "score": c.score,
                           "descriptors": dict(zip(self.labels, c.descriptors)), "evaluation": c.evaluation}
                          for c in sorted(self.cells.values(), key=lambda c: c.index)]}


def run_atlas(space: SearchSpace, renderer, objective, budget: int, algo: str, seed: int,
              grid: tuple[int, int], batch: int, render_seed: Any, progress: bool, config: dict, top_k: int):
    """Fill an atlas with `budget` evaluations; returns an ExploreResult whose .atlas is the grid."""
    from ribs.archives import GridArchive
    from ribs.emitters import EvolutionStrategyEmitter, GaussianEmitter
    from ribs.schedulers import Scheduler

    from gencraft.ml.search.cluster import progress_postfix
    from gencraft.ml.search.common import ExploreResult, progress_bar

    gx, gy = (int(grid[0]), int(grid[1]))
    d = space.dim
    rng = np.random.default_rng(seed)
    archive = GridArchive(solution_dim=d, dims=(gx, gy), ranges=RANGES, seed=seed)
    bounds = [(0.0, 1.0)] * d
    if algo == "cma":
        per = max(2, batch // 2)
        emitters = [EvolutionStrategyEmitter(archive, x0=rng.uniform(0.2, 0.8, d), sigma0=0.25, ranker="2imp",
                                             es=_numpy_cma_es(), bounds=bounds, batch_size=per,
                                             seed=seed * 7919 + k)
                    for k in range(2)]
    else:
        emitters = [GaussianEmitter(archive, sigma=0.15, initial_solutions=rng.uniform(0.0, 1.0, (batch, d)),
                                    bounds=bounds, batch_size=batch, seed=seed)]
    scheduler = Scheduler(archive, emitters)
    atlas = AtlasGrid((gx, gy), RANGES, (DESCRIPTORS["ink"], DESCRIPTORS["colour"]))
    cache: dict[str, tuple[float, np.ndarray]] = {}
    trials: list[dict] = []
    bar = progress_bar(budget, 0, progress, "atlas")
    stage = {"stage": "atlas", "algo": "cma-me" if algo == "cma" else "map-elites", "seed": seed,
             "budget": budget, **{k: config["objective"][k] for k in ("prompt", "negatives", "model", "metric")}}
    try:
        while len(trials) < budget:
            solutions = scheduler.ask()
            take = min(len(solutions), budget - len(trials))
            params = [space.from_unit(s) for s in solutions[:take]]
            keys = [params_key(p) for p in params]
            new = list(dict.fromkeys(k for k in keys if k not in cache))
            if new:
                by_key = dict(zip(keys, params))
                renders = renderer([by_key[k] for k in new], [render_seed] * len(new))
                images = [r.rgba for r in renders]
                scores = np.nan_to_num(np.asarray(objective(images), dtype=np.float64).reshape(-1), nan=-1e9)
                measures = describe_images(images)
                for k, r, s, m in zip(new, renders, scores, measures):
                    cache[k] = (float(s), m)
                    _offer(atlas, archive, k, r, float(s), m, len(trials) + 1 + keys.index(k), stage)
            scores = np.array([cache[k][0] for k in keys])
            measures = np.array([cache[k][1] for k in keys]).reshape(-1, 2)
            for p, s, m in zip(params, scores, measures):
                trials.append({"number": len(trials), "params": dict(p), "score": float(s),
                               "descriptors": [float(m[0]), float(m[1])]})
            if take == len(solutions):
                scheduler.tell(scores, measures)
            else:  # the budget ends inside this batch: archive what was evaluated, skip the emitters
                archive.add(solutions[:take], scores, measures)
            bar.set_postfix(cells=len(atlas.cells), best=f"{max(c.score for c in atlas.cells.values()):.4g}",
                            **progress_postfix(renderer), refresh=False)
            bar.update(take)
    finally:
        bar.close()
    atlas.evaluations = len(trials)
    elites = sorted(atlas.cells.values(), key=lambda c: (-c.score, c.evaluation))
    best = [(c.params, c.score, c.render) for c in elites[:top_k]]
    return ExploreResult(best=best, history=[t["score"] for t in trials], study_name="atlas", study="memory",
                         algo=algo, config=config, trials=trials, evaluated=len(trials), atlas=atlas)


def _numpy_cma_es():
    """ribs' CMA-ES with its two Numba helpers replaced by the same NumPy expressions.

    ribs jit-compiles them without a cache, which costs 10-30 s in every new
    process; on matrices of a few dozen numbers NumPy is just as fast.
    """
    from ribs.emitters.opt import CMAEvolutionStrategy

    class NumpyCMAEvolutionStrategy(CMAEvolutionStrategy):
        @staticmethod
        def _transform_and_check_sol(unscaled_params, transform_mat, mean, lower_bounds, upper_bounds):
            solutions = (transform_mat @ unscaled_params.T).T + mean[None, :]
            out_of_bounds = (solutions < lower_bounds[None, :]) | (solutions > upper_bounds[None, :])
            return solutions, out_of_bounds

        @staticmethod
        def _calc_cov_update(cov, c1a, cmu, c1, pc, sigma, rank_mu_update, weights):
            rank_one_update = c1 * np.outer(pc, pc)
            return cov * (1 - c1a - cmu * np.sum(weights)) + rank_one_update * c1 + rank_mu_update * cmu / sigma**2

    return NumpyCMAEvolutionStrategy


def _offer(atlas: AtlasGrid, archive, key: str, render: Render, score: float, measures, evaluation: int,
           stage: dict) -> None:
    """Keep `render` as its cell's elite if it beats the one there."""
    flat = archive.index_of_single(measures)
    i, j = (int(v) for v in archive.int_to_grid_index([flat])[0])
    current = atlas.cells.get((i, j))
    if current is not None and current.score >= score:
        return
    desc = (float(measures[0]), float(measures[1]))
    recipe = add_stage(render.recipe, {**stage, "score": score, "cell": [i, j], "evaluation": evaluation,
                                       "descriptors": dict(zip(atlas.labels, desc))})
    atlas.cells[(i, j)] = AtlasCell((i, j), dict(render.params), score, desc, evaluation,
                                    Render(render.rgba, recipe, render.sketch, render.params, render.seed))


def atlas_image(atlas: AtlasGrid, title: str = "", cell: int = 112) -> np.ndarray:
    """The atlas as one image: the best render of each cell, with labelled axes and scores."""
    gx, gy = atlas.dims
    gap, left, bottom, top, right = 4, 64, 56, 40 if title else 12, 16
    width = left + gx * (cell + gap) + right
    height = top + gy * (cell + gap) + bottom
    c = Canvas(width, height, "png")
    c.background("#f4efe6")
    ink = "#222222"
    if title:
        c.fill(ink).text(left, 26, title, size=15)
    scores = [x.score for x in atlas.cells.values()]
    for i in range(gx):
        for j in range(gy):
            x = left + i * (cell + gap)
            y = top + (gy - 1 - j) * (cell + gap)  # low colourfulness at the bottom
            found = atlas.cells.get((i, j))
            if found is None:
                c.no_stroke().fill("#e4ded3").rect(x, y, cell, cell)
                continue
            im = found.render.rgba
            s = min(cell / im.shape[1], cell / im.shape[0])
            c.image(im, x + (cell - im.shape[1] * s) / 2, y + (cell - im.shape[0] * s) / 2,
                    width=im.shape[1] * s, height=im.shape[0] * s)
            c.no_stroke().fill("#ffffff", alpha=0.75).rect(x, y + cell - 15, 46, 15)
            c.fill(ink).text(x + 3, y + cell - 4, f"{found.score:.3g}", size=10)
            if found.score == max(scores):
                c.no_fill().stroke("#d7263d", width=3).rect(x + 1.5, y + 1.5, cell - 3, cell - 3)
    (x0, x1), (y0, y1) = atlas.ranges
    c.fill(ink)
    for i in range(gx + 1):  # ticks at cell boundaries
        v = x0 + (x1 - x0) * i / gx
        c.text(left + i * (cell + gap) - gap / 2, top + gy * (cell + gap) + 14, f"{v:.2g}", size=10,
               align="center")
    for j in range(gy + 1):
        v = y0 + (y1 - y0) * j / gy
        c.text(left - 6, top + (gy - j) * (cell + gap) - gap / 2 + 4, f"{v:.2g}", size=10, align="right")
    c.text(left + gx * (cell + gap) / 2, height - 16, f"{atlas.labels[0]} →", size=13, align="center")
    with c.push():
        c.translate(18, top + gy * (cell + gap) / 2)
        c.rotate(-math.pi / 2)
        c.text(0, 0, f"{atlas.labels[1]} →", size=13, align="center")
    return c.to_array()
