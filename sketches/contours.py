"""Contours — a survey sheet of islands that never existed.

The land is fBm with a share of ridged noise (sharp crests where the noise
crosses zero, like mountain ranges), raised on one or more smooth domes — one
island, a pair, or a scattered archipelago — and pulled under water towards
the frame, so the coast always sits inside the map. Each layout is drawn from
the token's hash and redrawn (from the same stream) until its land is a
sensible share of the sheet and clear of the frame.

Marching squares traces the contour lines; every fifth one (the index
contour) is bolder, as on survey maps, and the sea gets its own lighter
bathymetric lines. Where the ground is so steep that lines would crowd into a
dark band, the intermediate lines stop and only the index contours carry on,
as a cartographer would draw a cliff.
"""
import numpy as np

from gencraft import Bool, Choice, Float, Int, noise
from gencraft.draw.color import colormap, mix
from gencraft.noise.contours import chain_segments, isolines

SIZE = (1600, 1200)
KIND = "a topographic contour map"  # what it draws, in the tiny CLIP's words (edition --audit checks each token)

# Map styles: paper, land tints (shore to summit), sea tints (shallows to deep),
# contour ink, sea-line ink, and how strong the washes are.
STYLES = {
    "survey": dict(paper="#f4efe2", land=["#eef0d6", "#dfe6bd", "#d3c79a", "#bf9f78", "#efe8dc"],
                   sea=["#e4eeec", "#b3d3dc"], ink="#7a4b2a", sea_ink="#3f7f9f", coast="#2f4f5f", wash=0.9),
    "forest": dict(paper="#f3efe2", land=["#e9eed3", "#c9dba7", "#9dbb7c", "#6f9460", "#4e7048"],
                   sea=["#e6ece6", "#bcd6d0"], ink="#2d4a22", sea_ink="#5b8c8a", coast="#1f3319", wash=0.75),
    "ink": dict(paper="#f6f2ea", land=["#f6f2ea", "#efeae0", "#e4ddd0"],
                sea=["#eeeae2", "#e2ddd3"], ink="#1d1d22", sea_ink="#8a8a94", coast="#1d1d22", wash=1.0),
    "desert": dict(paper="#f7eedb", land=["#f3e2bf", "#e9c893", "#d9a066", "#b86f45", "#8c4a32"],
                   sea=["#e3ece3", "#a6cfc8"], ink="#8a3b1a", sea_ink="#2f7f7a", coast="#5a2a12", wash=0.7),
    "blueprint": dict(paper="#1c3450", land=["#22405f", "#2a4b6e", "#33587e"],
                      sea=["#1a3049", "#162a40"], ink="#e6eef2", sea_ink="#7f9fc0", coast="#ffffff", wash=1.0),
    "night": dict(paper="#15161e", land=["#1d1e29", "#262633", "#302f3c"],
                  sea=["#14161f", "#111320"], ink="#e3b866", sea_ink="#5f7fa6", coast="#f2d39a", wash=1.0),
}

colours = Choice("survey", list(STYLES), weights=[4, 3, 2, 2.5, 1, 1], trait="Style",
                 help="map style: paper, tints and inks")
landform = Choice("island", ["island", "twin isles", "archipelago"], weights=[4, 2, 2], trait="Land",
                  help="one island, a pair, or a scattered archipelago")
scale = Float(2.4, 1.5, 4.0, step=0.1, vary="triangular", help="noise features across the shorter side")
octaves = Int(4, 1, 8, help="fBm octaves: detail of the terrain")
rugged = Float(0.35, 0.0, 1.0, step=0.05, vary="uniform", trait="Terrain",
               bands={"rolling": 0.25, "hills": 0.6, "alpine": None}, help="share of ridged noise (mountain crests)")
lines = Int(24, 8, 60, vary={14: 2, 24: 3, 40: 2}, trait="Relief",
            bands={"sparse": 18, "survey": 32, "dense": None}, help="contour lines from the shore to the highest peak")
graticule = Bool(False, chance=0.2, trait="Graticule", help="a fine survey grid over the sea")
step = Float(2.0, 1.0, 4.0, step=0.5, help="pixels per height sample (smaller = smoother, slower)")

LAYOUT_RES = 90       # samples across the shorter side when judging a layout
MIN_SPACING = 0.0045  # intermediate contours closer than this (share of the shorter side) stop
BORDER = 0.10         # land is pulled under water within this distance of the frame


def layout(rng, p, aw, ah):
    """Domes for the land: a list of (cx, cy, radius, stretch, angle, height) in page units."""
    shape = rng.stream("shape")
    if p.landform == "island":
        n, r = 1, shape.uniform(0.36, 0.46)
    elif p.landform == "twin isles":
        n, r = 2, shape.uniform(0.24, 0.3)
    else:
        n, r = int(shape.integers(4, 8)), shape.uniform(0.11, 0.17)
    domes = []
    for k in range(n):
        rad = r * shape.uniform(0.75, 1.15) if k else r
        lim = BORDER + rad * 0.75
        cx = shape.uniform(lim, max(lim, aw - lim))
        cy = shape.uniform(lim, max(lim, ah - lim))
        domes.append((cx, cy, rad, shape.uniform(1.0, 1.6), shape.uniform(0, np.pi), shape.uniform(0.85, 1.0)))
    return domes


