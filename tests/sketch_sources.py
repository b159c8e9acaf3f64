"""Small sketch sources shared by the foundation tests."""

CIRCLES = '''
"""Circles — a tiny test sketch."""
from gencraft import Float, Int, Choice, palette
SIZE = (160, 120)
radius = Float(12, 1, 60, help="circle radius")
count = Int(20, 1, 200)
colours = Choice("dusk", ["dusk", "sea", "ink"])

def draw(c, rng, p):
    pal = palette(p.colours)
    c.background(pal.background)
    c.no_stroke()
    for _ in range(p.count):
        c.fill(pal.pick(rng), alpha=0.8)
        c.circle(rng.uniform(0, c.width), rng.uniform(0, c.height), p.radius)

def features(rng, p):
    return {"Palette": p.colours, "Crowd": "dense" if p.count > 100 else "sparse"}
'''

RAISES = '''
from gencraft import Int
n = Int(1, 0, 3)

def helper(x):
    return 1 / x

def draw(c, rng, p):
    helper(0)
'''

SYNTAX = '''
def draw(c, rng, p)
    pass
'''

NOT_A_SKETCH = '''
x = 1
'''

FOREVER = '''
def draw(c, rng, p):
    while True:
        pass
'''

ANIMATED = '''
import math
SIZE = (64, 64)
FRAMES = 6
FPS = 12

def draw(c, rng, p, t):
    c.background("#000")
    c.fill("#fff").no_stroke().circle(32 + 20 * math.cos(2 * math.pi * t), 32, 6)
'''
