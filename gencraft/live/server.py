"""The live page's web server: Starlette routes, SSE push, and uvicorn.

The session (:mod:`.session`) holds the state; this module exposes it. The
server keeps renders in memory and serves them by number, so it never opens
a path that came from a request: it serves only its own page, its own assets
(Starlette's StaticFiles, which refuses to leave its folder) and its own
renders. It listens on loopback unless told otherwise, accepts only loopback
host names there (no DNS rebinding), and only same-origin JSON posts.
"""
from __future__ import annotations

import asyncio
import contextlib
import errno
import json
import socket
import threading
import time
from pathlib import Path

from gencraft.errors import UserError
from gencraft.live.outputs import as_png
from gencraft.live.session import LiveSession

__all__ = ["LiveSession", "RunningServer", "bind_socket", "create_app", "serve"]

STATIC = Path(__file__).resolve().parent / "static"
LOOPBACK = ("127.0.0.1", "localhost", "::1")


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

    from gencraft.seeds import parse_seed

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
        def no_constants(name):
            raise ValueError(f"the request body holds {name}: expected finite numbers (JSON has no NaN or Infinity)")

        def finite(text):
            value = float(text)
            if value in (float("inf"), float("-inf")):
                no_constants(text)
            return value

        raw = await request.body()
        try:
            body = json.loads(raw, parse_constant=no_constants, parse_float=finite)
        except RecursionError:
            raise ValueError("the request body nests too deeply") from None
        except ValueError as exc:
            if "finite numbers" in str(exc):
                raise
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
            except (UserError, ValueError, TypeError, OverflowError) as exc:
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
        if "plotter" in body:  # the plotter-preview toggle
            session.plotter = bool(body["plotter"])
        rid = session.request_render(str(body.get("reason", "controls")))
        return JSONResponse({"id": rid, "seed": session.seed, "overrides": session.overrides}, status_code=202)

    async def grid(body):
        info = session.request_grid(str(body.get("mode", "seeds")), int(body.get("rows", 3)),
                                    int(body.get("cols", 3)), body.get("locked") or [],
                                    bool(body.get("lock_seed", True)))
        return JSONResponse(info, status_code=202)

    async def adopt(body):
        if not {"grid", "index"} <= set(body):
            raise ValueError("expected a JSON object with the grid's id and the cell's index")
        rid = session.adopt(int(body["grid"]), int(body["index"]))
        return JSONResponse({"id": rid, "seed": session.seed, "overrides": session.overrides}, status_code=202)

    async def save(body):
        return JSONResponse(await session.save(liked=False))

    async def like(body):
        return JSONResponse(await session.save(liked=True))

    async def skip(body):
        return JSONResponse(await session.save(skipped=True))

    async def variants(request):
        """The variant grid in display order: ?order=seed (as made) or ?order=taste (highest first)."""
        try:
            return JSONResponse(session.variants(request.query_params.get("order", "seed")), headers=no_cache)
        except ValueError as exc:
            return problem(str(exc), 400)

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
        Route("/api/skip", api(skip), methods=["POST"]),
        Route("/api/variants", variants),
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
