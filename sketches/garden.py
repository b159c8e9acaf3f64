"""A garden of 3D L-system trees in a landscape, seen in perspective through the haze.

Each token plants its own wood: the hash chooses the species (broadleaf
trees after ABoP's ternary tree, Fig. 2.8; conifers after the monopodial
tree, Fig. 2.6; flat-topped acacias after the sympodial tree, Fig. 2.7;
columnar poplars; low shrubs), how they are grouped (copses, a scatter, a
single specimen tree, a hedgerow running into the distance), the season and
the light. Every tree derives its own branching angles and stochastic
choices from its own stream. Trees, leaves and grass are projected with one
perspective camera and drawn far to near, fading into the sky; leaves are lit
from the sun's side of each crown.
"""
import math

import numpy as np

from gencraft.draw.color import gradient, mix, parse_color
from gencraft.lsystem import derive, interpret, parse_lsystem
from gencraft.params import Choice, Float, Int

TITLE = "Garden"
SIZE = (1400, 1000)
KIND = "a landscape of trees"  # what it draws, in the tiny CLIP's words (edition --audit checks each token)

wood = Choice("mixed", ["broadleaf", "conifer", "acacia", "poplar", "mixed"], weights=[4, 2, 2, 1, 3],
              trait="Wood", help="which trees grow here")
layout = Choice("copse", ["copse", "scattered", "specimen", "hedgerow"], weights=[4, 3, 2, 2],
                trait="Layout", help="how the trees are grouped")
season = Choice("summer", ["spring", "summer", "autumn", "winter"], weights=[3, 4, 3, 1],
                trait="Season", help="leaf colours (winter: bare wood and snow)")
light = Choice("noon", ["morning", "noon", "dusk", "mist"], weights=[3, 3, 2, 2], trait="Light",
               help="sky, sun and haze colours")
plants = Int(12, 3, 30, vary="triangular", trait="Density",
             bands={"sparse": 8, "grove": 17, "thicket": None}, help="how many trees")
growth = Int(6, 3, 7, help="derivation steps of the nearest trees: older, bushier plants")
horizon = Float(0.42, 0.3, 0.56, step=0.01, vary="uniform",
                help="height of the horizon, as a share of the picture from the top")
droop = Float(0.14, 0.0, 0.28, step=0.01, vary="normal", help="gravity tropism: how much branches bow")
haze = Float(0.6, 0.25, 0.9, step=0.05, vary="normal", help="how much distance fades towards the sky")

