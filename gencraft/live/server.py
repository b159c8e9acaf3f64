"""The live page's server: session state, Starlette routes, SSE push, uvicorn.

Everything the page sees goes through one :class:`LiveSession` that lives on
the server's event loop. Renders happen in the worker process (see
:mod:`.worker`), scheduled latest-wins (see :mod:`.scheduler`); their results
hop back onto the loop and are pushed to every open page as server-sent
events. The server holds renders in memory and serves them by number, so it
never opens a path that came from a request: it serves only its own page,
its own assets (Starlette's StaticFiles, which refuses to leave its folder)
and its own renders.
"""
from __future__ import annotations

import asyncio
import contextlib
import errno
import itertools
import json
import socket
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UserError
from .outputs import as_png, save_render
from .scheduler import Request, RenderScheduler
from .variants import MAX_CELLS, grid_cells
from .worker import WorkerProcess

STATIC = Path(__file__).resolve().parent / "static"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
KEEP_RENDERS = 8
KEEP_THUMBS = 3 * MAX_CELLS


@dataclass
class RenderRecord:
    """One main render: its frames (PNG bytes as they arrive) and what made it."""

    id: int
    frames: list[bytes | None]
    recipe: dict
    meta: dict
    values: dict
    seed: str
    ms: float
    score: float | None = None

    @property
    def ready(self) -> int:
        return sum(f is not None for f in self.frames)

    @property
    def complete(self) -> bool:
        return self.ready == len(self.frames)

    def summary(self) -> dict[str, Any]:
        return {"id": self.id, "frames": len(self.frames), "ready": self.ready, "fps": self.meta.get("fps"),
                "seed": self.seed, "values": self.values, "ms": round(self.ms, 1), "score": self.score,
                "size": self.recipe.get("size")}


class EventHub:
    """Fan-out of server-sent events to every open page (one queue per page)."""

    def __init__(self):
        self._queues: set[asyncio.Queue] = set()
        self.closed = False

    def subscribe(self) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue(maxsize=512)
        self._queues.add(queue)
        return queue

    def close(self) -> None:
        """End every open stream (the server is stopping)."""
        self.closed = True
        for queue in list(self._queues):
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(None)

    def unsubscribe(self, queue: asyncio.Queue) -> None:
        self._queues.discard(queue)

    def publish(self, event: str, data: Any) -> None:
        message = {"event": event, "data": json.dumps(data, default=str)}
        for queue in list(self._queues):
            if queue.full():  # a page that stopped reading: drop its oldest news
                with contextlib.suppress(asyncio.QueueEmpty):
                    queue.get_nowait()
            queue.put_nowait(message)


