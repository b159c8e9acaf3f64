"""Editions: hashes, metadata, rarity, QA, gallery, resume, bad input (fast, in-process)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from gencraft.editions import make_edition, simulate
from gencraft.editions.hashes import edition_hashes, read_hashes_file
from gencraft.editions.qa import analyse, dhash, phash
from gencraft.editions.rarity import rarity, trait_table
from gencraft.errors import UserError
from gencraft.provenance import read_recipe
from gencraft.seeds import collection_hashes, parse_seed
from gencraft.sketch import load_sketch

DOTS = '''"""Dots — discs on paper."""
from gencraft import Int, Choice

SIZE = (48, 36)
n = Int(6, 1, 50)
mood = Choice("warm", ["warm", "cool"])

def draw(c, rng, p):
    c.background("#f4efe6")
    pal = {"warm": ["#e4572e", "#f3a712", "#29335c"], "cool": ["#2e86ab", "#a23b72", "#3b1f2b"]}[p.mood]
    for _ in range(p.n):
        c.fill(rng.pick(pal)).no_stroke()
        c.circle(rng.uniform(0, c.width), rng.uniform(0, c.height), rng.uniform(2, 9))

def features(rng, p):
    return {"Mood": p.mood, "Size": rng.pick(["small", "medium", "large"], [6, 3, 1]), "Lucky": rng.chance(0.3)}
'''

# Half the tokens are a plain sheet (blank); the rest are one of two fixed pictures (duplicates).
TWINS = '''"""Twins."""
SIZE = (40, 40)

def draw(c, rng, p):
    c.background("#ffffff")
    kind = int(rng.integers(3))
    if kind == 0:
        return
    c.fill("#111111").no_stroke()
    if kind == 1:
        c.rect(0, 0, 20, 40)
    else:
        c.circle(20, 20, 14)

def features(rng, p):
    return {"Kind": ["blank", "half", "disc"][int(rng.integers(3))]}
'''


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def stats(folder: Path) -> dict[str, tuple]:
    return {str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.stat().st_ino)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def dots(write_sketch):
    return write_sketch(DOTS, "dots.py")


# -- hashes ---------------------------------------------------------------------------------------

def test_hashes_file_forms_comments_and_count(tmp_path):
    hx = collection_hashes("x", 2)
    fx = "oo" + "3" * 49
    f = tmp_path / "h.txt"
    f.write_text(f"# my drop\n{hx[0].upper().replace('0X', '0x')}\n\n{fx}  # an fx(hash) one\n{hx[1]}\n")
    assert read_hashes_file(f) == [hx[0], fx, hx[1]]
    assert edition_hashes(2, hashes_file=f) == [hx[0], fx]
    with pytest.raises(UserError, match="holds only 3"):
        edition_hashes(4, hashes_file=f)


@pytest.mark.parametrize("bad,lineno", [("0x1234", 3), ("hello world", 3), ("0x" + "g" * 64, 3)])
def test_hashes_file_malformed_line_is_named(tmp_path, bad, lineno):
    f = tmp_path / "h.txt"
    f.write_text(f"{collection_hashes(1, 1)[0]}\n\n{bad}\n")
    with pytest.raises(UserError, match=rf"h.txt:{lineno}: malformed token hash"):
        read_hashes_file(f)


def test_hashes_duplicate_and_count_errors(tmp_path):
    h = collection_hashes(1, 1)[0]
    f = tmp_path / "h.txt"
    f.write_text(f"{h}\n{h}\n")
    with pytest.raises(UserError, match="h.txt:2: duplicate token hash .*first on line 1"):
        read_hashes_file(f)
    for bad in (0, -3):
        with pytest.raises(UserError, match="from 1 to 1,000,000"):
            edition_hashes(bad, collection_seed=1)
    assert edition_hashes(3, collection_seed="s") == collection_hashes("s", 3)


# -- rarity and QA units --------------------------------------------------------------------------

def test_rarity_table_scores_and_missing_traits():
    traits = [{"A": "x", "B": True}, {"A": "x", "B": 1}, {"A": "x"}, {"A": "y", "B": True}]
    table = trait_table(traits)
    assert [(r["value"], r["count"]) for r in table["A"]] == [("x", 3), ("y", 1)]
    b = {json.dumps(r["value"]): r["count"] for r in table["B"]}
    assert b == {"true": 2, "1": 1, "null": 1}  # True and 1 are different values; missing counts as None
    rep = rarity(traits, ["h0", "h1", "h2", "h3"])
    h = rep["entropy_bits"]["A"] + rep["entropy_bits"]["B"]
    bits3 = -np.log2(1 / 4) - np.log2(2 / 4)
    assert rep["tokens"][3]["information_bits"] == pytest.approx(bits3, abs=1e-6)
    assert rep["tokens"][3]["score"] == pytest.approx(bits3 / h, abs=1e-6)
    assert rep["tokens"][3]["rank"] == 1
    assert rep["tokens"][1]["rank"] == rep["tokens"][2]["rank"] == 2  # ties share a rank
    assert rep["tokens"][0]["rank"] == 4
    assert rep["unique_combinations"] == 4


def test_perceptual_hashes_separate_different_images():
    rng = np.random.default_rng(0)
    a = Image.fromarray((rng.random((64, 64)) * 255).astype(np.uint8))
    b = Image.fromarray((rng.random((64, 64)) * 255).astype(np.uint8))
    grad = Image.fromarray(np.tile(np.arange(64, dtype=np.uint8) * 4, (64, 1)))
    assert dhash(a) == dhash(a.copy()) and phash(a) == phash(a.copy())
    assert bin(dhash(a) ^ dhash(b)).count("1") > 16
    assert bin(phash(grad) ^ phash(grad.transpose(Image.Transpose.ROTATE_90))).count("1") > 16
    assert dhash(grad) == (1 << 64) - 1  # every pixel brighter than its left neighbour


def test_qa_flags_duplicates_and_blanks(tmp_path):
    paths = []
    rng = np.random.default_rng(1)
    imgs = [np.full((40, 40, 3), 250, np.uint8)]                     # 0: blank
    noise = (rng.random((40, 40, 3)) * 255).astype(np.uint8)
    imgs += [noise, noise.copy(), (rng.random((40, 40, 3)) * 255).astype(np.uint8)]  # 1 ~ 2
    for i, im in enumerate(imgs):
        p = tmp_path / f"{i}.jpg"
        Image.fromarray(im).save(p, quality=90)
        paths.append(p)
    rep = analyse(paths)
    assert [d["tokens"] for d in rep["near_duplicates"]] == [[1, 2]]
    assert rep["near_duplicates"][0]["dhash_distance"] == 0
    assert rep["outliers"] == [{"token_id": 0, "reasons": ["nearly blank"]}]


# -- a whole edition --------------------------------------------------------------------------------

def test_edition_files_metadata_and_provenance(dots, tmp_path):
    out = tmp_path / "ed"
    rep = make_edition(dots, out, 8, collection_seed="drop-1", params={"n": 9}, workers=1, progress=False)
    hashes = collection_hashes("drop-1", 8)
    assert rep.rendered == list(range(8)) and rep.skipped == 0
    man = json.loads((out / "edition.json").read_text())
    sk = load_sketch(dots)
    assert man["hashes"] == hashes and man["sketch"]["sha256"] == sk.sha256
    assert man["params"] == {"n": 9, "mood": "warm"} and man["size"] == [48, 36]
    params = sk.resolve({"n": 9})
    for i, h in enumerate(hashes):
        meta = json.loads((out / "tokens" / f"{i}.json").read_text())
        assert meta["name"] == f"Dots #{i}" and meta["image"] == f"{i}.png" and meta["hash"] == h
        expected = sk.call_features(parse_seed(h).rng(), params)
        assert meta["attributes"] == [{"trait_type": k, "value": v} for k, v in expected.items()]
        recipe = read_recipe(out / "tokens" / f"{i}.png")
        assert recipe == meta["recipe"] and recipe["seed"] == h and recipe["params"]["n"] == 9
        with Image.open(out / "thumbs" / f"{i}.jpg") as th:
            assert th.size == (48, 36)
    rar = json.loads((out / "rarity.json").read_text())
    assert sum(r["count"] for r in rar["traits"]["Size"]) == 8
    assert sorted(t["rank"] for t in rar["tokens"])[0] == 1
    csv_lines = (out / "rarity.csv").read_text().splitlines()
    assert csv_lines[0].startswith("token_id,hash,rank,score") and len(csv_lines) == 9
    index = (out / "index.html").read_text()
    assert index.count('class="card') == 8 and 'data-trait="1"' in index and 'href="token/7.html"' in index
    page = (out / "token" / "3.html").read_text()
    assert hashes[3] in page and "../tokens/3.png" in page and 'href="2.html"' in page
    with Image.open(out / "contact.png") as sheet:
        assert sheet.width > 400
    assert rep.summary().startswith(f"edition of 8 in {out}: 8 rendered, 0 already finished")


def test_resume_finishes_missing_and_leaves_finished_untouched(dots, tmp_path):
    out = tmp_path / "ed"
    make_edition(dots, out, 6, collection_seed=3, workers=1, progress=False)
    reference = tree(out)
    (out / "tokens" / "2.json").unlink()           # killed before its commit mark
    (out / "tokens" / "4.png").unlink()            # image lost
    (out / "thumbs" / "5.jpg").write_bytes(b"")    # empty file
    (out / "tokens" / ".1.png.abc.part").write_bytes(b"half")  # temp file of a killed write
    before = stats(out)
    rep = make_edition(dots, out, 6, collection_seed=3, workers=1, progress=False)
    assert rep.rendered == [2, 4, 5]
    assert tree(out) == reference
    after = stats(out)
    for i in (0, 1, 3):
        for name in (f"tokens/{i}.png", f"tokens/{i}.json", f"thumbs/{i}.jpg"):
            assert after[name] == before[name], name
    assert after["index.html"] == before["index.html"]  # unchanged bytes are not rewritten
    # Growing the edition keeps the first tokens.
    rep = make_edition(dots, out, 9, collection_seed=3, workers=1, progress=False)
    assert rep.rendered == [6, 7, 8] and stats(out)["tokens/0.png"] == before["tokens/0.png"]


def test_default_collection_seed_is_kept_for_resume(dots, tmp_path):
    out = tmp_path / "ed"
    rep1 = make_edition(dots, out, 3, workers=1, progress=False)
    assert rep1.collection_seed.startswith("0x") and len(rep1.collection_seed) == 66
    rep2 = make_edition(dots, out, 3, workers=1, progress=False)
    assert rep2.collection_seed == rep1.collection_seed and rep2.rendered == []


def test_verify_detects_tampering(dots, tmp_path):
    out = tmp_path / "ed"
    rep = make_edition(dots, out, 4, collection_seed=1, workers=1, progress=False, verify=4)
    assert rep.verify.ok and rep.verify.checked == [0, 1, 2, 3]
    png = out / "tokens" / "1.png"
    img = np.asarray(Image.open(png)).copy()
    img[0, 0] = [0, 0, 0, 255]
    Image.fromarray(img).save(png)
    rep = make_edition(dots, out, 4, collection_seed=1, workers=1, progress=False, verify=4)
    assert rep.verify.mismatches == ["tokens/1.png"]


def test_svg_format_and_hashes_file(dots, tmp_path):
    f = tmp_path / "h.txt"
    hashes = collection_hashes("file", 3)
    f.write_text("\n".join(hashes) + "\n")
    out = tmp_path / "ed"
    make_edition(dots, out, hashes_file=f, formats="svg", workers=1, progress=False)
    assert sorted(p.name for p in (out / "tokens").iterdir()) == ["0.json", "0.svg", "1.json", "1.svg",
                                                                  "2.json", "2.svg"]
    meta = json.loads((out / "tokens" / "2.json").read_text())
    assert meta["image"] == "2.svg" and meta["recipe"]["format"] == "svg"
    assert read_recipe(out / "tokens" / "2.svg")["seed"] == hashes[2]
    assert json.loads((out / "edition.json").read_text())["collection_seed"] is None


def test_animated_sketch_gets_gif_preview(write_sketch, tmp_path):
    sk = write_sketch('''"""Pulse."""
SIZE = (32, 32)
FRAMES = 4
FPS = 8

def draw(c, rng, p, t):
    c.background("#000000")
    c.fill("#ffcc00").no_stroke()
    c.circle(16, 16, 4 + 10 * t + rng.uniform(0, 2))

def features(rng, p):
    return {"Glow": bool(rng.chance(0.5))}
''', "pulse.py")
    out = tmp_path / "ed"
    make_edition(sk, out, 2, collection_seed=1, workers=1, progress=False)
    meta = json.loads((out / "tokens" / "1.json").read_text())
    assert meta["animation_url"] == "1.gif" and meta["recipe"]["frame"] == 0
    with Image.open(out / "tokens" / "1.gif") as gif:
        assert gif.n_frames == 4
    assert "../tokens/1.gif" in (out / "token" / "1.html").read_text()


def test_qa_in_edition_flags_twins_and_blanks(write_sketch, tmp_path):
    sk = write_sketch(TWINS, "twins.py")
    out = tmp_path / "ed"
    rep = make_edition(sk, out, 9, collection_seed=5, workers=1, progress=False)
    blanks = {o["token_id"] for o in rep.qa["outliers"] if "nearly blank" in o["reasons"]}
    kinds = []
    for h in collection_hashes(5, 9):
        kinds.append(int(parse_seed(h).rng().integers(3)))
    assert blanks == {i for i, k in enumerate(kinds) if k == 0}
    pairs = {tuple(d["tokens"]) for d in rep.qa["near_duplicates"]}
    expected = {(a, b) for a in range(9) for b in range(a + 1, 9) if kinds[a] == kinds[b]}
    assert pairs == expected
    assert 'class="card flagged"' in (out / "index.html").read_text()


# -- bad input ------------------------------------------------------------------------------------

def test_different_edition_refused_then_forced(dots, tmp_path):
    out = tmp_path / "ed"
    make_edition(dots, out, 5, collection_seed=1, workers=1, progress=False)
    before = {k: (v, stats(out)[k]) for k, v in tree(out).items()}
    for kwargs, why in [({"collection_seed": 2}, "token hashes differ"), ({"params": {"n": 3}}, "parameters"),
                        ({"size": "20x20"}, "size"), ({"count": 3}, "has 5 tokens")]:
        args = {"collection_seed": 1, "count": 5, **kwargs}
        count = args.pop("count")
        with pytest.raises(UserError, match=why):
            make_edition(dots, out, count, workers=1, progress=False, **args)
    dots.write_text(DOTS.replace("#f4efe6", "#fffff0"))
    with pytest.raises(UserError, match="sketch source"):
        make_edition(dots, out, 5, collection_seed=1, workers=1, progress=False)
    assert {k: (v, stats(out)[k]) for k, v in tree(out).items()} == before  # nothing touched
    rep = make_edition(dots, out, 3, collection_seed=1, workers=1, progress=False, force=True)
    assert rep.rendered == [0, 1, 2]
    assert not (out / "tokens" / "4.png").exists() and not (out / "token" / "4.html").exists()
    assert json.loads((out / "tokens" / "0.json").read_text())["recipe"]["sketch"]["sha256"] == load_sketch(dots).sha256


def test_non_empty_foreign_folder_refused(dots, tmp_path):
    (tmp_path / "mine.txt").write_text("keep")
    with pytest.raises(UserError, match="not empty and holds no gencraft edition"):
        make_edition(dots, tmp_path, 2, collection_seed=1, workers=1, progress=False)
    assert sorted(os.listdir(tmp_path)) == ["dots.py", "mine.txt"]


def test_cli_bad_inputs_exit_2(run_cli, write_sketch, dots, tmp_path):
    r = run_cli("edition", dots, "--count", "0", "--out", tmp_path / "a", "--quiet")
    assert r.returncode == 2 and "--count 0" in r.stderr and "at least 1" in r.stderr
    f = tmp_path / "h.txt"
    f.write_text(collection_hashes(1, 1)[0] + "\n0xnothex\n")
    r = run_cli("edition", dots, "--hashes", f, "--out", tmp_path / "b", "--quiet")
    assert r.returncode == 2 and "h.txt:2: malformed token hash '0xnothex'" in r.stderr
    bad = write_sketch(DOTS.replace('"Lucky": rng.chance(0.3)', '"Lucky": [1, 2]'), "bad.py")
    r = run_cli("edition", bad, "-n", "3", "--out", tmp_path / "c", "--quiet")
    assert r.returncode == 2 and "trait 'Lucky' has value [1, 2]" in r.stderr
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    nan = write_sketch(DOTS.replace('"Lucky": rng.chance(0.3)', '"Lucky": float("nan")'), "nan.py")
    r = run_cli("edition", nan, "-n", "3", "--out", tmp_path / "c", "--quiet")
    assert r.returncode == 2 and "trait 'Lucky' is nan" in r.stderr
    r = run_cli("edition", dots, "-n", "2", "--out", tmp_path / "d", "--format", "png,webp", "--quiet")
    assert r.returncode == 2 and "unknown edition format 'webp'" in r.stderr
    assert not any((tmp_path / d).exists() for d in "abcd")


def test_simulate_reports_traits_without_rendering(run_cli, dots, tmp_path):
    r = run_cli("edition", dots, "--simulate", "400", "--collection-seed", "s", "--json", "--quiet", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["count"] == 400 and sum(v["count"] for v in data["traits"]["Size"]) == 400
    assert any("'Mood' always has the value 'warm'" in h for h in data["hints"])
    rep = simulate(dots, 400, "s")
    sizes = {r["value"]: r["count"] for r in rep.rarity["traits"]["Size"]}
    assert sizes == {r["value"]: r["count"] for r in data["traits"]["Size"]}
    assert sizes["small"] > sizes["medium"] > sizes["large"]
    assert sorted(os.listdir(tmp_path)) == ["dots.py"]  # nothing written
    r = run_cli("edition", dots, "--simulate", "0")
    assert r.returncode == 2 and "--simulate 0" in r.stderr


def test_cli_edition_progress_and_resume(run_cli, dots, tmp_path):
    out = tmp_path / "ed"
    r = run_cli("edition", dots, "-n", "3", "--out", out, "--collection-seed", "c", "--workers", "1")
    assert r.returncode == 0, r.stderr
    assert "token/s" in r.stderr and "3/3" in r.stderr  # tqdm: rate and count
    assert f"edition of 3 in {out}: 3 rendered, 0 already finished" in r.stdout
    r = run_cli("edition", dots, "-n", "3", "--out", out, "--collection-seed", "c", "--verify", "2", "--quiet")
    assert r.returncode == 0 and "0 rendered, 3 already finished" in r.stdout
    assert "verify: 2 re-rendered token(s) byte-identical" in r.stdout
