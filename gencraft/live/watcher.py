"""Notice when the sketch file is saved.

Editors save in different ways (write in place, or write a new file and
rename it over the old one), so the sketch's *folder* is watched and changes
are filtered to the sketch's own path. watchfiles (Rust ``notify``) does the
watching and groups a burst of events into one change.
"""
from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Awaitable, Callable

import watchfiles


def _same_file(a: str, target: Path) -> bool:
    try:
        return Path(a).resolve() == target
    except OSError:
        return False


async def watch_sketch(path: Path, on_change: Callable[[], Awaitable[None] | None],
                       stop_event: asyncio.Event) -> None:
    """Call `on_change()` each time `path` is written, until `stop_event` is set."""
    target = Path(path).resolve()
    folder = target.parent
    force_polling = os.environ.get("GENCRAFT_LIVE_POLL") == "1" or None
    async for changes in watchfiles.awatch(folder, watch_filter=lambda _c, p: _same_file(p, target),
                                           stop_event=stop_event, recursive=False, step=30,
                                           force_polling=force_polling):
        if changes and target.exists():
            result = on_change()
            if asyncio.iscoroutine(result):
                await result
