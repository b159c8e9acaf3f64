"""Declared sketch parameters: types, ranges, parsing and validation.

A sketch declares its parameters at module level::

    density = Float(0.6, 0.1, 1.0, step=0.05, help="how much ink")
    rows    = Int(12, 2, 40)
    grain   = Bool(True)
    palette = Choice("dusk", ["dusk", "ink", "sea"])
    paper   = Colour("#f4efe6")

The attribute name is the parameter's name. Values are resolved from the
defaults, then a JSON file, then ``-p name=value`` overrides; every value is
validated here so that a mistake is one line naming the value and what was
expected.

**Parameters that vary across an edition.** A parameter can say how each
token draws it from its own hash; one that says nothing is fixed (its default,
or what the user pins)::

    colours = Choice("dusk", ["dusk", "sea", "ember"], weights=[5, 3, 1], trait="Palette")
    spacing = Float(0.011, 0.005, 0.03, vary="triangular", trait="Density",
                    bands={"dense": 0.009, "balanced": 0.018, "airy": None})
    rows    = Int(12, 4, 30, vary={8: 1, 12: 3, 24: 1})
    gilded  = Bool(False, chance=0.05, trait="Gilded")

``vary`` is ``"uniform"`` (over [min, max]), ``"normal"`` (around the default,
sd a sixth of the range, kept inside it), ``"triangular"`` (peaking at the
default), or ``{value: weight}``; ``Choice(weights=...)`` or ``vary=True``
(uniform) and ``Bool(chance=p)`` vary too. Drawn floats snap to the slider
step. The derivation, used by render, edition, rank, live and explore alike:
parameter ``name`` of the token with seed ``s`` is drawn from
``parse_seed(s).rng().stream("param:" + name)`` — one independent stream per
parameter, so adding a parameter never changes another's values, and the
sketch's own ``rng`` is untouched. A value the user pins (``-p``,
``--params``, a live lock) is never drawn. ``trait="Name"`` makes the value a
trait of each token (``bands`` names numeric ranges: each label with its
upper bound, ``None`` for the rest), so most sketches need no ``features()``.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from gencraft.errors import UserError, did_you_mean


@dataclass
class Param:
    """Base of all parameter kinds."""

    default: Any
    help: str = ""
    name: str = ""  # filled in from the module attribute name
    kind = "param"
    vary: Any = None            # None: fixed; else how each token draws it (see module docstring)
    trait: str | None = None    # trait name when the value is one of the token's traits
    bands: dict | None = None   # numeric trait labels: {label: upper bound or None}

    @property
    def varies(self) -> bool:
        """True when each token draws this parameter from its hash (unless pinned)."""
        return self.vary is not None

    def draw(self, rng) -> Any:
        """One value for a token, from its own stream for this parameter."""
        if isinstance(self.vary, dict):
            return self._pick_weighted(rng)
        raise NotImplementedError(f"{type(self).__name__} cannot vary as {self.vary!r}")

    def _pick_weighted(self, rng) -> Any:
        values, weights = list(self.vary), np.asarray(list(self.vary.values()), dtype=float)
        return values[int(rng.choice(len(values), p=weights / weights.sum()))]

    def _set_variation(self, vary: Any, trait: str | None, bands: dict | None) -> None:
        """Validate `vary`, `trait` and `bands` at declaration time (a sketch author's mistake)."""
        if isinstance(vary, dict):
            if not vary:
                raise ValueError(f"{self.kind} vary={{}}: give at least one value: weight")
            checked = {}
            for value, weight in vary.items():
                try:
                    checked[self.parse(value)] = float(weight)
                except UserError as exc:
                    raise ValueError(f"vary value {value!r}: {exc}") from None
                if not math.isfinite(float(weight)) or float(weight) < 0:
                    raise ValueError(f"vary weight {weight!r} for {value!r}: expected a number >= 0")
            if sum(checked.values()) <= 0:
                raise ValueError("vary weights must not all be zero")
            vary = checked
        self.vary = vary
        if trait is not None and (not isinstance(trait, str) or not trait.strip()):
            raise ValueError(f"trait {trait!r}: expected a non-empty trait name")
        self.trait = trait
        if bands is not None:
            if not isinstance(bands, dict) or not bands:
                raise ValueError(f"bands {bands!r}: expected {{label: upper bound, ..., label: None}}")
            bounds = [b for b in bands.values() if b is not None]
            if bounds != sorted(bounds) or list(bands.values()).count(None) > 1 or (
                    None in bands.values() and list(bands.values())[-1] is not None):
                raise ValueError(f"bands {bands!r}: upper bounds must rise, with None (the rest) last")
        self.bands = bands

    def trait_value(self, value: Any) -> Any:
        """The value this parameter contributes as a trait (a band label where bands are given)."""
        if self.bands is not None:
            for label, bound in self.bands.items():
                if bound is None or value < bound:
                    return label
            return list(self.bands)[-1]
        if isinstance(value, bool):
            return "yes" if value else "no"
        return value

    def describe_variation(self) -> str:
        """How this parameter varies across an edition, in words (for `gencraft params`)."""
        if self.vary is None:
            return "fixed"
        if isinstance(self.vary, dict):
            total = sum(self.vary.values())
            return "weighted: " + ", ".join(f"{v} {100 * w / total:.0f}%" for v, w in self.vary.items())
        return str(self.vary)

    def parse(self, value: Any) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def check(self, value: Any) -> Any:
        """Parse (from JSON or CLI text) and validate; raise UserError if bad."""
        return self.parse(value)

    def describe(self) -> dict:
        """JSON-able description (used by the live page to build controls)."""
        out = {"name": self.name, "kind": self.kind, "default": self.default, "help": self.help,
               "varies": self.varies, "variation": self.describe_variation()}
        if self.trait:
            out["trait"] = self.trait
        return out

    def _bad(self, value: Any, expected: str) -> UserError:
        return UserError(f"parameter {self.name!r}: got {value!r}, expected {expected}")


def _is_number_text(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


@dataclass
class Float(Param):
    """A real number in [min, max], with a slider step."""

    min: float = 0.0
    max: float = 1.0
    step: float | None = None
    kind = "float"

    def __init__(self, default: float, min: float = 0.0, max: float = 1.0, step: float | None = None,
                 help: str = "", *, vary: Any = None, trait: str | None = None, bands: dict | None = None):
        super().__init__(default, help)
        self.min, self.max = float(min), float(max)
        self.step = float(step) if step is not None else (self.max - self.min) / 100.0
        if not self.min <= float(default) <= self.max:
            raise ValueError(f"Float default {default} outside [{min}, {max}]")
        self.default = float(default)
        _check_numeric_vary(vary)
        self._set_variation(vary, trait, bands)

    def draw(self, rng) -> float:
        if isinstance(self.vary, dict):
            return self._pick_weighted(rng)
        x = _draw_number(self.vary, rng, self.min, self.max, self.default)
        if self.step:
            x = self.min + round((x - self.min) / self.step) * self.step
        return float(min(self.max, max(self.min, round(x, 12))))

    def parse(self, value: Any) -> float:
        if isinstance(value, bool):
            raise self._bad(value, f"a number in [{self.min:g}, {self.max:g}]")
        try:
            x = float(value.strip() if isinstance(value, str) else value)
        except (TypeError, ValueError):
            raise self._bad(value, f"a number in [{self.min:g}, {self.max:g}]") from None
        if not math.isfinite(x) or not self.min <= x <= self.max:
            raise self._bad(value, f"a number in [{self.min:g}, {self.max:g}]")
        return x

    def describe(self) -> dict:
        return {**super().describe(), "min": self.min, "max": self.max, "step": self.step}


@dataclass
class Int(Param):
    """An integer in [min, max]."""

    min: int = 0
    max: int = 100
    step: int = 1
    kind = "int"

    def __init__(self, default: int, min: int = 0, max: int = 100, step: int = 1, help: str = "", *,
                 vary: Any = None, trait: str | None = None, bands: dict | None = None):
        super().__init__(int(default), help)
        self.min, self.max, self.step = int(min), int(max), int(step)
        if not self.min <= self.default <= self.max:
            raise ValueError(f"Int default {default} outside [{min}, {max}]")
        _check_numeric_vary(vary)
        self._set_variation(vary, trait, bands)

    def draw(self, rng) -> int:
        if isinstance(self.vary, dict):
            return self._pick_weighted(rng)
        if self.vary == "uniform":  # every integer equally likely, the ends included
            return self.min + self.step * int(rng.integers(0, (self.max - self.min) // self.step + 1))
        x = _draw_number(self.vary, rng, self.min - 0.5, self.max + 0.5, self.default)
        k = round((x - self.min) / self.step)
        return int(min(self.max, max(self.min, self.min + k * self.step)))

    def parse(self, value: Any) -> int:
        expected = f"an integer in [{self.min}, {self.max}]"
        if isinstance(value, bool):
            raise self._bad(value, expected)
        if isinstance(value, float):
            if not value.is_integer():
                raise self._bad(value, expected)
            value = int(value)
        if isinstance(value, str):
            try:
                value = int(value.strip())
            except ValueError:
                raise self._bad(value, expected) from None
        if not isinstance(value, int) or not self.min <= value <= self.max:
            raise self._bad(value, expected)
        return int(value)

    def describe(self) -> dict:
        return {**super().describe(), "min": self.min, "max": self.max, "step": self.step}


@dataclass
class Bool(Param):
    """On or off."""

    kind = "bool"

    def __init__(self, default: bool, help: str = "", *, chance: float | None = None, trait: str | None = None):
        super().__init__(bool(default), help)
        if chance is not None and not (isinstance(chance, (int, float)) and 0.0 <= chance <= 1.0):
            raise ValueError(f"Bool chance={chance!r}: expected a probability in [0, 1]")
        self.chance = None if chance is None else float(chance)
        self._set_variation(None if chance is None else "chance", trait, None)

    def draw(self, rng) -> bool:
        return bool(rng.random() < self.chance)

    def describe_variation(self) -> str:
        return "fixed" if self.chance is None else f"true {100 * self.chance:g}% of tokens"

    def parse(self, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "1", "yes", "on"):
            return True
        if isinstance(value, str) and value.strip().lower() in ("false", "0", "no", "off"):
            return False
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        raise self._bad(value, "true or false")


@dataclass
class Choice(Param):
    """One of a fixed list of options (categorical: searches treat it as such)."""

    options: list = field(default_factory=list)
    kind = "choice"

    def __init__(self, default: Any, options: Sequence[Any], help: str = "", *,
                 weights: Sequence[float] | None = None, vary: Any = None, trait: str | None = None):
        super().__init__(default, help)
        self.options = list(options)
        if not self.options:
            raise ValueError("Choice needs at least one option")
        if default not in self.options:
            raise ValueError(f"Choice default {default!r} not among {self.options!r}")
        if weights is not None:
            if vary is not None:
                raise ValueError("Choice takes weights= or vary=, not both")
            weights = list(weights)
            if len(weights) != len(self.options):
                raise ValueError(f"Choice has {len(self.options)} options but {len(weights)} weights")
            vary = dict(zip(self.options, weights))
        elif vary is True or vary == "uniform":
            vary = {option: 1.0 for option in self.options}
        elif vary is not None and not isinstance(vary, dict):
            raise ValueError(f"Choice vary={vary!r}: expected True, 'uniform', or {{option: weight}}")
        self._set_variation(vary, trait, None)

    def parse(self, value: Any) -> Any:
        if value in self.options:
            return value
        # From the command line every value is text: match options by their text.
        for option in self.options:
            if isinstance(value, str) and str(option) == value.strip():
                return option
        hint = did_you_mean(str(value), [str(o) for o in self.options])
        raise self._bad(value, f"one of {', '.join(map(str, self.options))}{hint}")

    def describe(self) -> dict:
        return {**super().describe(), "options": self.options}


@dataclass
class Colour(Param):
    """A colour, written as hex (#rrggbb), rgb(...) or hsl(...); stored as '#rrggbb'."""

    kind = "colour"

    def __init__(self, default: str, help: str = "", *, vary: dict | None = None, trait: str | None = None):
        super().__init__(default, help)
        self.default = self.parse(default)
        if vary is not None and not isinstance(vary, dict):
            raise ValueError(f"Colour vary={vary!r}: expected {{colour: weight}}")
        self._set_variation(vary, trait, None)

    def parse(self, value: Any) -> str:
        from gencraft.draw.color import parse_color, to_hex

        try:
            return to_hex(parse_color(value))
        except (ValueError, TypeError):
            raise self._bad(value, "a colour such as '#e4572e', 'rgb(228,87,46)' or 'hsl(12,77%,54%)'") from None


Color = Colour  # both spellings read naturally


DISTRIBUTIONS = ("uniform", "normal", "triangular")


def _check_numeric_vary(vary: Any) -> None:
    if vary is None or isinstance(vary, dict) or vary in DISTRIBUTIONS:
        return
    raise ValueError(f"vary={vary!r}: expected one of {', '.join(DISTRIBUTIONS)} or {{value: weight}}")


def _draw_number(how: str, rng, lo: float, hi: float, mode: float) -> float:
    """A number in [lo, hi]: uniform, normal around `mode` (sd = range / 6), or triangular at `mode`."""
    if how == "uniform":
        return float(rng.uniform(lo, hi))
    if how == "triangular":
        return float(rng.triangular(lo, min(max(mode, lo), hi), hi)) if hi > lo else lo
    sd = (hi - lo) / 6.0
    for _ in range(32):  # rejection keeps the bell's shape inside the range; bounded
        x = float(rng.normal(mode, sd))
        if lo <= x <= hi:
            return x
    return float(min(hi, max(lo, mode)))


class Params(Mapping):
    """Resolved parameter values: attribute access (``p.density``) and mapping access."""

    def __init__(self, values: Mapping[str, Any], pinned: Sequence[str] = (), drawn: Sequence[str] = ()):
        object.__setattr__(self, "_values", dict(values))
        object.__setattr__(self, "pinned", frozenset(pinned))  # names the user set explicitly
        object.__setattr__(self, "drawn", frozenset(drawn))    # names drawn from the token's hash

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"no parameter {name!r}{did_you_mean(name, self._values)}") from None

    def __setattr__(self, name, value):
        raise AttributeError("parameters are read-only inside a sketch")

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Params({self._values!r})"

    def to_dict(self) -> dict:
        return dict(self._values)

    def pin(self, names: Sequence[str]) -> "Params":
        """The same values with `names` pinned too (so no token redraws them)."""
        return Params(self._values, self.pinned | set(names), self.drawn - set(names))


def parse_assignments(items: Sequence[str]) -> dict[str, str]:
    """Parse ``name=value`` strings from the command line."""
    out: dict[str, str] = {}
    for item in items:
        if "=" not in item:
            raise UserError(f"parameter override {item!r}: expected name=value")
        name, value = item.split("=", 1)
        out[name.strip()] = value
    return out


def load_params_file(path: str | Path) -> dict[str, Any]:
    """Read a JSON object of parameter values (as written by render/explore)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"parameters file {str(path)!r} does not exist") from None
    except json.JSONDecodeError as exc:
        raise UserError(f"parameters file {str(path)!r} is not valid JSON: {exc.msg} at line {exc.lineno}") from None
    except UnicodeDecodeError as exc:
        raise UserError(f"parameters file {str(path)!r} is not UTF-8 text (byte {exc.start}): "
                        "expected a UTF-8 JSON file") from None
    except (IsADirectoryError, PermissionError) as exc:
        raise UserError(f"cannot read parameters file {str(path)!r}: {exc.strerror}") from None
    except RecursionError:
        raise UserError(f"parameters file {str(path)!r} nests too deeply: expected an object of name: value") from None
    if isinstance(data, dict) and isinstance(data.get("params"), dict):
        data = data["params"]  # accept a recipe/metadata file too
    if not isinstance(data, dict):
        raise UserError(f"parameters file {str(path)!r}: expected a JSON object of name: value")
    return data


def resolve(declared: Mapping[str, Param], *layers: Mapping[str, Any]) -> Params:
    """Defaults, then each layer in order (JSON file, CLI overrides), validated.

    Every name a layer sets is pinned: a token never redraws it.
    """
    values = {name: p.default for name, p in declared.items()}
    pinned = set()
    for layer in layers:
        for name, raw in (layer or {}).items():
            if name not in declared:
                known = ", ".join(declared) or "none"
                raise UserError(
                    f"unknown parameter {name!r}{did_you_mean(name, declared)}; this sketch has: {known}"
                )
            values[name] = declared[name].check(raw)
            pinned.add(name)
    return Params(values, pinned)


def param_stream(seed, name: str):
    """The generator parameter `name` of the token with `seed` is drawn from (the one derivation)."""
    from gencraft.seeds import parse_seed

    return parse_seed(seed).rng().stream("param:" + name)


def draw_for_token(declared: Mapping[str, Param], params: Params, seed) -> Params:
    """`params` with every varying parameter the user did not pin drawn from the token's hash.

    Idempotent for one seed; pinned values are never drawn. The result's
    ``drawn`` names what came from the hash (recorded in the recipe).
    """
    values = dict(params)
    drawn = []
    for name, p in declared.items():
        if p.varies and name not in params.pinned:
            values[name] = p.draw(param_stream(seed, name))
            drawn.append(name)
    return Params(values, params.pinned, drawn)


def declared_traits(declared: Mapping[str, Param], params: Mapping[str, Any]) -> dict[str, Any]:
    """The traits parameters declare with ``trait=``, in declaration order."""
    return {p.trait: p.trait_value(params[name]) for name, p in declared.items() if p.trait and name in params}