# ---------------------------------------------------------------- species
# Parametric grammars after ABoP chapter 2; {names} are filled in per tree.
GRAMMARS = {
    # ternary branching (Fig. 2.8): a round broadleaf crown; widths grow with age
    "broadleaf": """
        axiom: !(1)F({trunk})/(45)A
        A -> !(1.6)F(0.5)[&({a})F(0.5)A]/(94.74)[&({a})F(0.5)A]/(132.63)[&({a})F(0.5)A] : 0.8
        A -> !(1.6)F(0.5)[&({a})F(0.5)A]/(137.5)[&({b})F(0.45)A] : 0.2
        F(l) -> F(l*1.109)
        !(w) -> !(w*1.6)
        tropism: 0 -1 0 {droop}
    """,
    # the same branching pattern with steep angles and upward tropism: a column
    "poplar": """
        axiom: !(1)F({trunk})/(45)A
        A -> !(1.6)F(0.5)[&({a})F(0.5)A]/(94.74)[&({a})F(0.5)A]/(132.63)[&({a})F(0.5)A]
        F(l) -> F(l*1.109)
        !(w) -> !(w*1.6)
        tropism: 0 1 0 0.12
    """,
    # monopodial (Fig. 2.6): a leader with whorls of drooping branches, a cone
    "conifer": """
        axiom: A(1,1)
        A(l,w) -> !(w)F(l)[&({a})B(l*{r2},w*0.707)]/(137.5)[&({a})B(l*{r2},w*0.707)]/(137.5)A(l*0.9,w*0.8)
        B(l,w) -> !(w)F(l)[-(42)$C(l*{r2},w*0.707)]C(l*0.9,w*0.707)
        C(l,w) -> !(w)F(l)[+(42)$B(l*{r2},w*0.707)]B(l*0.9,w*0.707)
        tropism: 0 -1 0 {droop}
    """,
    # sympodial (Fig. 2.7) with equal forks: a flat umbrella on a bare stem
    "acacia": """
        axiom: !(1)F({trunk})A(1,0.707)
        A(l,w) -> !(w)F(l)[&({a})B(l*{r},w*0.707)]/(180)[&({b})B(l*{r},w*0.707)]
        B(l,w) -> !(w)F(l)[+({a})$B(l*{r},w*0.707)][-({b})$B(l*{r},w*0.707)]
        tropism: 0 -1 0 {droop}
    """,
    # a low bush: the ternary pattern from the ground
    "shrub": """
        axiom: !(1)F(0.15)/(45)A
        A -> !(1.6)F(0.5)[&({a})F(0.5)A]/(94.74)[&({a})F(0.5)A]/(132.63)[&({a})F(0.5)A]
        F(l) -> F(l*1.109)
        !(w) -> !(w*1.6)
        tropism: 0 -1 0 {droop}
    """,
}
# base derivation steps, height (m), trunk-width share of height, leaf dab size (share of height)
SPECIES = {
    "broadleaf": dict(n=6, height=(9.0, 14.0), trunk_w=0.035, leaf=0.028, twig=2.6),
    "poplar": dict(n=6, height=(13.0, 18.0), trunk_w=0.025, leaf=0.022, twig=2.6),
    "conifer": dict(n=10, height=(11.0, 19.0), trunk_w=0.035, leaf=0.024, twig=2.1),
    "acacia": dict(n=9, height=(7.0, 10.0), trunk_w=0.03, leaf=0.028, twig=2.1),
    "shrub": dict(n=4, height=(1.4, 2.6), trunk_w=0.04, leaf=0.06, twig=2.6),
}
MIXES = {  # species weights for each kind of wood
    "broadleaf": {"broadleaf": 8, "shrub": 2},
    "conifer": {"conifer": 8, "broadleaf": 1, "shrub": 1},
    "acacia": {"acacia": 8, "shrub": 2},
    "poplar": {"poplar": 6, "broadleaf": 2, "shrub": 2},
    "mixed": {"broadleaf": 4, "conifer": 3, "poplar": 1, "shrub": 2},
}

# ---------------------------------------------------------------- colour
LEAVES = {  # (shade, light) pairs per season; conifers keep their own needles
    "spring": [("#5f8f3a", "#c6e27a"), ("#6b9b45", "#d9ec8f"), ("#b06f86", "#f6c6d4"),
               ("#4f7f35", "#a9d46f")],
    "summer": [("#1f4a2a", "#6fa34a"), ("#2a5a2c", "#86b857"), ("#23452b", "#5f9f49"),
               ("#31572a", "#9bbf5a")],
    "autumn": [("#7a2e1c", "#e08a3a"), ("#8f4a1c", "#f0b542"), ("#6b3a1e", "#c9692c"),
               ("#5a4a1e", "#d9b84a")],
    "winter": [],
}
NEEDLES = ("#13302a", "#3f6b4a")
BARK = {"broadleaf": "#3d3029", "poplar": "#5e564a", "conifer": "#3a2a22", "acacia": "#4a382b",
        "shrub": "#3b3326"}
LIGHTS = {  # sky top, sky at horizon, sun, far ground, near ground, sun direction (x, y)
    "morning": dict(sky=("#9fc3d9", "#f4e6cf"), sun="#fff4d6", far="#b9c49a", near="#6f8a4a",
                    sun_at=(0.78, 0.62), dir=(0.8, 0.6)),
    "noon": dict(sky=("#6fa3c9", "#dfeaf0"), sun="#ffffff", far="#a9bd86", near="#5f7f3b",
                 sun_at=(0.3, 0.2), dir=(-0.3, 0.95)),
    "dusk": dict(sky=("#3e4a78", "#f2a46b"), sun="#ffd39a", far="#77766a", near="#34402f",
                 sun_at=(0.22, 0.8), dir=(-0.85, 0.5)),
    "mist": dict(sky=("#c9cfcf", "#eeece4"), sun="#fbfaf4", far="#c4c6b5", near="#8c9478",
                 sun_at=(0.65, 0.45), dir=(0.6, 0.8)),
}
SNOW = ("#e9eef2", "#c9d3dc")


