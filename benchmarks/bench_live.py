"""Live reload: from saving the sketch file to the new image reaching the page.

The clock starts when the sketch file is written and stops when the page's
event stream has announced the new render *and* its pixels have been fetched,
i.e. what an artist waits for after pressing save. Two 800x800 sketches: a
NumPy flow field drawn as polylines (typical work), and a few hundred circles
(where the pipeline's own overhead -- watching, IPC, push, transfer -- shows).
Goal: < 300 ms. "render ms" is the worker's own time for the image.

Baseline: running ``gencraft render`` for the same sketch in a fresh process
each time (no warm worker, no kept imports): what live reload saves you.
Saves and cold renders are interleaved (harness.compare: after the page's
first render, a warm-up call of each, kept apart as the first-call time, then
A B A B with the live server running throughout); times are medians and the
ratio is the median of per-pair ratios with min-max.
"""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.harness import Result, Timing, compare

SKETCH = '''"""Bench flow — particles through a sine field, drawn as polylines."""
import numpy as np
from gencraft import Int, Float

SIZE = (800, 800)
particles = Int(700, 10, 5000)
steps = Int(100, 10, 1000)
swirl = Float(2.4, 0.5, 5.0)
EDIT = 0  # the benchmark rewrites this line

def draw(c, rng, p):
    c.background("#f3efe6")
    f1, f2 = rng.uniform(0.002, 0.01, 2)
    pts = rng.uniform(0, c.width, (p.particles, 2))
    path = np.empty((p.steps, p.particles, 2))
    for k in range(p.steps):
        a = np.sin(pts[:, 0] * f1 + EDIT * 0.01) * p.swirl + np.cos(pts[:, 1] * f2) * p.swirl
        pts = pts + np.stack([np.cos(a), np.sin(a)], axis=1) * 2.0
        path[k] = pts
    coords = path.transpose(1, 0, 2).reshape(-1, 2)
    offsets = np.arange(0, p.steps * p.particles + 1, p.steps)
    c.stroke("#1d3557", width=0.7, alpha=0.4)
    c.polylines(coords, offsets)
'''


LIGHT = '''"""Bench rings — a few hundred circles: the pipeline's own overhead dominates."""
from gencraft import Int

SIZE = (800, 800)
rings = Int(300, 1, 2000)
EDIT = 0  # the benchmark rewrites this line

def draw(c, rng, p):
    c.background("#f3efe6")
    c.stroke("#1d3557", width=1.0, alpha=0.5)
    for k in range(p.rings):
        x, y = rng.uniform(0, 800, 2)
        c.circle(x, y, 5 + (k + EDIT) % 60)
'''


class _Events:
    """Reads the page's event stream on a thread; wakes waiters on each render."""

    def __init__(self, url: str):
        import httpx

        self.renders: list[tuple[float, dict]] = []
        self.cond = threading.Condition()
        self.client = httpx.Client(base_url=url, timeout=None)
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        event = None
        try:
            with self.client.stream("GET", "/events") as resp:
                for line in resp.iter_lines():
                    if line.startswith("event:"):
                        event = line.split(":", 1)[1].strip()
                    elif line.startswith("data:") and event == "render":
                        with self.cond:
                            self.renders.append((time.perf_counter(), json.loads(line[5:])))
                            self.cond.notify_all()
        except Exception:  # noqa: BLE001 - the server stopped
            pass

    def wait_beyond(self, count: int, timeout: float = 60.0) -> tuple[float, dict]:
        with self.cond:
            if not self.cond.wait_for(lambda: len(self.renders) > count, timeout):
                raise TimeoutError("no render event")
            return self.renders[count]


def _cold_cli(sketch: Path, out: Path) -> None:
    subprocess.run([sys.executable, "-m", "gencraft", "render", str(sketch), "-o", str(out)], check=True,
                   capture_output=True)


def _save_vs_cold(quick: bool, sketch: Path, source: str, out: Path) -> tuple[Timing, list[float], list[float]]:
    """Interleave save -> page latency with a fresh `gencraft render` of the same sketch."""
    from gencraft.live.server import LiveSession, RunningServer

    session = LiveSession(sketch, out_dir=sketch.parent / "out", timeout=60)
    latencies, render_s = [], []
    with RunningServer(session) as server:
        events = _Events(server.url)
        events.wait_beyond(0)  # first render: warms imports in the worker
        time.sleep(0.3)
        edit = [0]

        def save_to_page():
            edit[0] += 1
            seen = len(events.renders)
            t0 = time.perf_counter()
            sketch.write_text(source.replace("EDIT = 0", f"EDIT = {edit[0]}"))
            _, data = events.wait_beyond(seen)
            raw = events.client.get(f"/render/{data['id']}/0.rgba").content  # what the page fetches
            latencies.append(time.perf_counter() - t0)
            assert len(raw) == 800 * 800 * 4
            render_s.append(data["ms"] / 1000.0)

        t = compare(save_to_page, lambda: _cold_cli(sketch, out), repeats=3 if quick else 7)
        time.sleep(0.5)
        stray = len(events.renders) - 1 - edit[0]  # a render no save asked for would skew the pairing
        events.client.close()
    assert stray == 0, f"{stray} render(s) without a save"
    return t, latencies[1:], render_s[1:]  # without the warm-up call


def run(quick: bool, device: str) -> list[Result]:
    results = []
    for label, source in (("flow field (700 particles x 100 steps)", SKETCH), ("300 circles", LIGHT)):
        with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory() as cold_dir:
            sketch = Path(tmp) / "bench_live.py"
            sketch.write_text(source)
            # the cold render writes outside the watched folder
            t, latencies, render_s = _save_vs_cold(quick, sketch, source, Path(cold_dir) / "cold.png")
        results.append(Result(
            topic="live",
            case=f"save -> new 800x800 image in page, {label} (median)",
            baseline_name="fresh `gencraft render` process",
            goal="< 300 ms",
            timing=t,
            extra={"best ms": min(latencies) * 1e3, "worst ms": max(latencies) * 1e3,
                   "render ms (median)": statistics.median(render_s) * 1e3,
                   "overhead ms": (t.ours - statistics.median(render_s)) * 1e3},
        ))
    return results
