"""gencraft live in a real browser: headless Chromium driven by Playwright."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from gencraft.live.server import LiveSession, RunningServer

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

SKETCH = '''"""Bands — horizontal stripes."""
from gencraft import Float, Int, Choice, Colour, Bool

SIZE = (160, 120)
bands = Int(4, 1, 24, help="how many stripes")
tilt = Float(0.0, -0.5, 0.5, step=0.05)
ink = Colour("#c8553d")
order = Choice("even", ["even", "odd"])
frame = Bool(False)

def draw(c, rng, p):
    c.background("#f4efe6")
    c.no_stroke()
    c.fill(p.ink)
    h = c.height / (2 * p.bands)
    start = 0 if p.order == "even" else 1
    for k in range(start, 2 * p.bands, 2):
        c.polygon([(0, k * h), (c.width, k * h + p.tilt * c.width), (c.width, (k + 1) * h + p.tilt * c.width),
                   (0, (k + 1) * h)])
'''


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def rendered_id(page) -> int:
    return int(page.get_attribute("#render", "data-render-id") or 0)


def wait_new_render(page, after: int, timeout=30_000) -> int:
    page.wait_for_function(f"Number(document.querySelector('#render').dataset.renderId || 0) > {after}",
                           timeout=timeout)
    return rendered_id(page)


def save_file(path: Path, text: str) -> None:
    """Write like an editor does, with a fresh mtime so the watcher always sees it."""
    path.write_text(text)
    t = time.time() + 1
    os.utime(path, (t, t))


def test_live_page_slider_edit_break_fix(browser, tmp_path):
    path = tmp_path / "bands.py"
    path.write_text(SKETCH)
    session = LiveSession(path, out_dir=tmp_path / "out", timeout=30)
    with RunningServer(session) as server:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(server.url)

        # The first render appears, with a control per declared parameter.
        first = wait_new_render(page, 0)
        assert page.inner_text("#title") == "Bands"
        assert page.locator("#controls .param").count() == 5
        assert page.locator("input[type=range][data-param=bands]").count() == 1
        assert page.locator("select[data-param=order]").count() == 1
        assert page.locator("input[type=color][data-param=ink]").count() == 1
        assert page.locator("input[type=checkbox][data-param=frame]").count() == 1
        before = page.locator("#render").screenshot()

        # Moving a slider re-renders with the new value; the image changes.
        page.locator("input[data-param=bands]").fill("12")
        second = wait_new_render(page, first)
        assert session.current.values["bands"] == 12
        assert page.locator("#render").screenshot() != before
        assert "12" in page.inner_text(".param[data-name=bands] .value")

        # Saving the file re-renders it; the slider value survives the reload.
        save_file(path, SKETCH.replace('"#f4efe6"', '"#1d2b35"'))
        third = wait_new_render(page, second)
        assert session.current.values["bands"] == 12
        assert page.input_value("input[data-param=bands]") == "12"

        # Breaking it shows an overlay naming file:line; the last good image stays.
        broken = SKETCH.replace("    c.no_stroke()", "    c.no_stroke()\n    undefined_name + 1")
        save_file(path, broken)
        page.wait_for_selector("#overlay:not([hidden])", timeout=30_000)
        line = next(i for i, text in enumerate(broken.splitlines(), 1) if "undefined_name" in text)
        assert page.inner_text("#err-where") == f"{path}:{line}"
        assert "NameError" in page.inner_text("#err-message")
        assert page.inner_text("#status-text") == "error in sketch"  # the page is still connected
        assert rendered_id(page) == third

        # Fixing it clears the overlay and shows the new render.
        save_file(path, SKETCH)
        wait_new_render(page, third)
        page.wait_for_selector("#overlay", state="hidden", timeout=10_000)

        # Save shows where the file went, and the file is there.
        page.click("#save")
        page.wait_for_function("document.querySelector('#saved').dataset.png", timeout=10_000)
        saved = Path(page.get_attribute("#saved", "data-png"))
        assert saved.is_file() and saved.parent == (tmp_path / "out")
        assert saved.name in page.inner_text("#saved")
        assert not errors
        page.close()


def test_variant_grid_click_adopts(browser, tmp_path):
    path = tmp_path / "bands.py"
    path.write_text(SKETCH)
    session = LiveSession(path, out_dir=tmp_path / "out", timeout=30, seed="10")
    with RunningServer(session) as server:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(server.url)
        first = wait_new_render(page, 0)
        page.click(".tabs button[data-tab=variants]")
        page.wait_for_function("document.querySelectorAll('#grid .cell img').length === 9", timeout=30_000)
        page.locator("#grid .cell").nth(8).click()  # seeds 6..14: the last is 14
        # a render already in flight may land first: wait for the adopted seed's render
        page.wait_for_function("document.querySelector('#seed').value === '14'", timeout=30_000)
        wait_new_render(page, first)
        deadline = time.monotonic() + 30
        while session.current.seed != "14" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert page.input_value("#seed") == "14" and session.current.seed == "14"
        assert page.is_visible("#view-render")
        page.close()


ANIMATED = '''"""Pulse — a growing disc."""
SIZE = (96, 96)
FRAMES = 6
FPS = 12

def draw(c, rng, p, t):
    c.background("#101014")
    c.fill("#e0a458")
    c.circle(48, 48, 6 + 36 * t)
'''


def test_animated_sketch_plays(browser, tmp_path):
    path = tmp_path / "pulse.py"
    path.write_text(ANIMATED)
    session = LiveSession(path, out_dir=tmp_path / "out", timeout=30)
    with RunningServer(session) as server:
        page = browser.new_page(viewport={"width": 1100, "height": 700})
        page.goto(server.url)
        wait_new_render(page, 0)
        page.wait_for_selector("#player:not([hidden])")
        # Playing: the shown frame keeps moving on, through more than one distinct frame.
        # (up to 10 s: on a loaded 2-core machine the first frames can take a while to arrive)
        seen = set()
        for _ in range(160):
            seen.add(page.get_attribute("#render", "data-frame"))
            if len(seen) >= 3:
                break
            page.wait_for_timeout(60)
        assert len(seen) >= 3, seen
        assert page.inner_text("#frame-label").endswith("/6")
        page.click("#play")  # pause: the frame stays put
        paused = page.get_attribute("#render", "data-frame")
        page.wait_for_timeout(300)
        assert page.get_attribute("#render", "data-frame") == paused
        page.close()


@pytest.mark.ml
def test_variant_grid_order_toggle_seed_or_taste(browser, tmp_path):
    """With --taste the grid shows each variant's taste score and the toggle reorders it."""
    pytest.importorskip("sklearn")
    pytest.importorskip("open_clip")
    from gencraft.ml.search.taste import like_images
    from gencraft.render import render
    from gencraft.seeds import parse_seed
    from gencraft.sketch import load_sketch
    from tests.test_live import VARYING_RINGS, _tone_seeds

    path = tmp_path / "rings.py"
    path.write_text(VARYING_RINGS)
    liked, skipped = _tone_seeds(path, "ember", 5, 10, 1000)
    likes = tmp_path / "likes"
    for s, skip in [(s, False) for s in liked] + [(s, True) for s in skipped]:
        shot = tmp_path / f"rings-{s}.png"
        render(path, {}, s, (96, 96)).save(shot)
        like_images([shot], likes, skip=skip)
    sk = load_sketch(path)
    base = sk.resolve({})
    ember = {s for s in range(200) if sk.for_token(base, parse_seed(s))["tone"] == "ember"}
    # the first cell is not ember, so ordering by taste must move something
    centre = next(c for c in range(4, 196) if c - 4 not in ember and 1 <= len(ember & set(range(c - 4, c + 5))) <= 4)
    session = LiveSession(path, size=(96, 96), seed=str(centre), out_dir=tmp_path / "out", timeout=60, taste=likes)
    with RunningServer(session) as server:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(server.url)
        wait_new_render(page, 0)
        page.click(".tabs button[data-tab=variants]")
        page.wait_for_selector("#grid-order-label:not([hidden])", timeout=30_000)
        page.wait_for_function("document.querySelectorAll('#grid .cell .tag.taste').length === 9", timeout=180_000)
        shown = ("() => [...document.querySelectorAll('#grid .cell')].map((el) => [el.getBoundingClientRect(), el])"
                 ".sort((a, b) => a[0].top - b[0].top || a[0].left - b[0].left).map(([, el]) => Number(el.dataset.index))")
        assert page.input_value("#grid-order") == "taste"
        by_taste = page.evaluate(shown)
        assert by_taste == session.grid_order("taste") and by_taste != list(range(9))
        assert session.grid["cells"][by_taste[0]]["seed"] in {str(s) for s in ember}
        assert page.inner_text("#grid .cell .tag.taste >> nth=0").startswith("♥ 0.") or \
            page.inner_text("#grid .cell .tag.taste >> nth=0") == "♥ 1.00"
        page.select_option("#grid-order", "seed")
        assert page.evaluate(shown) == list(range(9))
        page.select_option("#grid-order", "taste")
        assert page.evaluate(shown) == by_taste
        assert "taste from 5 likes vs 10 skips" in page.inner_text("#taste-status")
        assert not errors
        page.close()
