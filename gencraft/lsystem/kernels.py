"""Numba kernels for L-systems: bracket matching, rewriting, the turtle.

Strings are arrays of small integer symbol codes (uint8). Rewriting is two
passes over the current string: the first sums the successor lengths (and
stops as soon as the total passes the size limit, before anything is
allocated); the second writes the successors into one preallocated array.
Stochastic choices come from a counter-based hash of (step seed, position), so
both passes — and the pure-Python parametric path — draw the same numbers
without any shared random state.
"""
from __future__ import annotations

import numpy as np
from numba import njit

# turtle opcodes
OP_NONE, OP_DRAW, OP_MOVE, OP_LEFT, OP_RIGHT, OP_DOWN, OP_UP = 0, 1, 2, 3, 4, 5, 6
OP_ROLL_L, OP_ROLL_R, OP_TURN, OP_PUSH, OP_POP, OP_WIDTH, OP_COLOR = 7, 8, 9, 10, 11, 12, 13
OP_STEP_SCALE, OP_ANGLE_SCALE, OP_LEVEL, OP_COLOR_DOWN = 14, 15, 16, 17

MASK64 = (1 << 64) - 1


@njit(cache=True)
def hash_uniform(seed, i):
    """A uniform float in [0, 1) from (seed, i): splitmix64 of their mix."""
    z = np.uint64(seed) ^ (np.uint64(i) * np.uint64(0x9E3779B97F4A7C15))
    z = z + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    return float(z >> np.uint64(11)) * (1.0 / 9007199254740992.0)


def hash_uniform_py(seed: int, i: int) -> float:
    """The same numbers as :func:`hash_uniform`, in plain Python (parametric path)."""
    z = (seed ^ (i * 0x9E3779B97F4A7C15)) & MASK64
    z = (z + 0x9E3779B97F4A7C15) & MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    z ^= z >> 31
    return (z >> 11) * (1.0 / 9007199254740992.0)


@njit(cache=True)
def match_brackets(s, lb, rb):
    """For every bracket, the index of its partner (-1 for the rest).

    An unmatched '[' is paired with the last index (its branch runs to the
    end); an unmatched ']' gets -1 (nothing to its left belongs to it).
    """
    n = s.shape[0]
    match = np.full(n, -1, dtype=np.int64)
    stack = np.empty(n + 1, dtype=np.int64)
    top = 0
    for i in range(n):
        c = s[i]
        if c == lb:
            stack[top] = i
            top += 1
        elif c == rb:
            if top > 0:
                top -= 1
                match[i] = stack[top]
                match[stack[top]] = i
    for k in range(top):
        match[stack[k]] = n - 1
    return match


@njit(cache=True)
def left_matches(s, i, pat, lo, lc, match, ignore, lb, rb):
    """Does the left context pat[lo:lo+lc] precede module i (bracket-aware)?

    Walking left: an ignored symbol is skipped, '[' is stepped out of (the
    module before a branch is its parent) and a ']' skips the whole sibling
    branch it closes.
    """
    j = i - 1
    k = lc - 1
    while k >= 0:
        while j >= 0:
            c = s[j]
            if c == rb:
                j = match[j] - 1
            elif c == lb or ignore[c]:
                j -= 1
            else:
                break
        if j < 0 or s[j] != pat[lo + k]:
            return False
        j -= 1
        k -= 1
    return True


@njit(cache=True)
def right_matches(s, i, pat, lo, lc, match, ignore, lb, rb):
    """Does the right context pat[lo:lo+lc] follow module i (bracket-aware)?

    A module in the pattern skips ignored symbols and whole branches the
    pattern does not open; '[' in the pattern enters a branch; ']' skips the
    rest of the current branch. The end of a branch ends the context.
    """
    n = s.shape[0]
    j = i + 1
    for k in range(lc):
        p = pat[lo + k]
        if p == lb:
            while j < n and s[j] != lb and s[j] != rb and ignore[s[j]]:
                j += 1
            if j >= n or s[j] != lb:
                return False
            j += 1
        elif p == rb:
            while j < n and s[j] != rb:
                if s[j] == lb:
                    j = match[j] + 1
                else:
                    j += 1
            if j >= n:
                return False
            j += 1
        else:
            while j < n:
                c = s[j]
                if c == lb:
                    j = match[j] + 1
                elif c != rb and ignore[c]:
                    j += 1
                else:
                    break
            if j >= n or s[j] != p:
                return False
            j += 1
    return True


