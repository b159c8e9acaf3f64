"""Every bundled art sketch is edition-ready: it passes the measured bar in tests/edition_bar.py."""
import pytest

from gencraft.sketch import load_sketch

from .conftest import SKETCHES
from .edition_bar import check

ART = sorted(p.stem for p in SKETCHES.glob("*.py") if "fixture" not in load_sketch(p).description.lower())


def test_fixtures_are_marked_and_art_is_most_of_the_library():
    fixtures = sorted(p.stem for p in SKETCHES.glob("*.py"))
    assert "shapes" in fixtures and "shapes" not in ART
    assert len(ART) >= 8


@pytest.mark.slow
@pytest.mark.parametrize("name", ART)
def test_art_sketch_meets_the_edition_bar(name):
    report = check(SKETCHES / f"{name}.py")
    assert report.ok, report.problems


def test_gallery_shows_art_only_in_the_curated_order():
    from gencraft.demo import ORDER, art_sketches

    names = [p.stem for p in art_sketches()]
    assert "shapes" not in names and sorted(names) == sorted(ART)
    listed = [n for n in names if n in ORDER]
    assert listed == sorted(listed, key=ORDER.index) and names[:len(listed)] == listed


@pytest.mark.slow
@pytest.mark.parametrize("name", ART)
def test_art_sketch_renders_at_thumbnail_sizes(name):
    """Tiny renders (training data, notebook grids) must not crash: truchet once did at 32 px."""
    from gencraft.render import render
    from gencraft.seeds import collection_hashes

    for i, h in enumerate(collection_hashes("tiny-sizes", 8)):
        size = (32, 48, 64, 40)[i % 4]
        rgba = render(SKETCHES / f"{name}.py", None, seed=h, size=(size, size)).rgba
        assert rgba.shape == (size, size, 4)
