"""Arithmetic and logical expressions inside parametric L-system productions.

Expressions appear as module arguments (``A(2*x, x+y)``), conditions
(``y <= 3 && x != 0``), stochastic weights and ``define:`` constants. The
grammar (lowest precedence first)::

    or      := and ( ("||" | "or") and )*
    and     := not ( ("&&" | "and") not )*
    not     := ("!" | "not") not | compare
    compare := sum ( ("<" | "<=" | ">" | ">=" | "==" | "=" | "!=") sum )?
    sum     := term ( ("+" | "-") term )*
    term    := unary ( ("*" | "/" | "%") unary )*
    unary   := ("-" | "+") unary | power
    power   := atom ( ("^" | "**") unary )?          # right-associative
    atom    := NUMBER | NAME | NAME "(" expr ("," expr)* ")" | "(" expr ")"

``=`` in a condition means equality, as in ABoP (``d = 0``). Names are the
production's formal parameters, ``define:`` constants, ``pi`` and ``e``;
functions are the few in :data:`FUNCTIONS`. The parsed tree is turned into
Python source built only from these pieces and compiled once, so evaluating a
condition costs one Python call — and no user text is ever evaluated as code.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from gencraft.errors import UserError

FUNCTIONS = {
    "sin": "_m.sin", "cos": "_m.cos", "tan": "_m.tan", "asin": "_m.asin", "acos": "_m.acos",
    "atan": "_m.atan", "atan2": "_m.atan2", "sqrt": "_m.sqrt", "exp": "_m.exp", "log": "_m.log",
    "abs": "abs", "min": "min", "max": "max", "floor": "_floor", "ceil": "_ceil",
    "round": "_round", "pow": "_pow",
}
MAX_DEPTH = 40  # nesting of parentheses, calls, signs and powers in one expression


def _floor(x):  # floats only: an int result could feed an unbounded integer power
    return float(math.floor(x))


def _ceil(x):
    return float(math.ceil(x))


def _round(x, ndigits=None):
    return float(round(x) if ndigits is None else round(x, int(ndigits)))


def _pow(x, y):
    return float(x) ** float(y)  # overflow raises OverflowError instead of building a huge integer
CONSTANTS = {"pi": math.pi, "e": math.e}

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z_0-9]*)
  | (?P<op>\*\*|<=|>=|==|!=|&&|\|\||[-+*/%^()<>=!,])
""", re.VERBOSE)


class LSystemSyntaxError(UserError):
    """A malformed grammar, reported with its line and column (1-based)."""

    def __init__(self, message: str, line: int, column: int, source: str = "<lsystem>"):
        self.line, self.column, self.source, self.reason = line, column, source, message
        super().__init__(f"{source}: line {line}, column {column}: {message}")


@dataclass
class Pos:
    """Where a piece of text starts: line and column (both 1-based) in the source."""

    line: int
    column: int
    source: str = "<lsystem>"

    def at(self, offset: int) -> "Pos":
        return Pos(self.line, self.column + offset, self.source)

    def error(self, message: str, offset: int = 0) -> LSystemSyntaxError:
        return LSystemSyntaxError(message, self.line, self.column + offset, self.source)


def _tokenize(text: str, pos: Pos):
    out, i = [], 0
    while i < len(text):
        m = _TOKEN.match(text, i)
        if not m:
            raise pos.error(f"unexpected character {text[i]!r} in expression", i)
        kind = m.lastgroup
        if kind != "ws":
            out.append((kind, m.group(), i))
        i = m.end()
    out.append(("end", "", len(text)))
    return out


