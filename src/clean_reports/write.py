"""Atomic file writes: a reader sees the old file or the new one, never half of either.

Data goes to a temporary file in the destination folder (same file system, so the
final rename is atomic) and then takes the destination's place. If anything fails or
the run is interrupted, the temporary file is removed and the destination is as it was.

Two kinds of write: :func:`atomic_write` makes an output (a clean copy, a diff, a
report) that only this tool writes; :func:`replace_in_place` rewrites a user's report,
which other processes may be changing at the same moment, and so swaps the new file in
and checks that the file it displaced is exactly the one that was read.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import itertools
import os
import re
import stat
import time
import zlib
from collections.abc import Callable

from .errors import FileFailure

TEMP_MARK = ".clean-reports-"
TEMP_SUFFIX = ".tmp"
# A temporary file made on another machine (a shared folder) is taken for abandoned
# only when nothing wrote to it for this long: there, whether its process lives cannot
# be seen, and no write takes a day.
STALE_AFTER = 86_400.0
DIFF_SUFFIX = ".diff"
NAME_MAX = 255  # bytes in one file name on every file system the tool is used on

_TEMP_NAME = re.compile(
    rf"\..*{re.escape(TEMP_MARK)}([0-9a-f]{{8}})-(\d+)-[^/]*{re.escape(TEMP_SUFFIX)}", re.S
)
_counter = itertools.count()
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def temp_name(target: str, tag: str = "") -> str:
    """A temporary file's path beside ``target``, unique to this process and call.

    ``.NAME.clean-reports-HOST-PID-N.tmp``: the machine and the process are what let a
    later run tell an abandoned temporary file from a live one. When ``NAME`` is so long
    that the whole would not fit in a file name, ``NAME`` is shortened: a file whose own
    name fits can always be written.
    """
    folder, name = os.path.split(target)
    suffix = f"{TEMP_MARK}{_host()}-{os.getpid()}-{next(_counter)}{tag}{TEMP_SUFFIX}"
    room = NAME_MAX - 1 - len(os.fsencode(suffix))
    encoded = os.fsencode(name)
    if len(encoded) > room:
        name = os.fsdecode(encoded[:room])
    return os.path.join(folder, f".{name}{suffix}")


def diff_name(target: str) -> str:
    """The path of the diff beside the clean copy ``target``: ``NAME.diff``, or, when
    that would not fit in a file name (NAME is 251 bytes or more), NAME cut short with a
    checksum of the whole name, so that every file whose own name fits gets its diff."""
    folder, name = os.path.split(target)
    encoded = os.fsencode(name)
    if len(encoded) + len(DIFF_SUFFIX) <= NAME_MAX:
        return f"{target}{DIFF_SUFFIX}"
    mark = f"~{zlib.crc32(encoded):08x}".encode()
    cut = encoded[: NAME_MAX - len(mark) - len(DIFF_SUFFIX)]
    while cut and (cut[-1] & 0xC0) == 0x80:  # not in the middle of a UTF-8 character
        cut = cut[:-1]
    if cut and cut[-1] >= 0xC0:
        cut = cut[:-1]
    return os.path.join(folder, os.fsdecode(cut + mark) + DIFF_SUFFIX)


def atomic_write(path: str | os.PathLike[str], data: bytes, *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` atomically, making its folder if need be.

    ``durable`` also flushes the data to disk before the rename, so the file survives
    a power cut too; a clean copy that can be made again skips it. A new file gets the
    permissions the umask gives. The folder is made only when creating the temporary
    file finds it missing: no system call more per file in the usual case, and nothing
    remembered between runs.
    """
    target = os.fspath(path)
    temp = temp_name(target)
    try:
        try:
            handle = _create(temp, 0o666)
        except FileNotFoundError:
            os.makedirs(os.path.dirname(target) or ".", exist_ok=True)
            handle = _create(temp, 0o666)
    except OSError as exc:
        raise _failure(target, exc) from exc
    try:
        _fill(handle, data, durable)
        os.replace(temp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError):
            raise _failure(target, exc) from exc
        raise


