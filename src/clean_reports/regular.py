"""Reading regular files only: what a corpus, a rule file or a config file is.

A FIFO, socket or device can carry any name, ``report.txt`` or ``rules.yaml`` among them,
and reading one blocks for ever (a FIFO with no writer) or has effects of its own (some
devices). So a file is opened without waiting and judged by ``fstat`` of the opened
descriptor, not by its name: a file swapped for a FIFO after it was looked at is still
refused. O_NONBLOCK changes nothing when reading a regular file.
"""

from __future__ import annotations

import errno
import os
import stat

from .errors import FileFailure

_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def not_regular(mode: int) -> str | None:
    """Why a file of ``mode`` is not read, or None for a regular file: only regular files
    have an end to read to."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):  # what reading one has always said
        return os.strerror(errno.EISDIR)
    kind = next((name for test, name in _KINDS if test(mode)), "some other kind of file")
    return f"not a regular file but {kind}; not read"


def open_regular(path: str | os.PathLike[str]) -> int:
    """A descriptor to read ``path`` from, or a read failure if it is not a regular file.

    Callers that walk a corpus look at the name's ``stat`` first as well
    (:func:`not_regular`), so that in the usual case a device is not even opened.
    """
    try:
        handle = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError as exc:
        raise FileFailure("read", exc.strerror or str(exc)) from exc
    try:
        problem = not_regular(os.fstat(handle).st_mode)
    except OSError as exc:
        problem = exc.strerror or str(exc)
    if problem is not None:
        os.close(handle)
        raise FileFailure("read", problem)
    return handle


def read_regular(path: str | os.PathLike[str], limit: int) -> bytes:
    """Up to ``limit`` bytes of the regular file ``path`` (``limit + 1`` when it holds
    more, so that a caller can tell), or a read failure saying why not."""
    handle = open_regular(path)
    try:
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0:
            chunk = os.read(handle, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise FileFailure("read", exc.strerror or str(exc)) from exc
    finally:
        os.close(handle)
