"""The render worker: a separate process that loads the sketch and draws it.

Why a process: a sketch can raise, loop forever inside a Numba kernel, or crash
the interpreter; the server must survive all three. The worker is a fresh
interpreter (never a fork: the server may already run threads, and Numba's
thread pool does not survive a fork), stays warm between renders so
imports and compiled kernels are paid once, and is simply killed and replaced
when a render passes the time limit.

Protocol: the parent sends a job dict, the worker answers ``("ok", result)`` or
``("error", info)``. One job renders one image (one frame, or one thumbnail).
"""
from __future__ import annotations

import contextlib
import io
import os
import re
import socket
import subprocess
import sys
import time
import traceback
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from gencraft.errors import SketchError, UserError

_LOCATION = re.compile(r"^(?P<file>.+?\.py):(?P<line>\d+)(?::\d+)?: ")


class RenderTimeout(Exception):
    """The worker did not answer within the time limit (it has been killed)."""


class WorkerDied(Exception):
    """The worker process exited without answering (a crash inside the sketch?)."""


def error_info(exc: BaseException, sketch_path: Path) -> dict[str, Any]:
    """What the page's error overlay shows: message, file, line and details."""
    message = str(exc)
    info: dict[str, Any] = {"message": message, "file": None, "line": None, "details": "",
                            "kind": "sketch" if isinstance(exc, UserError) else "internal"}
    m = _LOCATION.match(message)
    if m:
        info["file"], info["line"] = m.group("file"), int(m.group("line"))
    details = getattr(exc, "details", None)
    if details:
        info["details"] = details
    elif isinstance(exc, SketchError) and exc.__cause__ is not None:
        from gencraft.sketch import sketch_traceback

        info["details"] = sketch_traceback(exc.__cause__, sketch_path)
    elif not isinstance(exc, UserError):
        info["details"] = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return info


def describe_sketch(sketch) -> dict[str, Any]:
    """The JSON the page builds its controls and player from."""
    return {
        "title": sketch.title,
        "path": str(sketch.path),
        "sha256": sketch.sha256,
        "params": [p.describe() for p in sketch.params.values()],
        "frames": sketch.frames,
        "fps": sketch.fps,
        "size": list(sketch.default_size),
    }


def tolerant_resolve(sketch, overrides: dict[str, Any]):
    """Resolve the overrides that still fit the (possibly edited) sketch.

    A parameter that was removed, or whose new range no longer admits the
    value, falls back to its default; the names dropped are reported so the
    page can forget them. This is what lets slider values survive a reload.
    """
    kept, dropped = {}, []
    for name, value in overrides.items():
        param = sketch.params.get(name)
        if param is None:
            dropped.append(name)
            continue
        try:
            kept[name] = param.check(value)
        except UserError:
            dropped.append(name)
    return sketch.resolve(kept), kept, dropped


def thumb_size(size: tuple[int, int], longest: int) -> tuple[int, int]:
    """`size` scaled down so its longest side is at most `longest`."""
    w, h = size
    scale = min(1.0, longest / max(w, h))
    return max(1, round(w * scale)), max(1, round(h * scale))


def fast_png(rgba) -> bytes:
    """A quickly compressed PNG for the page (Save re-encodes with provenance)."""
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


class SketchCache:
    """Loads the sketch again only when its source bytes changed."""

    def __init__(self, path: Path):
        self.path = path
        self._source: bytes | None = None
        self._sketch = None
        self._error: BaseException | None = None

    def get(self):
        from gencraft.sketch import load_sketch

        try:
            source = self.path.read_bytes()
        except OSError as exc:
            raise UserError(f"cannot read sketch {str(self.path)!r}: {exc.strerror or exc}") from None
        if source != self._source:
            self._source, self._sketch, self._error = source, None, None
            try:
                self._sketch = load_sketch(self.path)
            except BaseException as exc:  # remembered: the same broken source fails the same way
                self._error = exc
        if self._error is not None:
            raise self._error
        return self._sketch


def render_job(cache: SketchCache, job: dict[str, Any]) -> dict[str, Any]:
    """Render one image for `job` (overrides, seed, size, frame, thumb)."""
    from gencraft.render import render

    started = time.perf_counter()
    sketch = cache.get()
    params, kept, dropped = tolerant_resolve(sketch, job.get("overrides") or {})
    size = tuple(job["size"]) if job.get("size") else sketch.default_size
    if job.get("thumb"):
        size = thumb_size(size, int(job["thumb"]))
    if job.get("plotter") and not job.get("thumb"):
        return plot_job(sketch, params, kept, dropped, job, size, started)
    frame = int(job.get("frame") or 0) % sketch.frames
    result = render(sketch, params, job.get("seed", "0"), size, frame if sketch.animated else None)
    # The image the page shows first goes back raw: encoding 800x800 as PNG costs
    # more (~80 ms) than sending 2.5 MB over a local socket. The rest are PNGs.
    image = result.rgba if job.get("raw") else fast_png(result.rgba)
    return {
        "image": image,
        "recipe": result.recipe,
        "values": result.params.to_dict(),
        "drawn": sorted(result.params.drawn),
        "overrides": kept,
        "dropped": dropped,
        "meta": describe_sketch(sketch),
        "frame": frame,
        "ms": (time.perf_counter() - started) * 1000.0,
    }


