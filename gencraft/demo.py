"""`make demo`: render the bundled sketches, an edition, an exploration and a
compare sheet into gallery/, with gallery/index.html linking everything.

Every step goes through the public CLI, exactly as an artist would type it, so
the demo doubles as an end-to-end check of the commands.
"""
from __future__ import annotations

import html
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SKETCHES = ROOT / "sketches"
GALLERY = ROOT / "gallery"

EDITION_SKETCH = "truchet"
EXPLORE_SKETCH = "flow"
#: words the bundled tiny CLIP knows; the target is checked on the best render (see :func:`landed`)
EXPLORE_PROMPT = "dense warm flow lines on a dark background"
EXPLORE_TARGET = {"background": "dark", "warmth": "warm"}


def gencraft(*args: str) -> subprocess.CompletedProcess:
    """Run one gencraft command, echoing it; stop the demo if it fails."""
    cmd = [sys.executable, "-m", "gencraft", *map(str, args)]
    print("  $ gencraft " + " ".join(str(a) for a in args), flush=True)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, text=True, stdout=subprocess.PIPE)
    if proc.returncode != 0:
        raise SystemExit(f"demo step failed (exit {proc.returncode}): gencraft {' '.join(map(str, args))}")
    print(f"    done in {time.perf_counter() - t0:.1f} s", flush=True)
    return proc


#: the gallery's running order, chosen for quality and rhythm (light and dark pieces alternate);
#: sketches not listed follow in name order, fixtures are left out
ORDER = ["flow", "mosaic", "truchet", "morphogen", "attractor", "bloom", "wash", "contours",
         "meander", "garden", "marble", "ranges", "abop", "loop"]
STRIP = 8            # tokens per sketch in the gallery
STRIP_SIZE = "720x720"


def art_sketches() -> list[Path]:
    """The bundled art sketches in gallery order (a sketch whose docstring says 'fixture' is not art)."""
    from gencraft.sketch import load_sketch

    paths = {p.stem: p for p in SKETCHES.glob("*.py") if "fixture" not in load_sketch(p).description.lower()}
    ranked = [n for n in ORDER if n in paths] + sorted(n for n in paths if n not in ORDER)
    return [paths[n] for n in ranked]


def render_sketches() -> list[dict]:
    """A strip of tokens per art sketch: each a small edition, so traits and thumbnails come with it."""
    from gencraft.sketch import load_sketch

    out = GALLERY / "sketches"
    out.mkdir(parents=True, exist_ok=True)
    items = []
    for path in art_sketches():
        sketch = load_sketch(path)
        folder = out / path.stem
        gencraft("edition", path.relative_to(ROOT), "--count", str(STRIP), "--collection-seed", "gencraft-gallery",
                 "--size", STRIP_SIZE, "--out", folder.relative_to(ROOT), "--workers", "2")
        tokens = []
        for i in range(STRIP):
            meta = json.loads((folder / "tokens" / f"{i}.json").read_text())
            traits = ", ".join(str(a["value"]) for a in meta.get("attributes", []))
            full = f"tokens/{i}.gif" if sketch.animated else f"tokens/{i}.png"
            tokens.append({"thumb": f"sketches/{path.stem}/thumbs/{i}.jpg",
                           "full": f"sketches/{path.stem}/{full}", "traits": traits})
        doc = " ".join(sketch.description.split("\n\n")[0].split())
        for sep in (" — ", " - "):  # the heading already says the title
            if doc.startswith(sketch.title + sep):
                doc = doc[len(sketch.title + sep):]
        items.append({"name": path.stem, "title": sketch.title, "doc": doc[:1].upper() + doc[1:],
                      "tokens": tokens, "edition": f"sketches/{path.stem}/index.html"})
    return items


def run_edition() -> dict:
    folder = GALLERY / "edition"
    gencraft("edition", f"sketches/{EDITION_SKETCH}.py", "--count", "16", "--collection-seed", "gencraft-demo",
             "--size", "640x640", "--out", folder.relative_to(ROOT), "--workers", "2")
    return {"sketch": EDITION_SKETCH, "gallery": "edition/index.html"}


def run_exploration() -> dict:
    folder = GALLERY / "explore"
    gencraft("explore", f"sketches/{EXPLORE_SKETCH}.py", "--prompt", EXPLORE_PROMPT, "--budget", "40",
             "--seed", "0", "--out", folder.relative_to(ROOT), "--study", (folder / "study.db").relative_to(ROOT))
    looks = landed(folder / "best_01.png")
    print(f"    best render: {_look_words(looks)} ({'on target' if looks['on target'] else 'off target'}: "
          f"{EXPLORE_TARGET})", flush=True)
    return {"sketch": EXPLORE_SKETCH, "prompt": EXPLORE_PROMPT, "folder": "explore/", "best": looks}


