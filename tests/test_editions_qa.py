"""Edition QA flags what is really wrong (blank, near-duplicate, far too sparse), not palette variety."""
from __future__ import annotations

import numpy as np
from PIL import Image

from gencraft.editions import qa
from gencraft.editions.gallery import _filters


def token(tmp_path, i, ground, ink, coverage, rng):
    img = np.empty((96, 96, 3), np.uint8)
    img[:] = ground
    n = int(coverage * 96 * 96 / 16)
    ys, xs = rng.integers(0, 92, n), rng.integers(0, 92, n)
    for y, x in zip(ys, xs):
        img[y:y + 4, x:x + 4] = ink
    path = tmp_path / f"{i}.jpg"
    Image.fromarray(img).save(path, quality=90)
    return path


def test_light_and_dark_palettes_are_not_outliers(tmp_path):
    rng = np.random.default_rng(1)
    thumbs = [token(tmp_path, i, (15, 15, 25), (240, 200, 120), 0.25, rng) for i in range(12)]
    thumbs += [token(tmp_path, 12 + i, (245, 240, 230), (30, 60, 120), 0.25, rng) for i in range(4)]
    report = qa.analyse(thumbs)
    assert report["outliers"] == []


def test_a_token_with_far_less_ink_than_its_siblings_is_flagged(tmp_path):
    rng = np.random.default_rng(2)
    thumbs = [token(tmp_path, i, (245, 240, 230), (30, 60, 120), 0.3 + 0.02 * (i % 3), rng) for i in range(11)]
    thumbs.append(token(tmp_path, 11, (245, 240, 230), (30, 60, 120), 0.02, rng))
    report = qa.analyse(thumbs)
    assert [o["token_id"] for o in report["outliers"]] == [11]
    assert "far less ink than its siblings" in report["outliers"][0]["reasons"][0]


def test_constant_traits_are_not_offered_as_filters():
    table = {"Palette": [{"value": "sea", "count": 3, "share": 0.6}, {"value": "dusk", "count": 2, "share": 0.4}],
             "Frame": [{"value": "none", "count": 5, "share": 1.0}]}
    html = _filters(table)
    assert "Palette" in html and "Frame" not in html
    assert 'data-trait="0"' in html and 'data-trait="1"' not in html
