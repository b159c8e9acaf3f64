"""The L-system text format (``.lsys`` files and grammars in sketch strings).

One item per line; ``#`` starts a comment. A line is either a directive
``key: value`` or a production ``predecessor -> successor``::

    # ABoP Fig. 1.24d
    name: plant-1.24d
    axiom: X
    angle: 20
    n: 7
    X -> F[+X]F[-X]+X
    F -> FF

Modules are single characters (``F``, ``+``, ``[``...), optionally with
arguments in parentheses: ``A(1, 2.5)`` in an axiom, formal names in a
predecessor ``A(x, y)``, expressions in a successor ``A(2*x, x+y)``.
Whitespace between modules is ignored; ``ε`` (or nothing) is the empty word.

Productions (ABoP / cpfg / L-Py notation, ``→`` accepted for ``->``)::

    [pN:] [left <] pred [> right] [: condition] -> successor [: weight]

* **Deterministic**: ``F -> F+F-F``.
* **Stochastic**: several productions with the same left-hand side (context,
  predecessor and condition) and a ``: weight`` after each successor form one
  stochastic production; one alternative is drawn per module, with probability
  weight / sum of weights, from the seeded generator (see ``rewrite``).
* **Parametric**: ``A(x, y): y <= 3 -> A(2*x, x+y)``; the condition and the
  arguments are expressions (see :mod:`gencraft.lsystem.expr`), ``define:``
  constants may be used anywhere.
* **Context-sensitive**: ``B < A > C -> ...``; contexts may be several modules
  (``BC < S > G[H]M``); ``*`` means "any". Context matching skips the symbols
  listed by ``ignore:`` and is bracket-aware (see ``rewrite`` for the rules).

Productions are tried in the order written; the first whose predecessor,
contexts and condition match rewrites the module; a module no production
matches is copied unchanged.

Directives: ``axiom`` (required), ``n`` (derivation steps), ``angle``
(degrees), ``heading`` (initial heading in degrees, 0 = +x, default 90 = +y),
``ignore`` (symbols skipped in context matching), ``draw`` (further symbols
drawn like ``F``), ``move`` (further symbols moving like ``f``), ``define``
(``name = expression``), ``step_scale`` / ``angle_scale`` / ``width`` /
``width_scale`` (turtle, see ``turtle``), ``tropism`` (``x y z e``), ``view``
(``azimuth elevation`` in degrees for 3D systems), and the descriptive
``name``, ``figure`` and ``description``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from gencraft.errors import did_you_mean
from gencraft.lsystem.expr import Expr, LSystemSyntaxError, Pos, compile_expr, evaluate_constant

RESERVED = set("(),:<>#")
DIRECTIVES = ("name", "figure", "description", "axiom", "n", "angle", "heading", "ignore", "draw",
              "move", "define", "step_scale", "angle_scale", "width", "width_scale", "tropism", "view")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z_0-9]*$")
_LABEL = re.compile(r"^\s*p\d+\s*:")


@dataclass
class Pattern:
    """A module in a predecessor or context: a symbol and formal parameter names."""

    symbol: str
    params: tuple[str, ...] = ()


@dataclass
class Successor:
    """A module in a successor: a symbol and argument expressions."""

    symbol: str
    args: tuple[Expr, ...] = ()


@dataclass
class Alternative:
    weight: float
    successor: list[Successor]
    pos: Pos


@dataclass
class Production:
    """One (possibly stochastic) production: the left-hand side and its alternatives."""

    left: list[Pattern]
    pred: Pattern
    right: list[Pattern]
    condition: Expr | None
    alternatives: list[Alternative]
    pos: Pos
    stochastic: bool = False

    @property
    def params(self) -> tuple[str, ...]:
        """All formal names, in binding order: left context, predecessor, right context."""
        return tuple(n for p in (*self.left, self.pred, *self.right) for n in p.params)

    @property
    def context_sensitive(self) -> bool:
        return bool(self.left or self.right)


@dataclass
class LSystem:
    """A parsed L-system: axiom, productions and interpretation settings."""

    axiom: list[tuple[str, tuple[float, ...]]]
    productions: list[Production] = field(default_factory=list)
    n: int = 1
    angle: float = 90.0
    heading: float = 90.0
    ignore: set[str] = field(default_factory=set)
    draw: set[str] = field(default_factory=lambda: {"F"})
    move: set[str] = field(default_factory=lambda: {"f"})
    defines: dict[str, float] = field(default_factory=dict)
    step_scale: float = 1.0
    angle_scale: float = 1.0
    width: float = 1.0
    width_scale: float = 0.7
    tropism: tuple[float, float, float, float] | None = None
    view: tuple[float, float] = (0.0, 0.0)
    name: str = "lsystem"
    figure: str = ""
    description: str = ""
    source: str = "<lsystem>"

    @property
    def parametric(self) -> bool:
        """True when any module carries arguments (the general, per-module path rewrites it)."""
        if any(args for _, args in self.axiom):
            return True
        for p in self.productions:
            if p.params or p.condition is not None:
                return True
            if any(m.args for a in p.alternatives for m in a.successor):
                return True
        return False

    @property
    def symbols(self) -> list[str]:
        """Every symbol that appears anywhere, in first-seen order."""
        seen: dict[str, None] = {}
        for s, _ in self.axiom:
            seen.setdefault(s)
        for p in self.productions:
            for m in (*p.left, p.pred, *p.right):
                seen.setdefault(m.symbol)
            for a in p.alternatives:
                for m in a.successor:
                    seen.setdefault(m.symbol)
        for s in sorted(self.draw | self.move | self.ignore):
            seen.setdefault(s)
        return list(seen)


# ------------------------------------------------------------------ scanning

def _split_top(text: str, sep: str) -> list[tuple[str, int]]:
    """Split on a separator character outside parentheses; keeps each part's offset."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append((text[start:i], start))
            start = i + 1
    parts.append((text[start:], start))
    return parts


