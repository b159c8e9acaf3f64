"""The static HTML gallery: an index with trait filters and one page per token.

Plain files with relative links and no fetches, so it works opened straight
from the file system (file://) as well as from any static host. Cards are
written into the HTML; the small script only hides and re-orders them.
"""
from __future__ import annotations

import html
import json
from importlib import resources
from string import Template

from gencraft.editions.rarity import _key, display


def _template(name: str) -> str:
    return resources.files("gencraft.editions").joinpath("templates", name).read_text(encoding="utf-8")


def _e(value) -> str:
    return html.escape(str(value), quote=True)


def _filters(table: dict) -> str:
    groups = []
    for t, (name, rows) in enumerate(table.items()):
        if len(rows) < 2:  # a trait every token shares filters nothing
            continue
        items = "\n".join(
            f'      <label><input type="checkbox" data-trait="{t}" value="{v}">'
            f'<span class="v">{_e(display(r["value"]))}</span><span class="n">{r["count"]}</span></label>'
            for v, r in enumerate(rows))
        groups.append(f'    <fieldset><legend>{_e(name)}</legend>\n{items}\n    </fieldset>')
    return "\n".join(groups)


def _value_index(table: dict) -> dict:
    return {name: {_key(r["value"]): v for v, r in enumerate(rows)} for name, rows in table.items()}


def build_gallery(man: dict, traits: list[dict], rarity: dict, qa: dict, contact_names: list[str],
                  main_ext: str, animated: bool, audit: dict | None = None) -> dict[str, str]:
    """{relative path: HTML/CSS/JS text} for the whole gallery."""
    title, count = man["title"], man["count"]
    table = rarity["traits"]
    index_of = _value_index(table)
    tokens = rarity["tokens"]
    flags: dict[int, list[str]] = {}
    for o in qa["outliers"]:
        flags.setdefault(o["token_id"], []).extend(o["reasons"])
    for d in qa["near_duplicates"]:
        a, b = d["tokens"]
        flags.setdefault(a, []).append(f"near-duplicate of #{b}")
        flags.setdefault(b, []).append(f"near-duplicate of #{a}")
    for m in (audit or {}).get("mismatches", []):
        flags.setdefault(m["token_id"], []).append(f"audit: {m['trait']} declared {m['declared']}, "
                                                   f"looks {m['looks_like']}")
    w, h = man["size"]
    cards = []
    for i in range(count):
        attrs = " ".join(f'data-t{t}="{index_of[name][_key(traits[i].get(name))]}"' for t, name in enumerate(table))
        label = ", ".join(f"{k}: {display(v)}" for k, v in traits[i].items())
        cls = "card flagged" if i in flags else "card"
        tip = f' title="{_e("; ".join(flags[i]))}"' if i in flags else ""
        cards.append(
            f'    <a class="{cls}" href="token/{i}.html" data-id="{i}" data-rank="{tokens[i]["rank"]}" {attrs}{tip}>'
            f'<img loading="lazy" src="thumbs/{i}.jpg" alt="#{i} {_e(label)}">'
            f'<span class="meta"><b>#{i}</b>{"<i>QA</i>" if i in flags else ""}'
            f'<span>rank {tokens[i]["rank"]}</span></span></a>')
    contact_links = "".join(f'<a href="{n}">{"contact sheet" if len(contact_names) == 1 else n[:-4]}</a>'
                            for n in contact_names)
    n_dup, n_out = len(qa["near_duplicates"]), len(qa["outliers"])
    qa_note = (f'<p class="qa">QA: {n_dup} near-duplicate pair(s), {n_out} outlier(s) — flagged cards have a red '
               f'border; see <a href="qa.json">qa.json</a>.</p>') if (n_dup or n_out) else ""
    if audit is not None:
        from gencraft.editions.audit import html_section

        qa_note += html_section(audit)
    desc = man.get("description") or ""
    files = {
        "index.html": Template(_template("index.html")).safe_substitute(
            title=_e(title), count=count, size=f"{w}×{h}", sketch_name=_e(man["sketch"]["name"]),
            sha_short=man["sketch"]["sha256"][:12], contact_links=contact_links,
            description=f'<p class="desc">{_e(desc)}</p>' if desc and desc != title else "",
            qa_note=qa_note, filters=_filters(table), cards="\n".join(cards)),
        "gallery.css": Template(_template("gallery.css")).safe_substitute(aspect=f"{w} / {h}", ratio=f"{w / h:.6f}"),
        "gallery.js": _template("gallery.js"),
    }
    page = Template(_template("token.html"))
    share = {name: {_key(r["value"]): r for r in rows} for name, rows in table.items()}
    params = ", ".join(f"{k}={json.dumps(v)}" for k, v in man["params"].items()) or "(none)"
    for i in range(count):
        rows = []
        for name in table:
            v = traits[i].get(name)
            r = share[name][_key(v)]
            pct = 100 * r["share"]
            rows.append(f'        <tr><td>{_e(name)}</td><td>{_e(display(v))}</td>'
                        f'<td class="share">{r["count"]} · {pct:.1f}%<div class="bar"><i style="width:{pct:.1f}%">'
                        f'</i></div></td></tr>')
        if not rows:
            rows.append('        <tr><td colspan="3" class="muted">This sketch declares no traits.</td></tr>')
        exts = [e for e in ("png", "svg") if e in man["formats"]]
        if animated:
            exts += ["gif"] + (["mp4"] if "mp4" in man["formats"] else [])
        links = " ".join(f'<a href="../tokens/{i}.{e}">{e.upper()}</a>' for e in exts)
        links += f' <a href="../tokens/{i}.json">metadata</a>'
        art = f"../tokens/{i}.gif" if animated else f"../tokens/{i}.{main_ext}"
        flag_html = (f'    <p class="flags">QA: {_e("; ".join(flags[i]))}</p>' if i in flags else "")
        prev, nxt = (i - 1) % count, (i + 1) % count
        files[f"token/{i}.html"] = page.safe_substitute(
            name=_e(f"{title} #{i}"), title=_e(title), prev=prev, next=nxt, prev_href=f"{prev}.html",
            next_href=f"{nxt}.html", art_src=art, full_href=f"../tokens/{i}.{main_ext}", rank=tokens[i]["rank"],
            count=count, score=f'{tokens[i]["score"]:.3f}', bits=f'{tokens[i]["information_bits"]:.2f}',
            flags=flag_html, trait_rows="\n".join(rows), hash=_e(man["hashes"][i]), file_links=links,
            params=_e(params))
    return files