@dataclass
class LiveSession:
    """The state behind the page: sketch, overrides, seed, renders, grid, errors."""

    sketch_path: Path
    size: tuple[int, int] | None = None
    seed: str = "0"
    out_dir: Path | None = None
    timeout: float = 20.0
    prompt: str | None = None
    clip_model: str = "tiny"
    thumb: int = 256
    overrides: dict[str, Any] = field(default_factory=dict)
    watch: bool = True

    def __post_init__(self):
        self.sketch_path = Path(self.sketch_path)
        self.seed = str(self.seed)
        self.out_dir = Path(self.out_dir) if self.out_dir else Path("renders") / self.sketch_path.stem
        self.hub = EventHub()
        self.meta: dict | None = None
        self.values: dict[str, Any] = {}
        self.error: dict | None = None
        self.busy = False
        self.current: RenderRecord | None = None
        self.renders: OrderedDict[int, RenderRecord] = OrderedDict()
        self.thumbs: OrderedDict[int, dict] = OrderedDict()
        self.grid: dict | None = None
        self.reloads = 0
        self.scheduler: RenderScheduler | None = None
        self.scorer = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self._ids = itertools.count(1)
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task] = []

    # ------------------------------------------------------------ lifecycle
    async def start(self) -> None:
        self.loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        self.scheduler = RenderScheduler(WorkerProcess(self.sketch_path), self.timeout)
        if self.prompt:
            from .scorer import ClipScorer

            self.scorer = ClipScorer(self.prompt, self.clip_model)
            self._tasks.append(asyncio.create_task(self._warm_scorer()))
        self.request_render("start")
        if self.watch:
            from .watcher import watch_sketch

            self._tasks.append(asyncio.create_task(watch_sketch(self.sketch_path, self.on_file_saved, self._stop)))

    async def stop(self) -> None:
        self._stop.set()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self.scheduler is not None:
            await asyncio.to_thread(self.scheduler.close)

    def on_file_saved(self) -> None:
        self.reloads += 1
        self.hub.publish("reload", {"path": str(self.sketch_path), "reloads": self.reloads})
        self.request_render("file saved")

    # -------------------------------------------------------------- renders
    def job(self, **extra) -> dict[str, Any]:
        """A render job for the current state (the page's first image comes back raw)."""
        return {"overrides": dict(self.overrides), "seed": self.seed,
                "size": list(self.size) if self.size else None, **extra}

    def request_render(self, reason: str = "") -> int:
        """Render the current state (superseding any render still waiting)."""
        rid = next(self._ids)
        self.busy = True
        self.hub.publish("busy", {"busy": True, "reason": reason, "id": rid})
        request = Request("main", [self.job(frame=0, raw=True)], on_result=None, on_end=None)

        def on_result(index, status, payload):  # scheduler thread
            if status == "ok" and index == 0:
                frames = int(payload["meta"].get("frames", 1))
                request.jobs.extend(self.job(frame=k) | {"overrides": request.jobs[0]["overrides"],
                                                         "seed": request.jobs[0]["seed"]}
                                    for k in range(1, frames))
            self._hop(self._on_main_result, rid, index, status, payload)

        request.on_result = on_result
        request.on_end = lambda status: self._hop(self._on_main_end, rid, status)
        self.scheduler.submit(request)
        return rid

    def _hop(self, fn, *args) -> None:
        if self.loop is not None and not self.loop.is_closed():
            with contextlib.suppress(RuntimeError):
                self.loop.call_soon_threadsafe(fn, *args)

    def _on_main_result(self, rid: int, index: int, status: str, payload: dict) -> None:
        if status != "ok":
            self.error = payload
            self.hub.publish("failure", payload)  # not "error": EventSource reserves it
            return
        if index == 0:
            frames = int(payload["meta"].get("frames", 1))
            record = RenderRecord(rid, [payload["image"]] + [None] * (frames - 1), payload["recipe"],
                                  payload["meta"], payload["values"], payload["recipe"]["seed"], payload["ms"])
            self.renders[rid] = record
            while len(self.renders) > KEEP_RENDERS:
                self.renders.popitem(last=False)
            self.current = record
            self.meta, self.values, self.error = payload["meta"], payload["values"], None
            for name in payload["dropped"]:
                self.overrides.pop(name, None)
            self.hub.publish("render", {**record.summary(), "meta": record.meta, "overrides": self.overrides,
                                        "dropped": payload["dropped"]})
            if self.scorer is not None:
                asyncio.ensure_future(self._score_render(record))
        else:
            record = self.renders.get(rid)
            if record is not None:
                record.frames[index] = payload["image"]
                self.hub.publish("frame", {"id": rid, "ready": record.ready, "frames": len(record.frames)})

    def _on_main_end(self, rid: int, status: str) -> None:
        if status != "superseded":
            self.busy = False
            self.hub.publish("busy", {"busy": False, "id": rid, "status": status})

    # ----------------------------------------------------------------- grid
    def request_grid(self, mode: str, rows: int, cols: int, locked=(), lock_seed: bool = True) -> dict:
        if self.meta is None:
            raise UserError("the sketch has not rendered yet; fix it first, then ask for variants")
        if not (1 <= rows <= 6 and 1 <= cols <= 6):
            raise UserError(f"grid {rows}x{cols}: expected 1 to 6 rows and columns")
        cells = grid_cells(mode, rows * cols, self.seed, self.values, self.meta["params"], set(locked), lock_seed)
        gid = next(self._ids)
        self.grid = {"id": gid, "mode": mode, "rows": rows, "cols": cols, "cells": cells,
                     "thumbs": [None] * len(cells)}
        jobs = [{"overrides": c["overrides"], "seed": c["seed"], "size": list(self.size) if self.size else None,
                 "thumb": self.thumb, "frame": 0} for c in cells]
        request = Request("grid", jobs, stop_on_error=False,
                          on_result=lambda i, status, payload: self._hop(self._on_thumb, gid, i, status, payload))
        self.scheduler.submit(request)
        return {"id": gid, "mode": mode, "rows": rows, "cols": cols, "cells": cells}

    def _on_thumb(self, gid: int, index: int, status: str, payload: dict) -> None:
        if self.grid is None or self.grid["id"] != gid:
            return
        if status != "ok":
            self.hub.publish("thumb", {"grid": gid, "index": index, "error": payload["message"]})
            return
        tid = next(self._ids)
        self.thumbs[tid] = {"png": payload["image"], "score": None}
        while len(self.thumbs) > KEEP_THUMBS:
            self.thumbs.popitem(last=False)
        self.grid["thumbs"][index] = tid
        self.hub.publish("thumb", {"grid": gid, "index": index, "id": tid, "ms": round(payload["ms"], 1)})
        if self.scorer is not None:
            asyncio.ensure_future(self._score_thumb(gid, index, tid))

    def adopt(self, gid: int, index: int) -> int:
        if self.grid is None or self.grid["id"] != gid or not 0 <= index < len(self.grid["cells"]):
            raise LookupError("that variant grid is gone; make a new one")
        cell = self.grid["cells"][index]
        self.seed = cell["seed"]
        self.overrides = dict(cell["overrides"])
        return self.request_render("variant adopted")

    # --------------------------------------------------------------- scores
    async def _warm_scorer(self) -> None:
        try:
            await asyncio.to_thread(self.scorer.load)
        except UserError as exc:
            self.hub.publish("notice", {"message": str(exc), "level": "error"})

    async def _score_render(self, record: RenderRecord) -> None:
        if self.current is not record:  # superseded before its turn: skip
            return
        try:
            record.score = await asyncio.to_thread(self.scorer.score, record.frames[0])
        except UserError as exc:
            self.hub.publish("notice", {"message": str(exc), "level": "error"})
            return
        self.hub.publish("score", {"target": "render", "id": record.id, "score": record.score})

    async def _score_thumb(self, gid: int, index: int, tid: int) -> None:
        thumb = self.thumbs.get(tid)
        if thumb is None or self.grid is None or self.grid["id"] != gid:
            return
        try:
            thumb["score"] = await asyncio.to_thread(self.scorer.score, thumb["png"])
        except UserError:
            return
        self.hub.publish("score", {"target": "thumb", "grid": gid, "index": index, "id": tid,
                                   "score": thumb["score"]})

    # ---------------------------------------------------------- save / like
    async def save(self, liked: bool = False) -> dict[str, str]:
        record = self.current
        if record is None:
            raise UserError("nothing to save yet: the sketch has not rendered")
        if not record.complete:
            raise UserError("the animation is still rendering; save again when it plays")
        folder = self.out_dir / "likes" if liked else self.out_dir
        extra = {"liked": True} if liked else {}
        if self.prompt is not None:
            extra.update({"prompt": self.prompt, "clip_score": record.score})
        paths = await asyncio.to_thread(save_render, folder, self.sketch_path.stem, list(record.frames),
                                        record.recipe, record.meta.get("fps"), extra)
        self.hub.publish("saved", {"kind": "like" if liked else "save", "paths": paths})
        return paths

    def snapshot(self) -> dict[str, Any]:
        return {
            "sketch": str(self.sketch_path),
            "meta": self.meta,
            "values": self.values,
            "overrides": self.overrides,
            "seed": self.seed,
            "render": self.current.summary() if self.current else None,
            "error": self.error,
            "busy": self.busy,
            "out_dir": str(self.out_dir.resolve()),
            "likes_dir": str((self.out_dir / "likes").resolve()),
            "prompt": self.prompt,
            "timeout": self.timeout,
            "grid": ({k: v for k, v in self.grid.items()} if self.grid else None),
        }


