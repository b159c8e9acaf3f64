"""Declared parameters: parsing, validation and resolution order."""
import json

import pytest

from gencraft.errors import UserError
from gencraft.params import (Bool, Choice, Colour, Float, Int, load_params_file, parse_assignments,
                             resolve)


def declared():
    d = {"density": Float(0.5, 0.0, 1.0, step=0.1), "rows": Int(10, 1, 50), "grain": Bool(True),
         "palette": Choice("dusk", ["dusk", "sea"]), "paper": Colour("#F4EFE6"), "k": Choice(3, [1, 3, 5])}
    for name, p in d.items():
        p.name = name
    return d


def test_defaults_then_layers_in_order():
    p = resolve(declared(), {"density": 0.2, "rows": 3}, {"rows": "7", "grain": "false", "k": "5"})
    assert (p.density, p.rows, p.grain, p.palette, p.k) == (0.2, 7, False, "dusk", 5)
    assert p.paper == "#f4efe6"
    assert dict(p)["rows"] == 7


@pytest.mark.parametrize("layer, fragment", [
    ({"densty": 1}, "unknown parameter 'densty' (did you mean 'density'?)"),
    ({"density": 1.5}, "parameter 'density': got 1.5, expected a number in [0, 1]"),
    ({"density": "lots"}, "expected a number in [0, 1]"),
    ({"density": "nan"}, "expected a number in [0, 1]"),
    ({"rows": 2.5}, "expected an integer in [1, 50]"),
    ({"rows": "0"}, "expected an integer in [1, 50]"),
    ({"grain": "maybe"}, "expected true or false"),
    ({"palette": "seaa"}, "one of dusk, sea (did you mean 'sea'?)"),
    ({"paper": "not-a-colour"}, "expected a colour"),
])
def test_bad_values_name_the_value_and_expectation(layer, fragment):
    with pytest.raises(UserError) as err:
        resolve(declared(), layer)
    assert fragment in str(err.value)
    assert "\n" not in str(err.value)


def test_params_are_read_only():
    p = resolve(declared())
    with pytest.raises(AttributeError):
        p.density = 3


def test_assignments_and_file(tmp_path):
    assert parse_assignments(["a=1", "b=x=y"]) == {"a": "1", "b": "x=y"}
    with pytest.raises(UserError, match="expected name=value"):
        parse_assignments(["novalue"])
    f = tmp_path / "p.json"
    f.write_text(json.dumps({"rows": 4}))
    assert load_params_file(f) == {"rows": 4}
    f.write_text(json.dumps({"params": {"rows": 5}, "seed": "1"}))  # a recipe works too
    assert load_params_file(f) == {"rows": 5}
    f.write_text("{oops")
    with pytest.raises(UserError, match="not valid JSON"):
        load_params_file(f)
    with pytest.raises(UserError, match="does not exist"):
        load_params_file(tmp_path / "missing.json")


def test_declaration_mistakes_are_caught_at_definition():
    with pytest.raises(ValueError):
        Float(2.0, 0.0, 1.0)
    with pytest.raises(ValueError):
        Choice("x", ["a", "b"])


def test_describe_for_ui():
    d = declared()["density"].describe()
    assert d == {"name": "density", "kind": "float", "default": 0.5, "help": "", "min": 0.0, "max": 1.0,
                 "varies": False, "variation": "fixed",
                 "step": 0.1}
