"""Visual trait audit (gencraft edition --audit): a sketch that lies about its colour for some tokens."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from gencraft.editions.audit import plan
from gencraft.seeds import parse_seed

# draw() and features() get the same hash-seeded rng: the first pick is the colour actually drawn;
# features() then lies (declares the other colour) when its second draw says so.
LIAR = '''"""Liar — a red or blue square that sometimes declares the wrong colour."""
SIZE = (64, 64)
COLOURS = {"red": "#dd2222", "blue": "#2244dd"}

def draw(c, rng, p):
    c.background("#f4f4f4")
    colour = rng.pick(["red", "blue"])
    c.fill(COLOURS[colour]).no_stroke()
    c.rect(12, 12, 40, 40)

def features(rng, p):
    colour = rng.pick(["red", "blue"])
    if rng.chance(0.4):
        colour = {"red": "blue", "blue": "red"}[colour]
    return {"Colour": colour, "Size": rng.pick(["small", "huge"])}
'''


def liars(hashes):
    out = set()
    for i, h in enumerate(hashes):
        rng = parse_seed(h).rng()
        rng.pick(["red", "blue"])
        if rng.chance(0.4):
            out.add(i)
    return out


def test_plan_audits_vocabulary_and_mapped_traits_only():
    traits = [{"Colour": "red", "Size": "small", "Mood": "ember", "N": 1},
              {"Colour": "blue", "Size": "huge", "Mood": "sea", "N": 2}]
    audited, skipped = plan(traits, None)
    assert audited == {"Colour": {"red": "red", "blue": "blue"}}
    assert set(skipped) == {"Size", "Mood", "N"}  # "small" alone is known, "huge" is not: one value is no test
    audited, skipped = plan(traits, {"Mood": {"ember": "red", "sea": "blue"}})
    assert audited["Mood"] == {"ember": "red", "sea": "blue"}


def test_audit_flags_exactly_the_tokens_that_lie(tmp_path, write_sketch):
    pytest.importorskip("torch")
    pytest.importorskip("open_clip")
    from gencraft.cli.edition import edition

    sketch = write_sketch(LIAR, "liar.py")
    out = tmp_path / "ed"
    res = CliRunner().invoke(edition, [str(sketch), "-n", "10", "-o", str(out), "--collection-seed", "audit",
                                       "--workers", "1", "--quiet", "--audit"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    man = json.loads((out / "edition.json").read_text())
    expected = liars(man["hashes"])
    assert 0 < len(expected) < 10  # the seed gives both honest and lying tokens
    report = json.loads((out / "audit.json").read_text())
    assert list(report["audited"]) == ["Colour"] and "Size" in report["skipped"]
    assert {m["token_id"] for m in report["mismatches"]} == expected  # margin 0: declared value not the top
    assert all(m["gap"] > 0.1 for m in report["mismatches"])  # and by a clear distance
    assert "audit (tiny): " in res.output
    index = (out / "index.html").read_text()
    assert "Trait audit" in index and 'href="audit.json"' in index
    for i in expected:
        assert f'src="thumbs/{i}.jpg" alt="#{i}"><span class="meta"><b>#{i}</b><span>Colour' in index
        assert "audit: Colour declared" in (out / "token" / f"{i}.html").read_text()


def test_audit_without_ml_extra_is_one_clear_error(tmp_path, write_sketch, monkeypatch):
    import sys

    from gencraft.editions import make_edition
    from gencraft.errors import UserError

    monkeypatch.setitem(sys.modules, "open_clip", None)  # import open_clip -> ImportError
    sketch = write_sketch(LIAR, "liar.py")
    with pytest.raises(UserError, match=r"--audit needs the ml extra.*gencraft\[ml\]"):
        make_edition(sketch, tmp_path / "ed", 2, collection_seed="x", workers=1, progress=False, audit=True)
    assert not (tmp_path / "ed").exists()  # refused before anything is written


@pytest.mark.slow
def test_kind_audit_passes_the_real_sketch_and_flags_a_false_kind(tmp_path):
    """Every bundled sketch says what it draws (KIND); an edition of bloom reads as packed circles,
    and the same sketch claiming to be a strange attractor is flagged on every token."""
    pytest.importorskip("torch")
    pytest.importorskip("open_clip")
    from pathlib import Path

    from gencraft.cli.edition import edition
    from gencraft.ml.clip.tiny.sketch_captions import KINDS, kind_prompt
    from gencraft.sketch import load_sketch

    sketches = Path(__file__).resolve().parent.parent / "sketches"
    for stem in KINDS:
        assert getattr(load_sketch(sketches / f"{stem}.py").module, "KIND", None) == kind_prompt(stem), stem
    source = (sketches / "bloom.py").read_text()
    liar = tmp_path / "bloom_liar.py"
    liar.write_text(source.replace('KIND = "packed circles"', 'KIND = "a strange attractor"'))
    reports = {}
    for name, path in (("bloom", sketches / "bloom.py"), ("liar", liar)):
        out = tmp_path / name
        res = CliRunner().invoke(edition, [str(path), "-n", "6", "-o", str(out), "--collection-seed", "kind",
                                           "--size", "256x256", "--workers", "1", "--quiet", "--audit"],
                                 catch_exceptions=False)
        assert res.exit_code == 0, res.output
        reports[name] = json.loads((out / "audit.json").read_text())
    honest, lying = reports["bloom"], reports["liar"]
    assert "Kind" in honest["audited"]
    # The tiny CLIP reads bloom's kind right on 75 % of held-out tokens (README table): here
    # token 5, a ring of circles on a dark ground, reads as "a strange attractor". So the honest
    # sketch may have one false flag, and exactly the tokens not flagged there are flagged for
    # the liar (the one that looks like an attractor is, rightly, not flagged for claiming it).
    false_flags = {m["token_id"] for m in honest["mismatches"] if m["trait"] == "Kind"}
    assert len(false_flags) <= 1
    flagged = [m for m in lying["mismatches"] if m["trait"] == "Kind"]
    assert {m["token_id"] for m in flagged} == set(range(6)) - false_flags
    assert all(m["declared"] == "a strange attractor" and m["looks_like"] == "packed circles" for m in flagged)