def height(u, v, p, seed, ox, oy, domes, aw, ah):
    """Height at page coordinates (u, v) (arrays that broadcast): sea level 0, peaks near 1."""
    X, Y = ox + u * p.scale, oy + v * p.scale
    # a gentle warp keeps coastlines from looking like plain noise
    wx = noise.fbm(X, Y, seed=seed + 1, octaves=3)
    wy = noise.fbm(X + 7.3, Y - 2.1, seed=seed + 1, octaves=3)
    Xw, Yw = X + 0.6 * wx, Y + 0.6 * wy
    base = noise.fbm(Xw, Yw, seed=seed, octaves=p.octaves)
    crest = noise.ridged(Xw * 0.8, Yw * 0.8, seed=seed + 2, octaves=p.octaves) - 0.5
    rough = (1 - p.rugged) * base + p.rugged * crest
    dome = np.full(np.broadcast(u, v).shape, -0.45)
    # the domes are warped too, so coasts get bays and headlands, not ellipses
    su, sv = u + 0.09 * wx, v + 0.09 * wy
    for cx, cy, rad, stretch, ang, amp in domes:
        du, dv = su - cx, sv - cy
        a = (du * np.cos(ang) + dv * np.sin(ang)) / (rad * stretch ** 0.5)
        b = (-du * np.sin(ang) + dv * np.cos(ang)) * stretch ** 0.5 / rad
        dome = np.maximum(dome, amp * (0.55 - 0.55 * (a * a + b * b)))
    # mountains inland, gentler coastal plains: the noise grows with the dome
    H = dome + rough * (0.3 + 0.4 * np.clip(dome + 0.35, 0.0, 0.35) / 0.35 + 1.1 * np.clip(dome, 0.0, 0.6))
    # land near the frame is pulled under water (the sea there is left alone,
    # so no bathymetric lines run parallel to the frame)
    edge = np.minimum(np.minimum(u, aw - u), np.minimum(v, ah - v))
    fall = np.clip(1.0 - edge / BORDER, 0.0, 1.0) ** 2
    return H - fall * (np.maximum(H, 0.0) * 1.5 + 0.04), H


def terrain(rng, p, aw, ah, cols, rows):
    """Height field on a (rows, cols) grid over the map, sea level 0, highest peak 1.

    The layout is judged on a coarse grid first (the same for every render
    size) and redrawn from the same stream until the land covers a sensible
    share of the sheet and stays clear of the frame.
    """
    seed = int(rng.stream("noise").integers(2**31))
    ox, oy = rng.stream("offset").uniform(-500, 500, 2)
    lo, hi = {"island": (0.18, 0.5), "twin isles": (0.14, 0.45), "archipelago": (0.08, 0.35)}[p.landform]
    cu = np.linspace(0, aw, int(LAYOUT_RES * aw))[None, :]
    cv = np.linspace(0, ah, int(LAYOUT_RES * ah))[:, None]
    sub = rng.stream("shape")
    best = None
    for attempt in range(10):
        domes = layout(sub.stream(f"try{attempt}") if attempt else rng, p, aw, ah)
        H, raw = height(cu, cv, p, seed, ox, oy, domes, aw, ah)
        land = H > 0
        near = raw > 0
        share = land.mean()
        b = max(1, int(0.6 * BORDER * LAYOUT_RES))  # raw land this close to the frame would be cut
        touches = near[:b].mean() + near[-b:].mean() + near[:, :b].mean() + near[:, -b:].mean()
        score = abs(share - np.clip(share, lo, hi)) + touches
        if best is None or score < best[0]:
            best = (score, domes)
        if score == 0:
            break
    domes = best[1]
    u = np.linspace(0, aw, cols)[None, :]
    v = np.linspace(0, ah, rows)[:, None]
    H = height(u, v, p, seed, ox, oy, domes, aw, ah)[0]
    # a light blur (about 0.3 % of the page) takes out wiggles smaller than a line can show
    r = max(1, int(round(0.003 / (aw / (cols - 1)))))
    kern = np.ones(2 * r + 1) / (2 * r + 1)
    for axis in (0, 1):
        H = np.apply_along_axis(lambda row: np.convolve(np.pad(row, r, mode="edge"), kern, mode="valid"), axis, H)
    return H / max(H.max(), 1e-9)


def spacing(H, interval, unit):
    """Distance between neighbouring contour lines (page units) at each sample, smoothed."""
    gy, gx = np.gradient(H)
    slope = np.hypot(gx, gy) / unit  # height per page unit
    k = np.ones(5) / 5
    for axis in (0, 1):
        slope = np.apply_along_axis(lambda r: np.convolve(r, k, mode="same"), axis, slope)
    return interval / (slope + 1e-9)


