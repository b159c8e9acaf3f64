"""Turtle interpretation of a derived word: 2D and 3D, arrays out.

The turtle (ABoP chapter 1.5) keeps a position and a frame of three unit
vectors: heading H, left L and up U (U = H x L). It starts at the origin,
heading along ``heading`` degrees in the x-y plane (90 = +y, 0 = +x), with U
= +z pointing at the viewer, so a 2D system is the 3D turtle that never leaves
the plane, and ``+`` turns counter-clockwise seen from the front.

=======  ====================================================================
Symbol   Action (a module argument, where given, replaces the default)
=======  ====================================================================
``F``    move forward one step (``F(l)``: by l) drawing a segment; also every
         symbol in ``draw``
``f``    move forward without drawing; also every symbol in ``move``
``+ -``  turn left / right by the angle about U (``+(a)``: a degrees)
``& ^``  pitch down / up about L
``\\ /`` roll left / right about H
``|``    turn around (180° about U)
``[ ]``  push / pop the turtle state (position, frame, step, angle, width, colour)
``!``    multiply the width by ``width_scale`` (``!(w)``: set width to w)
``'``    next colour index (``'(c)``: set colour index c)
``"``    multiply the step by ``step_scale`` (``"(k)``: by k)
``;``    multiply the angle by ``angle_scale`` (``;(k)``: by k)
``$``    roll about H so that L is horizontal (ABoP's ``$``)
=======  ====================================================================

Tropism (``tropism: x y z e``): after every step the heading bends towards
T by ``e * |H x T|`` radians about H x T (ABoP section 2.2).

The result is polylines in CSR layout with a width and colour index per
polyline; :meth:`TurtleResult.project` gives 2D coordinates for a view and a
depth per segment, which :mod:`.draw` hands to ``Canvas.polylines``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gencraft.lsystem import kernels as K
from gencraft.lsystem.grammar import LSystem
from gencraft.lsystem.word import Word

SYMBOL_OPS = {
    "F": K.OP_DRAW, "f": K.OP_MOVE, "+": K.OP_LEFT, "-": K.OP_RIGHT, "&": K.OP_DOWN, "^": K.OP_UP,
    "\\": K.OP_ROLL_L, "/": K.OP_ROLL_R, "|": K.OP_TURN, "[": K.OP_PUSH, "]": K.OP_POP,
    "!": K.OP_WIDTH, "'": K.OP_COLOR, '"': K.OP_STEP_SCALE, ";": K.OP_ANGLE_SCALE, "$": K.OP_LEVEL,
}


@dataclass
class Projection:
    """A 2D view of turtle output: coordinates (y up), CSR offsets and depths."""

    coords: np.ndarray        # (V, 2)
    offsets: np.ndarray       # (M+1,)
    widths: np.ndarray        # (M,)
    colors: np.ndarray        # (M,) colour indices
    depth: np.ndarray         # (V,) per-vertex depth (larger = farther from the viewer)

    def segments(self):
        """Every segment as (start (S,2), end (S,2), depth (S,), width (S,), colour index (S,))."""
        counts = np.diff(self.offsets) - 1
        poly = np.repeat(np.arange(len(counts)), np.maximum(counts, 0))
        mask = np.ones(len(self.coords), dtype=bool)
        mask[self.offsets[1:] - 1] = False  # a polyline's last vertex starts no segment
        start_idx = np.nonzero(mask)[0]
        a, b = self.coords[start_idx], self.coords[start_idx + 1]
        depth = 0.5 * (self.depth[start_idx] + self.depth[start_idx + 1])
        return a, b, depth, self.widths[poly], self.colors[poly]

    def bbox(self) -> tuple[float, float, float, float]:
        if len(self.coords) == 0:
            return (0.0, 0.0, 0.0, 0.0)
        lo, hi = self.coords.min(axis=0), self.coords.max(axis=0)
        return (float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1]))


@dataclass
class TurtleResult:
    """What the turtle drew: 3D polylines plus its end point and path bounds."""

    xy_or_xyz: np.ndarray     # (V, 2) for words that stay in the plane, else (V, 3)
    offsets: np.ndarray       # (M+1,)
    widths: np.ndarray        # (M,)
    colors: np.ndarray        # (M,) int colour indices (0, 1, ... as ' increments)
    end_point: tuple[float, float, float]
    path_bbox: tuple[float, float, float, float]  # x/y bounds of every position the turtle visited
    draw_count: int

    @property
    def vertices(self) -> np.ndarray:
        """(V, 3) polyline vertices (z = 0 for planar words)."""
        v = self.xy_or_xyz
        if v.shape[1] == 3:
            return v
        return np.concatenate([v, np.zeros((len(v), 1))], axis=1)

    @property
    def polyline_count(self) -> int:
        return len(self.offsets) - 1

    def select(self, keep: np.ndarray) -> "TurtleResult":
        """Only the polylines where ``keep`` (one bool per polyline) is true."""
        keep = np.asarray(keep, dtype=bool)
        lengths = np.diff(self.offsets)[keep]
        vmask = np.repeat(keep, np.diff(self.offsets))
        offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        return TurtleResult(self.xy_or_xyz[vmask], offsets, self.widths[keep], self.colors[keep],
                            self.end_point, self.path_bbox, int((lengths - 1).sum()))

    def transformed(self, scale: float = 1.0, offset=(0.0, 0.0, 0.0), yaw: float = 0.0) -> "TurtleResult":
        """A copy turned ``yaw`` degrees about +y, scaled, then moved (to place plants in a scene)."""
        v = self.vertices.astype(np.float64)
        c, s = math.cos(math.radians(yaw)), math.sin(math.radians(yaw))
        x = (v[:, 0] * c + v[:, 2] * s) * scale + offset[0]
        y = v[:, 1] * scale + offset[1]
        z = (-v[:, 0] * s + v[:, 2] * c) * scale + offset[2]
        end = np.array(self.end_point)
        return TurtleResult(np.stack([x, y, z], axis=1), self.offsets, self.widths * scale, self.colors,
                            (float(end[0] * scale + offset[0]), float(end[1] * scale + offset[1]),
                             float(end[2] * scale + offset[2])), self.path_bbox, self.draw_count)

    def project(self, azimuth: float = 0.0, elevation: float = 0.0) -> Projection:
        """Orthographic view: turn the scene ``azimuth`` degrees about +y, then tilt it by ``elevation``.

        (0, 0) is the front view (x right, y up). Depth grows away from the viewer.
        """
        a, e = math.radians(azimuth), math.radians(elevation)
        if self.xy_or_xyz.shape[1] == 2 and azimuth == 0 and elevation == 0:
            return Projection(self.xy_or_xyz, self.offsets, self.widths, self.colors,
                              np.zeros(len(self.xy_or_xyz)))
        v = self.vertices
        x1 = v[:, 0] * math.cos(a) + v[:, 2] * math.sin(a)
        z1 = -v[:, 0] * math.sin(a) + v[:, 2] * math.cos(a)
        y2 = v[:, 1] * math.cos(e) - z1 * math.sin(e)
        z2 = v[:, 1] * math.sin(e) + z1 * math.cos(e)
        return Projection(np.stack([x1, y2], axis=1), self.offsets, self.widths, self.colors, -z2)


def op_table(system: LSystem, alphabet: list[str]) -> np.ndarray:
    ops = np.zeros(len(alphabet), dtype=np.int8)
    for i, s in enumerate(alphabet):
        if s in system.draw:
            ops[i] = K.OP_DRAW
        elif s in system.move:
            ops[i] = K.OP_MOVE
        else:
            ops[i] = SYMBOL_OPS.get(s, K.OP_NONE)
    return ops


def interpret(system: LSystem, word: Word, step: float = 1.0, heading: float | None = None,
              angle: float | None = None) -> TurtleResult:
    """Run the turtle over ``word`` with unit (or ``step``) steps; see the module docstring."""
    ops = op_table(system, word.alphabet)
    has_params = word.poff is not None
    if word.counts is not None:  # the rewriter counted the symbols: no pre-pass over the word
        present = word.counts > 0
        n_draw = int(word.counts[ops == K.OP_DRAW].sum())
        three_d = bool(np.isin(ops[present], [K.OP_DOWN, K.OP_UP, K.OP_ROLL_L, K.OP_ROLL_R, K.OP_LEVEL]).any())
        depth = 0  # the planar turtle grows its stack as needed
        if three_d or has_params:
            n_draw, depth, three_d = K.scan(word.codes, ops)
    else:
        n_draw, depth, three_d = K.scan(word.codes, ops)
    poff = word.poff if has_params else np.zeros(1, dtype=np.int64)
    pvals = word.pvals if has_params else np.zeros(1, dtype=np.float64)
    three_d = bool(three_d) or (system.tropism is not None and system.tropism[3] != 0)
    trop = np.zeros(4) if system.tropism is None else np.array(system.tropism, dtype=np.float64)
    ang = system.angle if angle is None else angle
    head = system.heading if heading is None else heading
    if not three_d and not has_params:
        verts, offsets, widths, colors, state = K.turtle2d(
            word.codes, ops, float(step), math.radians(ang), math.radians(head), float(system.width),
            float(system.width_scale), float(system.step_scale), float(system.angle_scale), n_draw, depth)
    else:
        verts, offsets, widths, colors, state = K.turtle(
            word.codes, ops, poff, pvals, has_params, float(step), math.radians(ang), math.radians(head),
            float(system.width), float(system.width_scale), float(system.step_scale),
            float(system.angle_scale), trop, n_draw, depth, 3 if three_d else 2)
    return TurtleResult(verts, offsets, widths, colors, (float(state[0]), float(state[1]), float(state[2])),
                        (float(state[3]), float(state[4]), float(state[5]), float(state[6])), int(state[7]))
