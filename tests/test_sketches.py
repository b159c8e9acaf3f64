"""Every bundled sketch: loads, declares sensible parameters, renders deterministically, has traits."""
import json

import numpy as np
import pytest

from gencraft.render import render
from gencraft.seeds import parse_seed
from gencraft.sketch import load_sketch

from .conftest import SKETCHES

ALL = sorted(p.stem for p in SKETCHES.glob("*.py"))


def test_the_library_covers_every_engine():
    assert len(ALL) >= 8
    sources = " ".join((SKETCHES / f"{name}.py").read_text() for name in ALL)
    for engine in ("gencraft.particles", "gencraft.lsystem", "noise"):
        assert engine in sources


@pytest.mark.slow
@pytest.mark.parametrize("name", ALL)
def test_sketch_renders_deterministically_with_traits(name):
    sketch = load_sketch(SKETCHES / f"{name}.py")
    assert sketch.params, "a sketch declares its parameters"
    assert all(p.help for p in sketch.params.values()), "every parameter explains itself"
    a = render(sketch, seed="0x" + "5a" * 32, size=(160, 160))
    b = render(sketch, seed="0x" + "5a" * 32, size=(160, 160))
    assert a.png_bytes() == b.png_bytes()
    assert len(np.unique(a.rgba.reshape(-1, 4), axis=0)) > 8, "the render is not blank"
    traits = sketch.call_features(a.seed.rng(), a.params)
    assert traits and json.loads(json.dumps(traits)) == traits


def test_truchet_traits_follow_the_hash():
    sketch = load_sketch(SKETCHES / "truchet.py")
    params = sketch.resolve()
    palettes = {sketch.call_features(parse_seed(i).rng(), sketch.for_token(params, parse_seed(i)))["Palette"]
                for i in range(40)}
    assert len(palettes) >= 4  # each token's hash draws its palette
    fixed = sketch.resolve({"colours": "indigo"})  # a pinned palette is never drawn
    assert sketch.call_features(parse_seed(1).rng(), sketch.for_token(fixed, parse_seed(1)))["Palette"] == "indigo"
