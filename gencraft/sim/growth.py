"""Differential growth: a line that grows, wrinkles and folds but never crosses itself.

After Anders Hoff (inconvergent.net, "differential line") and Jason Webb's
notes on the algorithm. Each step, every node of a polyline:

- is pushed away from every other node within ``radius`` (found with a
  spatial hash: a cell grid of size ``radius``, counting-sorted, so a step is
  O(n) rather than the all-pairs O(n²)),
- is pulled towards the midpoint of its two neighbours along the line
  (``attraction``: keeps the line smooth and its segments even),
- moves by at most ``max_move`` (a share of ``max_edge``).

Then segments longer than ``max_edge`` are split at their midpoint, and a few
random segments (probability ``growth`` per segment and step, seeded) are
split early so the line grows unevenly, which is what makes it wrinkle.

**Never self-intersecting.** After the forces have moved the nodes, every pair
of non-adjacent segments near each other (a second spatial hash over segment
midpoints, with cells as large as the longest segment, so no intersecting
pair is missed) is tested; the nodes of any pair that would cross are put back
where they were, and this repeats (at most 8 rounds; after that the whole
step is undone). Splitting at a midpoint does not change the drawing. So if
the input line does not cross itself, no output ever does.

Everything is bounded: ``steps`` and ``max_points`` are checked up front;
reaching ``max_points`` raises a ValueError naming it (or, with
``on_limit="stop"``, ends the growth there).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numba import njit

__all__ = ["Growth", "grow", "circle", "self_intersections", "numpy_forces", "MAX_POINTS", "MAX_STEPS"]

MAX_POINTS = 2_000_000
MAX_STEPS = 1_000_000
_ROUNDS = 8


@dataclass
class Growth:
    """The result of :func:`grow`: the final line and the snapshots asked for."""

    points: np.ndarray                  # (n, 2) float64, the final polyline
    closed: bool
    steps: int                          # steps actually run
    snapshots: list[np.ndarray] = field(default_factory=list)   # (k, 2) arrays, in step order
    snapshot_steps: list[int] = field(default_factory=list)     # the step after which each was taken
    reverted: int = 0                   # node moves undone to keep the line simple
    stopped: str = ""                   # "" or why growth ended early ("max_points")


# --------------------------------------------------------------- spatial hash
@njit(cache=True)
def _hash(xy, cell):
    """Counting sort of points into a grid of `cell`: (order, start, ox, oy, nx, ny)."""
    n = xy.shape[0]
    ox = xy[0, 0]
    oy = xy[0, 1]
    mx = ox
    my = oy
    for i in range(n):
        ox = min(ox, xy[i, 0])
        oy = min(oy, xy[i, 1])
        mx = max(mx, xy[i, 0])
        my = max(my, xy[i, 1])
    # bound memory: at most ~4 cells per point (a larger cell is slower, never wrong)
    while ((mx - ox) / cell + 1.0) * ((my - oy) / cell + 1.0) > 4.0 * n + 64.0:
        cell *= 2.0
    nx = int((mx - ox) / cell) + 1
    ny = int((my - oy) / cell) + 1
    cid = np.empty(n, np.int64)
    count = np.zeros(nx * ny + 1, np.int64)
    for i in range(n):
        cx = min(int((xy[i, 0] - ox) / cell), nx - 1)
        cy = min(int((xy[i, 1] - oy) / cell), ny - 1)
        cid[i] = cy * nx + cx
        count[cid[i] + 1] += 1
    for c in range(nx * ny):
        count[c + 1] += count[c]
    start = count.copy()
    order = np.empty(n, np.int64)
    for i in range(n):
        order[start[cid[i]]] = i
        start[cid[i]] += 1
    return order, count, ox, oy, nx, ny, cell


@njit(cache=True)
def _forces(pts, closed, radius, attraction, repulsion, pin_ends, out):
    """Repulsion within `radius` (spatial hash) plus attraction to the neighbours' midpoint."""
    n = pts.shape[0]
    order, start, ox, oy, nx, ny, cell = _hash(pts, radius)
    r2 = radius * radius
    for i in range(n):
        x = pts[i, 0]
        y = pts[i, 1]
        fx = 0.0
        fy = 0.0
        cx = min(int((x - ox) / cell), nx - 1)
        cy = min(int((y - oy) / cell), ny - 1)
        for gy in range(max(cy - 1, 0), min(cy + 2, ny)):
            for gx in range(max(cx - 1, 0), min(cx + 2, nx)):
                c = gy * nx + gx
                for k in range(start[c], start[c + 1]):
                    j = order[k]
                    if j == i:
                        continue
                    dx = x - pts[j, 0]
                    dy = y - pts[j, 1]
                    d2 = dx * dx + dy * dy
                    if d2 < r2 and d2 > 0.0:
                        d = math.sqrt(d2)
                        s = (radius - d) / (radius * d)
                        fx += dx * s
                        fy += dy * s
        fx *= repulsion
        fy *= repulsion
        if closed or (0 < i < n - 1):
            a = (i - 1) % n
            b = (i + 1) % n
            fx += attraction * (0.5 * (pts[a, 0] + pts[b, 0]) - x)
            fy += attraction * (0.5 * (pts[a, 1] + pts[b, 1]) - y)
        elif pin_ends:
            fx = 0.0
            fy = 0.0
        out[i, 0] = fx
        out[i, 1] = fy


