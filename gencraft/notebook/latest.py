"""Debounced, newest-wins rendering in a background thread (the live page's scheduler, for a cell).

While a slider is dragged the widget sends a value per movement. :class:`Latest`
keeps at most one waiting request: a new one replaces it and restarts a short
quiet spell (the debounce), so stale positions are never rendered. The job
already running finishes (its image is the most recent the artist can see
soon) and then the newest request starts. Jobs run one at a time, on one
daemon thread, so the kernel stays free to receive the next slider value.
"""
from __future__ import annotations

import threading
import time
import traceback
from typing import Any, Callable


class Latest:
    """Run ``job(request)`` for the newest submitted request only, after `delay` seconds of quiet."""

    def __init__(self, job: Callable[[Any], None], delay: float = 0.15):
        self.job, self.delay = job, float(delay)
        self._cond = threading.Condition()
        self._pending: tuple[Any] | None = None  # (request,): a request of None is still a request
        self._due = 0.0
        self._running = False
        self._thread: threading.Thread | None = None
        self.superseded = 0  # requests replaced before they ran (for tests and curiosity)

    def submit(self, request: Any = None) -> None:
        """Ask for `request`; it replaces any request still waiting."""
        with self._cond:
            if self._pending is not None:
                self.superseded += 1
            self._pending = (request,)
            self._due = time.monotonic() + self.delay
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="gencraft-notebook-render", daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def cancel(self) -> None:
        """Forget the waiting request (the running one finishes)."""
        with self._cond:
            self._pending = None
            self._cond.notify_all()

    @property
    def busy(self) -> bool:
        with self._cond:
            return self._running or self._pending is not None

    def wait(self, timeout: float | None = None) -> bool:
        """Block until nothing waits or runs; False if `timeout` passed first."""
        end = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while self._running or self._pending is not None:
                left = None if end is None else end - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._cond.wait(left)
        return True

    def _loop(self) -> None:
        while True:
            with self._cond:
                while True:
                    if self._pending is None:
                        if not self._cond.wait(timeout=30.0) and self._pending is None:
                            self._thread = None  # idle a while: let the thread end; submit starts another
                            return
                        continue
                    left = self._due - time.monotonic()
                    if left <= 0:
                        break
                    self._cond.wait(left)  # a newer submit moves the due time on
                (request,) = self._pending
                self._pending = None
                self._running = True
            try:
                self.job(request)
            except Exception:  # noqa: BLE001 - the job reports the sketch's errors itself: this is a bug
                traceback.print_exc()
            finally:
                with self._cond:
                    self._running = False
                    self._cond.notify_all()