def _scan_modules(text: str, pos: Pos):
    """Yield (symbol, [(arg_text, offset)], offset) for each module in ``text``."""
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if ch in RESERVED:
            raise pos.error(f"expected a module symbol, got {ch!r}", i)
        start = i
        i += 1
        j = i
        while j < n and text[j].isspace():
            j += 1
        args: list[tuple[str, int]] = []
        if j < n and text[j] == "(":
            depth, k = 0, j
            while k < n:
                if text[k] == "(":
                    depth += 1
                elif text[k] == ")":
                    depth -= 1
                    if depth == 0:
                        break
                k += 1
            if k >= n:
                raise pos.error(f"expected ')' to close the arguments of {ch!r}", n)
            inner = text[j + 1:k]
            if not inner.strip():
                raise pos.error(f"expected arguments inside the parentheses of {ch!r}", j + 1)
            args = [(t, j + 1 + off) for t, off in _split_top(inner, ",")]
            i = k + 1
        if ch == "ε":
            if args:
                raise pos.error("the empty word 'ε' takes no arguments", start)
            continue
        yield ch, args, start


def parse_patterns(text: str, pos: Pos, what: str, brackets: bool) -> list[Pattern]:
    out = []
    for sym, args, off in _scan_modules(text, pos):
        if sym in "[]" and not brackets:
            raise pos.error(f"brackets are not allowed in a {what}", off)
        names = []
        for arg, aoff in args:
            name = arg.strip()
            if not _NAME.match(name):
                raise pos.error(f"expected a parameter name in {what} {sym!r}, got {name!r}",
                                aoff + len(arg) - len(arg.lstrip()))
            if name in names:
                raise pos.error(f"parameter {name!r} appears twice in {sym!r}", aoff)
            names.append(name)
        out.append(Pattern(sym, tuple(names)))
    return out


