"""``gencraft.interact``: the live page in a notebook cell.

::

    ui = gencraft.interact("flow.py", seed=7)
    ui                                  # controls, the seed box and the image

Controls come from the declared parameters (:mod:`.controls`); moving one, or
stepping the seed, re-renders after a short quiet spell, newest request wins
(:mod:`.latest`). The sketch file is re-read on every render, so saving it
shows the edit on the next change (or ``ui.refresh()``); a parameter the edit
added or changed rebuilds the controls, and values that still fit are kept.
An error — in loading, drawing or the traits — shows as a message naming
file:line over the last good image, which stays, as on the live page.

From code: ``ui.set(seed=3, density=0.4)`` pins values and renders now,
``ui.unlock("density")`` lets the hash draw it again, ``ui.render`` is the
last good :class:`~gencraft.render.Render` (with its recipe), ``ui.error``
the current error (or None).
"""
from __future__ import annotations

import html
import json
import threading
import time
from pathlib import Path
from typing import Any, Mapping

from gencraft.errors import UserError
from gencraft.notebook import controls as ctl
from gencraft.notebook.latest import Latest
from gencraft.notebook.source import current, sketch_path
from gencraft.sketch import Sketch

#: the longest side of the image interact renders, unless given a size
PREVIEW = 600


class Interact:
    """Widget controls, a seed box and the render of a sketch, kept in step."""

    def __init__(self, sketch: Sketch | str | Path, seed: Any = 0, size: Any = None, *, preview: int = PREVIEW,
                 params: Mapping[str, Any] | None = None, delay: float = 0.15):
        from gencraft.render import parse_size

        w = ctl.require_ipywidgets()
        self._source = sketch
        self.path = sketch_path(sketch)
        self.size = parse_size(size) if size is not None else None
        self.preview = int(preview)
        self.seed = str(seed)
        self.overrides: dict[str, Any] = {}  # pinned values: moved controls and locked ones
        self.render = None          # the last good Render
        self.traits: dict = {}
        self.error: dict | None = None  # the live page's error info: message, file, line, details
        self.ms = 0.0
        self.renders = 0
        self.controls: dict[str, Any] = {}
        self.locks: dict[str, Any] = {}
        self._meta: list[dict] = []
        self._local = threading.local()   # .syncing: values set by a render, not by the user
        self._render_lock = threading.Lock()

        self.image = w.Image(format="png", layout=w.Layout(grid_area="view", max_width="100%", height="auto"))
        self.overlay = w.HTML(layout=w.Layout(grid_area="view", align_self="flex-start", display="none"))
        self.overlay.add_class("gencraft-error")
        self.status = w.HTML()
        self.status.add_class("gencraft-status")
        view = w.GridBox([self.image, self.overlay],
                         layout=w.Layout(grid_template_areas='"view"', grid_template_columns="100%"))
        self.seed_text, prev_, next_, dice = ctl.seed_controls(self.seed)
        self.seed_text.observe(self._on_seed_text, names="value")
        prev_.on_click(lambda _: self._set_seed(ctl.step_seed(self.seed, -1)))
        next_.on_click(lambda _: self._set_seed(ctl.step_seed(self.seed, +1)))
        dice.on_click(lambda _: self._set_seed(ctl.random_seed()))
        self.param_box = w.VBox()
        panel = w.VBox([w.HBox([self.seed_text, prev_, next_, dice]), self.param_box],
                       layout=w.Layout(width="400px", flex="0 0 auto"))
        self.widget = w.HBox([panel, w.VBox([view, self.status], layout=w.Layout(flex="1 1 320px"))],
                             layout=w.Layout(flex_flow="row wrap", align_items="flex-start"))
        self.widget.add_class("gencraft-interact")
        self._latest = Latest(lambda request: self._render_now(request), delay)
        try:
            self._pin(params or {})
        except UserError:
            if self._loads():
                raise  # a bad value for a sketch that loads: say so now
            self.overrides.update(params or {})  # the sketch is broken: keep them for when it is fixed
        self.refresh()

    def _loads(self) -> bool:
        try:
            current(self._source)
        except Exception:  # noqa: BLE001 - only asking
            return False
        return True

    # ------------------------------------------------------------ display
    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        if isinstance(bundle, dict) and "text/plain" in bundle:
            bundle["text/plain"] = repr(self)
        return bundle

    def __repr__(self) -> str:
        state = f"error {self.error['message']!r}" if self.error else f"{self.renders} renders"
        return f"<gencraft.interact {str(self.path)!r} seed {self.seed}: {state}>"

    # ----------------------------------------------------------- from code
    @property
    def values(self) -> dict:
        """The parameter values of the image shown (drawn and pinned alike)."""
        return self.render.params.to_dict() if self.render is not None else {}

    @property
    def recipe(self) -> dict | None:
        return self.render.recipe if self.render is not None else None

    def set(self, seed: Any = None, params: Mapping[str, Any] | None = None, **values: Any) -> None:
        """Pin `values` (checked against the sketch), change the seed, and render now."""
        self._pin({**(params or {}), **values})
        if seed is not None:
            self.seed = str(seed)
            self._sync(lambda: setattr(self.seed_text, "value", self.seed))
        self.refresh()

    def _pin(self, values: Mapping[str, Any]) -> None:
        """Pin `values`, each checked against the sketch (a bad one is a one-line UserError)."""
        if not values:
            return
        sk = current(self._source)
        sk.resolve(values)  # unknown names and bad values: the one-line error, with "did you mean"
        for name, value in values.items():
            self.overrides[name] = sk.params[name].check(value)

    def unlock(self, *names: str) -> None:
        """Let the seed's hash draw these parameters again (or reset fixed ones to their default); render now."""
        for name in names:
            self.overrides.pop(name, None)
        self.refresh()

    def refresh(self) -> None:
        """Re-read the sketch and render now, in this thread (a waiting request is dropped: this is newer)."""
        self._latest.cancel()
        self._render_now(self._request())

    def wait(self, timeout: float | None = 30.0) -> bool:
        """Block until a requested render has finished; False if `timeout` passed first."""
        return self._latest.wait(timeout)

    def close(self) -> None:
        """Stop rendering and close this cell's widgets (only its own)."""
        self._latest.cancel()
        for widget in [*self.controls.values(), *self.locks.values(), self.image, self.overlay, self.status,
                       self.seed_text, self.param_box, self.widget]:
            widget.close()

    # ----------------------------------------------------------- the user
    def _request(self) -> dict:
        return {"seed": self.seed, "overrides": dict(self.overrides)}

    def _submit(self) -> None:
        self._latest.submit(self._request())

    @property
    def _syncing(self) -> bool:
        return getattr(self._local, "syncing", False)

    def _set_seed(self, seed: str) -> None:
        self.seed = seed
        self._sync(lambda: setattr(self.seed_text, "value", seed))
        self._submit()

    def _on_seed_text(self, change) -> None:
        if self._syncing:
            return
        self.seed = str(change["new"]).strip() or "0"
        self._submit()

    def _on_control(self, name: str, change) -> None:
        if self._syncing:
            return
        self.overrides[name] = change["new"]
        if name in self.locks:  # moving a varying parameter locks it, as on the live page
            self._sync(lambda: ctl.show_lock(self.locks[name], True))
        self._submit()

    def _on_lock(self, name: str, change) -> None:
        if self._syncing:
            return
        if change["new"]:
            self.overrides[name] = self.controls[name].value
        else:
            self.overrides.pop(name, None)
        self._sync(lambda: ctl.show_lock(self.locks[name], bool(change["new"])))
        self._submit()

    def _sync(self, fn) -> None:
        """Run `fn` (which sets widget values) without it counting as the user's change."""
        before = self._syncing
        self._local.syncing = True
        try:
            fn()
        finally:
            self._local.syncing = before

    # ----------------------------------------------------------- rendering
    def _render_now(self, request: dict) -> None:
        from gencraft.live.worker import error_info, thumb_size, tolerant_resolve
        from gencraft.render import render
        from gencraft.seeds import parse_seed

        with self._render_lock:
            started = time.perf_counter()
            try:
                sk = current(self._source)
                meta = [p.describe() for p in sk.params.values()]
                params, _, dropped = tolerant_resolve(sk, request["overrides"])
                size = self.size or thumb_size(sk.default_size, self.preview)
                result = render(sk, params, request["seed"], size)
                traits = sk.call_features(parse_seed(request["seed"]).rng(), result.params)
            except Exception as exc:  # noqa: BLE001 - every failure goes over the last good image
                self._show_error(error_info(exc, self.path))
                return
            self.ms = (time.perf_counter() - started) * 1000.0
            for name in dropped:  # removed from the sketch, or out of its new range
                self.overrides.pop(name, None)
            self._sync(lambda: self._show(sk, meta, result, traits))

    def _show(self, sk: Sketch, meta: list[dict], result, traits: dict) -> None:
        if json.dumps(meta, sort_keys=True, default=str) != json.dumps(self._meta, sort_keys=True, default=str):
            self._build_controls(meta)
        by_name = {d["name"]: d for d in meta}
        for name, value in result.params.items():
            control = self.controls.get(name)
            if control is not None:
                control.value = ctl.widget_value(by_name[name], value)
            if name in self.locks:
                ctl.show_lock(self.locks[name], name in self.overrides)
        self.render, self.traits, self.error = result, traits, None
        self.renders += 1
        self.image.value = result._repr_png_()
        self.overlay.layout.display = "none"
        self.overlay.value = ""
        w, h = result.recipe["size"]
        bits = [f"<b>{html.escape(sk.title)}</b>", f"seed {html.escape(str(result.seed))}", f"{w}×{h}",
                f"{self.ms:.0f} ms"]
        bits += [f"{html.escape(str(k))}: {html.escape(str(v))}" for k, v in traits.items()]
        self.status.value = "<span style='opacity:.8'>" + " · ".join(bits) + "</span>"

    def _build_controls(self, meta: list[dict]) -> None:
        w = ctl.require_ipywidgets()
        for widget in [*self.controls.values(), *self.locks.values()]:
            widget.close()
        self.controls, self.locks, rows = {}, {}, []
        for d in meta:
            control = ctl.control_for(d)
            control.observe(lambda change, n=d["name"]: self._on_control(n, change), names="value")
            self.controls[d["name"]] = control
            lock = ctl.lock_for(d)
            if lock is not None:
                lock.observe(lambda change, n=d["name"]: self._on_lock(n, change), names="value")
                self.locks[d["name"]] = lock
            rows.append(w.HBox([control, lock]) if lock is not None else control)
        if not meta:
            rows.append(w.HTML("<i>this sketch declares no parameters</i>"))
        self.param_box.children = rows
        self._meta = meta

    def _show_error(self, info: dict) -> None:
        self.error = info
        where = f"{info['file']}:{info['line']}" if info.get("file") else str(self.path)
        message = info["message"]
        if info.get("file") and message.startswith(where):  # the heading says where already
            message = message[len(where):].lstrip(":0123456789 ")
        details = (info.get("details") or "").rstrip()
        body = f"<b>{html.escape(where)}</b>\n{html.escape(message)}"
        if details:
            body += f"\n\n{html.escape(details)}"
        self._sync(lambda: self._set_overlay(body))

    def _set_overlay(self, body: str) -> None:
        self.overlay.value = (
            "<div style='margin:10px;padding:10px 12px;background:rgba(22,20,24,.9);color:#ffd9d2;"
            "border-left:4px solid #e4572e;border-radius:3px;font:12px/1.45 ui-monospace,Menlo,monospace;"
            f"white-space:pre-wrap;max-height:420px;overflow:auto'>{body}</div>")
        self.overlay.layout.display = None
        kept = "the image is the last good render" if self.render is not None else "no render yet"
        self.status.value = f"<span style='color:#c0392b'>error</span> · {kept}"


def interact(sketch: Sketch | str | Path, seed: Any = 0, size: Any = None, *, preview: int = PREVIEW,
             params: Mapping[str, Any] | None = None, delay: float = 0.15) -> Interact:
    """Controls for `sketch`'s parameters and seed, re-rendering on change (see the module docstring).

    size: the render size (default: the sketch's SIZE scaled to fit `preview` pixels);
    params: values to start pinned; delay: the quiet spell, in seconds, before a change renders.
    """
    return Interact(sketch, seed, size, preview=preview, params=params, delay=delay)