@njit(cache=True)
def choose(s, i, seed, rule_start, rules, pat, alt_cum, match, ignore, lb, rb):
    """Index of the alternative that rewrites module i, or -1 to copy it."""
    c = s[i]
    for r in range(rule_start[c], rule_start[c + 1]):
        if rules[r, 1] > 0 and not left_matches(s, i, pat, rules[r, 0], rules[r, 1], match, ignore, lb, rb):
            continue
        if rules[r, 3] > 0 and not right_matches(s, i, pat, rules[r, 2], rules[r, 3], match, ignore, lb, rb):
            continue
        a0 = rules[r, 4]
        a1 = rules[r, 5]
        if a1 - a0 == 1:
            return a0
        u = hash_uniform(seed, i)
        for a in range(a0, a1 - 1):
            if u < alt_cum[a]:
                return a
        return a1 - 1
    return -1


@njit(cache=True)
def rewrite_size(s, seed, rule_start, rules, pat, alt_cum, alt_span, match, ignore, lb, rb, limit):
    """Length of the next string; stops counting once it passes ``limit``."""
    total = 0
    for i in range(s.shape[0]):
        a = choose(s, i, seed, rule_start, rules, pat, alt_cum, match, ignore, lb, rb)
        if a < 0:
            total += 1
        else:
            total += alt_span[a, 1] - alt_span[a, 0]
        if total > limit:
            return total
    return total


@njit(cache=True)
def rewrite_fill(s, seed, rule_start, rules, pat, alt_cum, alt_span, succ, match, ignore, lb, rb, out):
    """Write the next string into ``out`` (sized by :func:`rewrite_size`)."""
    o = 0
    for i in range(s.shape[0]):
        a = choose(s, i, seed, rule_start, rules, pat, alt_cum, match, ignore, lb, rb)
        if a < 0:
            out[o] = s[i]
            o += 1
        else:
            for k in range(alt_span[a, 0], alt_span[a, 1]):
                out[o] = succ[k]
                o += 1
    return o


@njit(cache=True)
def simple_size(s, lengths, limit):
    """Next length for a deterministic context-free system: a table lookup per module."""
    total = 0
    for i in range(s.shape[0]):
        total += lengths[s[i]]
        if total > limit:
            return total
    return total


@njit(cache=True)
def simple_fill(s, starts, lengths, succ, out):
    o = 0
    for i in range(s.shape[0]):
        c = s[i]
        st = starts[c]
        for k in range(lengths[c]):
            out[o + k] = succ[st + k]
        o += lengths[c]
    return o


@njit(cache=True)
def max_depth(s, lb, rb):
    """Deepest bracket nesting in a word (the size of the turtle's stack)."""
    depth = 0
    best = 0
    for i in range(s.shape[0]):
        c = s[i]
        if c == lb:
            depth += 1
            if depth > best:
                best = depth
        elif c == rb and depth > 0:
            depth -= 1
    return best


@njit(cache=True)
def _rotate(ax, ay, az, bx, by, bz, ca, sa):
    """Rotate the frame pair (a, b) by angle (cos ca, sin sa) in their plane: a' = a cos + b sin."""
    nax = ax * ca + bx * sa
    nay = ay * ca + by * sa
    naz = az * ca + bz * sa
    nbx = -ax * sa + bx * ca
    nby = -ay * sa + by * ca
    nbz = -az * sa + bz * ca
    return nax, nay, naz, nbx, nby, nbz


