"""Write files so that a reader (or a killed run) never sees half of one.

Everything gencraft writes goes to a temporary name in the destination folder and
is renamed into place when complete: `os.replace` is atomic on POSIX, so a file
either exists whole or not at all, even after `kill -9`.
"""
from __future__ import annotations

import contextlib
import errno
import glob
import os
import tempfile
from pathlib import Path
from typing import Iterator

from gencraft.errors import UserError


@contextlib.contextmanager
def atomic_path(dest: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path next to `dest`; rename it onto `dest` on success.

    On any exception the temporary file is removed and `dest` is untouched.
    """
    dest = Path(dest)
    folder = dest.parent if str(dest.parent) else Path(".")
    if not folder.is_dir():
        raise UserError(f"cannot write {str(dest)!r}: folder {str(folder)!r} does not exist")
    if not os.access(folder, os.W_OK):
        raise UserError(f"cannot write {str(dest)!r}: folder {str(folder)!r} is not writable")
    remove_orphaned_parts(dest)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.{os.getpid()}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise UserError(f"cannot write {str(dest)!r}: {exc.strerror.lower()}") from None
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, dest)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            tmp_path.unlink()
        if isinstance(exc, OSError) and exc.errno in _NO_SPACE:
            kept = "the existing file is kept" if dest.exists() else "nothing was written"
            raise UserError(f"cannot write {str(dest)!r}: {os.strerror(exc.errno).lower()} ({kept})") from None
        raise


_NO_SPACE = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def remove_orphaned_parts(dest: Path) -> None:
    """Delete temporary files for `dest` left by a writer that was killed (its pid is gone).

    The writer's pid is in the name (``.NAME.PID.xxxx.part``), so a file a live
    process is still writing is never touched.
    """
    folder = dest.parent if str(dest.parent) else Path(".")
    for part in folder.glob(f".{glob.escape(dest.name)}.*.part"):
        pid_text = part.name[len(dest.name) + 2:].split(".", 1)[0]
        if pid_text.isdigit() and not pid_alive(int(pid_text)):
            with contextlib.suppress(OSError):
                part.unlink()


def pid_alive(pid: int) -> bool:
    """True while process `pid` exists (this process included); shared by every stale-file check."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_bytes(dest: str | os.PathLike, data: bytes) -> None:
    """Atomically write `data` to `dest`."""
    with atomic_path(dest) as tmp:
        tmp.write_bytes(data)


def write_text(dest: str | os.PathLike, text: str) -> None:
    """Atomically write UTF-8 `text` to `dest`."""
    write_bytes(dest, text.encode("utf-8"))
