"""The edition gallery in a real browser, opened from file:// (headless Chromium via Playwright)."""
from __future__ import annotations

import os

import pytest

from gencraft.editions import make_edition
from gencraft.seeds import collection_hashes, parse_seed
from gencraft.sketch import load_sketch

from .test_editions import DOTS

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--allow-file-access-from-files"]


def test_gallery_filters_sorts_and_links_from_file_url(write_sketch, tmp_path):
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api")
    sk = write_sketch(DOTS, "dots.py")
    out = tmp_path / "ed"
    rep = make_edition(sk, out, 12, collection_seed="g", workers=1, progress=False)
    sketch = load_sketch(sk)
    params = sketch.resolve({})
    traits = [sketch.call_features(parse_seed(h).rng(), params) for h in collection_hashes("g", 12)]
    small = [i for i, t in enumerate(traits) if t["Size"] == "small"]
    small_or_large = [i for i, t in enumerate(traits) if t["Size"] in ("small", "large")]
    lucky_small = [i for i in small if traits[i]["Lucky"]]
    rarest = min(range(12), key=lambda i: (rep.rarity["tokens"][i]["rank"], i))
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page()
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto((out / "index.html").as_uri())

            def visible():
                return page.eval_on_selector_all(".card:not([hidden])", "els => els.map(e => +e.dataset.id)")

            assert visible() == list(range(12))
            assert page.evaluate("document.querySelector('.card img').naturalWidth") > 0  # thumbnails load
            page.check("fieldset:has(legend:text('Size')) label:has-text('small') input")
            assert visible() == small
            page.check("fieldset:has(legend:text('Size')) label:has-text('large') input")
            assert visible() == small_or_large  # OR within a trait
            page.uncheck("fieldset:has(legend:text('Size')) label:has-text('large') input")
            page.check("fieldset:has(legend:text('Lucky')) label:has-text('yes') input")
            assert visible() == lucky_small  # AND across traits
            assert page.inner_text("#shown") == f"{len(lucky_small)} of 12 shown"
            page.click("#clear")
            page.select_option("#sort", "rank")
            assert visible()[0] == rarest
            page.click(f'.card[data-id="{rarest}"]')
            assert page.url.endswith(f"/token/{rarest}.html")
            assert page.inner_text("h1") == f"Dots #{rarest}"
            assert page.evaluate("document.querySelector('.art img').naturalWidth") == 48
            assert not errors
        finally:
            browser.close()
