"""Flow — thick curves through a noise field, packed without touching, after Tyler Hobbs.

A noise field turns every point of the page into a direction. Candidate
curves are traced through it from random starts, widest first; each one is
checked against everything already placed (an occupancy grid stamped with
each curve's own width plus a gap) and cut back to its longest free run, so
curves of any width pack closely but never touch or fuse, and where the
candidates run out the paper shows through. Colours come in broad zones that
follow a slow second noise (so a colour change follows the structure of the
page), drawn from a curated weighted palette, with a few strays and a rare
accent, as in Hobbs' *Fidenza*.

Everything is laid out in page units (the shorter side is 1), so a thumbnail
shows exactly the composition of the full-size print.
"""
import numpy as np

from gencraft import Bool, Choice, Float, Palette, noise
from gencraft.particles import CurlField, NoiseAngleField

SIZE = (2000, 2000)
KIND = "flow lines"  # what it draws, in the tiny CLIP's words (edition --audit checks each token)

# Curated palettes: each has a ground, a few main colours (weighted) and a rare
# accent last. Dark grounds only get colours light or saturated enough to read.
PALETTES = {
    "luxe": Palette("luxe", ["#1f3a5f", "#c8553d", "#f2a541", "#8fa98f", "#d8c3a5", "#e84a5f"],
                    "#f2ebdd", "#1d1d22", weights=[4, 3, 2.5, 2, 1.5, 0.35]),
    "sea": Palette("sea", ["#0b3954", "#087e8b", "#5fb3b3", "#a9cfe0", "#ff5a5f"],
                   "#efe9dc", "#0b3954", weights=[4, 3.5, 2, 1.5, 0.3]),
    "dusk": Palette("dusk", ["#f2b880", "#e26d5c", "#b784a7", "#ffe8c2", "#7d9bc1", "#f7d154"],
                    "#1a1928", "#ffe8c2", weights=[3, 3, 3, 2, 1.5, 0.35]),
    "ember": Palette("ember", ["#e4572e", "#f3a712", "#fff1c1", "#c7372f", "#5fb3b3"],
                     "#150d0c", "#fff1c1", weights=[3, 3, 2, 2, 0.3]),
    "ink": Palette("ink", ["#1d1d22", "#4a4a55", "#8c8c99", "#c0392b"],
                   "#f4efe6", "#1d1d22", weights=[5, 3, 2, 0.45]),
    "riso": Palette("riso", ["#0078bf", "#ff48b0", "#00a95c", "#ffe800", "#765ba7"],
                    "#f7f3ea", "#1d1d22", weights=[3, 3, 2, 1, 1]),
    "moss": Palette("moss", ["#e9dcc0", "#a3b18a", "#dda15e", "#bc6c25", "#f4f1de", "#e76f51"],
                    "#22302b", "#f4f1de", weights=[3, 3, 2, 2, 1, 0.3]),
}

colours = Choice("luxe", list(PALETTES), weights=[4, 3, 3, 2, 2, 1.5, 1.5], trait="Palette",
                 help="curated palette (ground, weighted colours, a rare accent)")
width = Float(0.011, 0.003, 0.04, step=0.0005, help="widest curves' stroke, as a share of the shorter side",
              vary={0.0035: 2, 0.006: 3, 0.011: 3, 0.019: 2, 0.032: 1}, trait="Scale",
              bands={"fine": 0.005, "small": 0.008, "medium": 0.015, "large": 0.025, "jumbo": None})
mixed = Bool(False, chance=0.15, trait="Mixed scale", help="curves of very different widths on one page")
density = Float(1.0, 0.1, 1.0, step=0.05, help="share of the page the curves may cover (the rest is paper)",
                vary={0.3: 1, 0.55: 2, 1.0: 3}, trait="Density",
                bands={"sparse": 0.4, "open": 0.7, "packed": None})
