"""Feed the render worker the newest request only: latest wins, per lane.

While the artist drags a slider the page sends a request per movement. A
queue would render every stale position in turn; instead each *lane* holds at
most one request, and a new request replaces the one waiting (its callbacks
are told it was superseded). The job already running in the worker finishes
(it is the most recent image the artist can see soon) and then the newest
request starts.

Lanes, in priority order: ``main`` (the render on the page; an animation is
one request of many frames) and ``grid`` (the variant thumbnails). A main
request pre-empts a grid between two thumbnails; the grid resumes after it.

Callbacks run on the scheduler's thread; the server hops them back onto its
event loop.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable

from gencraft.live.worker import RenderTimeout, WorkerDied, WorkerProcess

LANES = ("main", "grid")


@dataclass
class Request:
    """A batch of render jobs on a lane (frames of an animation, thumbnails of a grid).

    ``on_result(index, status, payload)`` is called per job with status "ok"
    (payload: the worker's result), "error" (the sketch's error info),
    "timeout" or "died" (info about the killed worker). ``on_end(status)`` is
    called once: "done", "superseded" or "failed".
    """

    lane: str
    jobs: list[dict[str, Any]]
    on_result: Callable[[int, str, Any], None]
    on_end: Callable[[str], None] | None = None
    stop_on_error: bool = True
    next_index: int = 0
    superseded: bool = False
    failed: bool = False
    ended: bool = field(default=False, repr=False)

    def _end(self, status: str) -> None:
        if not self.ended:
            self.ended = True
            if self.on_end is not None:
                self.on_end(status)


class RenderScheduler:
    """One worker, one thread, latest-wins lanes, a time limit per image."""

    def __init__(self, worker: WorkerProcess, timeout: float, warmup_grace: float = 60.0):
        self.worker = worker
        self.timeout = float(timeout)
        # A fresh worker's first render also pays imports and Numba compilation
        # (cached on disk afterwards): it gets this much longer before being stopped.
        self.warmup_grace = float(warmup_grace)
        self.jobs_run = 0  # every job the worker was given (tests check supersession with it)
        self._lanes: dict[str, Request | None] = {lane: None for lane in LANES}
        self._in_flight: Request | None = None
        self._cond = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._loop, name="gencraft-live-scheduler", daemon=True)
        self._thread.start()

    def submit(self, request: Request) -> None:
        """Queue `request` on its lane, superseding whatever waited there."""
        if request.lane not in self._lanes:
            raise ValueError(f"unknown lane {request.lane!r}")
        with self._cond:
            old = self._lanes[request.lane]
            self._lanes[request.lane] = request
            if old is not None:
                old.superseded = True
            end_old = old is not None and old is not self._in_flight
            self._cond.notify_all()
        if end_old:
            old._end("superseded")

    def idle(self) -> bool:
        with self._cond:
            return self._in_flight is None and all(r is None for r in self._lanes.values())

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join(self.timeout + 5)
        self.worker.stop()

    # ------------------------------------------------------------ internals
    def _take(self) -> tuple[Request, int, dict] | None:
        """Under the lock: the next job, from the highest-priority lane with work."""
        for lane in LANES:
            request = self._lanes[lane]
            if request is None:
                continue
            if request.next_index >= len(request.jobs):
                self._lanes[lane] = None
                continue
            index = request.next_index
            request.next_index += 1
            return request, index, request.jobs[index]
        return None

    def _loop(self) -> None:
        while True:
            with self._cond:
                picked = None
                while not self._closed:
                    picked = self._take()
                    if picked is not None:
                        break
                    self._cond.wait()
                if self._closed:
                    return
                request, index, job = picked
                self._in_flight = request
            status, payload = self._run_one(job)
            try:
                request.on_result(index, status, payload)
            except Exception:  # a callback bug must not stop the renders
                import traceback

                traceback.print_exc()
            with self._cond:
                self._in_flight = None
                bad = status != "ok" and (request.stop_on_error or status in ("timeout", "died"))
                if bad:
                    request.failed = True
                    if self._lanes[request.lane] is request:
                        self._lanes[request.lane] = None
                finished = request.superseded or request.failed or request.next_index >= len(request.jobs)
                if finished and self._lanes[request.lane] is request:
                    self._lanes[request.lane] = None
            if finished:
                complete = request.next_index >= len(request.jobs)
                request._end("failed" if request.failed else "done" if complete else "superseded")

    def _run_one(self, job: dict) -> tuple[str, Any]:
        self.jobs_run += 1
        limit = self.timeout if self.worker.alive else self.timeout + self.warmup_grace
        try:
            return self.worker.call(job, limit)
        except RenderTimeout:
            return "timeout", {
                "message": f"render stopped: it ran past the time limit of {limit:g} s "
                           "(the render process was restarted; raise the limit with --timeout)",
                "file": None, "line": None, "details": "", "kind": "timeout",
            }
        except WorkerDied as exc:
            code = exc.args[0] if exc.args else None
            return "died", {
                "message": f"the render process died (exit code {code}); it was restarted",
                "file": None, "line": None, "details": "", "kind": "died",
            }
