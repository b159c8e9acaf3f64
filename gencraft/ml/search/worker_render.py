"""Renders on a Dask worker, each under the per-render time limit.

A Dask worker runs tasks in threads of a (usually daemonic) process, which may
neither be killed for one hung render nor start multiprocessing children. So
each worker thread keeps one *helper*: a plain ``python -m
gencraft.ml.search.worker_render`` subprocess that loads the sketch once and
renders on request over a pipe. A render that passes the limit gets its helper
killed (the next render starts a fresh one) and raises the same
:class:`~gencraft.errors.SketchError` a local search raises; a sketch that ends
its process likewise. The helper dies with its worker (``PR_SET_PDEATHSIG``)
and leaves when the pipe closes.

Module-level functions only, so Dask pickles them by reference: a worker needs
gencraft installed, not the sketch file (its source travels with the task).
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import traceback
from typing import Any, Sequence

from gencraft.errors import SketchError, UserError
from gencraft.timelimit import child_result

_HELPERS: dict[int, "_Helper"] = {}   # worker thread id -> its helper process
_LOCK = threading.Lock()


class _Helper:
    def __init__(self):
        from multiprocessing.connection import Connection

        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        env = {**os.environ, "GENCRAFT_DRAW_THREADS": "1"}  # the worker's threads already share the cores
        self.proc = subprocess.Popen([sys.executable, "-m", "gencraft.ml.search.worker_render",
                                      str(to_child_r), str(from_child_w)],
                                     pass_fds=(to_child_r, from_child_w), stdin=subprocess.DEVNULL, env=env)
        os.close(to_child_r)
        os.close(from_child_w)
        self.send_conn = Connection(to_child_w, readable=False)
        self.recv_conn = Connection(from_child_r, writable=False)
        self.sketch_key: tuple | None = None

    def alive(self) -> bool:
        return self.proc.poll() is None

    def call(self, message: tuple, timeout: float | None, label: str) -> Any:
        try:
            self.send_conn.send(message)
            if not self.recv_conn.poll(timeout):
                raise SketchError(f"{label}: the render did not finish within the time limit of {timeout:g} s "
                                  "(raise it with --timeout)")
            status, payload = self.recv_conn.recv()
        except (EOFError, OSError):
            self.proc.wait()
            raise SketchError(f"{label}: the render process ended without an answer (exit code "
                              f"{self.proc.returncode}): did the sketch call os._exit(), or crash?") from None
        return child_result(status, payload,
                            lambda text: RuntimeError(f"{label}: render failed on a Dask worker:\n{text}"))

    def close(self) -> None:
        for conn in (self.send_conn, self.recv_conn):
            try:
                conn.close()
            except OSError:
                pass
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


def _helper() -> _Helper:
    key = threading.get_ident()
    with _LOCK:
        helper = _HELPERS.get(key)
    if helper is None or not helper.alive():  # first use, or it ended between tasks
        if helper is not None:
            helper.close()
        helper = _Helper()
        with _LOCK:
            _HELPERS[key] = helper
    return helper


def _drop(helper: _Helper) -> None:
    helper.close()
    with _LOCK:
        for key, h in list(_HELPERS.items()):
            if h is helper:
                del _HELPERS[key]


def render_many(path: str, source: bytes, size: tuple[int, int], items: Sequence[tuple[dict, Any]],
                timeout: float | None) -> list[tuple]:
    """The Dask task: render each (held params, seed) of one sketch; returns [(rgba, recipe)].

    With ``timeout=None`` the renders run in the worker's own thread, unlimited.
    """
    if timeout is None:
        from gencraft.editions.token import get_sketch
        from gencraft.render import render

        sk = get_sketch(path, source)
        out = []
        for params, seed in items:
            r = render(sk, params, seed, size)
            out.append((r.rgba, r.recipe))
        return out
    import hashlib

    key = (path, hashlib.sha256(source).hexdigest())
    out = []
    for params, seed in items:
        helper = _helper()
        try:
            if helper.sketch_key != key:
                helper.call(("load", path, source), timeout, f"loading sketch {path}")
                helper.sketch_key = key
            out.append(helper.call(("render", params, seed, tuple(size)), timeout, f"seed {seed}"))
        except SketchError:
            _drop(helper)  # killed or dead: the next render starts a fresh helper
            raise
        except UserError:
            raise
        except BaseException:
            _drop(helper)
            raise
    return out


def _serve(read_fd: int, write_fd: int) -> None:
    """The helper's loop: answer "load" and "render" requests until the pipe closes."""
    from multiprocessing.connection import Connection

    from gencraft.timelimit import die_with_parent

    die_with_parent()
    inbox, outbox = Connection(read_fd, writable=False), Connection(write_fd, readable=False)
    sketch = None
    while True:
        try:
            message = inbox.recv()
        except (EOFError, OSError):
            return
        try:
            if message[0] == "load":
                from gencraft.editions.token import get_sketch

                sketch = get_sketch(message[1], message[2])
                outbox.send(("ok", sketch.sha256))
            else:
                from gencraft.render import render

                _, params, seed, size = message
                r = render(sketch, params, seed, size)
                outbox.send(("ok", (r.rgba, r.recipe)))
        except UserError as exc:
            outbox.send(("user", (type(exc), str(exc), getattr(exc, "details", None))))
        except BaseException:  # noqa: BLE001 - every failure goes back to the worker
            outbox.send(("bug", traceback.format_exc()))


if __name__ == "__main__":
    _serve(int(sys.argv[1]), int(sys.argv[2]))