# =================================================================== web app
def create_app(session: LiveSession, allowed_hosts: list[str] | None = None):
    """The Starlette app serving `session`'s page, API, events and renders."""
    from sse_starlette import EventSourceResponse
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.trustedhost import TrustedHostMiddleware
    from starlette.requests import Request as HttpRequest
    from starlette.responses import FileResponse, JSONResponse, Response
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    from ..seeds import parse_seed

    no_cache = {"Cache-Control": "no-cache"}

    def problem(message: str, status: int = 400) -> JSONResponse:
        return JSONResponse({"error": message}, status_code=status)

    async def read_json(request: HttpRequest) -> dict:
        """Same-origin JSON only: a page elsewhere cannot post here (no CSRF)."""
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            raise PermissionError("expected a JSON body (Content-Type: application/json)")
        origin = request.headers.get("origin")
        if origin and origin.split("://", 1)[-1] != request.headers.get("host"):
            raise PermissionError(f"requests from {origin} are not allowed")
        try:
            body = await request.json()
        except ValueError:
            raise ValueError("the request body is not valid JSON") from None
        if not isinstance(body, dict):
            raise ValueError("expected a JSON object")
        return body

    def api(handler):
        async def wrapped(request: HttpRequest):
            try:
                body = await read_json(request) if request.method == "POST" else {}
                return await handler(body)
            except PermissionError as exc:
                return problem(str(exc), 403)
            except LookupError as exc:
                return problem(str(exc), 404)
            except (UserError, ValueError, TypeError) as exc:
                return problem(str(exc), 400)

        return wrapped

    async def index(request):
        return FileResponse(STATIC / "index.html", headers=no_cache)

    async def state(body):
        return JSONResponse(session.snapshot(), headers=no_cache)

    async def render(body):
        if "seed" in body:
            seed = str(body["seed"]).strip()
            parse_seed(seed)  # a bad seed is one clear line
            session.seed = seed
        if isinstance(body.get("replace"), dict):
            session.overrides = dict(body["replace"])
        if isinstance(body.get("set"), dict):
            session.overrides.update(body["set"])
        for name in body.get("unset") or []:
            session.overrides.pop(name, None)
        if body.get("reset"):
            session.overrides.clear()
        rid = session.request_render(str(body.get("reason", "controls")))
        return JSONResponse({"id": rid, "seed": session.seed, "overrides": session.overrides}, status_code=202)

    async def grid(body):
        info = session.request_grid(str(body.get("mode", "seeds")), int(body.get("rows", 3)),
                                    int(body.get("cols", 3)), body.get("locked") or [],
                                    bool(body.get("lock_seed", True)))
        return JSONResponse(info, status_code=202)

    async def adopt(body):
        rid = session.adopt(int(body["grid"]), int(body["index"]))
        return JSONResponse({"id": rid, "seed": session.seed, "overrides": session.overrides}, status_code=202)

    async def save(body):
        return JSONResponse(await session.save(liked=False))

    async def like(body):
        return JSONResponse(await session.save(liked=True))

    async def events(request):
        queue = session.hub.subscribe()

        async def stream():
            try:
                yield {"event": "state", "data": json.dumps(session.snapshot(), default=str)}
                while not session.hub.closed:
                    message = await queue.get()
                    if message is None:
                        break
                    yield message
            finally:
                session.hub.unsubscribe(queue)

        return EventSourceResponse(stream(), ping=15, headers=no_cache)

    immutable = {"Cache-Control": "max-age=3600, immutable"}

    def frame_of(request):
        record = session.renders.get(request.path_params["rid"])
        frame = request.path_params["frame"]
        if record is None or frame >= len(record.frames) or record.frames[frame] is None:
            return None
        return record.frames[frame]

    async def render_png(request):
        image = frame_of(request)
        if image is None:
            return problem("no such render", 404)
        return Response(await asyncio.to_thread(as_png, image), media_type="image/png", headers=immutable)

    async def render_raw(request):
        """Frames kept raw go to the page as RGBA bytes: no encoding on the way."""
        image = frame_of(request)
        if image is None or isinstance(image, bytes):
            return problem("no such raw render", 404)
        h, w = image.shape[:2]
        return Response(image.tobytes(), media_type="application/octet-stream",
                        headers={**immutable, "X-Width": str(w), "X-Height": str(h)})

    async def thumb_png(request):
        thumb = session.thumbs.get(request.path_params["tid"])
        if thumb is None:
            return problem("no such thumbnail", 404)
        return Response(thumb["png"], media_type="image/png", headers=immutable)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        await session.start()
        try:
            yield
        finally:
            await session.stop()

    routes = [
        Route("/", index),
        Route("/api/state", api(state)),
        Route("/api/render", api(render), methods=["POST"]),
        Route("/api/grid", api(grid), methods=["POST"]),
        Route("/api/adopt", api(adopt), methods=["POST"]),
        Route("/api/save", api(save), methods=["POST"]),
        Route("/api/like", api(like), methods=["POST"]),
        Route("/events", events),
        Route("/render/{rid:int}/{frame:int}.png", render_png),
        Route("/render/{rid:int}/{frame:int}.rgba", render_raw),
        Route("/thumb/{tid:int}.png", thumb_png),
        Mount("/static", StaticFiles(directory=STATIC, follow_symlink=False), name="static"),
    ]
    hosts = allowed_hosts or ["127.0.0.1", "localhost", "[::1]", "::1"]
    return Starlette(routes=routes, lifespan=lifespan,
                     middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=hosts)])


