"""L-systems: grammar, rewriting, turtle and presets, checked against values derived
independently of the engine (published ABoP rules re-typed here, a naive string
rewriter and turtle written for the test, growth matrices, closed forms)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from gencraft.errors import UserError
from gencraft.lsystem import (LSystemSyntaxError, derive, inline_lsystem, interpret, load_preset,
                              lsystem_stats, parse_lsystem, preset_names)

# ----------------------------------------------------------------- reference

# The published ABoP chapter-1 rules, typed from the book (not read from the preset files).
# name: (axiom, {pred: succ}, angle, n, drawn symbols)
ABOP = {
    "koch-island": ("F-F-F-F", {"F": "F-F+F+FF-F-F+F"}, 90, 3, "F"),
    "quadratic-koch-island": ("F-F-F-F", {"F": "F+FF-FF-F-F+F+FF-F-F+F+FF+FF-F"}, 90, 2, "F"),
    "quadratic-snowflake": ("-F", {"F": "F+F-F-F+F"}, 90, 4, "F"),
    "islands-and-lakes": ("F+F+F+F", {"F": "F+f-FF+F+FF+Ff+FF-f+FF-F-FF-Ff-FFF", "f": "ffffff"}, 90, 2, "F"),
    "koch-1.9a": ("F-F-F-F", {"F": "FF-F-F-F-F-F+F"}, 90, 4, "F"),
    "koch-1.9b": ("F-F-F-F", {"F": "FF-F-F-F-FF"}, 90, 4, "F"),
    "koch-1.9c": ("F-F-F-F", {"F": "FF-F+F-F-FF"}, 90, 3, "F"),
    "koch-1.9d": ("F-F-F-F", {"F": "FF-F--F-F"}, 90, 4, "F"),
    "koch-1.9e": ("F-F-F-F", {"F": "F-FF--F-F"}, 90, 5, "F"),
    "koch-1.9f": ("F-F-F-F", {"F": "F-F+F-F-F"}, 90, 4, "F"),
    "dragon": ("L", {"L": "L+R+", "R": "-L-R"}, 90, 10, "LR"),
    "sierpinski-arrowhead": ("R", {"L": "R+L+R", "R": "L-R-L"}, 60, 6, "LR"),
    "gosper-hexagonal": ("L", {"L": "L+R++R-L--LL-R+", "R": "-L+RR++R+L--L-R"}, 60, 4, "LR"),
    "gosper-quadratic": ("-R", {"L": "LL-R-R+L+L-R-RL+R+LLR-L+R+LL+R-LR-R-L+L+RR-",
                                "R": "+LL-R-R+L+LR+L-RR-L-R+LRR-L-RL+L+R-R-L+L+RR"}, 90, 2, "LR"),
    "plant-1.24a": ("F", {"F": "F[+F]F[-F]F"}, 25.7, 5, "F"),
    "plant-1.24b": ("F", {"F": "F[+F]F[-F][F]"}, 20, 5, "F"),
    "plant-1.24c": ("F", {"F": "FF-[-F+F+F]+[+F-F-F]"}, 22.5, 4, "F"),
    "plant-1.24d": ("X", {"X": "F[+X]F[-X]+X", "F": "FF"}, 20, 7, "F"),
    "plant-1.24e": ("X", {"X": "F[+X][-X]FX", "F": "FF"}, 25.7, 7, "F"),
    "plant-1.24f": ("X", {"X": "F-[[X]+X]+F[+FX]-X", "F": "FF"}, 22.5, 5, "F"),
}
CLOSED = ["koch-island", "quadratic-koch-island", "islands-and-lakes"] + [f"koch-1.9{c}" for c in "abcdef"]


def ref_rewrite(axiom: str, rules: dict, n: int) -> str:
    s = axiom
    for _ in range(n):
        s = "".join(rules.get(c, c) for c in s)
    return s


def ref_turtle(s: str, angle: float, draw: str = "F", move: str = "f", heading: float = 90.0):
    """A plain 2D turtle: returns (draw count, end point, bbox of visited positions, segments)."""
    x = y = 0.0
    h = math.radians(heading)
    a = math.radians(angle)
    stack, xs, ys, segs = [], [0.0], [0.0], []
    for c in s:
        if c in draw or c in move:
            nx, ny = x + math.cos(h), y + math.sin(h)
            if c in draw:
                segs.append(((x, y), (nx, ny)))
            x, y = nx, ny
            xs.append(x)
            ys.append(y)
        elif c == "+":
            h += a
        elif c == "-":
            h -= a
        elif c == "|":
            h += math.pi
        elif c == "[":
            stack.append((x, y, h))
        elif c == "]":
            x, y, h = stack.pop()
    return len(segs), (x, y), (min(xs), min(ys), max(xs), max(ys)), segs


def parikh_counts(axiom: str, rules: dict, n: int) -> dict:
    """Letter counts after n steps from the growth matrix alone (no strings built)."""
    letters = sorted(set(axiom) | set(rules) | {c for s in rules.values() for c in s})
    idx = {c: i for i, c in enumerate(letters)}
    m = np.zeros((len(letters), len(letters)), dtype=object)
    for c in letters:
        for d in rules.get(c, c):
            m[idx[c], idx[d]] += 1
    v = np.zeros(len(letters), dtype=object)
    for c in axiom:
        v[idx[c]] += 1
    for _ in range(n):
        v = v.dot(m)
    return {c: int(v[idx[c]]) for c in letters}


def ref_context(s: str, i: int, ignore: str, direction: int):
    """The single-module context of s[i] (bracket-aware, with a depth counter)."""
    j, depth = i + direction, 0
    opener, closer = ("]", "[") if direction < 0 else ("[", "]")
    while 0 <= j < len(s):
        c = s[j]
        if c == opener:
            depth += 1
        elif c == closer:
            if depth:
                depth -= 1
            elif direction > 0:
                return None  # the branch ends: no right context
        elif depth == 0 and c not in ignore:
            return c
        j += direction
    return None


def ref_cs_rewrite(axiom: str, rules: list, ignore: str, n: int) -> list[str]:
    """Naive 2L-system rewriting; rules are (left|None, pred, right|None, succ)."""
    words = [axiom]
    s = axiom
    for _ in range(n):
        out = []
        for i, c in enumerate(s):
            for left, pred, right, succ in rules:
                if pred != c:
                    continue
                if left is not None and ref_context(s, i, ignore, -1) != left:
                    continue
                if right is not None and ref_context(s, i, ignore, +1) != right:
                    continue
                out.append(succ)
                break
            else:
                out.append(c)
        s = "".join(out)
        words.append(s)
    return words


# ------------------------------------------------------------------- presets

def test_every_abop_chapter1_figure_is_a_preset():
    names = set(preset_names())
    figures = {load_preset(n).figure for n in names}
    wanted = {"1.6", "1.7a", "1.7b", "1.8", "1.9a", "1.9b", "1.9c", "1.9d", "1.9e", "1.9f", "1.10a", "1.10b",
              "1.11a", "1.11b", "1.24a", "1.24b", "1.24c", "1.24d", "1.24e", "1.24f", "1.27", "1.31a", "1.31b",
              "1.31c", "1.31d", "1.31e", "1.33", "1.37", "1.39"}
    assert wanted <= figures
    assert set(ABOP) <= names


@pytest.mark.parametrize("name", sorted(ABOP))
def test_preset_matches_reference_rewriter_and_turtle(name):
    axiom, rules, angle, n, draw = ABOP[name]
    system = load_preset(name)
    assert system.n == n and system.angle == pytest.approx(angle)
    word = derive(system)
    expected = ref_rewrite(axiom, rules, n)
    assert word.to_string() == expected
    count, end, bbox, _ = ref_turtle(expected, angle, draw)
    st = lsystem_stats(system)
    assert st["string_length"] == len(expected)
    assert st["draw_count"] == count
    assert st["end_point"] == pytest.approx(end, abs=1e-6)
    assert st["bbox"] == pytest.approx(bbox, abs=1e-6)


@pytest.mark.parametrize("name", sorted(ABOP))
def test_string_length_and_draw_count_match_growth_matrix(name):
    axiom, rules, _, n, draw = ABOP[name]
    counts = parikh_counts(axiom, rules, n)
    st = lsystem_stats(load_preset(name))
    assert st["string_length"] == sum(counts.values())
    assert st["draw_count"] == sum(counts.get(c, 0) for c in draw)


@pytest.mark.parametrize("name", CLOSED)
def test_closed_curves_close(name):
    for n in range(0, 3):
        st = lsystem_stats(load_preset(name), n=n)
        assert st["end_point"] == pytest.approx([0, 0], abs=1e-9)
    # why they close: edge i of the square axiom is the generator rotated by i * (t + s) quarter
    # turns (t: the generator's net turn, s: the axiom's turn); unless that is a whole turn the
    # four rotated copies cancel
    axiom, rules, _, _, _ = ABOP[name]
    t = rules["F"].count("+") - rules["F"].count("-")
    s = 1 if "+" in axiom else -1
    assert (t + s) % 4 != 0


def test_dragon_end_to_end_distance_is_2_to_the_n_over_2():
    for n in range(0, 15):
        x, y = lsystem_stats(load_preset("dragon"), n=n)["end_point"]
        assert math.hypot(x, y) == pytest.approx(2 ** (n / 2), rel=1e-9)


def test_dragon_never_retraces_an_edge():
    shape = interpret(s := load_preset("dragon"), derive(s, n=12))
    a, b, *_ = shape.project().segments()
    edges = {tuple(sorted([tuple(np.round(p, 6)), tuple(np.round(q, 6))])) for p, q in zip(a, b)}
    assert len(edges) == shape.draw_count == 2 ** 12


def test_sierpinski_arrowhead_spans_2_to_the_n():
    for n in range(0, 9):
        st = lsystem_stats(load_preset("sierpinski-arrowhead"), n=n)
        assert math.hypot(*st["end_point"]) == pytest.approx(2 ** n, rel=1e-9)
        assert st["draw_count"] == 3 ** n


@pytest.mark.parametrize("name,factor,per_step", [("gosper-hexagonal", math.sqrt(7), 7),
                                                  ("gosper-quadratic", 5.0, 25),
                                                  ("quadratic-snowflake", 3.0, 5)])
def test_edge_rewriting_curves_scale_and_stay_self_avoiding(name, factor, per_step):
    for n in range(0, 4 if per_step == 25 else 5):
        system = load_preset(name)
        st = lsystem_stats(system, n=n)
        assert math.hypot(*st["end_point"]) == pytest.approx(factor ** n, rel=1e-9)
        assert st["draw_count"] == per_step ** n
    if name.startswith("gosper"):
        shape = interpret(system, derive(system, n=3))
        pts = np.round(shape.vertices[:, :2], 6)
        assert len({tuple(p) for p in pts}) == shape.draw_count + 1  # no vertex visited twice


@pytest.mark.parametrize("name,end", [("plant-1.24a", lambda n: 3 ** n), ("plant-1.24b", lambda n: 2 ** n),
                                      ("plant-1.24c", lambda n: 2 ** n),
                                      ("plant-1.24e", lambda n: 2 ** (n + 1) - 2)])
def test_plant_main_axis_length(name, end):
    for n in range(1, 6):
        st = lsystem_stats(load_preset(name), n=n)
        assert st["end_point"] == pytest.approx([0, end(n)], abs=1e-9)


def test_heading_option_rotates_the_path():
    s = load_preset("sierpinski-arrowhead")
    assert lsystem_stats(s, n=4, heading=0)["end_point"] == pytest.approx([16, 0], abs=1e-9)
    # presets with their own heading still measure from +y unless asked
    row = lsystem_stats(load_preset("row-of-trees"), n=3)
    assert row["end_point"][0] == pytest.approx(0, abs=1e-9)


def test_row_of_trees_keeps_edge_ends_on_the_heading():
    p, q = 0.3, 0.7
    h = math.sqrt(p * q)
    k = p + q + 2 * h * math.cos(math.radians(86))
    for n in range(0, 6):
        st = lsystem_stats(load_preset("row-of-trees"), n=n, heading=0)
        assert st["end_point"] == pytest.approx([k ** n, 0], abs=1e-9)
        assert st["draw_count"] == 4 ** n


def test_compound_leaf_counts():
    # apices A(d): A(0) -> F[+A(1)][-A(1)]F A(0); A(1) -> A(0). Count A(0)/A(1)/F by recurrence.
    a0, a1, f = 1, 0, 0
    for n in range(1, 9):
        a0, a1, f = a0 + a1, 2 * a0, f + 2 * a0
        word = derive(load_preset("compound-leaf"), n=n)
        assert word.count("F") == f and word.count("A") == a0 + a1


# ------------------------------------------------------- context-sensitive

HH_TABLE = {  # ABoP p. 35: successors for 0<0>0, 0<0>1, 0<1>0, 0<1>1, 1<0>0, 1<0>1, 1<1>0, 1<1>1
    "hogeweg-1.31a": ("F1F1F1", 30, ["0", "1[+F1F1]", "1", "1", "0", "1F1", "0", "0"]),
    "hogeweg-1.31b": ("F1F1F1", 30, ["1", "1[-F1F1]", "1", "1", "0", "1F1", "1", "0"]),
    "hogeweg-1.31c": ("F1F1F1", 26, ["0", "1", "0", "1[+F1F1]", "0", "1F1", "0", "0"]),
    "hogeweg-1.31d": ("F0F1F1", 24, ["1", "0", "0", "1F1", "1", "1[+F1F1]", "1", "0"]),
    "hogeweg-1.31e": ("F1F1F1", 26, ["0", "1[-F1F1]", "1", "1", "0", "1F1", "1", "0"]),
}


@pytest.mark.parametrize("name", sorted(HH_TABLE))
def test_hogeweg_hesper_systems_step_by_step(name):
    axiom, n, succ = HH_TABLE[name]
    rules = [(l, p, r, succ[4 * int(l) + 2 * int(p) + int(r)]) for l in "01" for p in "01" for r in "01"]
    rules += [(None, "+", None, "-"), (None, "-", None, "+")]
    n_check = min(n, 18)
    expected = ref_cs_rewrite(axiom, rules, "+-F", n_check)
    got = [w.to_string() for w in derive(load_preset(name), n=n_check, history=True)]
    assert got == expected
    assert len(expected[-1]) > len(axiom) * 3  # the signals did make the plant grow


def test_signal_propagation_acropetal_and_basipetal():
    acro = parse_lsystem("axiom: baaaaaaaa\nb < a -> b\nb -> a")
    words = [w.to_string() for w in derive(acro, n=8, history=True)]
    assert words == ["a" * k + "b" + "a" * (8 - k) for k in range(9)]
    basi = parse_lsystem("axiom: aaaaaaaab\na > b -> b\nb -> a")
    words = [w.to_string() for w in derive(basi, n=8, history=True)]
    assert words == ["a" * (8 - k) + "b" + "a" * k for k in range(9)]


def test_signal_enters_every_branch_and_skips_sibling_branches():
    s = parse_lsystem("axiom: b[a][+a]a[a]a\nb < a -> b\nb -> a\nignore: +")
    words = [w.to_string() for w in derive(s, n=2, history=True)]
    # left context of a module after ']' is the branch's parent, not the branch's last module
    assert words[1] == "a[b][+b]b[a]a"
    assert words[2] == "a[a][+a]a[b]b"


def test_multi_module_bracketed_contexts_as_in_abop():
    # ABoP p. 32: BC < S > G[H]M applies to S in ABC[DE][SG[HI[JK]L]MNO]
    s = parse_lsystem("axiom: ABC[DE][SG[HI[JK]L]MNO]\nBC < S > G[H]M -> X\nDE < S -> Y")
    assert derive(s, n=1).to_string() == "ABC[DE][XG[HI[JK]L]MNO]"
    s = parse_lsystem("axiom: ABC[DE][SG[HI[JK]L]MNO]\nBC < S > G[H]N -> X")
    assert derive(s, n=1).to_string() == "ABC[DE][SG[HI[JK]L]MNO]"


def test_first_matching_production_wins_and_unmatched_modules_are_copied():
    s = parse_lsystem("axiom: abc\na < b -> X\nb -> Y\nc > d -> Z")
    assert derive(s, n=1).to_string() == "aXc"


# --------------------------------------------------------------- parametric

def test_parametric_derivation_of_abop_figure_1_33():
    words = [w.to_string() for w in derive(load_preset("parametric-1.33"), n=5, history=True)]
    assert words == ["B(2)A(4,4)", "B(1)B(4)A(1,0)", "B(0)B(3)A(2,1)", "CB(2)A(4,3)", "CB(1)A(8,7)",
                     f"CB(0)B(8)A({8 / 7:.6g},0)"]


def test_parametric_context_and_arithmetic():
    s = parse_lsystem("""
        define: k = 2
        axiom: A(1)B(3)B(5)
        A(x) < B(y) : y > x -> B(x*k + y^2)
        B(y) -> B(y - 1)
        A(x) -> A(max(x, 0.5) % 1 + sqrt(16))
    """)
    assert derive(s, n=1).to_string() == "A(4)B(11)B(4)"


def test_parametric_turtle_arguments():
    s = parse_lsystem("axiom: F(2)+(90)F(3)-(45)f(1)\nangle: 10")
    st = lsystem_stats(s, n=0, heading=0)
    assert st["end_point"] == pytest.approx([2 + math.cos(math.radians(45)), 3 + math.sin(math.radians(45))])
    assert st["draw_count"] == 2


# ---------------------------------------------------------------- stochastic

def test_stochastic_choice_is_seeded_and_weighted():
    s = parse_lsystem("axiom: " + "A" * 40000 + "\nA -> B : 1\nA -> C : 3")
    w1 = derive(s, n=1, rng=np.random.default_rng(5)).to_string()
    w2 = derive(s, n=1, rng=np.random.default_rng(5)).to_string()
    w3 = derive(s, n=1, rng=np.random.default_rng(6)).to_string()
    assert w1 == w2 and w1 != w3
    assert w1.count("C") / 40000 == pytest.approx(0.75, abs=0.01)


def test_stochastic_parametric_path_draws_the_same_numbers():
    plain = parse_lsystem("axiom: " + "A" * 300 + "\nA -> B : 1\nA -> C : 2")
    param = parse_lsystem("axiom: " + "A(1)" * 300 + "\nA(x) -> B(x) : 1\nA(x) -> C(x) : 2")
    a = derive(plain, n=1, rng=np.random.default_rng(1)).to_string()
    b = derive(param, n=1, rng=np.random.default_rng(1)).to_string().replace("(1)", "")
    assert a == b


def test_stochastic_plant_stays_between_its_alternatives():
    for seed in range(4):
        st = lsystem_stats(load_preset("stochastic-plant"), rng=np.random.default_rng(seed))
        assert 3 ** 5 <= st["draw_count"] <= 5 ** 5
    counts = {lsystem_stats(load_preset("stochastic-plant"), rng=np.random.default_rng(s))["draw_count"]
              for s in range(4)}
    assert len(counts) > 1


# ---------------------------------------------------------------- size limit

def test_size_limit_names_step_and_size_before_allocating():
    dragon = load_preset("dragon")  # |w_n| = 3 * 2^n - 2
    with pytest.raises(UserError, match=r"step 12 would produce 12,286 modules, over the limit of 10,000"):
        derive(dragon, n=20, max_modules=10_000)
    burst = parse_lsystem("axiom: F\nF -> FFFFFFFFFF")
    with pytest.raises(UserError, match=r"step 8 would produce 100,000,000 modules, over the limit of 50,000,000"):
        derive(burst, n=12)
    ctx = parse_lsystem("axiom: ab\na < b -> bb\nb -> bb")
    with pytest.raises(UserError, match=r"step 5 would produce 33 modules"):
        derive(ctx, n=10, max_modules=20)
    param = parse_lsystem("axiom: A(1)\nA(x) -> A(x)A(x+1)")
    with pytest.raises(UserError, match=r"step 6 would produce 64 modules, over the limit of 50"):
        derive(param, n=10, max_modules=50)


# ------------------------------------------------------------------- turtle

def test_3d_turtle_frames():
    def end(axiom, **kw):
        s = parse_lsystem(f"axiom: {axiom}\nangle: 90")
        return interpret(s, derive(s, n=0), **kw).end_point

    assert end("F&F") == pytest.approx((0, 1, -1))       # pitch down turns H towards -U
    assert end("F^F") == pytest.approx((0, 1, 1))
    assert end("F/&F") == pytest.approx((1, 1, 0))
    assert end("F\\&F") == pytest.approx((-1, 1, 0))
    assert end("F|F") == pytest.approx((0, 0, 0))
    assert end("F+F") == pytest.approx((-1, 1, 0))       # + is counter-clockwise seen from the front
    s = parse_lsystem("axiom: F&F\nangle: 90")
    proj = interpret(s, derive(s, n=0)).project(azimuth=90)
    assert proj.coords[-1] == pytest.approx([-1, 1])
    assert interpret(s, derive(s, n=0)).project().depth[-1] == pytest.approx(1)  # -z is farther away


def test_tropism_bends_towards_the_vector():
    straight = parse_lsystem("axiom: FFFFFFFF")
    bent = parse_lsystem("axiom: FFFFFFFF\ntropism: 0 -1 0 0.2")
    e0 = interpret(straight, derive(straight), heading=0).end_point
    e1 = interpret(bent, derive(bent), heading=0).end_point
    assert e0 == pytest.approx((8, 0, 0))
    assert e1[1] < -1.0 and e1[0] < 8


def test_turtle_styles_break_polylines():
    s = parse_lsystem("axiom: F!F'F[+F]fF\nwidth: 2\nwidth_scale: 0.5")
    shape = interpret(s, derive(s))
    assert shape.widths.tolist() == [2.0, 1.0, 1.0, 1.0]
    assert shape.colors.tolist() == [0, 0, 1, 1]
    assert np.diff(shape.offsets).tolist() == [2, 2, 3, 2]
    assert shape.draw_count == 5
    scaled = parse_lsystem('axiom: F"F;+F\nstep_scale: 0.5\nangle_scale: 2\nangle: 45')
    assert interpret(scaled, derive(scaled)).end_point == pytest.approx((-0.5, 1.5, 0))


# ---------------------------------------------------------------- parsing

@pytest.mark.parametrize("text,line,column,what", [
    ("axiom: F\nF(x -> F", 2, 5, "expected ')'"),
    ("axiom: F\nA(x): x >> 2 -> B", 2, 10, "expected a number"),
    ("axiom: F\nfoo bar", 2, 1, "expected 'key: value' or 'predecessor -> successor'"),
    ("axiom: F\n  angel: 30", 2, 3, "did you mean 'angle'"),
    ("axiom: F\nA(x): y > 1 -> B", 2, 7, "unknown name 'y'"),
    ("axiom: F\nA(x) -> B(x*)", 2, 13, "expected a number"),
    ("axiom: F\nA B -> C", 2, 1, "expected one predecessor module"),
    ("axiom: F\n[A] < B -> C", 2, 1, "brackets are not allowed in a left context"),
    ("n: 3\nF -> FF", 2, 1, "expected an 'axiom:' line"),
    ("axiom: F\nn: three", 2, 4, "expected a whole number"),
    ("axiom: F(1,)", 1, 12, "expected an expression"),
    ("axiom: F\nA(x) -> B(sinn(x))", 2, 11, "unknown function 'sinn'"),
])
def test_parse_errors_name_line_column_and_expectation(text, line, column, what):
    with pytest.raises(LSystemSyntaxError) as info:
        parse_lsystem(text, source="t.lsys")
    exc = info.value
    assert (exc.line, exc.column) == (line, column), str(exc)
    assert what in str(exc)
    assert str(exc).startswith(f"t.lsys: line {line}, column {column}: ")
    assert isinstance(exc, UserError)


def test_inline_rule_errors_name_the_rule():
    with pytest.raises(LSystemSyntaxError, match=r"--rule: line 2, column 7: expected .*'F->F\(x'"):
        inline_lsystem("F", ["F->F", "F->F(x"])
    # a rule without an arrow is numbered the same way: the 2nd --rule is line 2
    with pytest.raises(LSystemSyntaxError, match=r"--rule: line 2, column 1: expected 'predecessor -> successor'"):
        inline_lsystem("F", ["F->F", "G"])


def test_format_features_comments_labels_arrows_and_empty_successor():
    s = parse_lsystem("""
        # a comment
        axiom: AB   # trailing comment
        p1: A → AB
        p2: B -> ε
    """)
    assert [w.to_string() for w in derive(s, n=2, history=True)] == ["AB", "AB", "AB"]
