"""The house rules: engines import nothing above them, no import cycles, a light CLI start.

Checked statically (the import statements in every module, read with ``ast``)
so the rule holds for lazy imports inside functions too, and dynamically for
what ``gencraft --help`` actually loads.
"""
from __future__ import annotations

import ast
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "gencraft"
ENGINES = ("noise", "lsystem", "particles", "geometry", "sim")
ABOVE_ENGINES = ("draw", "ml", "cli", "live", "editions")
# Each engine's one drawing adapter: the bridge from its arrays to the canvas.
ADAPTERS = {"gencraft.lsystem.draw", "gencraft.particles.render"}


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> list[tuple[str, bool]]:
    """(imported gencraft module, at top level?) for every import statement in the file."""
    tree = ast.parse(path.read_text())
    top = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("gencraft"):
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                target = candidate if ALL_MODULES.get(candidate) else node.module
                found.append((target, id(node) in top))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("gencraft"):
                    found.append((alias.name, id(node) in top))
    return found


ALL_MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def test_engines_import_nothing_from_drawing_ml_cli_live_or_editions():
    offences = []
    for name, path in ALL_MODULES.items():
        parts = name.split(".")
        if len(parts) < 2 or parts[1] not in ENGINES or name in ADAPTERS:
            continue
        for target, _ in imports_of(path):
            tparts = target.split(".")
            if len(tparts) > 1 and tparts[1] in ABOVE_ENGINES:
                offences.append(f"{name} imports {target}")
    assert not offences, offences


def test_draw_imports_no_engine_ml_cli_live_or_editions():
    offences = [f"{name} imports {target}" for name, path in ALL_MODULES.items()
                if name.startswith("gencraft.draw")
                for target, _ in imports_of(path)
                if target.split(".")[1:2] and target.split(".")[1] in ENGINES + ("ml", "cli", "live", "editions")]
    assert not offences, offences


def _cycles(top_level_only: bool) -> list[list[str]]:
    graph = {name: {t for t, top in imports_of(path) if (top or not top_level_only) and t in ALL_MODULES
                    and t != name and not name.startswith(t + ".")}
             for name, path in ALL_MODULES.items()}
    # Tarjan's strongly connected components: any component of 2+ modules is a cycle.
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10_000)
    for v in graph:
        if v not in index:
            visit(v)
    return out


def test_no_import_cycles_even_through_lazy_imports():
    """Importing one's own parent package is not counted (Python runs it first anyway)."""
    cycles = _cycles(top_level_only=False)
    assert not cycles, cycles


def test_the_cycles_the_layout_issue_named_are_gone():
    graph_pairs = {(a, t) for a, p in ALL_MODULES.items() for t, _ in imports_of(p)}
    assert ("gencraft.lsystem.parametric", "gencraft.lsystem.rewrite") not in graph_pairs
    for m in ("atlas", "rank", "output"):
        assert (f"gencraft.ml.search.{m}", "gencraft.ml.search.explore") not in graph_pairs


def test_one_contact_sheet_module():
    names = [n for n in ALL_MODULES if n.rsplit(".", 1)[-1] == "contact"]
    assert names == ["gencraft.draw.contact"]


def test_help_imports_no_numba_cairo_or_torch():
    code = ("import sys\nfrom gencraft.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('numba', 'cairo', 'torch', 'open_clip', 'diffusers') if m in sys.modules]\n"
            "print('HEAVY', heavy)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "render" in out.stdout and "explore" in out.stdout  # every command is listed
    assert "HEAVY []" in out.stdout, out.stdout


@pytest.mark.parametrize("command,extra,hidden", [
    ("score", "ml", "torch"), ("explore", "ml", "open_clip"), ("refine", "diffusion", "diffusers"),
    ("live", "live", "starlette"),
])
def test_command_without_its_extra_says_which_to_install(command, extra, hidden):
    code = (f"import sys\nsys.modules[{hidden!r}] = None\nfrom gencraft.cli import main\n"
            f"main([{command!r}, 'x.png', '--prompt', 'a'])\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert out.stderr.strip() == f"error: gencraft {command} needs the {extra} extra: pip install 'gencraft[{extra}]'"
    assert "Traceback" not in out.stderr


def test_explore_takes_its_options_by_keyword():
    from gencraft.ml.search.explore import explore

    sig = inspect.signature(explore)
    positional = [p.name for p in sig.parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    assert positional == ["sketch", "prompt", "budget"]


def test_public_entry_points_still_import():
    import gencraft
    from gencraft import Choice, Colour, Float, palette  # noqa: F401
    from gencraft import noise
    from gencraft.lsystem import derive, draw_turtle  # noqa: F401
    from gencraft.particles import streamlines  # noqa: F401

    assert gencraft.noise is noise
    assert noise.simplex2(0.5, 0.25, seed=3) == pytest.approx(noise.simplex2(0.5, 0.25, seed=3))
