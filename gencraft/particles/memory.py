"""Memory estimates made *before* allocating, so huge requests fail clearly."""
from __future__ import annotations

import os

from gencraft.errors import UserError


def available_bytes() -> int:
    """Memory the OS says is available (MemAvailable), or a conservative guess."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 4 * 1024**3


def ensure_fits(nbytes: int, what: str, fraction: float = 0.6) -> None:
    """Raise UserError if ``nbytes`` exceeds ``fraction`` of available memory."""
    avail = available_bytes()
    if nbytes > fraction * avail:
        raise UserError(f"{what} would need {nbytes / 1e9:.2f} GB but only {avail / 1e9:.2f} GB of memory "
                        f"is available: use fewer particles/steps (or record=False / chunked density)")