def landed(path: Path) -> dict:
    """What the best render looks like, measured from its pixels, and whether that is the target."""
    from PIL import Image

    from gencraft.ml.clip.tiny.sketch_captions import measure

    with Image.open(path) as im:
        look = measure(np.asarray(im.convert("RGB")))
    found = {k: getattr(look, k) for k in ("background", "warmth", "density")}
    return {**found, "on target": all(found[k] == v for k, v in EXPLORE_TARGET.items())}


def _look_words(looks: dict) -> str:
    """'background dark, warmth warm, density in between' (a measurement None is in between)."""
    return ", ".join(f"{k} {v or 'in between'}" for k, v in looks.items() if k != "on target")


def run_compare() -> dict:
    out = GALLERY / "compare.png"
    # the third column: gencraft's own trained tiny diffusion model (gencraft/ml/models/tiny-diffusion)
    gencraft("compare", f"sketches/{EXPLORE_SKETCH}.py", "--prompt", EXPLORE_PROMPT, "--budget", "24",
             "--refine-model", "tiny", "-o", out.relative_to(ROOT))
    return {"image": "compare.png"}


MORPH_SKETCH = "flow"
MORPH_SEED = "7"
MORPH_TO = ["turbulence=1.6", "scale=2.8", "width=0.014", "length=1.1"]   # B: the same token, other weather


def run_morph_and_grade() -> dict:
    """A morph between two renders of one token (a looping GIF), and a colour grade of the first."""
    from gencraft.post.lut import identity_lut, write_cube

    folder = GALLERY / "morph"
    folder.mkdir(parents=True, exist_ok=True)
    rel = folder.relative_to(ROOT)
    sketch = f"sketches/{MORPH_SKETCH}.py"
    gencraft("render", sketch, "--seed", MORPH_SEED, "--size", "480x480", "-o", rel / "a.png")
    overrides = [arg for pin in MORPH_TO for arg in ("-p", pin)]
    gencraft("render", sketch, "--seed", MORPH_SEED, "--size", "480x480", *overrides, "-o", rel / "b.png")
    gencraft("morph", sketch, rel / "a.png", rel / "b.png", "--frames", "32", "--loop", "--ease", "cosine",
             "--fps", "12", "-q", "-o", GALLERY.relative_to(ROOT) / "morph.gif")
    lut = identity_lut(17)  # a gentle film look: lifted blacks, softened highlights, warm shadows
    lut.table = 0.04 + 0.92 * lut.table ** 1.08
    lut.table[..., 0] += 0.02 * (1 - lut.table[..., 0])
    lut.title = "gencraft demo film"
    (folder / "film.cube").write_text(write_cube(lut))
    gencraft("grade", rel / "a.png", "--contrast", "1.1", "--saturation", "1.15", "--temperature", "0.15",
             "--palette", "dusk", "--palette-mix", "0.2", "--lut", rel / "film.cube",
             "-o", GALLERY.relative_to(ROOT) / "graded.png")
    return {"sketch": MORPH_SKETCH, "morph": "morph.gif", "a": "morph/a.png", "b": "morph/b.png",
            "graded": "graded.png", "to": MORPH_TO}


