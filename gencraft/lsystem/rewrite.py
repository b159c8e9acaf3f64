"""Rewriting: n parallel derivation steps of an L-system, fast and size-limited.

A derived word is a :class:`Word`: an array of symbol codes (uint8) and, for
parametric systems, the modules' arguments in CSR layout (``poff``/``pvals``).

Two paths implement the same semantics:

* **Non-parametric** systems (deterministic, stochastic, context-sensitive)
  run in Numba kernels (:mod:`.kernels`): one counting pass, then one filling
  pass into a preallocated array.
* **Parametric** systems are rewritten module by module in Python, with
  conditions and arguments compiled once (:mod:`.expr`).

Semantics (as ABoP chapter 1, cpfg and L-Py):

* All modules are rewritten in parallel; productions are tried in the order
  written and the first that matches (predecessor symbol and parameter count,
  contexts, condition) is applied; an unmatched module is copied.
* Stochastic choice: for derivation step k a 63-bit seed is drawn from the
  generator you pass (``rng.integers``); module i of that step draws
  ``u = hash(seed_k, i)`` in [0, 1) and takes the first alternative whose
  cumulative normalised weight exceeds u. Same generator state, same word.
* Context: symbols in ``ignore`` are skipped. Left context walks left out of
  the current branch to its parent, skipping whole sibling branches
  (``A[B]C``: the left context of C is A). Right context skips branches unless
  the pattern opens them with ``[``; ``]`` in a pattern skips the rest of the
  current branch (``BC < S > G[H]M`` matches S in ``ABC[DE][SG[HI[JK]L]MNO]``);
  the end of a branch ends the right context.
* Size limit: before each step the length of the next word is counted; if it
  would exceed ``max_modules`` (default 50 million) a :class:`UserError` names
  the step and the size it would reach, and nothing is allocated.
"""
from __future__ import annotations

import numpy as np

from gencraft.errors import UserError
from gencraft.lsystem import kernels as K
from gencraft.lsystem.grammar import LSystem
from gencraft.lsystem.word import Word, too_big

DEFAULT_MAX_MODULES = 50_000_000
MAX_STEPS = 10_000  # far past any picture; a word that does not grow still costs a pass per step


def _alphabet(system: LSystem) -> list[str]:
    alphabet = system.symbols
    for b in "[]":
        if b not in alphabet:
            alphabet.append(b)
    if len(alphabet) > 255:
        raise UserError(f"{system.source}: {len(alphabet)} different symbols, at most 255 are supported")
    return alphabet


def encode_axiom(system: LSystem, alphabet: list[str], parametric: bool | None = None) -> Word:
    index = {s: i for i, s in enumerate(alphabet)}
    codes = np.array([index[s] for s, _ in system.axiom], dtype=np.uint8)
    if not (system.parametric if parametric is None else parametric):
        return Word(codes, alphabet)
    lens = [len(a) for _, a in system.axiom]
    poff = np.concatenate([[0], np.cumsum(lens)]).astype(np.int64)
    pvals = np.array([v for _, a in system.axiom for v in a], dtype=np.float64)
    return Word(codes, alphabet, poff, pvals)


class _Tables:
    """The productions of a non-parametric system as flat arrays for the kernels."""

    def __init__(self, system: LSystem, alphabet: list[str]):
        idx = {s: i for i, s in enumerate(alphabet)}
        k = len(alphabet)
        per_symbol: list[list] = [[] for _ in range(k)]
        for prod in system.productions:
            per_symbol[idx[prod.pred.symbol]].append(prod)
        rules, pat, alt_cum, alt_span, succ = [], [], [], [], []
        rule_start = [0]
        self.context = False
        self.deterministic = True
        for c in range(k):
            for prod in per_symbol[c]:
                lo = len(pat)
                pat.extend(idx[m.symbol] for m in prod.left)
                ro = len(pat)
                pat.extend(idx[m.symbol] for m in prod.right)
                a0 = len(alt_span)
                total = sum(a.weight for a in prod.alternatives)
                cum = 0.0
                for alt in prod.alternatives:
                    s0 = len(succ)
                    succ.extend(idx[m.symbol] for m in alt.successor)
                    alt_span.append((s0, len(succ)))
                    cum += alt.weight / total
                    alt_cum.append(cum)
                rules.append((lo, len(prod.left), ro, len(prod.right), a0, len(alt_span)))
                self.context |= prod.context_sensitive
                self.deterministic &= len(prod.alternatives) == 1
            rule_start.append(len(rules))
        self.rule_start = np.array(rule_start, dtype=np.int64)
        self.rules = np.array(rules, dtype=np.int64).reshape(-1, 6)
        self.pat = np.array(pat, dtype=np.uint8)
        self.alt_cum = np.array(alt_cum, dtype=np.float64)
        self.alt_span = np.array(alt_span, dtype=np.int64).reshape(-1, 2)
        self.succ = np.array(succ, dtype=np.uint8)
        self.ignore = np.zeros(k, dtype=np.bool_)
        for s in system.ignore:
            if s in idx:
                self.ignore[idx[s]] = True
        self.lb, self.rb = idx["["], idx["]"]
        # deterministic context-free: the first production per symbol is the only one that can apply
        self.simple = self.deterministic and not self.context
        if self.simple:
            lengths = np.ones(k, dtype=np.int64)
            starts = np.zeros(k, dtype=np.int64)
            table = np.zeros(0, dtype=np.uint8)
            parts = []
            offset = 0
            for c in range(k):
                if self.rule_start[c + 1] > self.rule_start[c]:
                    a = self.rules[self.rule_start[c], 4]
                    s0, s1 = self.alt_span[a]
                    parts.append(self.succ[s0:s1])
                else:
                    parts.append(np.array([c], dtype=np.uint8))
                starts[c] = offset
                lengths[c] = len(parts[-1])
                offset += len(parts[-1])
            table = np.concatenate(parts).astype(np.uint8) if parts else table
            self.starts, self.lengths, self.table = starts, lengths, table