@njit(cache=True)
def _orient(ax, ay, bx, by, cx, cy):
    v = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)
    return 1 if v > 0.0 else (-1 if v < 0.0 else 0)


@njit(cache=True)
def _on_seg(ax, ay, bx, by, px, py):
    return min(ax, bx) <= px <= max(ax, bx) and min(ay, by) <= py <= max(ay, by)


@njit(cache=True)
def _cross(p, a0, a1, b0, b1):
    """True when segments p[a0]-p[a1] and p[b0]-p[b1] intersect or touch."""
    ax, ay, bx, by = p[a0, 0], p[a0, 1], p[a1, 0], p[a1, 1]
    cx, cy, dx, dy = p[b0, 0], p[b0, 1], p[b1, 0], p[b1, 1]
    # disjoint bounding boxes never meet (exact, and it stops rounding noise in the
    # orientation signs of nearly collinear segments from reporting a false crossing)
    if max(ax, bx) < min(cx, dx) or max(cx, dx) < min(ax, bx) \
            or max(ay, by) < min(cy, dy) or max(cy, dy) < min(ay, by):
        return False
    o1 = _orient(ax, ay, bx, by, cx, cy)
    o2 = _orient(ax, ay, bx, by, dx, dy)
    o3 = _orient(cx, cy, dx, dy, ax, ay)
    o4 = _orient(cx, cy, dx, dy, bx, by)
    if o1 != o2 and o3 != o4:
        return True
    if o1 == 0 and _on_seg(ax, ay, bx, by, cx, cy):
        return True
    if o2 == 0 and _on_seg(ax, ay, bx, by, dx, dy):
        return True
    if o3 == 0 and _on_seg(cx, cy, dx, dy, ax, ay):
        return True
    if o4 == 0 and _on_seg(cx, cy, dx, dy, bx, by):
        return True
    return False


@njit(cache=True)
def _crossings(p, closed, flag):
    """Mark (in `flag`) the nodes of every pair of non-adjacent segments that intersect.

    Returns the number of intersecting pairs. Segments are hashed by midpoint in
    cells as large as the longest segment: two segments that meet have
    midpoints at most that far apart, so the 3x3 neighbourhood finds them all.
    """
    n = p.shape[0]
    m = n if closed else n - 1
    if m < 3:
        return 0
    mids = np.empty((m, 2))
    longest = 0.0
    for s in range(m):
        t = (s + 1) % n
        mids[s, 0] = 0.5 * (p[s, 0] + p[t, 0])
        mids[s, 1] = 0.5 * (p[s, 1] + p[t, 1])
        longest = max(longest, math.hypot(p[t, 0] - p[s, 0], p[t, 1] - p[s, 1]))
    order, start, ox, oy, nx, ny, cell = _hash(mids, max(longest, 1e-12) * 1.0001)
    hits = 0
    for s in range(m):
        s1 = (s + 1) % n
        cx = min(int((mids[s, 0] - ox) / cell), nx - 1)
        cy = min(int((mids[s, 1] - oy) / cell), ny - 1)
        for gy in range(max(cy - 1, 0), min(cy + 2, ny)):
            for gx in range(max(cx - 1, 0), min(cx + 2, nx)):
                c = gy * nx + gx
                for k in range(start[c], start[c + 1]):
                    q = order[k]
                    if q <= s:
                        continue
                    q1 = (q + 1) % n
                    if q == s1 or q1 == s or q1 == s1 or q == s:
                        continue  # adjacent: they share a node
                    if _cross(p, s, s1, q, q1):
                        hits += 1
                        flag[s] = True
                        flag[s1] = True
                        flag[q] = True
                        flag[q1] = True
    return hits


