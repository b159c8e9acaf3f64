"""The README's promises: its sketch example runs, its tour names real commands and flags."""
import re

import numpy as np

from gencraft.cli import cli
from gencraft.render import render
from gencraft.sketch import load_sketch

from .conftest import ROOT

README = (ROOT / "README.md").read_text()


def test_readme_sketch_renders(tmp_path):
    source = re.search(r"```python\n(.*?)```", README, re.S).group(1)
    path = tmp_path / "circles.py"
    path.write_text(source)
    sketch = load_sketch(path)
    assert list(sketch.params) == ["count", "radius", "colours"]
    r = render(sketch, {"count": 50}, seed=3, size=(200, 200))
    assert len(np.unique(r.rgba.reshape(-1, 4), axis=0)) > 10  # circles were drawn
    assert sketch.varying == ["count", "radius", "colours"]
    token = sketch.for_token(sketch.resolve({"count": 900}), 3)
    traits = sketch.call_features(r.seed.rng(), token)
    assert traits["Crowd"] == "dense" and traits["Palette"] in ("riso", "dusk", "sea") and traits["Halo"] in ("yes", "no")


def test_tour_commands_and_options_exist():
    tour = re.search(r"## A tour of the CLI\n\n```sh\n(.*?)```", README, re.S).group(1)
    lines = [line.split("#")[0].strip() for line in tour.splitlines() if line.startswith("gencraft ")]
    assert len(lines) >= 15
    for line in lines:
        words = line.split()
        command = cli.get_command(None, words[1])
        assert command is not None, f"README names unknown command {words[1]!r}"
        if hasattr(command, "commands"):  # a group such as `gencraft ml`
            command = command.get_command(None, words[2])
        known = {opt for p in command.params for opt in getattr(p, "opts", [])}
        for word in words[2:]:
            if word.startswith("-") and not re.fullmatch(r"-[\d.,]+", word):  # not a negative number
                assert word.split("=")[0] in known, f"README: {words[1]} has no option {word}"