@njit(cache=True)
def turtle(s, ops, poff, pvals, has_params, step0, angle0, heading0, width0, width_scale,
           step_scale, angle_scale, tropism, n_draw, max_depth, dims):
    """Interpret a string with a 3D turtle (H, L, U frame), returning polyline arrays.

    Returns (vertices (V, dims), offsets (M+1,), widths (M,), colors (M,),
    state (8,) = end x, y, z, bbox xmin, ymin, xmax, ymax, segment count).
    A polyline continues while the turtle keeps drawing from where it is with
    the same width and colour; a move, a pop or a style change starts a new one.
    """
    # float32 vertices: plenty for drawing, half the memory traffic; end point and bbox stay float64
    verts = np.empty((2 * n_draw + 1, dims), dtype=np.float32)
    offsets = np.empty(n_draw + 2, dtype=np.int64)
    widths = np.empty(n_draw + 1, dtype=np.float64)
    colors = np.empty(n_draw + 1, dtype=np.int32)
    depth = max_depth + 1
    st = np.empty((depth, 15), dtype=np.float64)
    px = 0.0
    py = 0.0
    pz = 0.0
    hx = np.cos(heading0)
    hy = np.sin(heading0)
    hz = 0.0
    lx = -hy
    ly = hx
    lz = 0.0
    ux = 0.0
    uy = 0.0
    uz = 1.0
    step = step0
    ang = angle0
    width = width0
    color = 0
    xmin = 0.0
    xmax = 0.0
    ymin = 0.0
    ymax = 0.0
    nv = 0
    npl = 0
    open_ = False
    top = 0
    segs = 0
    tx = tropism[0]
    ty = tropism[1]
    tz = tropism[2]
    te = tropism[3]
    cached_ang = angle0
    cached_c = np.cos(angle0)
    cached_s = np.sin(angle0)
    for i in range(s.shape[0]):
        op = ops[s[i]]
        if op == OP_NONE:
            continue
        has_arg = False
        arg = 0.0
        if has_params and poff[i + 1] > poff[i]:
            has_arg = True
            arg = pvals[poff[i]]
        if op == OP_DRAW or op == OP_MOVE:
            d = arg if has_arg else step
            if op == OP_DRAW and not open_:
                offsets[npl] = nv
                widths[npl] = width
                colors[npl] = color
                npl += 1
                verts[nv, 0] = px
                verts[nv, 1] = py
                if dims == 3:
                    verts[nv, 2] = pz
                nv += 1
            px += hx * d
            py += hy * d
            pz += hz * d
            if op == OP_DRAW:
                verts[nv, 0] = px
                verts[nv, 1] = py
                if dims == 3:
                    verts[nv, 2] = pz
                nv += 1
                segs += 1
                open_ = True
            else:
                open_ = False
            if px < xmin:
                xmin = px
            if px > xmax:
                xmax = px
            if py < ymin:
                ymin = py
            if py > ymax:
                ymax = py
            if te != 0.0:
                # bend the heading towards T by e * |H x T| (ABoP section 2.2)
                cx = hy * tz - hz * ty
                cy = hz * tx - hx * tz
                cz = hx * ty - hy * tx
                norm = np.sqrt(cx * cx + cy * cy + cz * cz)
                if norm > 1e-12:
                    a = te * norm
                    kx = cx / norm
                    ky = cy / norm
                    kz = cz / norm
                    ca = np.cos(a)
                    sa = np.sin(a)
                    # Rodrigues rotation of H, L and U about k
                    for which in range(3):
                        if which == 0:
                            vx, vy, vz = hx, hy, hz
                        elif which == 1:
                            vx, vy, vz = lx, ly, lz
                        else:
                            vx, vy, vz = ux, uy, uz
                        dot = kx * vx + ky * vy + kz * vz
                        rx = vx * ca + (ky * vz - kz * vy) * sa + kx * dot * (1 - ca)
                        ry = vy * ca + (kz * vx - kx * vz) * sa + ky * dot * (1 - ca)
                        rz = vz * ca + (kx * vy - ky * vx) * sa + kz * dot * (1 - ca)
                        if which == 0:
                            hx, hy, hz = rx, ry, rz
                        elif which == 1:
                            lx, ly, lz = rx, ry, rz
                        else:
                            ux, uy, uz = rx, ry, rz
        elif op == OP_LEFT or op == OP_RIGHT or op == OP_DOWN or op == OP_UP or op == OP_ROLL_L \
                or op == OP_ROLL_R:
            if has_arg:
                a = arg * np.pi / 180.0
                ca = np.cos(a)
                sa = np.sin(a)
            else:
                if ang != cached_ang:  # the default angle's cosine and sine are computed once
                    cached_ang = ang
                    cached_c = np.cos(ang)
                    cached_s = np.sin(ang)
                ca = cached_c
                sa = cached_s
            if op == OP_RIGHT or op == OP_UP or op == OP_ROLL_R:
                sa = -sa
            if op == OP_LEFT or op == OP_RIGHT:
                hx, hy, hz, lx, ly, lz = _rotate(hx, hy, hz, lx, ly, lz, ca, sa)
            elif op == OP_DOWN or op == OP_UP:
                hx, hy, hz, ux, uy, uz = _rotate(hx, hy, hz, ux, uy, uz, ca, -sa)
            else:
                lx, ly, lz, ux, uy, uz = _rotate(lx, ly, lz, ux, uy, uz, ca, sa)
        elif op == OP_TURN:
            hx, hy, hz, lx, ly, lz = -hx, -hy, -hz, -lx, -ly, -lz
        elif op == OP_PUSH:
            if top < depth:
                st[top, 0] = px
                st[top, 1] = py
                st[top, 2] = pz
                st[top, 3] = hx
                st[top, 4] = hy
                st[top, 5] = hz
                st[top, 6] = lx
                st[top, 7] = ly
                st[top, 8] = lz
                st[top, 9] = step
                st[top, 10] = ang
                st[top, 11] = width
                st[top, 12] = color
                st[top, 13] = 1.0 if open_ else 0.0
            top += 1
        elif op == OP_POP:
            if top > 0:
                top -= 1
                if top < depth:
                    px = st[top, 0]
                    py = st[top, 1]
                    pz = st[top, 2]
                    hx = st[top, 3]
                    hy = st[top, 4]
                    hz = st[top, 5]
                    lx = st[top, 6]
                    ly = st[top, 7]
                    lz = st[top, 8]
                    step = st[top, 9]
                    ang = st[top, 10]
                    width = st[top, 11]
                    color = int(st[top, 12])
                    ux = hy * lz - hz * ly
                    uy = hz * lx - hx * lz
                    uz = hx * ly - hy * lx
                open_ = False
        elif op == OP_WIDTH:
            width = arg if has_arg else width * width_scale
            open_ = False
        elif op == OP_COLOR:
            color = int(arg) if has_arg else color + 1
            open_ = False
        elif op == OP_COLOR_DOWN:
            color = int(arg) if has_arg else max(color - 1, 0)
            open_ = False
        elif op == OP_STEP_SCALE:
            step = step * (arg if has_arg else step_scale)
        elif op == OP_ANGLE_SCALE:
            ang = ang * (arg if has_arg else angle_scale)
        elif op == OP_LEVEL:
            # '$': roll about H so that L is horizontal (V = +y is up)
            lx2 = hz
            ly2 = 0.0
            lz2 = -hx
            # L = V x H / |V x H| with V = (0, 1, 0): (1*hz - 0, 0 - 0, 0 - 1*hx)
            norm = np.sqrt(lx2 * lx2 + lz2 * lz2)
            if norm > 1e-12:
                lx = lx2 / norm
                ly = ly2
                lz = lz2 / norm
                ux = hy * lz - hz * ly
                uy = hz * lx - hx * lz
                uz = hx * ly - hy * lx
    offsets[npl] = nv
    state = np.empty(8, dtype=np.float64)
    state[0] = px
    state[1] = py
    state[2] = pz
    state[3] = xmin
    state[4] = ymin
    state[5] = xmax
    state[6] = ymax
    state[7] = segs
    return verts[:nv], offsets[:npl + 1], widths[:npl], colors[:npl], state