@njit(cache=True)
def _move(pts, closed, radius, attraction, repulsion, max_move, pin_ends, force, noise):
    """One force step with the no-crossing guarantee. Returns (new points, nodes reverted)."""
    n = pts.shape[0]
    _forces(pts, closed, radius, attraction, repulsion, pin_ends, force)
    new = pts.copy()
    for i in range(n):
        fx = force[i, 0]
        fy = force[i, 1]
        if closed or not pin_ends or 0 < i < n - 1:
            fx += noise[i, 0]
            fy += noise[i, 1]
        f = math.hypot(fx, fy)
        if f > max_move:
            fx *= max_move / f
            fy *= max_move / f
        new[i, 0] += fx
        new[i, 1] += fy
    flag = np.zeros(n, np.bool_)
    reverted = 0
    for _ in range(_ROUNDS):
        flag[:] = False
        if _crossings(new, closed, flag) == 0:
            return new, reverted
        for i in range(n):
            if flag[i] and (new[i, 0] != pts[i, 0] or new[i, 1] != pts[i, 1]):
                new[i, 0] = pts[i, 0]
                new[i, 1] = pts[i, 1]
                reverted += 1
    return pts.copy(), n


@njit(cache=True)
def _split(pts, closed, max_edge, min_edge, growth, rand):
    """Insert midpoints into segments longer than max_edge, and randomly (prob. `growth`) into
    segments longer than min_edge. Returns the new polyline."""
    n = pts.shape[0]
    m = n if closed else n - 1
    add = np.zeros(m, np.bool_)
    extra = 0
    for s in range(m):
        t = (s + 1) % n
        d = math.hypot(pts[t, 0] - pts[s, 0], pts[t, 1] - pts[s, 1])
        if d > max_edge or (d > min_edge and rand[s] < growth):
            add[s] = True
            extra += 1
    if extra == 0:
        return pts
    out = np.empty((n + extra, 2))
    k = 0
    for s in range(n):
        out[k] = pts[s]
        k += 1
        if s < m and add[s]:
            t = (s + 1) % n
            out[k, 0] = 0.5 * (pts[s, 0] + pts[t, 0])
            out[k, 1] = 0.5 * (pts[s, 1] + pts[t, 1])
            k += 1
    return out


# ----------------------------------------------------------------- checking
def self_intersections(points, closed: bool) -> int:
    """Number of intersecting (or touching) pairs of non-adjacent segments."""
    p = np.ascontiguousarray(points, dtype=np.float64)
    return int(_crossings(p, bool(closed), np.zeros(len(p), np.bool_)))


