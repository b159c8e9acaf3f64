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
    if status == "ok":
        return payload
    if status == "user":
        cls, msg, details = payload
        err = cls(msg)
        if details:
            err.details = details
        raise err
    raise _ChildFailure(payload)
