"""Reading regular files only: what a corpus, a rule file or a config file is.

:func:`stat` and :func:`read` are how every run reads a report: the size looked at
first, so that a file over the limit is refused unread, then the whole file.

A FIFO, socket or device can carry any name, ``report.txt`` or ``rules.yaml`` among them,
and reading one blocks for ever (a FIFO with no writer) or has effects of its own (some
devices). So a file is opened without waiting and judged by ``fstat`` of the opened
descriptor, not by its name: a file swapped for a FIFO after it was looked at is still
refused. O_NONBLOCK changes nothing when reading a regular file.
"""

from __future__ import annotations

import errno
import os
import stat as st

from .errors import FileFailure

_BLOCK = 1 << 16
_KINDS = (
    (st.S_ISFIFO, "a FIFO (named pipe)"),
    (st.S_ISSOCK, "a socket"),
    (st.S_ISCHR, "a character device"),
    (st.S_ISBLK, "a block device"),
)


def not_regular(mode: int) -> str | None:
    """Why a file of ``mode`` is not read, or None for a regular file: only regular files
    have an end to read to."""
    if st.S_ISREG(mode):
        return None
    if st.S_ISDIR(mode):  # what reading one has always said
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


def check_size(size: int, limit: int) -> None:
    """Refuse a file over ``limit`` bytes before reading it."""
    if size > limit:
        raise FileFailure("read", f"{size_text(size, limit)} is {_refusal(limit)}")


def size_text(size: int, limit: int) -> str:
    """``size`` (bytes, over ``limit``) written so that it reads as larger than the limit.

    Under a 1 MB limit the size is given in bytes; above, in MB with as many decimals as
    it takes to differ from the limit (1.000001 MB, not 1.0 MB, over a 1 MB limit).
    """
    if limit < 1_000_000:
        return f"{size:,} bytes"
    decimals = 1
    while decimals < 6 and f"{size / 1e6:.{decimals}f}" == f"{limit / 1e6:.{decimals}f}":
        decimals += 1
    return f"{size / 1e6:.{decimals}f} MB"


def _refusal(limit: int) -> str:
    return f"larger than the --max-size limit of {limit_text(limit)}; not read"


def limit_text(limit: int) -> str:
    """A --max-size limit of ``limit`` bytes as the flag gives it: MB, exactly (0.001 MB)."""
    return f"{limit / 1e6:.6f}".rstrip("0").rstrip(".") + " MB"


def read(path: str | os.PathLike[str], size: int, limit: int) -> bytes:
    """The whole file, or a failure: a file over ``limit`` bytes is refused, never half-read,
    and anything but a regular file (a FIFO put in its place since :func:`stat`) is refused
    unread, where reading would wait for ever."""
    check_size(size, limit)
    # System calls rather than a file object: io's and pathlib's layers cost more than
    # reading a report of a few KB. The first read asks for the size looked at (and a
    # byte more); a file that grew since is read on to the limit, a block at a time.
    pieces: list[bytes] = []
    handle = open_regular(path)
    try:
        total, wanted = 0, size + 1
        while piece := os.read(handle, wanted):
            pieces.append(piece)
            total += len(piece)
            if total > limit:
                break
            wanted = min(limit + 1 - total, _BLOCK)
    except OSError as exc:
        raise FileFailure("read", exc.strerror or str(exc)) from exc
    finally:
        os.close(handle)
    data = pieces[0] if len(pieces) == 1 else b"".join(pieces)
    if len(data) > limit:  # it grew since it was looked at
        raise FileFailure("read", f"the file grew and is now {_refusal(limit)}")
    return data


def stat(path: str | os.PathLike[str]) -> tuple[int, int]:
    """A regular file's (mtime in ns, size), or a read failure: a FIFO, a socket or a
    device is refused here, before anything opens it (opening a FIFO waits for a writer)."""
    info = stat_regular(path)
    return info.st_mtime_ns, info.st_size


def stat_regular(path: str | os.PathLike[str]) -> os.stat_result:
    """:func:`stat`'s whole answer, for the cache, which knows a file by all of it."""
    try:
        # os.stat, not Path.stat: a task's path is a string (cheap to send to a worker)
        info = os.stat(path)  # noqa: PTH116
    except OSError as exc:
        raise FileFailure("read", exc.strerror or str(exc)) from exc
    problem = not_regular(info.st_mode)
    if problem is not None:
        raise FileFailure("read", problem)
    return info