length = Float(0.5, 0.05, 2.0, step=0.05, help="longest curve, as a share of the shorter side",
               vary={0.18: 1, 0.5: 2, 1.4: 2}, trait="Length",
               bands={"short": 0.3, "medium": 0.9, "long": None})
gap = Float(0.35, 0.1, 1.0, step=0.05, vary="triangular", help="gap between curves, as a share of the stroke width")
turbulence = Float(0.7, 0.15, 1.8, step=0.05, vary="triangular", trait="Flow",
                   bands={"calm": 0.5, "flowing": 1.1, "wild": None},
                   help="turns of direction across the noise range")
scale = Float(1.6, 0.6, 4.0, step=0.1, vary="triangular", help="noise features across the page")
field = Choice("angle", ["angle", "curl"], weights=[3, 1], trait="Field",
               help="noise angle field (converging streams) or divergence-free curl noise (eddies)")
segmented = Bool(False, chance=0.12, trait="Segmented", help="draw curves as chains of short blocks")
stray = Float(0.05, 0.0, 0.5, step=0.01, help="share of curves coloured at random (by weight)")
margin = Float(0.06, 0.0, 0.2, step=0.01, help="paper margin as a share of the shorter side")

FIELD_RES = 160        # direction samples across the shorter side
MAX_CANDIDATES = 4500


def direction_grid(rng, p, aw, ah):
    """Unit direction vectors on a grid over the page (page units), (ny, nx, 2)."""
    seed = rng.stream("field").seed_int()
    if p.field == "curl":
        f = CurlField(seed=seed, scale=p.scale * 0.8, octaves=2, gain=0.4)
    else:
        f = NoiseAngleField(seed=seed, scale=p.scale, turns=p.turbulence, octaves=2, gain=0.35,
                            angle_offset=rng.stream("angle").uniform(0, 2 * np.pi))
    nx, ny = int(FIELD_RES * aw) + 2, int(FIELD_RES * ah) + 2
    xs = np.linspace(0, aw, nx)
    ys = np.linspace(0, ah, ny)
    vx, vy = f.sample(xs[None, :], ys[:, None])
    if p.field == "curl" and p.turbulence > 0.5:
        # curl eddies get a slow twist that grows with turbulence
        twist = (p.turbulence - 0.5) * 0.8
        ang = np.arctan2(vy, vx) + twist
        vx, vy = np.cos(ang), np.sin(ang)
    n = np.hypot(vx, vy) + 1e-12
    return np.stack([vx / n, vy / n], axis=-1), (nx - 1) / aw, (ny - 1) / ah


def trace(grid, kx, ky, seeds, h, steps, bounds):
    """Trace all seeds forwards and backwards; returns (n, 2*steps+1, 2) and a validity mask."""
    n = len(seeds)
    ny, nx = grid.shape[:2]
    x0, y0, x1, y1 = bounds
    out = np.empty((n, 2 * steps + 1, 2))
    ok = np.ones((n, 2 * steps + 1), bool)
    out[:, steps] = seeds

    def direction(x, y):
        gx = np.clip(x * kx, 0, nx - 1.001)
        gy = np.clip(y * ky, 0, ny - 1.001)
        i, j = gx.astype(int), gy.astype(int)
        fx, fy = (gx - i)[:, None], (gy - j)[:, None]
        v = (grid[j, i] * (1 - fx) * (1 - fy) + grid[j, i + 1] * fx * (1 - fy)
             + grid[j + 1, i] * (1 - fx) * fy + grid[j + 1, i + 1] * fx * fy)
        return v / (np.linalg.norm(v, axis=1, keepdims=True) + 1e-12)

    for sign in (1, -1):
        pos = seeds.copy()
        alive = np.ones(n, bool)
        prev = None
        for k in range(1, steps + 1):
            d = direction(pos[:, 0], pos[:, 1]) * sign
            if prev is not None:  # a curve that doubles back (a sink) ends there
                alive &= (d * prev).sum(axis=1) > 0.5
            mid = pos + 0.5 * h * d
            d2 = direction(mid[:, 0], mid[:, 1]) * sign
            pos = pos + h * d2
            prev = d2
            alive &= (pos[:, 0] > x0) & (pos[:, 0] < x1) & (pos[:, 1] > y0) & (pos[:, 1] < y1)
            idx = steps + sign * k
            out[:, idx] = pos
            ok[:, idx] = alive
    return out, ok