def _balanced(modules: list, pos: Pos, what: str) -> list:
    """The modules, once every '[' has its ']' (else an error at the unmatched bracket's column)."""
    open_at: list[int] = []
    for sym, _, off in modules:
        if sym == "[":
            open_at.append(off)
        elif sym == "]":
            if not open_at:
                raise pos.error(f"unmatched ']' in the {what}: no '[' before it", off)
            open_at.pop()
    if open_at:
        raise pos.error(f"unmatched '[' in the {what}: expected a ']' after it", open_at[-1])
    return modules


def parse_successor(text: str, pos: Pos, params: tuple[str, ...], defines: dict) -> list[Successor]:
    return [Successor(sym, tuple(compile_expr(a, pos.at(off), params, defines) for a, off in args))
            for sym, args, _ in _balanced(list(_scan_modules(text, pos)), pos, "successor")]


def parse_axiom(text: str, pos: Pos, defines: dict | None = None) -> list[tuple[str, tuple[float, ...]]]:
    """An axiom (or any word): modules with constant arguments."""
    return [(sym, tuple(evaluate_constant(a, pos.at(off), defines) for a, off in args))
            for sym, args, _ in _balanced(list(_scan_modules(text, pos)), pos, "axiom")]


# ----------------------------------------------------------------- productions

def _find_arrow(line: str) -> tuple[int, int]:
    """Index and length of the first '->' or '→' (-1 when absent)."""
    a, b = line.find("->"), line.find("→")
    if a < 0 and b < 0:
        return -1, 0
    if b < 0 or (0 <= a < b):
        return a, 2
    return b, 1


def parse_production(line: str, pos: Pos, defines: dict) -> tuple[str, Production]:
    """Parse one production line; returns (left-hand-side key, production)."""
    arrow, alen = _find_arrow(line)
    lhs, rhs, rhs_off = line[:arrow], line[arrow + alen:], arrow + alen
    lhs_off = 0
    m = _LABEL.match(lhs)
    if m:
        lhs_off, lhs = m.end(), lhs[m.end():]
    # condition: first ':' outside parentheses on the left-hand side
    parts = _split_top(lhs, ":")
    if len(parts) > 2:
        raise pos.error("expected at most one ':' (before the condition) on the left of '->'",
                        lhs_off + parts[2][1] - 1)
    cond_text = parts[1] if len(parts) == 2 else None
    head = parts[0][0]
    # contexts: '<' and '>' outside parentheses
    left_text = right_text = None
    pieces = _split_top(head, "<")
    if len(pieces) > 2:
        raise pos.error("expected at most one '<' (after the left context)", lhs_off + pieces[2][1] - 1)
    if len(pieces) == 2:
        left_text, rest, rest_off = pieces[0], pieces[1][0], pieces[1][1]
    else:
        rest, rest_off = head, 0
    rpieces = _split_top(rest, ">")
    if len(rpieces) > 2:
        raise pos.error("expected at most one '>' (before the right context)",
                        lhs_off + rest_off + rpieces[2][1] - 1)
    pred_text, pred_off = rpieces[0][0], rest_off
    if len(rpieces) == 2:
        right_text = (rpieces[1][0], rest_off + rpieces[1][1])
    pred = parse_patterns(pred_text, pos.at(lhs_off + pred_off), "predecessor", brackets=True)
    if len(pred) != 1:
        where = lhs_off + pred_off + (len(pred_text) - len(pred_text.lstrip()))
        got = "nothing" if not pred else repr(pred_text.strip())
        raise pos.error(f"expected one predecessor module before '->', got {got}", where)

    def context(piece, what, brackets):
        if piece is None:
            return []
        text, off = piece
        if text.strip() == "*":
            return []
        found = parse_patterns(text, pos.at(lhs_off + off), what, brackets)
        if not found:
            raise pos.error(f"expected a {what} (or '*'), got nothing", lhs_off + off)
        return found

    left = context(left_text, "left context", brackets=False)
    right = context(right_text, "right context", brackets=True)
    for m_ in right:
        if m_.symbol in "[]" and m_.params:
            raise pos.error("brackets take no parameters", lhs_off)
    names: list[str] = []
    for patt in (*left, pred[0], *right):
        for nm in patt.params:
            if nm in names:
                raise pos.error(f"parameter {nm!r} is bound twice on the left of '->'", lhs_off)
            names.append(nm)
    params = tuple(names)
    condition = None
    if cond_text is not None:
        ctext, coff = cond_text
        if not ctext.strip():
            raise pos.error("expected a condition after ':'", lhs_off + coff)
        condition = compile_expr(ctext, pos.at(lhs_off + coff), params, defines)
    # weight: last ':' outside parentheses on the right-hand side
    rparts = _split_top(rhs, ":")
    weight = None
    if len(rparts) > 2:
        raise pos.error("expected at most one ':' (before the weight) on the right of '->'",
                        rhs_off + rparts[2][1] - 1)
    if len(rparts) == 2:
        wtext, woff = rparts[1]
        weight = evaluate_constant(wtext, pos.at(rhs_off + woff), defines)
        if not weight >= 0:
            raise pos.error(f"expected a non-negative weight, got {weight:g}", rhs_off + woff)
    succ = parse_successor(rparts[0][0], pos.at(rhs_off), params, defines)
    key = "|".join([";".join(f"{p.symbol}{p.params}" for p in left), f"{pred[0].symbol}{pred[0].params}",
                    ";".join(f"{p.symbol}{p.params}" for p in right),
                    condition.python if condition else ""])
    prod = Production(left, pred[0], right, condition,
                      [Alternative(1.0 if weight is None else weight, succ, pos)], pos,
                      stochastic=weight is not None)
    return key, prod


