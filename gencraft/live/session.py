"""The state behind the live page, on the server's event loop.

One :class:`LiveSession` holds the sketch's current overrides and seed, the
last good render (and the error of the latest attempt, if any), the variant
grid and its thumbnails. Renders are requested from the scheduler; their
results hop back onto the event loop and are pushed to every open page
through the :class:`EventHub` as server-sent events.

With ``taste`` (a likes folder) each variant thumbnail also gets a predicted
taste score (:class:`gencraft.live.scorer.TasteScorer`, in this process, never
in the render worker); the page orders the grid by it. Like and Skip write
into that folder, and each one refits the head and rescores the grid.
"""
from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import hashlib
import secrets
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gencraft.errors import UserError
from gencraft.live.outputs import save_render
from gencraft.live.scheduler import Request, RenderScheduler
from gencraft.live.variants import MAX_CELLS, grid_cells
from gencraft.live.worker import WorkerProcess

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
    plot: dict | None = None  # plotter preview: page, layers, stats before/after optimising

    @property
    def ready(self) -> int:
        return sum(f is not None for f in self.frames)

    @property
    def complete(self) -> bool:
        return self.ready == len(self.frames)

    def summary(self) -> dict[str, Any]:
        return {"id": self.id, "frames": len(self.frames), "ready": self.ready, "fps": self.meta.get("fps"),
                "seed": self.seed, "values": self.values, "ms": round(self.ms, 1), "score": self.score,
                "size": self.recipe.get("size"), "plot": self.plot}


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
    plotter: bool = False  # show the pen-plotter preview instead of the render (the page's toggle)
    taste: Path | str | None = None  # a likes folder: order variants by predicted taste ("" = OUT/likes)

    def __post_init__(self):
        self.sketch_path = Path(self.sketch_path)
        self.seed = str(self.seed)
        self.out_dir = Path(self.out_dir) if self.out_dir else Path("renders") / self.sketch_path.stem
        if self.taste is not None:
            self.taste = Path(self.taste) if str(self.taste) else self.out_dir / "likes"
        self.hub = EventHub()
        self.instance = secrets.token_hex(6)  # a restarted server numbers its renders from 1 again
        self.meta: dict | None = None
        self.values: dict[str, Any] = {}
        self.drawn: list[str] = []  # parameters whose current value came from the seed's hash
        self.error: dict | None = None
        self.busy = False
        self.current: RenderRecord | None = None
        self.renders: OrderedDict[int, RenderRecord] = OrderedDict()
        self.thumbs: OrderedDict[int, dict] = OrderedDict()
        self.grid: dict | None = None
        self.reloads = 0
        self.scheduler: RenderScheduler | None = None
        self.scorer = None
        self.taster = None  # TasteScorer when taste is on
        self.loop: asyncio.AbstractEventLoop | None = None
        self._ids = itertools.count(1)
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task] = []
        self._taste_lock: asyncio.Lock | None = None

    @property
    def likes_dir(self) -> Path:
        """Where Like (and Skip, in its skipped/) writes: the taste folder when there is one."""
        return Path(self.taste) if self.taste is not None else self.out_dir / "likes"

    # ------------------------------------------------------------ lifecycle
    async def start(self) -> None:
        self.loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        self.scheduler = RenderScheduler(WorkerProcess(self.sketch_path), self.timeout)
        if self.prompt:
            from gencraft.live.scorer import ClipScorer

            self.scorer = ClipScorer(self.prompt, self.clip_model)
            self._tasks.append(asyncio.create_task(self._warm_scorer()))
        if self.taste is not None:
            from gencraft.live.scorer import TasteScorer

            self._taste_lock = asyncio.Lock()
            self.taster = TasteScorer(self.likes_dir, self.sketch_path.stem, self.clip_model)
            self._tasks.append(asyncio.create_task(self._taste_update()))
        self.request_render("start")
        if self.watch:
            from gencraft.live.watcher import watch_sketch

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
                "size": list(self.size) if self.size else None, "plotter": self.plotter, **extra}

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
                                  payload["meta"], payload["values"], payload["recipe"]["seed"], payload["ms"],
                                  plot=payload.get("plot"))
            self.renders[rid] = record
            while len(self.renders) > KEEP_RENDERS:
                self.renders.popitem(last=False)
            self.current = record
            self.meta, self.values, self.error = payload["meta"], payload["values"], None
            self.drawn = payload.get("drawn", [])
            for name in payload["dropped"]:
                self.overrides.pop(name, None)
            self.hub.publish("render", {**record.summary(), "meta": record.meta, "overrides": self.overrides,
                                        "drawn": self.drawn, "dropped": payload["dropped"]})
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
        if mode == "seeds":  # neighbours keep what is pinned or locked; the rest each seed draws itself
            held = {**{k: v for k, v in self.values.items() if k in set(locked)}, **self.overrides}
        else:
            held = self.values
        cells = grid_cells(mode, rows * cols, self.seed, held, self.meta["params"], set(locked), lock_seed)
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
        if self.taster is not None:
            asyncio.ensure_future(self._taste_update())

    def adopt(self, gid: int, index: int) -> int:
        if self.grid is None or self.grid["id"] != gid or not 0 <= index < len(self.grid["cells"]):
            raise LookupError("that variant grid is gone; make a new one")
        cell = self.grid["cells"][index]
        self.seed = cell["seed"]
        self.overrides = dict(cell["overrides"])
        return self.request_render("variant adopted")

    def grid_order(self, by: str = "seed") -> list[int]:
        """The grid's cell indices in display order: as made ("seed"), or by taste, highest first.

        Cells not scored yet (or without a head) follow the scored ones, in their own order.
        """
        if by not in ("seed", "taste"):
            raise ValueError(f"order {by!r}: expected 'seed' or 'taste'")
        if self.grid is None:
            return []
        cells = self.grid["cells"]
        if by == "seed":
            return list(range(len(cells)))
        return sorted(range(len(cells)), key=lambda i: (cells[i].get("taste") is None, -(cells[i].get("taste") or 0), i))

    def variants(self, by: str = "seed") -> dict[str, Any]:
        """The grid's variants (seed, overrides, thumbnail, scores) in display order."""
        order = self.grid_order(by)
        if self.grid is None:
            return {"id": None, "order": by, "variants": []}
        out = []
        for i in order:
            cell, tid = self.grid["cells"][i], self.grid["thumbs"][i]
            thumb = self.thumbs.get(tid) if tid is not None else None
            out.append({"index": i, "seed": cell["seed"], "overrides": cell["overrides"], "thumb": tid,
                        "taste": cell.get("taste"), "score": thumb["score"] if thumb else None})
        return {"id": self.grid["id"], "order": by, "taste": self.taste_state(), "variants": out}

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

    def taste_state(self) -> dict[str, Any] | None:
        if self.taste is None:
            return None
        t = self.taster
        return {"folder": str(self.likes_dir.resolve()), "ready": bool(t and t.head is not None),
                "status": t.status if t else "taste: starting", "version": t.version if t else 0}

    async def _taste_update(self) -> None:
        """Refit if the likes folder changed, then score every grid thumbnail the current head has not."""
        if self.taster is None or self._taste_lock is None:
            return
        async with self._taste_lock:
            try:
                changed = await asyncio.to_thread(self.taster.refresh)
            except UserError as exc:
                self.hub.publish("notice", {"message": str(exc), "level": "error"})
                return
            except Exception as exc:  # noqa: BLE001 - the page keeps working without taste
                self.hub.publish("notice", {"message": f"taste: {type(exc).__name__}: {exc}", "level": "error"})
                return
            version = self.taster.version
            if changed:
                if self.grid is not None:
                    for cell in self.grid["cells"]:
                        cell.pop("taste", None)
                self.hub.publish("taste", {**self.taste_state(), "grid": self.grid["id"] if self.grid else None})
            grid = self.grid
            if grid is None or self.taster.head is None:
                return
            for index, tid in enumerate(list(grid["thumbs"])):
                thumb = self.thumbs.get(tid) if tid is not None else None
                if thumb is None or thumb.get("taste_version") == version:
                    continue
                try:
                    score = await asyncio.to_thread(self.taster.score, thumb["png"])
                except UserError:
                    return
                if self.grid is not grid or self.taster.version != version or score is None:
                    return  # a new grid or a refit: the next update scores it again
                thumb["taste"], thumb["taste_version"] = score, version
                grid["cells"][index]["taste"] = score
                self.hub.publish("score", {"target": "thumb", "kind": "taste", "grid": grid["id"], "index": index,
                                           "id": tid, "score": score, "order": self.grid_order("taste")})

    # ---------------------------------------------------------- save / like
    async def save(self, liked: bool = False, skipped: bool = False) -> dict[str, str]:
        """Save the current render: to OUT, to the likes folder (liked), or its skipped/ (skipped)."""
        record = self.current
        if record is None:
            raise UserError("nothing to save yet: the sketch has not rendered")
        if not record.complete:
            raise UserError("the animation is still rendering; save again when it plays")
        likes = self.likes_dir
        folder = likes / "skipped" if skipped else likes if liked else self.out_dir
        extra = {"liked": True} if liked else {"skipped": True} if skipped else {}
        if self.prompt is not None:
            extra.update({"prompt": self.prompt, "clip_score": record.score})
        paths = await asyncio.to_thread(save_render, folder, self.sketch_path.stem, list(record.frames),
                                        record.recipe, record.meta.get("fps"), extra)
        if liked or skipped:  # the last word counts: the same render is not both liked and skipped
            await asyncio.to_thread(_forget_same, Path(paths["png"]), likes if skipped else likes / "skipped")
        kind = "like" if liked else "skip" if skipped else "save"
        self.hub.publish("saved", {"kind": kind, "paths": paths})
        if (liked or skipped) and self.taster is not None:
            asyncio.ensure_future(self._taste_update())
        return paths

    def snapshot(self) -> dict[str, Any]:
        return {
            "instance": self.instance,
            "sketch": str(self.sketch_path),
            "meta": self.meta,
            "values": self.values,
            "drawn": self.drawn,
            "overrides": self.overrides,
            "seed": self.seed,
            "render": self.current.summary() if self.current else None,
            "error": self.error,
            "busy": self.busy,
            "out_dir": str(self.out_dir.resolve()),
            "likes_dir": str(self.likes_dir.resolve()),
            "taste": self.taste_state(),
            "prompt": self.prompt,
            "timeout": self.timeout,
            "grid": ({k: v for k, v in self.grid.items()} if self.grid else None),
            "plotter": self.plotter,
        }


def _forget_same(png: Path, folder: Path) -> None:
    """Remove from `folder` any PNG with the same bytes as `png` (with its JSON and GIF)."""
    if not folder.is_dir():
        return
    data = png.read_bytes()
    digest = hashlib.sha256(data).digest()
    for other in folder.glob("*.png"):
        if other.stat().st_size == len(data) and hashlib.sha256(other.read_bytes()).digest() == digest:
            for sibling in (other, other.with_suffix(".json"), other.with_suffix(".gif")):
                with contextlib.suppress(FileNotFoundError):
                    sibling.unlink()
