"""Atomic file writes: a reader sees the old file or the new one, never half of either.

Data goes to a temporary file in the destination folder (same file system, so the
final rename is atomic), is flushed to disk when it must survive a power cut, and
replaces the destination with ``os.replace``. If anything fails or the run is
interrupted, the temporary file is removed and the destination is as it was.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import stat
from pathlib import Path

from .errors import FileFailure

TEMP_MARK = ".clean-reports-"
TEMP_SUFFIX = ".tmp"


_made_folders: set[str] = set()
_counter = itertools.count()


def atomic_write(
    path: str | os.PathLike[str],
    data: bytes,
    *,
    keep_mode_of: Path | None = None,
    durable: bool = True,
) -> None:
    """Write ``data`` to ``path`` atomically; ``keep_mode_of`` copies that file's permissions.

    The rename is atomic whatever happens to the process. ``durable`` also flushes the
    data to disk before the rename, so the file survives a power cut too: what a report
    rewritten in place needs, and what a clean copy that can be made again can skip.
    A new file gets the permissions the umask gives; creating it with them, and making
    each output folder once, keeps a write to four system calls on large corpora (and
    to plain strings: path objects cost more than the calls on small files).
    """
    target = os.fspath(path)
    folder, name = os.path.split(target)
    folder = folder or "."
    temp = f"{folder}/.{name}{TEMP_MARK}{os.getpid()}-{next(_counter)}{TEMP_SUFFIX}"
    try:
        if keep_mode_of is None and folder not in _made_folders:
            os.makedirs(folder, exist_ok=True)
            _made_folders.add(folder)
        mode = stat.S_IMODE(keep_mode_of.stat().st_mode) if keep_mode_of else 0o666
        handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, mode)
    except OSError as exc:
        raise FileFailure("write", f"cannot write {target}: {exc.strerror or exc}") from exc
    try:
        try:
            if keep_mode_of is not None:
                os.fchmod(handle, mode)  # exactly the original's, whatever the umask
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view) :]
            if durable:
                os.fsync(handle)
        finally:
            os.close(handle)
        os.replace(temp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError):
            raise FileFailure("write", f"cannot write {target}: {exc.strerror or exc}") from exc
        raise


def sweep_temp_files(folder: str | os.PathLike[str]) -> list[Path]:
    """Delete the temporary files an interrupted run (kill -9) left in ``folder``.

    Only names this module makes (``.NAME.clean-reports-XXXX.tmp``) are touched.
    """
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        if name.startswith(".") and TEMP_MARK in name and name.endswith(TEMP_SUFFIX):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def remove_if_present(path: str | os.PathLike[str]) -> None:
    """Delete ``path`` if it exists (a stale diff from an earlier run)."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise FileFailure("write", f"cannot remove stale {path}: {exc.strerror or exc}") from exc