# ------------------------------------------------------------------- the file

def _strip_comment(line: str) -> str:
    i = line.find("#")
    return line if i < 0 else line[:i]


def _float_directive(value: str, pos: Pos, defines: dict, key: str) -> float:
    return evaluate_constant(value, pos, defines)


def parse_lsystem(text: str, source: str = "<lsystem>", **overrides) -> LSystem:
    """Parse the text format into an :class:`LSystem`.

    Raises :class:`LSystemSyntaxError` (a UserError) naming the line, column
    and what was expected. ``overrides`` (``n=``, ``angle=``...) replace
    directive values after parsing.
    """
    directives: list[tuple[str, str, Pos]] = []
    productions: list[tuple[str, Pos]] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = _strip_comment(raw)
        if not line.strip():
            continue
        pos = Pos(lineno, 1, source)
        if _find_arrow(line)[0] >= 0:
            productions.append((line, pos))
            continue
        colon = line.find(":")
        if colon < 0:
            col = len(line) - len(line.lstrip())
            raise pos.error(f"expected 'key: value' or 'predecessor -> successor', got {line.strip()!r}", col)
        key = line[:colon].strip().lower()
        if key not in DIRECTIVES:
            col = len(line) - len(line.lstrip())
            raise pos.error(f"unknown directive {key!r}{did_you_mean(key, DIRECTIVES)}: expected one of "
                            f"{', '.join(DIRECTIVES)} (or a production with '->')", col)
        value = line[colon + 1:]
        directives.append((key, value, pos.at(colon + 1)))

    sys_ = LSystem(axiom=[], source=source)
    # defines first, in order, so productions and the axiom may use them
    for key, value, pos in directives:
        if key == "define":
            name, eq, expr = value.partition("=")
            if not eq or not _NAME.match(name.strip()):
                raise pos.error(f"expected 'define: NAME = expression', got {value.strip()!r}",
                                len(value) - len(value.lstrip()))
            sys_.defines[name.strip()] = evaluate_constant(expr, pos.at(len(name) + 1), sys_.defines)
    axiom_seen = False
    for key, value, pos in directives:
        v = value.strip()
        lead = len(value) - len(value.lstrip())
        if key == "axiom":
            sys_.axiom = parse_axiom(value, pos, sys_.defines)
            axiom_seen = True
        elif key == "n":
            if not re.fullmatch(r"\d+", v):
                raise pos.error(f"expected a whole number of steps, got {v!r}", lead)
            sys_.n = int(v)
        elif key in ("angle", "heading", "step_scale", "angle_scale", "width", "width_scale"):
            setattr(sys_, key, _float_directive(value, pos, sys_.defines, key))
        elif key in ("ignore", "draw", "move"):
            syms = {c for c in v if not c.isspace() and c != ","}
            if key != "ignore" and syms & set("[]"):
                raise pos.error(f"brackets cannot be {key} symbols", lead)
            if key == "ignore":
                sys_.ignore |= syms - set("[]")
            else:
                getattr(sys_, key).update(syms)
        elif key == "tropism":
            nums = v.replace(",", " ").split()
            if len(nums) != 4:
                raise pos.error(f"expected 'tropism: x y z e' (four numbers), got {v!r}", lead)
            sys_.tropism = tuple(evaluate_constant(t, pos.at(lead), sys_.defines) for t in nums)
        elif key == "view":
            nums = v.replace(",", " ").split()
            if len(nums) != 2:
                raise pos.error(f"expected 'view: azimuth elevation' in degrees, got {v!r}", lead)
            sys_.view = tuple(evaluate_constant(t, pos.at(lead), sys_.defines) for t in nums)
        elif key in ("name", "figure", "description"):
            setattr(sys_, key, v)
    if not axiom_seen:
        raise LSystemSyntaxError("expected an 'axiom:' line, found none", max(1, len(text.splitlines())), 1,
                                 source)
    groups: dict[str, Production] = {}
    for line, pos in productions:
        key, prod = parse_production(line, pos, sys_.defines)
        if key in groups:
            group = groups[key]
            group.alternatives.extend(prod.alternatives)
            group.stochastic = True
        else:
            groups[key] = prod
            sys_.productions.append(prod)
    for prod in sys_.productions:
        if sum(a.weight for a in prod.alternatives) <= 0:
            raise prod.pos.error("the weights of this stochastic production sum to zero")
    return apply_overrides(sys_, **overrides)