def _step_seeds(rng, n: int) -> list[int]:
    if rng is None:
        rng = np.random.default_rng(0)
    return [int(x) for x in rng.integers(0, 2**63 - 1, size=n, dtype=np.int64)]


def derive(system: LSystem, n: int | None = None, rng=None, max_modules: int = DEFAULT_MAX_MODULES,
           history: bool = False) -> Word | list[Word]:
    """Apply ``n`` (default ``system.n``) derivation steps to the axiom.

    ``rng`` (a numpy Generator, e.g. the sketch's ``rng``) seeds stochastic
    choices; without one a fixed seed is used. With ``history=True`` every
    word from the axiom to step n is returned.
    """
    steps = system.n if n is None else int(n)
    if steps < 0:
        raise UserError(f"number of derivation steps must be >= 0, got {steps}")
    if steps > MAX_STEPS:
        raise UserError(f"{system.source}: n = {steps:,} derivation steps: expected at most {MAX_STEPS:,}")
    alphabet = _alphabet(system)
    parametric = system.parametric
    word = encode_axiom(system, alphabet, parametric)
    if len(word) > max_modules:
        raise too_big(0, len(word), max_modules, system.source)
    stochastic = any(len(p.alternatives) > 1 for p in system.productions)
    seeds = _step_seeds(rng, steps) if stochastic else [0] * steps
    words = [word]
    if parametric:
        from gencraft.lsystem.parametric import step_parametric

        for k in range(steps):
            word = step_parametric(system, word, seeds[k], max_modules, k + 1)
            words.append(word)
        return words if history else word
    tables = _Tables(system, alphabet)
    codes = word.codes
    if tables.simple and not history and steps > 0:
        out, counts = _expand_simple(tables, codes, steps, max_modules, system.source)
        return Word(out, alphabet, counts=counts)
    for k in range(steps):
        codes = _step_codes(tables, codes, seeds[k], max_modules, k + 1, system.source)
        if history:
            words.append(Word(codes, alphabet))
    return words if history else Word(codes, alphabet)


def _step_codes(t: _Tables, codes: np.ndarray, seed: int, limit: int, step: int, source: str) -> np.ndarray:
    if t.simple:
        size = K.simple_size(codes, t.lengths, limit)
        if size > limit:
            raise too_big(step, _full_size(codes, t.lengths), limit, source)
        out = np.empty(size, dtype=np.uint8)
        K.simple_fill(codes, t.starts, t.lengths, t.table, out)
        return out
    match = K.match_brackets(codes, t.lb, t.rb) if t.context else np.zeros(1, dtype=np.int64)
    args = (t.rule_start, t.rules, t.pat, t.alt_cum, t.alt_span)
    size = K.rewrite_size(codes, seed, *args, match, t.ignore, t.lb, t.rb, limit)
    if size > limit:
        raise too_big(step, K.rewrite_size(codes, seed, *args, match, t.ignore, t.lb, t.rb,
                                            np.iinfo(np.int64).max), limit, source)
    out = np.empty(size, dtype=np.uint8)
    K.rewrite_fill(codes, seed, *args, t.succ, match, t.ignore, t.lb, t.rb, out)
    return out


def _full_size(codes: np.ndarray, lengths: np.ndarray) -> int:
    return int(np.bincount(codes, minlength=len(lengths)).astype(np.int64) @ lengths)


def _expand_simple(t: _Tables, axiom: np.ndarray, steps: int, limit: int, source: str) -> np.ndarray:
    """Deterministic context-free systems: sizes by dynamic programming, then one depth-first pass."""
    k = len(t.lengths)
    has_rule = np.array([t.rule_start[c + 1] > t.rule_start[c] for c in range(k)], dtype=np.bool_)
    succ = [t.table[t.starts[c]:t.starts[c] + t.lengths[c]].tolist() for c in range(k)]
    counts = np.bincount(axiom, minlength=k).tolist()
    # symbol counts step by step (the growth matrix, exact Python integers): sizes before any memory
    for step in range(1, steps + 1):
        nxt = [0] * k
        for c in range(k):
            if counts[c]:
                for x in (succ[c] if has_rule[c] else (c,)):
                    nxt[x] += counts[c]
        counts = nxt
        size = sum(counts)
        if size > limit:
            raise too_big(step, size, limit, source)
    out = np.empty(size, dtype=np.uint8)
    written = K.expand_simple(axiom, t.starts, t.lengths, t.table, has_rule, steps, out)
    assert written == size
    return out, np.array(counts, dtype=np.int64)