def write_index(sketches: list[dict], edition: dict, explore: dict, compare: dict, post: dict | None = None) -> Path:
    def strip(item: dict) -> str:
        cells = "".join(
            f'<a class="token" href="{html.escape(t["full"])}"><img loading="lazy" src="{html.escape(t["thumb"])}" '
            f'alt="{html.escape(item["title"])}, {html.escape(t["traits"])}"><span>{html.escape(t["traits"])}</span></a>'
            for t in item["tokens"])
        return (f'<section class="piece"><h3>{html.escape(item["title"])} <code>sketches/{item["name"]}.py</code>'
                f' <a href="{html.escape(item["edition"])}">edition view</a></h3>'
                f'<p>{html.escape(item["doc"])}</p><div class="strip">{cells}</div></section>')

    cards = "\n".join(strip(item) for item in sketches)
    explore_files = sorted(p.name for p in (GALLERY / "explore").glob("*.png"))
    explore_imgs = "".join(f'<a href="explore/{n}"><img class="small" src="explore/{n}"></a>' for n in explore_files[:8])
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>gencraft gallery</title>
<style>
body{{background:#15141a;color:#e9e4da;font:15px/1.5 system-ui,sans-serif;margin:0;padding:32px 48px}}
h1{{font-weight:600;letter-spacing:.02em}} h2{{margin-top:48px;border-bottom:1px solid #333;padding-bottom:6px}}
.piece{{margin:40px 0}} .piece h3{{font-weight:500;margin:0 0 4px}} .piece h3 a{{font-size:13px;margin-left:10px}}
.piece p{{color:#b9b3a8;max-width:70em;margin:0 0 12px;font-size:14px}}
.strip{{display:grid;grid-template-columns:repeat(8,1fr);gap:12px}}
@media (max-width:1100px){{.strip{{grid-template-columns:repeat(4,1fr)}}}}
.token{{display:block;background:#2a2830;padding:8px;border-radius:3px;text-decoration:none}}
.token img{{width:100%;aspect-ratio:1;object-fit:contain;display:block;background:#2a2830}}
.token span{{display:block;font-size:11px;color:#9d978c;margin-top:6px;line-height:1.3}}
img{{max-width:100%;border-radius:4px}} img.small{{width:180px;margin:4px}}
a{{color:#f2b880}} code{{color:#8fd3c8}}
</style></head><body>
<h1>gencraft gallery</h1>
<p>Rule-based sketches beside learned models. Every image carries its recipe:
<code>gencraft info FILE</code> prints it and <code>gencraft reproduce FILE</code> re-renders it byte for byte.</p>
<h2>Sketches</h2><p>Eight tokens of each bundled sketch, each drawn from its own hash: palette, scale,
composition and rare features vary; click a token for the full image, or an edition view for its traits.</p>
{cards}
<h2>Edition</h2><p>16 tokens of <code>{edition['sketch']}</code> from the collection seed
<code>gencraft-demo</code>: <a href="{edition['gallery']}">browse the edition gallery</a>
(metadata, rarity table, contact sheet and QA report are in <code>edition/</code>).</p>
<a href="edition/contact.png"><img style="max-width:900px" src="edition/contact.png"></a>
<h2>CLIP-guided exploration</h2><p><code>{explore['sketch']}</code> searched for
“{html.escape(explore['prompt'])}” with the bundled tiny CLIP: <a href="{explore['folder']}">results</a>.
{_landed_note(explore)}</p>
{explore_imgs}
<h2>Rule-based vs learned</h2><a href="{compare['image']}"><img style="max-width:1200px" src="{compare['image']}"></a>
{_post_section(post)}
</body></html>"""
    index = GALLERY / "index.html"
    index.write_text(page)
    return index


def _landed_note(explore: dict) -> str:
    best = explore.get("best")
    if not best:
        return ""
    return f"The best render, measured from its pixels: {html.escape(_look_words(best))} — " + (
        "on target." if best["on target"] else "not on target.")


def _post_section(post: dict | None) -> str:
    if not post:
        return ""
    return (f'<h2>Morph and grade</h2><p>One token of <code>{post["sketch"]}</code> morphing to itself under other '
            f'weather (<code>{html.escape(" ".join(post["to"]))}</code>) and back: every frame pins every '
            'parameter, the first has the pixels of <a href="' + post["a"] + '">A</a>, the midpoint those of '
            '<a href="' + post["b"] + '">B</a>. Then A colour-graded in OKLab with a palette remap and a '
            '<code>.cube</code> LUT; the grade is a stage in its recipe, replayed by <code>gencraft reproduce</code>.</p>'
            f'<img style="width:480px" src="{post["morph"]}"> '
            f'<a href="{post["a"]}"><img style="width:360px" src="{post["a"]}"></a> '
            f'<a href="{post["graded"]}"><img style="width:360px" src="{post["graded"]}"></a>')


def main() -> None:
    t0 = time.perf_counter()
    GALLERY.mkdir(exist_ok=True)
    for sub in ("sketches", "edition", "explore", "morph"):
        shutil.rmtree(GALLERY / sub, ignore_errors=True)
    print("1/4 rendering sketches", flush=True)
    sketches = render_sketches()
    print("2/4 edition", flush=True)
    edition = run_edition()
    print("3/4 CLIP-guided exploration", flush=True)
    explore = run_exploration()
    print("4/4 rule-based vs CLIP-steered vs refined", flush=True)
    compare = run_compare()
    print("+ a morph and a colour grade", flush=True)
    post = run_morph_and_grade()
    index = write_index(sketches, edition, explore, compare, post)
    (GALLERY / "demo.json").write_text(json.dumps(
        {"sketches": sketches, "edition": edition, "explore": explore, "compare": compare, "post": post}, indent=2))
    print(f"\ndemo finished in {time.perf_counter() - t0:.0f} s — open {index}")


if __name__ == "__main__":
    main()
