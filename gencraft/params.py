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
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

from gencraft.errors import UserError, did_you_mean


@dataclass
class Param:
    """Base of all parameter kinds."""

    default: Any
    help: str = ""
    name: str = ""  # filled in from the module attribute name
    kind = "param"

    def parse(self, value: Any) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def check(self, value: Any) -> Any:
        """Parse (from JSON or CLI text) and validate; raise UserError if bad."""
        return self.parse(value)

    def describe(self) -> dict:
        """JSON-able description (used by the live page to build controls)."""
        return {"name": self.name, "kind": self.kind, "default": self.default, "help": self.help}

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
                 help: str = ""):
        super().__init__(default, help)
        self.min, self.max = float(min), float(max)
        self.step = float(step) if step is not None else (self.max - self.min) / 100.0
        if not self.min <= float(default) <= self.max:
            raise ValueError(f"Float default {default} outside [{min}, {max}]")
        self.default = float(default)

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

    def __init__(self, default: int, min: int = 0, max: int = 100, step: int = 1, help: str = ""):
        super().__init__(int(default), help)
        self.min, self.max, self.step = int(min), int(max), int(step)
        if not self.min <= self.default <= self.max:
            raise ValueError(f"Int default {default} outside [{min}, {max}]")

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

    def __init__(self, default: bool, help: str = ""):
        super().__init__(bool(default), help)

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

    def __init__(self, default: Any, options: Sequence[Any], help: str = ""):
        super().__init__(default, help)
        self.options = list(options)
        if not self.options:
            raise ValueError("Choice needs at least one option")
        if default not in self.options:
            raise ValueError(f"Choice default {default!r} not among {self.options!r}")

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

    def __init__(self, default: str, help: str = ""):
        super().__init__(default, help)
        self.default = self.parse(default)

    def parse(self, value: Any) -> str:
        from gencraft.draw.color import parse_color, to_hex

        try:
            return to_hex(parse_color(value))
        except (ValueError, TypeError):
            raise self._bad(value, "a colour such as '#e4572e', 'rgb(228,87,46)' or 'hsl(12,77%,54%)'") from None


Color = Colour  # both spellings read naturally


class Params(Mapping):
    """Resolved parameter values: attribute access (``p.density``) and mapping access."""

    def __init__(self, values: Mapping[str, Any]):
        object.__setattr__(self, "_values", dict(values))

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
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise UserError(f"parameters file {str(path)!r} does not exist") from None
    except json.JSONDecodeError as exc:
        raise UserError(f"parameters file {str(path)!r} is not valid JSON: {exc.msg} at line {exc.lineno}") from None
    if isinstance(data, dict) and isinstance(data.get("params"), dict):
        data = data["params"]  # accept a recipe/metadata file too
    if not isinstance(data, dict):
        raise UserError(f"parameters file {str(path)!r}: expected a JSON object of name: value")
    return data


def resolve(declared: Mapping[str, Param], *layers: Mapping[str, Any]) -> Params:
    """Defaults, then each layer in order (JSON file, CLI overrides), validated."""
    values = {name: p.default for name, p in declared.items()}
    for layer in layers:
        for name, raw in (layer or {}).items():
            if name not in declared:
                known = ", ".join(declared) or "none"
                raise UserError(
                    f"unknown parameter {name!r}{did_you_mean(name, declared)}; this sketch has: {known}"
                )
            values[name] = declared[name].check(raw)
    return Params(values)
