"""One derivation step of a parametric L-system, module by module.

Same semantics as the Numba path (see :mod:`.rewrite`), plus parameters:
a pattern ``A(x, y)`` matches a module ``A`` with exactly two arguments (a
pattern with no parameters, ``A``, matches ``A`` with any number); formal
names are bound left context first, then the predecessor, then the right
context; the condition is evaluated with them, then the successor's argument
expressions. Conditions and arguments are Python functions compiled once.
"""
from __future__ import annotations

import numpy as np

from gencraft.lsystem import kernels as K
from gencraft.lsystem.grammar import LSystem
from gencraft.lsystem.word import Word, too_big


class _Compiled:
    def __init__(self, system: LSystem, alphabet: list[str]):
        idx = {s: i for i, s in enumerate(alphabet)}
        self.lb, self.rb = idx["["], idx["]"]
        self.ignore = {idx[s] for s in system.ignore if s in idx}
        self.by_symbol: dict[int, list] = {}
        for prod in system.productions:
            left = [(idx[m.symbol], len(m.params)) for m in prod.left]
            right = [(idx[m.symbol], len(m.params)) for m in prod.right]
            total = sum(a.weight for a in prod.alternatives)
            alts, cum = [], 0.0
            for alt in prod.alternatives:
                cum += alt.weight / total
                alts.append((cum, [(idx[m.symbol], m.args) for m in alt.successor]))
            cond = prod.condition
            self.by_symbol.setdefault(idx[prod.pred.symbol], []).append(
                (left, len(prod.pred.params), right, cond, alts))


def _arity_ok(want: int, have: int) -> bool:
    return want == 0 or want == have


def _left(codes, nargs, i, pattern, match, ignore, lb, rb):
    """Indices of the modules matching a left context (in pattern order), or None."""
    found = []
    j = i - 1
    for code, arity in reversed(pattern):
        while j >= 0:
            c = codes[j]
            if c == rb:
                j = match[j] - 1
            elif c == lb or c in ignore:
                j -= 1
            else:
                break
        if j < 0 or codes[j] != code or not _arity_ok(arity, nargs[j]):
            return None
        found.append(j)
        j -= 1
    found.reverse()
    return found


def _right(codes, nargs, i, pattern, match, ignore, lb, rb):
    """Indices of the modules matching a right context (brackets excluded), or None."""
    n = len(codes)
    found = []
    j = i + 1
    for code, arity in pattern:
        if code == lb:
            while j < n and codes[j] not in (lb, rb) and codes[j] in ignore:
                j += 1
            if j >= n or codes[j] != lb:
                return None
            j += 1
        elif code == rb:
            while j < n and codes[j] != rb:
                j = match[j] + 1 if codes[j] == lb else j + 1
            if j >= n:
                return None
            j += 1
        else:
            while j < n:
                c = codes[j]
                if c == lb:
                    j = match[j] + 1
                elif c != rb and c in ignore:
                    j += 1
                else:
                    break
            if j >= n or codes[j] != code or not _arity_ok(arity, nargs[j]):
                return None
            found.append(j)
            j += 1
    return found


def step_parametric(system: LSystem, word, seed: int, limit: int, step: int):
    """Rewrite ``word`` once; raises the size-limit error before building an oversized word."""

    comp = getattr(system, "_compiled_cache", None)
    if comp is None or comp[0] is not word.alphabet:
        comp = (word.alphabet, _Compiled(system, word.alphabet))
        system._compiled_cache = comp  # type: ignore[attr-defined]
    cp = comp[1]
    codes = word.codes.tolist()
    off = word.poff.tolist()
    vals = word.pvals.tolist()
    n = len(codes)
    args = [tuple(vals[off[i]:off[i + 1]]) for i in range(n)]
    nargs = [len(a) for a in args]
    needs_match = any(left or right for prods in cp.by_symbol.values() for left, _, right, _, _ in prods)
    match = K.match_brackets(word.codes, cp.lb, cp.rb).tolist() if needs_match else None
    chosen = []
    total = 0
    for i in range(n):
        pick = None
        for left, arity, right, cond, alts in cp.by_symbol.get(codes[i], ()):
            if not _arity_ok(arity, nargs[i]):
                continue
            bound: list[float] = []
            if left:
                lj = _left(codes, nargs, i, left, match, cp.ignore, cp.lb, cp.rb)
                if lj is None:
                    continue
                for (code, ar), j in zip(left, lj):
                    if ar:
                        bound.extend(args[j])
            if arity:
                bound.extend(args[i])
            if right:
                rj = _right(codes, nargs, i, right, match, cp.ignore, cp.lb, cp.rb)
                if rj is None:
                    continue
                plain = [(c, a) for c, a in right if c not in (cp.lb, cp.rb)]
                for (code, ar), j in zip(plain, rj):
                    if ar:
                        bound.extend(args[j])
            if cond is not None and not cond(*bound):
                continue
            if len(alts) == 1:
                succ = alts[0][1]
            else:
                u = K.hash_uniform_py(seed, i)
                succ = alts[-1][1]
                for cum, s in alts:
                    if u < cum:
                        succ = s
                        break
            pick = (succ, bound)
            break
        chosen.append(pick)
        total += 1 if pick is None else len(pick[0])
    if total > limit:
        raise too_big(step, total, limit, system.source)
    out_codes, out_off, out_vals = [], [0], []
    for i, pick in enumerate(chosen):
        if pick is None:
            out_codes.append(codes[i])
            out_vals.extend(args[i])
            out_off.append(len(out_vals))
            continue
        succ, bound = pick
        for code, exprs in succ:
            out_codes.append(code)
            for e in exprs:
                out_vals.append(float(e(*bound)))
            out_off.append(len(out_vals))
    return Word(np.array(out_codes, dtype=np.uint8), word.alphabet, np.array(out_off, dtype=np.int64),
                np.array(out_vals, dtype=np.float64))
