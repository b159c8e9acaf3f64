"""The search space of a sketch: which declared parameters a search may change, and how.

Mapping from gencraft parameter kinds to what a search varies:

* ``Float``  -> a continuous range snapped to the parameter's step
  (Optuna ``FloatDistribution(step=...)``),
* ``Int``    -> an integer range with its step (``IntDistribution``),
* ``Choice`` -> a categorical (``CategoricalDistribution``): options are never
  ordered or rounded; options that are not plain JSON scalars are searched by
  their text and mapped back,
* ``Bool``   -> a categorical over ``[False, True]``,
* ``Colour`` -> held at its default. A colour is a free three-dimensional value
  without a meaningful palette to choose from, and searching it tends to make
  CLIP chase the colour words of the prompt instead of the sketch's structure;
  set it yourself with ``-p name=#rrggbb`` (fixed parameters are not searched).

Quality-diversity (ribs) works on vectors in the unit cube; :meth:`from_unit`
decodes one: floats and ints are scaled and snapped, and a choice with n
options takes option ``floor(u * n)`` — equal-width bins, the usual
MAP-Elites encoding of a categorical gene.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from gencraft.errors import UserError
from gencraft.params import Bool, Choice, Colour, Float, Int, Param, Params
from gencraft.sketch import Sketch

_SCALARS = (str, int, float, bool, type(None))


@dataclass
class SearchSpace:
    """The parameters a search varies, the ones it holds, and conversions between them."""

    sketch: Sketch
    fixed: dict[str, Any]               # validated values the user pinned with -p
    searched: list[Param]               # Float / Int / Choice / Bool not pinned
    held: list[str] = field(default_factory=list)  # Colour parameters kept at their default

    @classmethod
    def of(cls, sketch: Sketch, fixed: Mapping[str, Any] | None = None) -> "SearchSpace":
        """The space of `sketch` with the parameters in `fixed` pinned (validated)."""
        pinned = sketch.resolve(fixed or {})
        fixed_names = set(fixed or {})
        searched, held = [], []
        for name, param in sketch.params.items():
            if name in fixed_names:
                continue
            if isinstance(param, Colour):
                held.append(name)
            elif isinstance(param, (Float, Int, Choice, Bool)):
                if isinstance(param, Choice) and len(param.options) < 2:
                    continue
                if isinstance(param, (Float, Int)) and param.min == param.max:
                    continue
                searched.append(param)
        if not searched:
            raise UserError(
                f"sketch {str(sketch.path)!r} has no parameter to search: explore varies Float, Int, Choice "
                "and Bool parameters that are not fixed with -p"
            )
        return cls(sketch, {n: pinned[n] for n in fixed_names}, searched, held)

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.searched]

    @property
    def dim(self) -> int:
        return len(self.searched)

    # ------------------------------------------------------------- Optuna
    def distributions(self) -> dict:
        """Optuna distributions for the searched parameters (for ``study.ask``)."""
        from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

        out = {}
        for p in self.searched:
            if isinstance(p, Float):
                steps = math.floor((p.max - p.min) / p.step + 1e-9) if p.step else 0
                if steps >= 1:
                    out[p.name] = FloatDistribution(p.min, round(p.min + steps * p.step, 12), step=p.step)
                else:
                    out[p.name] = FloatDistribution(p.min, p.max)
            elif isinstance(p, Int):
                steps = (p.max - p.min) // p.step
                out[p.name] = IntDistribution(p.min, p.min + steps * p.step, step=p.step)
            elif isinstance(p, Bool):
                out[p.name] = CategoricalDistribution([False, True])
            else:
                out[p.name] = CategoricalDistribution(_labels(p))
        return out

    def from_trial_params(self, values: Mapping[str, Any]) -> Params:
        """Full, validated parameters from the values Optuna suggested."""
        raw = dict(self.fixed)
        for p in self.searched:
            v = values[p.name]
            if isinstance(p, Float):
                v = _snap_float(p, float(v))
            elif isinstance(p, Choice):
                v = p.options[_labels(p).index(v)]
            raw[p.name] = v
        return self.sketch.resolve(raw)

    # ----------------------------------------------------------- unit cube
    def from_unit(self, u: np.ndarray) -> Params:
        """Decode a vector in [0, 1]^dim (ribs solutions) into validated parameters."""
        u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
        raw = dict(self.fixed)
        for x, p in zip(u, self.searched):
            if isinstance(p, Float):
                raw[p.name] = _snap_float(p, p.min + x * (p.max - p.min))
            elif isinstance(p, Int):
                steps = (p.max - p.min) // p.step
                raw[p.name] = p.min + int(round(x * steps)) * p.step
            else:
                options = [False, True] if isinstance(p, Bool) else p.options
                raw[p.name] = options[min(int(x * len(options)), len(options) - 1)]
        return self.sketch.resolve(raw)

    def to_unit(self, params: Mapping[str, Any]) -> np.ndarray:
        """Encode parameters as a point of the unit cube (the centre of a choice's bin)."""
        out = []
        for p in self.searched:
            v = params[p.name]
            if isinstance(p, (Float, Int)):
                out.append((v - p.min) / (p.max - p.min))
            else:
                options = [False, True] if isinstance(p, Bool) else p.options
                out.append((options.index(v) + 0.5) / len(options))
        return np.asarray(out, dtype=float)

    def describe(self) -> dict:
        """JSON-able summary (stored with a study so a resumed run can check it)."""
        return {"searched": [p.describe() for p in self.searched], "fixed": self.fixed, "held": self.held}


def params_key(params: Mapping[str, Any]) -> str:
    """Canonical text of a parameter set: equal parameters, equal keys (evaluation cache)."""
    return json.dumps(dict(params), sort_keys=True, default=str)


def _labels(p: Choice) -> list:
    """Categorical choices Optuna can store: the options themselves when they are JSON
    scalars, else their text (made unique with the index if two texts collide)."""
    if all(isinstance(o, _SCALARS) for o in p.options):
        return list(p.options)
    texts = [str(o) for o in p.options]
    if len(set(texts)) != len(texts):
        texts = [f"{i}:{t}" for i, t in enumerate(texts)]
    return texts


def _snap_float(p: Float, x: float) -> float:
    """Round to the parameter's step grid (and to 12 digits, so 0.1+0.2 prints as 0.3)."""
    if p.step:
        x = p.min + round((x - p.min) / p.step) * p.step
    return float(min(max(round(x, 12), p.min), p.max))