def replace_in_place(path: str, data: bytes, original: bytes) -> str | None:
    """Replace the report at ``path``, read as ``original``, with ``data``; or refuse.

    Nothing another process did to the file is lost: the new file is written beside
    it, flushed to disk, and swapped with the report in one step (``renameat2`` with
    ``RENAME_EXCHANGE``); then the file it displaced is compared with ``original``.
    If they differ, the report was changed (appended to, or saved by an editor)
    while it was being cleaned: the swap is undone and the file fails. A report
    deleted meanwhile stays deleted. Where the swap is not available, the report is
    looked at just before an ordinary rename, which leaves a window of a few system
    calls. The owner, group and permissions are kept; a file this user may not write,
    a file with several hard links (replacing it would split them) and one whose owner
    cannot be kept are refused with the reason.

    Returns a note for the user, or ``None``: a file with no write permission that the
    superuser may write anyway is rewritten, as black, ruff and ``sed -i`` do, but
    never silently.
    """
    try:
        info = os.stat(path)
    except OSError as exc:
        raise FileFailure("write", _deleted_or(exc)) from exc
    note = _check_replaceable(path, info)
    temp = temp_name(path)
    mode = stat.S_IMODE(info.st_mode)
    swapped = verified = False
    try:
        handle = _create(temp, mode)
    except OSError as exc:
        raise _failure(path, exc) from exc
    try:
        try:
            os.fchmod(handle, mode)  # exactly the original's, whatever the umask
            if (info.st_uid, info.st_gid) != _owner(handle):
                os.fchown(handle, info.st_uid, info.st_gid)
        except OSError as exc:
            os.close(handle)
            raise FileFailure(
                "write", f"cannot keep the owner and permissions of {path}: {_reason(exc)}"
            ) from exc
        _fill(handle, data, durable=True)
        _unchanged_since_read(path, info, original)
        if exchange_supported() and _swap(temp, path):
            swapped = True
            _verify_displaced(temp, path, original, data, info)
            verified = True
        else:
            _unchanged_since_read(path, info, original)
            os.replace(temp, path)
    except BaseException as exc:
        if not swapped or verified or isinstance(exc, FileFailure):
            # (Interrupted between the swap and the check, the displaced report is
            # left where it is rather than deleted unchecked.)
            with contextlib.suppress(OSError):
                os.unlink(temp)
        if isinstance(exc, OSError):
            raise _failure(path, exc) from exc
        raise
    with contextlib.suppress(FileNotFoundError):
        os.unlink(temp)  # the displaced original, verified
    return note


def _check_replaceable(path: str, info: os.stat_result) -> str | None:
    """Refuse what a careful fixer would not rewrite, saying why; or a note on what is
    rewritten although it looks protected.

    Whether a file may be written is the operating system's decision (``access``), as
    for every fixer that opens the file to write it: the rename this uses instead would
    otherwise replace a file its user could not have written.
    """
    if not stat.S_ISREG(info.st_mode):
        raise FileFailure("write", "not a regular file; not rewritten")
    if info.st_nlink > 1:
        raise FileFailure(
            "write",
            f"the file has {info.st_nlink} hard links; not rewritten "
            "(replacing it would split them, writing through would change every name)",
        )
    mode = stat.S_IMODE(info.st_mode)
    if not os.access(path, os.W_OK):
        raise FileFailure("write", f"the file is read-only (mode {mode:04o}); not rewritten")
    if not info.st_mode & 0o222:
        return f"read-only, mode {mode:04o}: rewritten with the superuser's rights, mode kept"
    return None


def _verify_displaced(
    displaced: str, path: str, original: bytes, data: bytes, info: os.stat_result
) -> None:
    """After the swap: the file that left ``path`` must be the one read, with the
    permissions and owner it had (a chmod meanwhile is a change too, which the clean copy
    made with the old mode would undo); else swap back."""
    try:
        intact = _same_attributes(os.stat(displaced), info) and _read(displaced) == original
    except OSError:
        intact = False
    if intact:
        return
    _swap(displaced, path)  # the changed report back in its place
    try:
        ours = _read(displaced) == data
    except OSError:
        ours = False
    if not ours:  # someone wrote to the clean copy in the instant it was in place: keep it
        kept = temp_name(path, "-kept")
        with contextlib.suppress(OSError):
            os.rename(displaced, kept)
        raise FileFailure(
            "write",
            f"the file changed while it was being cleaned; left as it is, and what was "
            f"written to the clean version meanwhile is kept in {kept}",
        )
    raise FileFailure("write", "the file changed while it was being cleaned; left as it is")


def _unchanged_since_read(path: str, info: os.stat_result, original: bytes) -> None:
    try:
        now = os.stat(path)
    except OSError as exc:
        raise FileFailure("write", _deleted_or(exc)) from exc
    same = (now.st_ino, now.st_dev, now.st_mtime_ns, now.st_size)
    if same != (info.st_ino, info.st_dev, info.st_mtime_ns, len(original)) or not (
        _same_attributes(now, info)
    ):
        raise FileFailure("write", "the file changed while it was being cleaned; left as it is")


def _same_attributes(now: os.stat_result, then: os.stat_result) -> bool:
    """The permissions and owner the clean version is given are those read at first."""
    return (now.st_mode, now.st_uid, now.st_gid) == (then.st_mode, then.st_uid, then.st_gid)


def _swap(first: str, second: str) -> bool:
    """Exchange two names atomically; False where the file system cannot."""
    exchange = _renameat2()
    assert exchange is not None
    if exchange(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE):
        code = ctypes.get_errno()
        if code == errno.ENOENT and os.path.lexists(first):
            raise FileFailure(
                "write", "the file was deleted while it was being cleaned; not made again"
            )
        if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EPERM):
            return False
        raise OSError(code, os.strerror(code), second)
    return True


def exchange_supported() -> bool:
    """Whether this system can swap two names atomically (Linux 3.15+, glibc 2.28+)."""
    return _renameat2() is not None