class _Parser:
    def __init__(self, text: str, pos: Pos, names: set[str], defines: dict[str, float]):
        self.text, self.pos, self.names, self.defines = text, pos, names, defines
        self.toks = _tokenize(text, pos)
        self.i = 0
        self.depth = 0

    def nest(self, col: int):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.pos.error(f"expression nests deeper than {MAX_DEPTH} levels", col)

    def peek(self):
        return self.toks[self.i]

    def take(self):
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def expect(self, value: str):
        tok = self.take()
        if tok[1] != value:
            raise self.pos.error(f"expected {value!r}, got {tok[1] or 'end of expression'!r}", tok[2])
        return tok

    def parse(self) -> str:
        if self.peek()[0] == "end":
            raise self.pos.error("expected an expression, got nothing", 0)
        src = self.or_()
        tok = self.peek()
        if tok[0] != "end":
            raise self.pos.error(f"expected an operator or the end of the expression, got {tok[1]!r}", tok[2])
        return src

    def or_(self):  # chains stay flat: long sums must not nest Python's parentheses
        parts = [self.and_()]
        while self.peek()[1] in ("||", "or"):
            self.take()
            parts.append(self.and_())
        return parts[0] if len(parts) == 1 else f"({' or '.join(parts)})"

    def and_(self):
        parts = [self.not_()]
        while self.peek()[1] in ("&&", "and"):
            self.take()
            parts.append(self.not_())
        return parts[0] if len(parts) == 1 else f"({' and '.join(parts)})"

    def not_(self):
        if self.peek()[1] in ("!", "not"):
            self.nest(self.take()[2])
            inner = self.not_()
            self.depth -= 1
            return f"(not {inner})"
        return self.compare()

    def compare(self):
        left = self.sum_()
        op = self.peek()[1]
        if op in ("<", "<=", ">", ">=", "==", "=", "!="):
            self.take()
            right = self.sum_()
            return f"({left} {'==' if op == '=' else op} {right})"
        return left

    def sum_(self):
        src = self.term()
        chained = False
        while self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            src, chained = f"{src} {op} {self.term()}", True
        return f"({src})" if chained else src

    def term(self):
        src = self.unary()
        chained = False
        while self.peek()[1] in ("*", "/", "%"):
            op = self.take()[1]
            src, chained = f"{src} {op} {self.unary()}", True
        return f"({src})" if chained else src

    def unary(self):
        if self.peek()[1] in ("-", "+"):
            op, col = self.take()[1], self.toks[self.i - 1][2]
            self.nest(col)
            inner = self.unary()
            self.depth -= 1
            return f"({op}{inner})"
        return self.power()

    def power(self):
        base = self.atom()
        if self.peek()[1] in ("^", "**"):
            self.nest(self.take()[2])
            exponent = self.unary()
            self.depth -= 1
            return f"_pow({base}, {exponent})"
        return base

    def atom(self):
        kind, value, col = self.take()
        if kind == "num":
            if not math.isfinite(float(value)):
                raise self.pos.error(f"number {value!r} is too large: expected a finite number", col)
            return repr(float(value))
        if value == "(":
            self.nest(col)
            inner = self.or_()
            self.expect(")")
            self.depth -= 1
            return f"({inner})"
        if kind == "name":
            if self.peek()[1] == "(":
                if value not in FUNCTIONS:
                    raise self.pos.error(
                        f"unknown function {value!r}: expected one of {', '.join(sorted(FUNCTIONS))}", col)
                self.take()
                self.nest(col)
                args = [self.or_()]
                while self.peek()[1] == ",":
                    self.take()
                    args.append(self.or_())
                self.expect(")")
                self.depth -= 1
                return f"{FUNCTIONS[value]}({', '.join(args)})"
            if value in self.names:
                return _arg(value)
            if value in self.defines:
                return repr(float(self.defines[value]))
            if value in CONSTANTS:
                return repr(CONSTANTS[value])
            known = sorted(self.names) or ["(no parameters here)"]
            raise self.pos.error(f"unknown name {value!r}: expected a parameter ({', '.join(known)}) "
                                 "or a defined constant", col)
        shown = value or "end of expression"
        raise self.pos.error(f"expected a number, a name or '(', got {shown!r}", col)


def _arg(name: str) -> str:
    """A parameter's name in the generated code (never a Python keyword or a helper's name)."""
    return "p_" + name


@dataclass
class Expr:
    """A compiled expression: ``expr(*values)`` evaluates it for the given parameters."""

    text: str
    params: tuple[str, ...]
    python: str
    fn: object
    pos: Pos

    def __call__(self, *values):
        try:
            value = self.fn(*values)
            if value.__class__ is float and not math.isfinite(value):
                raise ValueError(f"the result is {value}, expected a finite number")
            return value
        except (ZeroDivisionError, ValueError, OverflowError, TypeError) as exc:
            if isinstance(exc, OverflowError):
                exc = "the result is too large"  # type: ignore[assignment]
            bound = ", ".join(f"{n}={v:g}" for n, v in zip(self.params, values))
            raise UserError(f"{self.pos.source}: line {self.pos.line}, column {self.pos.column}: "
                            f"cannot evaluate {self.text.strip()!r} with {bound or 'no parameters'}: {exc}") from None

    @property
    def is_constant(self) -> bool:
        return not self.params


def compile_expr(text: str, pos: Pos, params: tuple[str, ...] = (), defines: dict | None = None) -> Expr:
    """Parse and compile ``text`` (which starts at ``pos``) as a function of ``params``."""
    stripped = len(text) - len(text.lstrip())
    body = text.strip()
    p = pos.at(stripped)
    python = _Parser(body, p, set(params), defines or {}).parse()
    code = f"lambda {', '.join(_arg(n) for n in params)}: {python}"  # renamed: a parameter may be 'lambda'
    try:
        compiled = compile(code, "<lsystem expr>", "eval")
    except (SyntaxError, RecursionError, MemoryError):
        raise p.error("expression too complex to compile: split it or use define:") from None
    fn = eval(compiled, {"__builtins__": {}, "_m": math, "abs": abs, "min": min, "max": max,  # noqa: S307
                         "_round": _round, "_pow": _pow, "_floor": _floor, "_ceil": _ceil})
    return Expr(body, tuple(params), python, fn, p)


def evaluate_constant(text: str, pos: Pos, defines: dict | None = None) -> float:
    """A constant expression's value (module arguments in an axiom, weights, defines)."""
    value = compile_expr(text, pos, (), defines)()
    return float(value)