@njit(cache=True)
def expand_simple(axiom, starts, lengths, table, has_rule, n, out):
    """All n steps of a deterministic context-free system at once, depth first.

    Each axiom module is expanded recursively (an explicit stack of successor
    cursors, one level per step) straight into ``out``, so no intermediate word
    is ever built. Modules without a production are leaves at any depth.
    """
    pos = np.empty(n + 1, dtype=np.int64)
    end = np.empty(n + 1, dtype=np.int64)
    o = 0
    for i in range(axiom.shape[0]):
        a = axiom[i]
        if n == 0 or not has_rule[a]:
            out[o] = a
            o += 1
            continue
        level = 0
        pos[0] = starts[a]
        end[0] = starts[a] + lengths[a]
        while level >= 0:
            p = pos[level]
            if p == end[level]:
                level -= 1
                continue
            c = table[p]
            pos[level] = p + 1
            if level == n - 1 or not has_rule[c]:
                out[o] = c
                o += 1
            else:
                level += 1
                pos[level] = starts[c]
                end[level] = starts[c] + lengths[c]
    return o


@njit(cache=True)
def _turn_tables(ops, ang):
    """Per symbol: the rotation (cos, sin) it applies to the heading (identity for non-turns)."""
    k = ops.shape[0]
    tc = np.ones(k, dtype=np.float64)
    ts = np.zeros(k, dtype=np.float64)
    ca = np.cos(ang)
    sa = np.sin(ang)
    for c in range(k):
        if ops[c] == OP_LEFT:
            tc[c] = ca
            ts[c] = sa
        elif ops[c] == OP_RIGHT:
            tc[c] = ca
            ts[c] = -sa
        elif ops[c] == OP_TURN:
            tc[c] = -1.0
    return tc, ts