@functools.cache
def _renameat2() -> Callable[..., int] | None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        function = libc.renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    function.restype = ctypes.c_int
    return function


def sweep_temp_files(folder: str | os.PathLike[str]) -> list[str]:
    """Delete the temporary files that killed runs left in ``folder``; return their paths.

    Only names this module makes are looked at, and only a provably abandoned one is
    removed: one made on this machine by a process that no longer exists, or one made
    elsewhere that nothing wrote to for :data:`STALE_AFTER` seconds. Another run's live
    file, or one of this run's workers', is never touched.
    """
    removed: list[str] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        found = _TEMP_NAME.fullmatch(entry.name)
        if found is None:
            continue
        with contextlib.suppress(OSError):
            if found.group(1) == _host():
                abandoned = not _alive(int(found.group(2)))
            else:
                age = time.time() - entry.stat(follow_symlinks=False).st_mtime
                abandoned = age > STALE_AFTER
            if abandoned:
                os.unlink(entry.path)
                removed.append(entry.path)
    return removed


@functools.cache
def _host() -> str:
    """This machine, as 8 hex digits: its name and boot, so a container or a reboot is
    another machine (its processes' numbers mean nothing here)."""
    boot = ""
    with (
        contextlib.suppress(OSError),
        open("/proc/sys/kernel/random/boot_id", encoding="ascii") as handle,
    ):
        boot = handle.read().strip()
    machine = f"{os.uname().nodename}\0{boot}".encode()
    return f"{zlib.crc32(machine):08x}"


def _alive(pid: int) -> bool:
    """Whether process ``pid`` of this machine still runs (a zombie does not)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # another user's process, or a number this machine cannot judge
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rpartition(b")")[2].split()[0] != b"Z"
    except (OSError, IndexError):
        return True


def remove_if_present(path: str | os.PathLike[str]) -> None:
    """Delete ``path`` if it exists (a stale diff from an earlier run)."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise FileFailure("write", f"cannot remove stale {path}: {_reason(exc)}") from exc


def _create(temp: str, mode: int) -> int:
    return os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, mode)


def _fill(handle: int, data: bytes, durable: bool) -> None:
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view) :]
        if durable:
            os.fsync(handle)
    finally:
        os.close(handle)


def _read(path: str) -> bytes:
    handle = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
    try:
        pieces = []
        while piece := os.read(handle, 1 << 20):
            pieces.append(piece)
        return b"".join(pieces)
    finally:
        os.close(handle)


def _owner(handle: int) -> tuple[int, int]:
    info = os.fstat(handle)
    return info.st_uid, info.st_gid


def _deleted_or(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "the file was deleted while it was being cleaned; not made again"
    return _reason(exc)


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _failure(target: str, exc: OSError) -> FileFailure:
    return FileFailure("write", f"cannot write {target}: {_reason(exc)}")


# --- the output folder's tag, and what its earlier runs left behind ----------------------

OUTPUT_TAG = "CLEAN-REPORTS.TAG"
OUTPUT_TAG_SIGNATURE = "Signature: clean-reports output folder"
_TAG_TEXT = f"""{OUTPUT_TAG_SIGNATURE}
# This folder holds the clean copies, diffs and summary.json that clean-reports wrote.
# clean-reports does not read it as input when it walks a folder that contains it
# (as tools skip folders tagged with CACHEDIR.TAG). Delete this file to read it again.
"""


def tag_output_folder(folder: str | os.PathLike[str]) -> None:
    """Mark ``folder`` as an output folder of this tool, making it if need be.

    A tag already there is left as it is, and so is a file of that name that is not
    this tool's (it is never overwritten).
    """
    os.makedirs(folder, exist_ok=True)
    tag = os.path.join(folder, OUTPUT_TAG)
    if not os.path.lexists(tag):
        atomic_write(tag, _TAG_TEXT.encode("utf-8"), durable=False)


def digest(path: str | os.PathLike[str]) -> tuple[int, str] | None:
    """The size and SHA-256 of the regular file ``path``, or None if it cannot be read.

    A link is not followed, so what is weighed is the file the folder holds.
    """
    try:
        handle = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK | os.O_NOFOLLOW)
    except OSError:
        return None
    import hashlib  # here, not at start-up: only out-dir runs weigh their outputs

    hasher = hashlib.sha256()
    size = 0
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            return None
        while chunk := os.read(handle, 1 << 20):
            hasher.update(chunk)
            size += len(chunk)
    except OSError:
        return None
    finally:
        os.close(handle)
    return size, hasher.hexdigest()


def remove_unchanged(path: str, size: int, sha256: str) -> str | None:
    """Delete ``path`` if it is still the file recorded as ``size`` bytes of ``sha256``;
    None when it was removed, else why it was left."""
    found = digest(path)
    if found is None:
        return "it is not a regular file that can be read"
    if found != (size, sha256):
        return "it changed since clean-reports wrote it"
    try:
        os.unlink(path)
    except OSError as exc:
        return f"it cannot be removed: {_reason(exc)}"
    return None