def _positive(name, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not math.isfinite(float(value)) or float(value) <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return float(value)


def _nonneg(name, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not math.isfinite(float(value)) or float(value) < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return float(value)


def _count(name, value, lo, hi) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not lo <= value <= hi:
        raise ValueError(f"{name} must be an integer from {lo:,} to {hi:,}, got {value!r}")
    return int(value)


def grow(points, *, steps: int, seed: int, closed: bool = True, max_edge: float = 2.0,
         radius: float | None = None, attraction: float = 0.5, repulsion: float = 0.04,
         growth: float = 0.01, max_move: float | None = None, max_points: int = 20_000,
         snapshots=(), pin_ends: bool = True, jitter: float = 0.05, on_limit: str = "raise") -> Growth:
    """Grow a polyline for ``steps`` steps; see the module docstring for the rules.

    ``points`` (n, 2) is the starting line (at least 3 points closed, 2 open);
    ``max_edge`` the segment length above which a segment splits (the scale of
    the wrinkles); ``radius`` the repulsion range (default ``2.5 * max_edge``;
    it must exceed ``max_edge``); ``attraction`` in [0, 1] and ``repulsion``
    (per step, as a share of the radius) weigh the forces; ``growth`` is the
    chance per segment and step of an early split; ``max_move`` caps how far a
    node moves per step (default ``0.3 * max_edge``); ``jitter`` adds a small
    seeded Gaussian nudge per node and step (sd ``jitter * max_move``), which
    breaks the symmetry of perfectly regular starts. ``snapshots`` lists the
    steps after which to keep a copy of the line (0 = the start), for
    animation. Random numbers come only from ``np.random.default_rng(seed)``.

    Raises ValueError for NaN/inf points, a starting line with more than
    ``max_points`` points or that crosses itself, out-of-range settings, and,
    when ``on_limit="raise"`` (the default), growth that would exceed
    ``max_points`` (``on_limit="stop"`` returns the line as it was instead).
    """
    pts = np.array(points, dtype=np.float64, order="C") if not isinstance(points, np.ndarray) \
        else np.ascontiguousarray(points, dtype=np.float64).copy()
    if pts.ndim != 2 or pts.shape[1] != 2:
        raise ValueError(f"points must be an (n, 2) array, got shape {pts.shape}")
    if not np.isfinite(pts).all():
        raise ValueError(f"points must be finite: found NaN or inf at row {int(np.argwhere(~np.isfinite(pts))[0, 0])}")
    closed = bool(closed)
    lo = 3 if closed else 2
    max_points = _count("max_points", max_points, lo, MAX_POINTS)
    if len(pts) < lo:
        raise ValueError(f"points must have at least {lo} rows for a {'closed' if closed else 'open'} line, "
                         f"got {len(pts)}")
    if len(pts) > max_points:
        raise ValueError(f"points has {len(pts):,} rows, more than max_points={max_points:,}")
    steps = _count("steps", steps, 0, MAX_STEPS)
    max_edge = _positive("max_edge", max_edge)
    radius = 2.5 * max_edge if radius is None else _positive("radius", radius)
    if radius <= max_edge:
        raise ValueError(f"radius must be larger than max_edge={max_edge:g}, got {radius:g}")
    attraction = _nonneg("attraction", attraction)
    if attraction > 1:
        raise ValueError(f"attraction must be from 0 to 1, got {attraction!r}")
    repulsion = _nonneg("repulsion", repulsion) * radius
    growth = _nonneg("growth", growth)
    if growth > 1:
        raise ValueError(f"growth must be a probability from 0 to 1, got {growth!r}")
    max_move = 0.3 * max_edge if max_move is None else _positive("max_move", max_move)
    jitter = _nonneg("jitter", jitter)
    if jitter > 1:
        raise ValueError(f"jitter must be from 0 to 1 (a share of max_move), got {jitter!r}")
    if on_limit not in ("raise", "stop"):
        raise ValueError(f"on_limit must be 'raise' or 'stop', got {on_limit!r}")
    want = sorted({_count("snapshot step", s, 0, steps) for s in snapshots})
    if self_intersections(pts, closed):
        raise ValueError("points must form a line that does not cross itself; the starting line does")

    rng = np.random.default_rng(seed)
    min_edge = 0.4 * max_edge
    result = Growth(pts, closed, 0)
    wanted = iter(want)
    nxt = next(wanted, None)
    if nxt == 0:
        result.snapshots.append(pts.copy())
        result.snapshot_steps.append(0)
        nxt = next(wanted, None)
    force = np.empty_like(pts)
    for step in range(1, steps + 1):
        if force.shape[0] != pts.shape[0]:
            force = np.empty_like(pts)
        noise = rng.normal(0.0, jitter * max_move, pts.shape) if jitter else np.zeros_like(pts)
        pts, rev = _move(pts, closed, radius, attraction, repulsion, max_move, pin_ends, force, noise)
        result.reverted += int(rev)
        grown = _split(pts, closed, max_edge, min_edge, growth, rng.random(len(pts)))
        if len(grown) > max_points:
            if on_limit == "raise":
                raise ValueError(
                    f"growth would exceed max_points={max_points:,} at step {step:,} of {steps:,} "
                    f"({len(grown):,} points); raise max_points, lower steps, or pass on_limit='stop'")
            result.stopped = "max_points"
            result.points, result.steps = pts, step
            break
        pts = grown
        result.points, result.steps = pts, step
        if nxt == step:
            result.snapshots.append(pts.copy())
            result.snapshot_steps.append(step)
            nxt = next(wanted, None)
    return result


def circle(n: int, radius: float, center=(0.0, 0.0), phase: float = 0.0) -> np.ndarray:
    """A closed regular n-gon: a starting line for :func:`grow`."""
    n = _count("n", n, 3, MAX_POINTS)
    a = phase + np.arange(n) * (2 * np.pi / n)
    return np.stack([center[0] + radius * np.cos(a), center[1] + radius * np.sin(a)], axis=1)


def numpy_forces(pts: np.ndarray, closed: bool, radius: float, attraction: float,
                 repulsion: float, pin_ends: bool = True) -> np.ndarray:
    """The same forces as the Numba kernel, with an all-pairs NumPy distance matrix.

    The O(n²) baseline for the benchmark (and a reference for the tests);
    ``repulsion`` is the absolute weight (the kernel's ``repulsion * radius``).
    """
    d = pts[:, None, :] - pts[None, :, :]
    d2 = (d ** 2).sum(-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        dist = np.sqrt(d2)
        s = np.where((d2 < radius * radius) & (d2 > 0), (radius - dist) / (radius * dist), 0.0)
    f = repulsion * (d * s[..., None]).sum(1)
    mid = 0.5 * (np.roll(pts, 1, 0) + np.roll(pts, -1, 0)) - pts
    out = f + attraction * mid
    if not closed:
        out[[0, -1]] = 0.0 if pin_ends else f[[0, -1]]
    return out