def plot_job(sketch, params, kept, dropped, job, size, started) -> dict[str, Any]:
    """The plotter preview: the optimised plot drawn on its page, pen-up moves faint, with its stats."""
    from gencraft.draw.plotter_preview import preview_rgba
    from gencraft.plotter import make_plot, require_vpype

    require_vpype()
    plot = make_plot(sketch, params, job.get("seed", "0"), size)
    rgba = preview_rgba(plot.doc, min(1200, max(size)), margin_mm=plot.layout.margin_mm)
    recipe = dict(plot.recipe, preview=[int(rgba.shape[1]), int(rgba.shape[0])])  # a picture of the plot
    layers = [{"name": str(lc.property("vp_name")), "color": str(lc.property("vp_color")),
               "lines": len(lc)} for lc in (plot.doc.layers[i] for i in sorted(plot.doc.layers))]
    return {
        "image": rgba if job.get("raw") else fast_png(rgba),
        "recipe": recipe,
        "values": dict(plot.recipe["params"]),
        "drawn": list(plot.recipe.get("drawn", [])),
        "overrides": kept,
        "dropped": dropped,
        "meta": {**describe_sketch(sketch), "frames": 1},
        "frame": 0,
        "plot": {"page_mm": list(plot.layout.page_mm), "before": plot.before.to_json(),
                 "after": plot.after.to_json(), "text": plot.summary(), "layers": layers},
        "ms": (time.perf_counter() - started) * 1000.0,
    }


def worker_main(conn, sketch_path: str) -> None:
    """Entry point of the spawned process: answer jobs until told to stop."""
    from gencraft.timelimit import die_with_parent

    die_with_parent()  # killed with the live server, even by SIGKILL: never left spinning
    path = Path(sketch_path)
    cache = SketchCache(path)
    import gencraft.render  # noqa: F401 - warm the imports before the first job

    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if job is None:
            return
        try:
            conn.send(("ok", render_job(cache, job)))
        except KeyboardInterrupt:
            return
        except BaseException as exc:  # noqa: BLE001 - every failure goes to the page
            conn.send(("error", error_info(exc, path)))


class WorkerProcess:
    """A warm render process; :meth:`call` kills and forgets it on timeout.

    The process is a fresh interpreter (``python -m gencraft.live.worker``),
    not a fork: it shares nothing with the server but a socket, over which
    :class:`multiprocessing.connection.Connection` carries pickled jobs.
    """

    def __init__(self, sketch_path: str | Path):
        self.sketch_path = str(sketch_path)
        self._proc: subprocess.Popen | None = None
        self._conn: Connection | None = None
        self.started = 0  # how many processes were started (tests and logs read it)

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def start(self) -> None:
        if self.alive:
            return
        self.kill()
        ours, theirs = socket.socketpair()
        env = dict(os.environ)
        root = str(Path(__file__).resolve().parents[2])  # so the child imports this very gencraft
        env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "gencraft.live.worker", str(theirs.fileno()), self.sketch_path],
                pass_fds=[theirs.fileno()], env=env, start_new_session=True)
        finally:
            theirs.close()
        self._conn = Connection(ours.detach())
        self.started += 1

    def call(self, job: dict[str, Any], timeout: float) -> tuple[str, Any]:
        """Send a job and wait for its answer; raise RenderTimeout or WorkerDied."""
        self.start()
        assert self._conn is not None and self._proc is not None
        try:
            self._conn.send(job)
            if not self._conn.poll(timeout):
                self.kill()
                raise RenderTimeout(timeout)
            return self._conn.recv()
        except (EOFError, OSError):
            try:
                code = self._proc.wait(2)
            except subprocess.TimeoutExpired:
                code = None
            self.kill()
            raise WorkerDied(code) from None

    def kill(self) -> None:
        """Stop the process now (it may be stuck in compiled code: SIGKILL)."""
        if self._proc is not None:
            if self._proc.poll() is None:
                self._proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(5)
        if self._conn is not None:
            self._conn.close()
        self._proc, self._conn = None, None

    def stop(self) -> None:
        """Ask the process to exit, then make sure it did."""
        if self._conn is not None and self.alive:
            with contextlib.suppress(OSError):
                self._conn.send(None)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(2)
        self.kill()


if __name__ == "__main__":
    worker_main(Connection(int(sys.argv[1])), sys.argv[2])
