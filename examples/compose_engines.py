"""Compose engines in one picture: an L-system weed bent by curl-noise wind,
standing in front of a density-rendered attractor moon.

    python examples/compose_engines.py -o composed.png

Engines return arrays and the canvas draws them, so combining systems is just
array work in between: here the turtle's polylines are displaced by a
divergence-free noise field before they are stroked.
"""
import argparse

import numpy as np

from gencraft import noise, palette
from gencraft.draw.canvas import Canvas
from gencraft.lsystem import derive, inline_lsystem, interpret
from gencraft.particles import attractor_density, shade
from gencraft.provenance import encode_png


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-o", "--out", default="composed.png")
    ap.add_argument("--size", type=int, default=1200)
    ap.add_argument("--wind", type=float, default=0.15, help="how far the noise bends the plant")
    args = ap.parse_args()
    s = args.size
    pal = palette("dusk")
    c = Canvas(s, s)
    c.background(pal.background)

    # 1. a Clifford attractor, binned into a histogram and tone-mapped: the moon
    agg, _ = attractor_density("clifford", (-1.7, 1.3, -0.1, -1.21), n=3_000_000, width=s // 2, height=s // 2)
    c.image(shade(agg, ["#2b2d42", "#f2b880", "#ffe8c2"], how="eq_hist"), s * 0.45, s * 0.05)

    # 2. an L-system weed (ABoP fig. 1.24e), as arrays of polylines
    system = inline_lsystem("X", ["X->F[+X][-X]FX", "F->FF"], angle=25.7, n=6)
    shape = interpret(system, derive(system))
    xy = shape.xy_or_xyz[:, :2].copy()
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    xy = (xy - lo) / (hi - lo).max()                        # fit into the unit square
    xy = np.column_stack([0.08 + 0.75 * xy[:, 0], 0.97 - 0.85 * xy[:, 1]]) * s

    # 3. bend it with curl noise, more at the top (the wind moves the tips, not the root)
    vx, vy = noise.curl2(xy[:, 0] / s * 2.0, xy[:, 1] / s * 2.0, seed=4)
    lift = (0.95 - xy[:, 1] / s)[:, None]
    xy += args.wind * s * lift * np.column_stack([vx, vy])

    c.stroke(pal[4], width=max(1.0, s / 900), cap="round")
    c.polylines(xy, shape.offsets)
    with open(args.out, "wb") as f:
        f.write(encode_png(c.to_array(), None))
    print(args.out)


if __name__ == "__main__":
    main()