def _grammar(kind, rng, droop):
    """One tree's grammar: the species' text with this tree's own angles and proportions."""
    u = rng.uniform
    vals = dict(droop=f"{droop * u(0.6, 1.3):.3f}")
    if kind in ("broadleaf", "shrub"):
        vals.update(a=f"{u(20, 34):.1f}", b=f"{u(30, 45):.1f}", trunk=f"{u(0.6, 1.4):.2f}")
    elif kind == "poplar":
        vals.update(a=f"{u(8, 13):.1f}", trunk=f"{u(0.4, 0.9):.2f}")
    elif kind == "conifer":
        vals.update(a=f"{u(62, 84):.1f}", r2=f"{u(0.42, 0.56):.2f}",
                    droop=f"{0.5 * droop * u(0.6, 1.3):.3f}")
    else:  # acacia
        vals.update(a=f"{u(24, 36):.1f}", b=f"{u(24, 36):.1f}", r=f"{u(0.8, 0.86):.3f}",
                    trunk=f"{u(1.6, 3.0):.2f}", droop=f"{0.3 * droop:.3f}")
    return parse_lsystem(GRAMMARS[kind].format(**vals))


class Tree:
    """One tree in world space: wood segments and leaf dabs, both (start, end, width m, colour)."""

    def __init__(self, kind, rng, p, pos, n_drop):
        spec = SPECIES[kind]
        system = _grammar(kind, rng, p.droop)
        n = max(2, spec["n"] + (p.growth - 6) - n_drop)
        res = interpret(system, derive(system, n=n, rng=rng))
        v = res.vertices.astype(np.float64)
        v -= v[0] * np.array([1.0, 1.0, 1.0])                      # the stem stands on the origin
        height = float(rng.uniform(*spec["height"])) * (1.0 if kind != "shrub" else float(rng.uniform(0.6, 1.3)))
        top = max(float(v[:, 1].max()), 1e-6)
        yaw = float(rng.uniform(0, 2 * math.pi))
        c, s = math.cos(yaw), math.sin(yaw)
        k = height / top
        v = np.stack([(v[:, 0] * c + v[:, 2] * s) * k, v[:, 1] * k, (-v[:, 0] * s + v[:, 2] * c) * k], axis=1)
        v += np.asarray(pos)
        counts = np.diff(res.offsets) - 1
        poly = np.repeat(np.arange(len(counts)), np.maximum(counts, 0))
        mask = np.ones(len(v), dtype=bool)
        mask[res.offsets[1:] - 1] = False
        idx = np.nonzero(mask)[0]
        self.a, self.b = v[idx], v[idx + 1]
        w = res.widths[poly] / max(float(res.widths.max()), 1e-9)
        self.rel = w                                               # 1 at the trunk, small at the twigs
        self.width = np.maximum(w * spec["trunk_w"] * height, 0.012 * height * 0.2)
        self.kind, self.height, self.pos = kind, height, np.asarray(pos, dtype=float)
        self.leaf = spec["leaf"] * height
        self.twig = spec["twig"]


def _leaves(tree, rng, season, sun_dir, max_leaf):
    """Leaf dabs on the twigs: (points (L,3), radii (L,), shade 0..1 (L,), palette index (L,))."""
    if tree.kind != "conifer" and season == "winter":
        return None
    tips = tree.b[tree.rel <= tree.rel.min() * tree.twig]
    if not len(tips):
        return None
    if tree.kind != "conifer" and season == "autumn":
        tips = tips[rng.random(len(tips)) < 0.75]              # some leaves already fallen
    leaf = min(tree.leaf, max_leaf)                            # near trees: more, smaller leaves
    reps = 3 if tree.kind in ("broadleaf", "poplar", "shrub") else 1
    reps = int(np.clip(round(reps * (tree.leaf / leaf) ** 1.5), reps, 12))
    pts = np.repeat(tips, reps, axis=0) + rng.normal(0, tree.leaf * 0.6, (len(tips) * reps, 3))
    radii = leaf * rng.uniform(0.55, 1.0, len(pts))
    centre = pts.mean(axis=0)
    d = pts - centre
    d /= np.maximum(np.linalg.norm(d, axis=1, keepdims=True), 1e-9)
    lit = np.clip(0.5 + 0.5 * (d[:, 0] * sun_dir[0] + d[:, 1] * sun_dir[1] - 0.35 * d[:, 2]), 0, 1)
    lit = np.clip(lit + rng.normal(0, 0.12, len(pts)), 0, 1)
    return pts, radii, lit


