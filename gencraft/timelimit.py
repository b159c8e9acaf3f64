"""Run a function in a child process with a wall-clock limit.

A sketch stuck in a Numba loop cannot be interrupted by a signal, so the only
reliable limit is a separate process that can be killed. The child is forked
(it inherits the loaded sketch and compiled kernels, so it starts in
milliseconds) and sends back either its result or the error it raised.
"""
from __future__ import annotations

import multiprocessing as mp
import traceback
from typing import Any, Callable

from gencraft.errors import SketchError, UserError


class _ChildFailure(Exception):
    """A non-user error in the child, carrying its formatted traceback."""


def die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent dies (a killed CLI leaves no orphan).

    A no-op where prctl is unavailable. If the parent is already gone (it died
    between fork and this call), exit at once.
    """
    import ctypes
    import os
    import signal

    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent or parent == 1:
        os._exit(1)


def _child(conn, fn, args, kwargs):
    die_with_parent()
    try:
        result = fn(*args, **kwargs)
        conn.send(("ok", result))
    except UserError as exc:
        conn.send(("user", (type(exc), str(exc), getattr(exc, "details", None))))
    except BaseException:  # noqa: BLE001 - report every failure to the parent
        conn.send(("bug", traceback.format_exc()))
    finally:
        conn.close()


def call_with_timeout(fn: Callable, *args, timeout: float | None, what: str = "render", **kwargs) -> Any:
    """``fn(*args, **kwargs)`` in a forked child, killed after `timeout` seconds.

    With ``timeout=None`` the function runs in this process. A timeout raises
    SketchError; a UserError raised in the child is re-raised here as is.
    """
    if timeout is None:
        return fn(*args, **kwargs)
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, fn, args, kwargs), daemon=True)
    proc.start()
    child.close()
    try:
        if not parent.poll(timeout):
            raise SketchError(f"{what} did not finish within the time limit of {timeout:g} s (raise it with --timeout)")
        try:
            status, payload = parent.recv()
        except EOFError:
            proc.join(1)
            raise SketchError(f"the {what} process ended without an answer (exit code {proc.exitcode}): "
                              "did the sketch call os._exit(), or crash?") from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        parent.close()
    return child_result(status, payload)


def child_result(status: str, payload, failure=None):
    """What a child process sent back: its result, or its UserError raised again here.

    ``failure(traceback_text)`` builds the exception for a bug in the child
    (default: the formatted traceback as a _ChildFailure).
    """
    if status == "ok":
        return payload
    if status == "user":
        cls, msg, details = payload
        err = cls(msg)
        if details:
            err.details = details
        raise err
    raise (failure or _ChildFailure)(payload)


# ---------------------------------------------------------------- pools of workers with a per-job limit
#: the default per-render limit of editions and searches: generous, but a hung sketch ends
DEFAULT_RENDER_TIMEOUT = 300.0


def check_timeout(timeout: float | None, what: str = "--timeout") -> float | None:
    """A finite, positive number of seconds (or None: no limit)."""
    import math

    if timeout is None:
        return None
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not math.isfinite(timeout) \
            or timeout <= 0:
        raise UserError(f"{what} {timeout!r}: expected a positive, finite number of seconds")
    return float(timeout)


_GUARD: dict = {}


def _guard_init(report, timeout, initializer, initargs) -> None:
    """In each pool worker: remember where to report, and restore SIGALRM's default action (terminate)."""
    import signal

    die_with_parent()
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    _GUARD.update(report=report, timeout=timeout)
    if initializer is not None:
        initializer(*initargs)


def _guarded_call(label, fn, args):
    """Run one job under the kernel's alarm clock: past the limit the process is terminated.

    SIGALRM's default action needs no Python code to run, so it also stops a
    sketch stuck inside a compiled Numba loop that holds the GIL.
    """
    import os
    import signal
    import time

    _GUARD["report"].put((label, os.getpid(), time.time()))
    timeout = _GUARD["timeout"]
    if timeout:
        signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        return fn(*args)
    finally:
        if timeout:
            signal.setitimer(signal.ITIMER_REAL, 0)


class TimeLimitedPool:
    """A process pool in which each job has a wall-clock limit and a dying worker is explained.

    ``submit(label, fn, *args)`` returns a Future. When a job passes the limit
    (or the sketch ends its process with ``os._exit``), the pool breaks;
    :meth:`explain` turns that into one line naming the job (its `label`) and
    why, so callers raise it as a :class:`SketchError` instead of a traceback.
    Finished jobs' results were already handed back, so resumable work keeps
    them.
    """

    def __init__(self, workers: int, timeout: float | None, context, initializer=None, initargs=()):
        from concurrent.futures import ProcessPoolExecutor

        self.timeout = check_timeout(timeout)
        self._report = context.SimpleQueue()
        self._started: dict = {}
        self._done: set = set()
        self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_guard_init,
                                        initargs=(self._report, self.timeout, initializer, initargs))

    def submit(self, label: str, fn, *args):
        self._drain()  # workers report each start on a pipe: read it before it fills and blocks them
        fut = self.pool.submit(_guarded_call, label, fn, args)
        fut.add_done_callback(lambda f, label=label: self._done.add(label)
                              if not f.cancelled() and f.exception() is None else None)
        return fut

    def explain(self, what: str = "render") -> SketchError:
        """Why the pool broke: the job that passed the time limit, or the one whose process ended."""
        import time

        self._drain()
        now = time.time()
        running = sorted((t, label) for label, t in self._started.items() if label not in self._done)
        if self.timeout:
            late = [label for t, label in running if now - t >= self.timeout * 0.95]
            if late:
                return SketchError(f"{late[0]}: the {what} did not finish within the time limit of "
                                   f"{self.timeout:g} s (raise it with --timeout)")
        names = ", ".join(label for _, label in running[:4]) or "a job"
        return SketchError(f"{names}: the {what} process ended without an answer: did the sketch call os._exit(), "
                           "or crash?")

    def _drain(self) -> None:
        """Read the workers' start reports (explain() needs them; unread, a full pipe would block)."""
        while not self._report.empty():
            label, pid, started = self._report.get()
            self._started[label] = started

    def shutdown(self, cancel: bool = False) -> None:
        self.pool.shutdown(wait=True, cancel_futures=cancel)

    def __enter__(self) -> "TimeLimitedPool":
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown(cancel=exc[0] is not None)