# ================================================================== running
def bind_socket(host: str, port: int) -> socket.socket:
    """Bind the listening socket ourselves: a taken port is one clear line."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise UserError(f"port {port} on {host} is already in use (another gencraft live?); "
                            "choose another with --port, or --port 0 for any free port") from None
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise UserError(f"not allowed to listen on port {port}: ports below 1024 need privileges; "
                            "choose another with --port") from None
        raise UserError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.listen(64)
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


class RunningServer:
    """A live server on a background thread (tests, benchmarks, notebooks)."""

    def __init__(self, session: LiveSession, host: str = "127.0.0.1", port: int = 0):
        import uvicorn

        self.session = session
        self.sock = bind_socket(host, port)
        self.url = url_of(self.sock)
        hosts = ["127.0.0.1", "localhost", "[::1]", "::1", host]
        config = uvicorn.Config(create_app(session, hosts), log_level="warning", lifespan="on",
                                timeout_graceful_shutdown=2)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True,
                                       name="gencraft-live-server")

    def start(self, wait: float = 30.0) -> "RunningServer":
        self.thread.start()
        deadline = time.monotonic() + wait
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the live server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        loop = self.session.loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self.session.hub.close)
        self.server.should_exit = True
        self.thread.join(15)
        self.sock.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def serve(session: LiveSession, host: str = "127.0.0.1", port: int = 8765, open_browser: bool = False,
          announce=print) -> None:
    """Run the live server in the foreground until Ctrl-C."""
    import uvicorn

    sock = bind_socket(host, port)
    url = url_of(sock)
    # On loopback only loopback names are accepted (no DNS rebinding); a deliberate
    # non-loopback --host is reached by whatever name the network gives it.
    hosts = ["127.0.0.1", "localhost", "[::1]", "::1"] if host in LOOPBACK else ["*"]
    config = uvicorn.Config(create_app(session, hosts), log_level="warning", lifespan="on",
                            timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    if host not in LOOPBACK:
        announce(f"warning: listening on {host}, not loopback: anyone who can reach this machine can see "
                 "the page and trigger renders")
    announce(f"gencraft live: {url}  ({session.sketch_path}, saves go to {session.out_dir}; Ctrl-C to stop)")
    if open_browser:
        import webbrowser

        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn re-raises Ctrl-C after its clean shutdown
        pass
    finally:
        sock.close()
    announce("gencraft live: stopped")