def apply_overrides(sys_: LSystem, **overrides) -> LSystem:
    """Replace settings (``n``, ``angle``, ``heading``, ``draw``...) given as keywords (None = keep)."""
    for key, value in overrides.items():
        if value is None:
            continue
        if not hasattr(sys_, key):
            raise TypeError(f"unknown L-system setting {key!r}")
        if key in ("draw", "move", "ignore"):
            value = getattr(sys_, key) | set(value)
        setattr(sys_, key, value)
    return sys_


def inline_lsystem(axiom: str, rules: list[str], **overrides) -> LSystem:
    """Build a system from an axiom and rule strings (the CLI's ``--axiom``/``--rule``)."""
    lines = [f"axiom: {axiom}"] + list(rules)
    for i, rule in enumerate(rules, start=1):  # the n-th --rule, numbered as below
        if _find_arrow(rule)[0] < 0:
            raise LSystemSyntaxError(f"expected 'predecessor -> successor' in rule {rule!r}", i, 1, "--rule")
    try:
        return parse_lsystem("\n".join(lines), source="inline", **overrides)
    except LSystemSyntaxError as exc:
        if exc.line == 1:
            raise LSystemSyntaxError(exc.reason, 1, exc.column - len("axiom: "), "--axiom") from None
        if 2 <= exc.line <= len(rules) + 1:
            raise LSystemSyntaxError(f"{exc.reason} (in {rules[exc.line - 2]!r})", exc.line - 1, exc.column,
                                     "--rule") from None
        raise