def disc(r):
    """Integer cell offsets within radius r (cells)."""
    R = int(np.ceil(r))
    oy, ox = np.mgrid[-R:R + 1, -R:R + 1]
    keep = ox * ox + oy * oy <= r * r + 1e-9
    return oy[keep], ox[keep]


def place(rng, p, grid, kx, ky, aw, ah):
    """Collision-aware placement: returns a list of (points, width) in page units."""
    m = p.margin
    bounds = (m, m, aw - m, ah - m)
    w0 = p.width
    place_rng = rng.stream("place")
    if p.mixed:
        mults, mw = np.array([2.4, 1.5, 1.0, 0.6, 0.35]), np.array([1, 2, 3, 3, 2])
    else:
        mults, mw = np.array([1.0, 0.7, 0.45]), np.array([6, 3, 2])
    mean_w = w0 * float((mults * mw).sum() / mw.sum())
    area = (aw - 2 * m) * (ah - 2 * m)
    n = int(min(MAX_CANDIDATES, max(60, 4.0 * area / (mean_w * (1 + 1.2 * p.gap) * min(p.length, 0.8)))))
    seeds = place_rng.uniform([bounds[0], bounds[1]], [bounds[2], bounds[3]], (n, 2))
    if p.density < 1.0:
        # negative space: seeds only where a slow noise is high, so the curves gather
        # in a few masses and leave open paper elsewhere
        mseed = place_rng.seed_int()
        z = noise.fbm(seeds[:, 0] * 1.3, seeds[:, 1] * 1.3, seed=mseed, octaves=2)
        t = np.quantile(z, 1.0 - min(1.0, 1.4 * p.density))
        keep = place_rng.random(n) < np.clip((z - t) / 0.12, 0.0, 1.0)
        seeds = seeds[keep]
        n = len(seeds)
    widths = w0 * mults[place_rng.choice(len(mults), n, p=mw / mw.sum())]
    order = np.argsort(-widths, kind="stable")
    seeds, widths = seeds[order], widths[order]
    h = float(np.clip(w0 * 0.5, 0.0025, 0.008))
    steps = max(4, int(p.length / 2 / h))
    paths, ok = trace(grid, kx, ky, seeds, h, steps, bounds)

    cell = min(0.0025, w0 * 0.3)
    cw, ch = int(aw / cell) + 2, int(ah / cell) + 2
    occ = np.zeros((ch, cw), bool)
    target = p.density * float(((aw - 2 * m) / cell) * ((ah - 2 * m) / cell))
    filled = 0
    placed = []
    discs = {}
    for i in range(n):
        w = widths[i]
        g = max(p.gap * w0, 0.0012) * (0.6 + 0.4 * w / w0)
        sx, sy = int(seeds[i, 0] / cell), int(seeds[i, 1] / cell)
        if occ[sy, sx]:
            continue
        r = (w / 2 + g / 2) / cell + 0.75
        key = round(r * 4) / 4
        if key not in discs:
            discs[key] = disc(key)
        dy, dx = discs[key]
        pts = paths[i]
        # the seed's connected valid run
        valid = ok[i]
        cx = (pts[:, 0] / cell).astype(int)
        cy = (pts[:, 1] / cell).astype(int)
        cyy = np.clip(cy[:, None] + dy[None, :], 0, ch - 1)
        cxx = np.clip(cx[:, None] + dx[None, :], 0, cw - 1)
        hit = occ[cyy, cxx].any(axis=1) | ~valid
        s0 = len(pts) // 2
        if hit[s0]:
            continue
        free = ~hit
        # extend from the seed both ways until the first hit
        a = s0
        while a > 0 and free[a - 1]:
            a -= 1
        b = s0
        while b < len(pts) - 1 and free[b + 1]:
            b += 1
        # self-collision: a point whose disc overlaps cells stamped by points well behind it
        run = slice(a, b + 1)
        flat = (cyy[run] * cw + cxx[run])
        k = flat.shape[0]
        window = int(2 * r * cell / h) + 2
        idx = np.repeat(np.arange(k), flat.shape[1])
        order_ = np.argsort(flat.ravel(), kind="stable")
        fs, ix = flat.ravel()[order_], idx[order_]
        first = np.r_[True, fs[1:] != fs[:-1]]
        group_min = np.minimum.reduceat(ix, np.nonzero(first)[0])
        gmin = np.repeat(group_min, np.diff(np.r_[np.nonzero(first)[0], len(fs)]))
        bad = np.zeros(k, bool)
        np.logical_or.at(bad, ix, ix - gmin > window)
        if bad.any():
            cut = int(np.argmax(bad))
            b = a + cut - 1
        if (b - a) * h < max(3.0 * w, 0.02):
            continue
        seg = slice(a, b + 1)
        cells = np.unique(flat[: b - a + 1].ravel())
        new = cells[~occ.ravel()[cells]]
        occ.ravel()[cells] = True
        filled += len(new)
        placed.append((pts[seg], w))
        if filled >= target:
            break
    return placed