def draw(c, rng, p):
    st = STYLES[p.colours]
    paper = st["paper"]
    c.background(paper)
    # the map sits inside a paper margin with a thin double frame, like a survey sheet
    s = c.min_side
    m = 0.06 * s
    w, h = c.width - 2 * m, c.height - 2 * m
    aw, ah = w / min(w, h), h / min(w, h)
    cols, rows = max(int(w / p.step), 48) + 1, max(int(h / p.step), 36) + 1
    H = terrain(rng, p, aw, ah, cols, rows)
    k = w / (cols - 1)                      # pixels per grid step
    unit = aw / (cols - 1)                  # page units per grid step
    px = s / 1000.0
    # a hypsometric wash: soft tints by height, shallows to deep in the sea
    land = colormap([mix(paper, t, st["wash"]) for t in st["land"]], np.clip(H, 0, 1) ** 0.9)
    # the sea: a coastal tint that fades to pale open water, as on charts
    water = colormap([mix(paper, t, st["wash"]) for t in (st["sea"][1], st["sea"][0], st["sea"][0])],
                     np.clip(-H * 3.0, 0, 1))
    wash = np.where((H >= 0)[..., None], land, water)
    interval = 1.0 / p.lines
    gap = spacing(H, interval, unit)
    with c.push():
        c.translate(m, m)
        c.image(wash, width=w, height=h)
        if p.graticule:
            draw_graticule(c, w, h, st, px)
            c.image(np.where((H >= 0)[..., None], land, 0.0), width=w, height=h)
        seg, lev = isolines(H, np.arange(1, p.lines + 1) * interval)
        bold = (lev + 1) % 5 == 0
        draw_lines(c, seg[~bold], k, unit, gap, MIN_SPACING, st["ink"], 0.75 * px, alpha=0.8)
        draw_lines(c, seg[bold], k, unit, gap, MIN_SPACING * 0.45, st["ink"], 1.7 * px, min_len=0.015)
        seg, lev = isolines(H, -np.arange(1, 10) * interval * 1.3)
        draw_lines(c, seg, k, unit, gap / 1.3, MIN_SPACING, st["sea_ink"], 0.7 * px, alpha=0.75)
        seg, _ = isolines(H, [0.0])
        draw_lines(c, seg, k, unit, gap, -1.0, st["coast"], 2.2 * px, min_len=0.004)  # the coastline
        summit(c, H, k, st, px)
    c.no_fill()
    c.stroke(st["ink"], width=2.0 * px)
    c.rect(m, m, w, h)
    c.stroke(st["ink"], width=0.8 * px)
    c.rect(m - 6 * px, m - 6 * px, w + 12 * px, h + 12 * px)


def draw_graticule(c, w, h, st, px):
    """Thin survey grid lines every tenth of the shorter side (covered again on land)."""
    n = 10
    d = min(w, h) / n
    c.stroke(st["sea_ink"], width=0.6 * px, alpha=0.45)
    for x in np.arange(d, w, d):
        c.line(x, 0, x, h)
    for y in np.arange(d, h, d):
        c.line(0, y, w, y)


def summit(c, H, k, st, px):
    """A small triangle marking the highest point, as survey maps mark a trig point."""
    i, j = np.unravel_index(int(np.argmax(H)), H.shape)
    x, y, r = j * k, i * k, 5.0 * px
    c.no_stroke()
    c.fill(st["coast"])
    c.polygon([(x, y - r), (x + 0.9 * r, y + 0.6 * r), (x - 0.9 * r, y + 0.6 * r)])
    c.no_fill()


def draw_lines(c, seg, k, unit, room, min_room, colour, width, alpha=1.0, min_len=0.03):
    """Join (n, 2, 2) marching-squares segments into contour lines and stroke them.

    `room` is the line spacing at each grid sample (page units): a line stops
    where it would crowd closer than `min_room` to its neighbours, and what is
    left is kept only in runs at least `min_len` long (page units; `unit` is
    page units per grid sample, `k` pixels per grid sample), so a
    stopped line never breaks into dashes and no specks are drawn.
    """
    if len(seg) == 0:
        return
    coords, offsets, closed, _ = chain_segments(seg)
    min_pts = max(3, int(round(min_len / unit)))
    j = np.clip(np.round(coords[:, 0]).astype(int), 0, room.shape[1] - 1)
    i = np.clip(np.round(coords[:, 1]).astype(int), 0, room.shape[0] - 1)
    ok = room[i, j] > min_room
    parts, shut = [], []
    for a, b, cl in zip(offsets[:-1], offsets[1:], closed):
        if b - a < min_pts:
            continue  # specks: tiny rings and scraps
        good = ok[a:b]
        if good.all():
            parts.append(coords[a:b])
            shut.append(cl)
            continue
        edges = np.flatnonzero(np.diff(np.r_[0, good.astype(np.int8), 0]))
        for r0, r1 in zip(edges[::2], edges[1::2]):
            if r1 - r0 >= min_pts:
                parts.append(coords[a + r0:a + r1])
                shut.append(False)
    if parts:
        c.stroke(colour, width=width, alpha=alpha, cap="round", join="round")
        c.polylines([q * k for q in parts], closed=np.array(shut))
