"""A sketch's error in a notebook: the message naming file:line and the sketch's own frames.

The CLI prints a sketch's error as one line; the live page shows it over the
last good render. In a notebook :func:`notebook_error` turns it into an
exception whose ``_render_traceback_`` (a plain method IPython looks for)
shows that message and the frames inside the sketch file, not gencraft's.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from gencraft.errors import SketchError
from gencraft.live.worker import error_info


class NotebookSketchError(SketchError):
    """A sketch failed (or was given bad input) while a notebook helper ran it."""

    def __init__(self, message: str, info: dict[str, Any]):
        super().__init__(message)
        self.info = info  # message, file, line, details: what the live page's overlay gets

    def _render_traceback_(self) -> list[str]:
        lines = [f"\x1b[0;31mSketchError\x1b[0m: {self.info['message']}"]
        details = (self.info.get("details") or "").rstrip()
        if details:
            lines += ["", "In the sketch:", *details.splitlines()]
        return lines


def notebook_error(exc: BaseException, path: Path, what: str = "") -> NotebookSketchError:
    """`exc` (a UserError from loading or drawing the sketch at `path`) as a notebook's error."""
    info = error_info(exc, path)
    if what:
        info["message"] = f"{what}: {info['message']}"
    return NotebookSketchError(info["message"], info)