@njit(cache=True)
def turtle2d(s, ops, step0, angle0, heading0, width0, width_scale, step_scale, angle_scale, n_draw,
             max_depth):
    """The planar turtle without module arguments or tropism: same output as :func:`turtle` (dims 2).

    In the plane the frame is the heading alone, and the common modules
    (draws, turns, inert letters) run one branch-free path: every module
    rotates the heading by its table rotation (identity for non-turns) and
    advances by its draw flag, and the vertex is written unconditionally
    while the vertex count grows only for draws. Only structural modules
    (brackets, moves, style changes) branch.
    """
    k = ops.shape[0]
    draw = np.zeros(k, dtype=np.float64)
    plain = np.zeros(k, dtype=np.bool_)
    for c in range(k):
        o = ops[c]
        if o == OP_DRAW:
            draw[c] = 1.0
        plain[c] = o == OP_NONE or o == OP_DRAW or o == OP_LEFT or o == OP_RIGHT or o == OP_TURN
    tc, ts = _turn_tables(ops, angle0)
    verts = np.empty((2 * n_draw + 2, 2), dtype=np.float32)
    offsets = np.empty(n_draw + 2, dtype=np.int64)
    widths = np.empty(n_draw + 1, dtype=np.float64)
    colors = np.empty(n_draw + 1, dtype=np.int32)
    st = np.empty((max(max_depth, 16), 8), dtype=np.float64)
    px = 0.0
    py = 0.0
    hx = np.cos(heading0)
    hy = np.sin(heading0)
    step = step0
    ang = angle0
    width = width0
    color = 0
    xmin = 0.0
    xmax = 0.0
    ymin = 0.0
    ymax = 0.0
    nv = 0
    npl = 0
    open_ = False
    top = 0
    segs = 0
    for i in range(s.shape[0]):
        c = s[i]
        if plain[c]:
            dr = draw[c]
            if dr != 0.0 and not open_:
                offsets[npl] = nv
                widths[npl] = width
                colors[npl] = color
                npl += 1
                verts[nv, 0] = px
                verts[nv, 1] = py
                nv += 1
                open_ = True
            cc = tc[c]
            ss = ts[c]
            hx, hy = hx * cc - hy * ss, hx * ss + hy * cc
            d = dr * step
            px += hx * d
            py += hy * d
            verts[nv, 0] = px
            verts[nv, 1] = py
            inc = int(dr)
            nv += inc
            segs += inc
            xmin = min(xmin, px)
            xmax = max(xmax, px)
            ymin = min(ymin, py)
            ymax = max(ymax, py)
            continue
        op = ops[c]
        if op == OP_MOVE:
            px += hx * step
            py += hy * step
            open_ = False
            xmin = min(xmin, px)
            xmax = max(xmax, px)
            ymin = min(ymin, py)
            ymax = max(ymax, py)
        elif op == OP_PUSH:
            if top >= st.shape[0]:  # the stack grows by doubling, so no depth pre-pass is needed
                bigger = np.empty((2 * st.shape[0], 8), dtype=np.float64)
                bigger[:top] = st[:top]
                st = bigger
            st[top, 0] = px
            st[top, 1] = py
            st[top, 2] = hx
            st[top, 3] = hy
            st[top, 4] = step
            st[top, 5] = ang
            st[top, 6] = width
            st[top, 7] = color
            top += 1
        elif op == OP_POP:
            if top > 0:
                top -= 1
                px = st[top, 0]
                py = st[top, 1]
                hx = st[top, 2]
                hy = st[top, 3]
                step = st[top, 4]
                if st[top, 5] != ang:
                    ang = st[top, 5]
                    tc, ts = _turn_tables(ops, ang)
                width = st[top, 6]
                color = int(st[top, 7])
                open_ = False
        elif op == OP_WIDTH:
            width = width * width_scale
            open_ = False
        elif op == OP_COLOR:
            color += 1
            open_ = False
        elif op == OP_COLOR_DOWN:
            color = max(color - 1, 0)
            open_ = False
        elif op == OP_STEP_SCALE:
            step = step * step_scale
        elif op == OP_ANGLE_SCALE:
            ang = ang * angle_scale
            tc, ts = _turn_tables(ops, ang)
    offsets[npl] = nv
    state = np.empty(8, dtype=np.float64)
    state[0] = px
    state[1] = py
    state[2] = 0.0
    state[3] = xmin
    state[4] = ymin
    state[5] = xmax
    state[6] = ymax
    state[7] = segs
    return verts[:nv], offsets[:npl + 1], widths[:npl], colors[:npl], state


@njit(cache=True)
def scan(s, ops):
    """One pass over a word: (segments to draw, deepest bracket nesting, uses a 3D op)."""
    n_draw = 0
    depth = 0
    best = 0
    three_d = False
    for i in range(s.shape[0]):
        op = ops[s[i]]
        if op == OP_DRAW:
            n_draw += 1
        elif op == OP_PUSH:
            depth += 1
            if depth > best:
                best = depth
        elif op == OP_POP:
            if depth > 0:
                depth -= 1
        elif op == OP_DOWN or op == OP_UP or op == OP_ROLL_L or op == OP_ROLL_R or op == OP_LEVEL:
            three_d = True
    return n_draw, best, three_d