def colour_indices(rng, p, pal, placed):
    """One palette index per curve: broad zones along a slow noise, strays, a rare accent."""
    crng = rng.stream("colour")
    seed = crng.seed_int()
    mids = np.array([pts[len(pts) // 2] for pts, _ in placed])
    z = noise.fbm(mids[:, 0] * 1.1 + 3.1, mids[:, 1] * 1.1 - 7.7, seed=seed, octaves=2)
    # rank transform: zone areas follow the palette weights (the accent, last, only as strays)
    main = np.asarray(pal.weights[:-1], dtype=float)
    u = (np.argsort(np.argsort(z)) + 0.5) / len(z)
    # a random permutation of the main colours along the noise, so zone order varies
    perm = crng.permutation(len(main))
    cum = np.cumsum((main / main.sum())[perm])
    idx = perm[np.searchsorted(cum, u, side="right").clip(0, len(main) - 1)]
    strays = crng.random(len(idx)) < p.stray
    idx[strays] = pal.indices(crng, int(strays.sum()))
    return idx


def draw(c, rng, p):
    pal = PALETTES[p.colours]
    s = c.min_side
    aw, ah = c.width / s, c.height / s
    c.background(pal.background)
    grid, kx, ky = direction_grid(rng, p, aw, ah)
    placed = place(rng, p, grid, kx, ky, aw, ah)
    if not placed:
        return
    idx = colour_indices(rng, p, pal, placed)
    cols = np.array(pal)[idx]
    if p.segmented:
        pieces, pw, pc = [], [], []
        for (pts, w), col in zip(placed, cols):
            h = np.linalg.norm(pts[1] - pts[0])
            seglen = max(2, int(round(max(1.6 * w, 0.022) / h)))
            gapn = max(1, int(round(max(0.25 * w, 0.004) / h)))
            for k in range(0, len(pts) - 1, seglen + gapn):
                piece = pts[k:k + seglen + 1]
                if len(piece) >= 2:
                    pieces.append(piece)
                    pw.append(w)
                    pc.append(col)
        coords = [q * s for q in pieces]
        widths, cols, cap = np.array(pw) * s, np.array(pc), "butt"
    else:
        coords = [pts * s for pts, _ in placed]
        widths, cap = np.array([w for _, w in placed]) * s, "round"
    c.stroke(pal.ink, cap=cap, join="round")
    c.polylines(coords, colors=cols, widths=widths)
