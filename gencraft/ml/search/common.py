"""Shared pieces of every search (explore, atlas, rank): the result record,
progress bars, output folders and argument checks.

Kept apart from :mod:`.explore` so that atlas, rank and output import these
without importing explore back (imports run one way).
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from gencraft.errors import UserError
from gencraft.render import Render


@dataclass
class ExploreResult:
    """What a search found.

    best: (params dict, score, Render) for the best distinct parameter sets, best
    first; each Render's recipe ends with a ``search`` stage.
    history: the score of every evaluation in the study, in order (for a
    resumed or shared study, earlier runs' evaluations included).
    """

    best: list[tuple[dict, float, Render]]
    history: list[float]
    study_name: str
    study: str
    algo: str
    config: dict
    trials: list[dict] = field(default_factory=list)  # number, params, score (atlas: descriptors)
    evaluated: int = 0          # evaluations run by this call (a resumed study may need fewer)
    atlas: Any = None           # gencraft.ml.search.atlas.AtlasGrid when atlas=True
    files: list[Path] = field(default_factory=list)

    @property
    def best_score(self) -> float:
        return self.best[0][1] if self.best else float("nan")


def check_int(value: Any, what: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise UserError(f"{what} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def prepare_out_dir(out_dir) -> Path | None:
    if out_dir is None:
        return None
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise UserError(f"output folder {str(out)!r} is a file: expected a folder")
    out.mkdir(parents=True, exist_ok=True)
    return out


def progress_bar(total: int, initial: int, enabled: bool, desc: str):
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, disable=not enabled, desc=desc, unit="eval", file=sys.stderr,
                dynamic_ncols=True)