def _layout(rng, p, f, w, h, hy, cam):
    """Tree positions (x, z) in metres and whether each is a shrub, by the token's layout."""
    def x_at(u, z):                                            # screen share u (-0.5..0.5) -> world x
        return u * w * z / f

    pos, shrubs = [], []
    n = p.plants
    if p.layout == "specimen":
        side = rng.choice([-1, 1])
        z0 = float(rng.uniform(19, 25))
        pos.append((x_at(side * rng.uniform(0.12, 0.22), z0), z0))
        shrubs.append(False)
        for _ in range(max(2, n // 2)):                         # a distant line of trees behind
            z = float(rng.uniform(60, 140))
            pos.append((x_at(rng.uniform(-0.6, 0.6), z), z))
            shrubs.append(False)
        for _ in range(3):
            z = float(rng.uniform(12, 30))
            pos.append((x_at(rng.uniform(-0.5, 0.5), z), z))
            shrubs.append(True)
    elif p.layout == "hedgerow":
        side = rng.choice([-1, 1])
        z = 18.0
        u0 = side * rng.uniform(0.2, 0.4)
        x0 = x_at(u0, z)
        run = -side * rng.uniform(0.15, 0.5)                   # metres across per metre back
        for i in range(n + 4):
            zi = z + i * rng.uniform(4.0, 7.0) * (1 + i / 8)
            pos.append((x0 + run * (zi - z) + rng.normal(0, 1.0), zi))
            shrubs.append(bool(rng.random() < 0.2))
        for _ in range(n // 3):
            z = float(rng.uniform(60, 140))
            pos.append((x_at(rng.uniform(-0.6, 0.6), z), z))
            shrubs.append(False)
    elif p.layout == "copse":
        groups = int(rng.integers(2, 4))
        centres = [(float(rng.uniform(-0.45, 0.45)), float(np.exp(rng.uniform(np.log(24), np.log(90)))))
                   for _ in range(groups)]
        for i in range(n):
            u, zc = centres[i % groups]
            z = max(18.0, zc + rng.normal(0, zc * 0.12))
            pos.append((x_at(u, zc) + rng.normal(0, 2.0 + zc * 0.06), z))
            shrubs.append(bool(rng.random() < 0.15))
        for _ in range(n // 3):
            z = float(rng.uniform(14, 50))
            pos.append((x_at(rng.uniform(-0.55, 0.55), z), z))
            shrubs.append(True)
        if rng.random() < 0.5:                                  # a near tree framing one side
            z = float(rng.uniform(11, 14))
            pos.append((x_at(rng.choice([-1, 1]) * rng.uniform(0.45, 0.6), z), z))
            shrubs.append(False)
    else:  # scattered
        if rng.random() < 0.4:
            z = float(rng.uniform(11, 14))
            pos.append((x_at(rng.choice([-1, 1]) * rng.uniform(0.45, 0.6), z), z))
            shrubs.append(False)
        for _ in range(n):
            z = float(np.exp(rng.uniform(np.log(20), np.log(140))))
            pos.append((x_at(rng.uniform(-0.6, 0.6), z), z))
            shrubs.append(bool(rng.random() < 0.2))
    return pos, shrubs


def draw(c, rng, p):
    w, h = c.size
    L = LIGHTS[p.light]
    lay = rng.stream("layout")
    hy = p.horizon * h                                           # horizon line (pixels from the top)
    f = 0.85 * h                                                 # focal length in pixels
    cam = float(lay.uniform(3.0, 8.0))                           # eye height in metres: a low hill
    px_per_m = lambda z: f / z                                   # noqa: E731

    # ---- sky, sun, far hills, ground
    sky = gradient([L["sky"][0], L["sky"][1]], 64)
    for i, col in enumerate(sky):
        c.no_stroke().fill(tuple(col)).rect(0, hy * i / 64, w, hy / 64 + 1)
    sx, sy = L["sun_at"][0] * w, L["sun_at"][1] * hy
    for k in range(10, 0, -1):
        c.fill(L["sun"], alpha=0.05).circle(sx, sy, h * 0.012 * k)
    c.fill(L["sun"], alpha=0.9).circle(sx, sy, h * 0.035)
    fogc = parse_color(L["sky"][1])
    snow = p.season == "winter"
    far_g, near_g = (SNOW[1], SNOW[0]) if snow else (L["far"], L["near"])
    hills = rng.stream("hills")
    xs = np.linspace(0, w, 200)
    for layer in range(3):
        amp = h * (0.05 - 0.012 * layer) * hills.uniform(0.4, 1.2)
        y = np.zeros_like(xs)
        for octave in range(4):
            fr = (octave + 1) * hills.uniform(0.8, 1.6) * 2 * math.pi / w
            y += np.sin(xs * fr + hills.uniform(0, 6.3)) / (octave + 1)
        y = hy - amp * (0.9 + 0.5 * y) + h * 0.012 * layer
        col = mix(mix(far_g, "#55606a", 0.4), fogc, p.haze * (0.85 - 0.22 * layer))
        c.fill(col).polygon(np.concatenate([np.stack([xs, y], 1), [[w, hy + 2], [0, hy + 2]]]))
    ground = gradient([mix(far_g, fogc, p.haze * 0.6), far_g, near_g], 64)
    for i, col in enumerate(ground):
        t0 = (i / 64) ** 2
        t1 = ((i + 1) / 64) ** 2
        c.fill(tuple(col)).rect(0, hy + (h - hy) * t0, w, (h - hy) * (t1 - t0) + 1)

    # ---- fields: bands of the ground plane with their own tone, edges straight in perspective
    fields = rng.stream("fields")
    z_near = cam * f / max(h - hy, 1.0)
    zb = np.sort(np.exp(fields.uniform(np.log(z_near * 1.5), np.log(400), int(fields.integers(5, 10)))))[::-1]
    X = 2000.0
    for zi in zb:
        tilt = fields.normal(0, 0.1)
        yl = hy + cam * f / max(zi - X * tilt * 0.02, 1.0)
        yr = hy + cam * f / max(zi + X * tilt * 0.02, 1.0)
        tone = mix(far_g, near_g, float(np.clip(1.2 - np.log(zi) / 5.5, 0, 1)))
        tone = mix(tone, "#2a2a14" if fields.random() < 0.5 else "#f0e6b0", float(fields.uniform(0.1, 0.25)))
        tone = mix(tone, fogc, p.haze * (1 - math.exp(-zi / 45.0)))
        c.fill(tone, alpha=0.3).polygon([(0, yl), (w, yr), (w, h), (0, h)])

    # ---- trees: positions, species, derivation (fewer steps for small far trees)
    pos, shrub = _layout(lay, p, f, w, h, hy, cam)
    mixw = MIXES[p.wood]
    kinds, weights = list(mixw), np.array(list(mixw.values()), float)
    tree_kinds = []
    for k in range(len(pos)):
        if shrub[k]:
            tree_kinds.append("shrub")
        else:
            kk = lay.choice(len(kinds), p=weights / weights.sum())
            tree_kinds.append(kinds[kk] if kinds[kk] != "shrub" else kinds[0])
    order = np.argsort([-z for _, z in pos])
    sun_dir = np.array(L["dir"])
    segs = []  # (a, b, depth, width px, rgba)
    shadows = []
    season_leaves = LEAVES[p.season]
    for k in order:
        x, z = pos[k]
        kind = tree_kinds[k]
        trng = rng.stream(f"tree-{k}")
        size_px = SPECIES[kind]["height"][1] * px_per_m(z)
        n_drop = 0 if size_px > 0.45 * h else 1 if size_px > 0.2 * h else 2 if size_px > 0.07 * h else 3
        if size_px < 3:
            continue
        tree = Tree(kind, trng, p, (x, 0.0, z), n_drop)
        shadows.append((x, z, tree.height))
        bark = parse_color(BARK[kind])
        segs.append((tree.a, tree.b, tree.width, np.tile(bark, (len(tree.a), 1))))
        lv = _leaves(tree, trng, p.season, sun_dir, 0.008 * h * z / f)
        if lv is not None:
            pts, radii, lit = lv
            if kind == "conifer":
                pair = NEEDLES
                if snow:
                    pair = (NEEDLES[0], "#dfe7ea")
            else:
                pair = season_leaves[int(trng.integers(len(season_leaves)))]
            shade, bright = np.array(parse_color(pair[0])), np.array(parse_color(pair[1]))
            rgba = shade[None] + (bright - shade)[None] * lit[:, None] ** 1.3
            if p.season == "spring" and kind != "conifer" and trng.random() < 0.35:   # blossom
                bloom = trng.random(len(pts)) < 0.4
                rgba[bloom] = mix("#f7d4de", "#ffffff", 0.3)
            tiny = pts + np.array([1e-3, 0, 0])
            segs.append((pts, tiny, 2 * radii, rgba))

    # ---- grass: short strokes over the near ground
    grass = rng.stream("grass")
    m = int(np.clip(w * h / 250, 300, 7000))
    gz = cam * f / max(h - hy, 1.0) * 0.95 / (1 - grass.power(1.6, m) * 0.85)
    gx = grass.uniform(-0.55, 0.55, m) * w * gz / f
    hgt = grass.uniform(0.06, 0.26, m)
    lean = grass.normal(0, 0.04, m)
    ga = np.stack([gx, np.zeros(m), gz], 1)
    gb = np.stack([gx + lean, hgt, gz], 1)
    gcol = np.array(parse_color(mix(near_g, "#1f2a14" if not snow else "#8a8f80", 0.3)))
    gcol2 = np.array(parse_color(mix(near_g, "#e8e0a0" if p.season != "winter" else "#ffffff", 0.25)))
    t = grass.random(m)[:, None]
    gc = gcol[None] * (1 - t) + gcol2[None] * t
    if p.season in ("spring", "summer"):                      # meadow flowers, a few per hundred
        bloom = grass.random(m) < 0.04
        flower = LEAVES["spring"][2][1] if p.season == "spring" else "#f4efe0"
        gc[bloom] = parse_color(mix(flower, "#ffffff", 0.2))
    segs.append((ga, gb, np.full(m, 0.012), gc))

    # ---- shadows: flat ellipses on the ground, away from the sun
    for x, z, ht in shadows:
        r = ht * 0.22
        cx = w / 2 + (x - sun_dir[0] * ht * 0.25) * f / z
        cy = hy + cam * f / z
        c.fill(mix(near_g, "#1a1a10", 0.6), alpha=0.12 * (1 - 0.7 * min(z / 90, 1)))
        c.ellipse(cx, cy, r * f / z, max(r * f / z * cam / z * 0.8, 1.0))

    # ---- project everything, sort far to near, fog by distance, draw in batches
    a = np.concatenate([s[0] for s in segs])
    b = np.concatenate([s[1] for s in segs])
    wid = np.concatenate([s[2] for s in segs])
    rgba = np.concatenate([s[3] for s in segs])
    depth = 0.5 * (a[:, 2] + b[:, 2])
    keep = depth > 0.5
    a, b, wid, rgba, depth = a[keep], b[keep], wid[keep], rgba[keep], depth[keep]

    def proj(v):
        zz = np.maximum(v[:, 2], 0.5)
        return np.stack([w / 2 + v[:, 0] * f / zz, hy + (cam - v[:, 1]) * f / zz], 1)

    pa, pb = proj(a), proj(b)
    wpx = wid * f / depth
    onscreen = ((np.maximum(pa[:, 0], pb[:, 0]) > -wpx) & (np.minimum(pa[:, 0], pb[:, 0]) < w + wpx)
                & (np.maximum(pa[:, 1], pb[:, 1]) > -wpx))
    pa, pb, wpx, rgba, depth = pa[onscreen], pb[onscreen], wpx[onscreen], rgba[onscreen], depth[onscreen]
    fog = p.haze * (1 - np.exp(-depth / 45.0))
    fog = np.round(fog * 12) / 12
    rgba = rgba * (1 - fog[:, None]) + np.array(fogc)[None] * fog[:, None]
    rgba[:, 3] = 1.0
    srt = np.argsort(-depth, kind="stable")
    pa, pb, wpx, rgba = pa[srt], pb[srt], wpx[srt], rgba[srt]
    wpx = np.round(np.maximum(wpx, 0.45), 1)
    pts = np.empty((2 * len(pa), 2))
    pts[0::2], pts[1::2] = pa, pb
    bounds = np.linspace(0, len(pa), 25).astype(np.int64)
    for s0, s1 in zip(bounds[:-1], bounds[1:]):
        if s1 > s0:
            c.polylines(pts[2 * s0:2 * s1], np.arange(0, 2 * (s1 - s0) + 1, 2, dtype=np.int64),
                        colors=rgba[s0:s1], widths=wpx[s0:s1])


def features(rng, p):
    return {"Season": p.season.title(), "Wood": p.wood.title(), "Layout": p.layout.title(),
            "Light": p.light.title()}
