"""Search over a sketch's declared parameters, steered by an objective (CLIP by default).

- :mod:`.space` — the declared parameters as a search space
- :mod:`.study` — Optuna studies: storage, samplers, resumption
- :mod:`.objective` — what a render is scored by (CLIP prompts, negatives, aesthetics)
- :mod:`.render_batch` — rendering candidates in a process pool
- :mod:`.cluster` — rendering them on a Dask cluster instead (``scheduler=``), with
  :mod:`.worker_render` keeping the per-render time limit on the workers
- :mod:`.common` — the result record, progress bars, output folders, argument checks
- :mod:`.explore` — :func:`explore` (TPE, CMA-ES, random)
- :mod:`.atlas` — quality-diversity (a grid of diverse good renders) with :mod:`.descriptors`
- :mod:`.rank` — :func:`rank_seeds`: triage many seeds of one parameter set
- :mod:`.output` — the files a search writes (best renders, contact sheet, plot)

Imports run one way: explore → rank/atlas/output → common; nothing imports
explore back. The entry points: ``gencraft.ml.search.explore.explore`` and
``gencraft.ml.search.rank.rank_seeds``.
"""
