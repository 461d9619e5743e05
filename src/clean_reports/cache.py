"""Findings remembered between runs, so that an unchanged file is not checked twice.

A corpus repository is checked on every push and every commit, and between two runs
almost nothing changes; ruff and black skip unchanged files the same way. An entry is
keyed by a hash of the file's bytes — not its modification time: a fresh clone in CI
has new times but the same bytes, so a cache restored from an earlier run still hits —
together with everything else the findings depend on: the rules that apply to the file,
a forced encoding, ``--text-field`` and the rules' time limit (under which a rule may
time out, and the file fail). The cache file carries the tool's version, so
an upgrade starts afresh. Only findings are remembered, never a failure: a file that
failed is tried again.

Reading and hashing every file is most of what a run over an unchanged corpus costs, so
the cache also remembers, for each file it read, its metadata then (device, inode, size,
modification and change times, to the nanosecond) beside the hash of its bytes, as git's
index does. A file whose metadata are all still the same is known by that hash, unread.
A write changes the change time, which no program can set back (``touch -d`` sets the
modification time, and changes the change time), and a file saved by renaming has a new
inode. Times have a grain, though (a kernel tick; two seconds on FAT), and a file written
twice within one tick keeps its times: so a file is remembered this way only when it was
last changed :data:`SETTLED_NS` before it was looked at (git's "racily clean" entries
are the same problem). A file's metadata are trusted for :data:`REFRESH_SECONDS` at most;
then it is read again, once. (A write through a shared memory map may leave the times as
they were: on Linux only the first write to a page, until it is next written back,
updates them. Git, make and rsync have the same blind spot; ``--no-cache`` has none.)

A cache must never change an answer, and its file can be damaged (a crash of the machine,
a disk, a cache restored from somewhere else) or edited. So each entry is stored with a
checksum of what it holds and of the key it holds it for, and an entry is used only when
that checksum, the entry's shape and its rule ids all hold: anything else is a miss, the
file is checked again and the entry overwritten. The checksum is no signature: whoever
can write the cache folder and knows how it is made can make an entry that passes, as
they could edit the tool itself; it catches damage, and an entry moved to another key.

The entries live in an SQLite database (Python's own ``sqlite3``): a run that checks one
file (a pre-commit hook) looks up one row instead of loading the cache of the whole
corpus, and worker processes each read it through their own connection. Entries that
no run has used for :data:`KEEP_SECONDS` (30 days, as ruff keeps its entries) are
dropped when a run saves: by time, not by a count of runs, so that the many small runs
of a pre-commit hook do not push out what a full check of the corpus remembered. When
an entry was last used is kept apart from what it holds, with an index: marking the
hits of a run rewrites a small table, not every remembered finding, and finding the
entries to drop reads that index, not the whole cache (a one-file run beside the
cache of a large corpus).
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._hash import blake2b
from .cachedir import CACHE_DIR, checksum, intact, prepare
from .model import FileResult, Match, Mode, Seen, Status, Task, Totals
from .rules import Rule
from .tables import is_table
from .version import __version__
from .work import Work

if TYPE_CHECKING:
    import sqlite3

KEEP_SECONDS = 30 * 24 * 3600
# Results held in memory before they are stored: a run's memory does not grow with its
# corpus (a check of 45,295 reports held 2.3 KB a report until the end, 100 MB in all).
STORE_EVERY = 10_000
REFRESH_SECONDS = KEEP_SECONDS // 2
SETTLED_NS = 2_000_000_000
DATABASE = "findings-v6.sqlite"
# Earlier layouts, deleted when a run saves (v5 knew no file by its metadata).
OLD_DATABASES = (
    "findings-v1.sqlite",
    "findings-v2.sqlite",
    "findings-v3.sqlite",
    "findings-v4.sqlite",
    "findings-v5.sqlite",
)
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (version TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS findings "
    "(key TEXT PRIMARY KEY, payload TEXT NOT NULL, checksum TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS usage "
    "(key TEXT PRIMARY KEY, last_used INTEGER NOT NULL) WITHOUT ROWID",  # Unix seconds
    "CREATE INDEX IF NOT EXISTS usage_by_time ON usage (last_used)",
    # A file read earlier: its absolute path (bytes), metadata and digest then, the key
    # of its findings under the rules of that run, when (Unix seconds), and a checksum
    # of all of it, the path included: a row (or its digest) moved to another file's
    # path is not that file's.
    "CREATE TABLE IF NOT EXISTS files (path BLOB PRIMARY KEY, signature TEXT NOT NULL, "
    "digest TEXT NOT NULL, key TEXT NOT NULL, recorded INTEGER NOT NULL, "
    "checksum TEXT NOT NULL) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS files_by_time ON files (recorded)",
)
_COLUMNS = {
    "meta": ["version"],
    "findings": ["key", "payload", "checksum"],
    "usage": ["key", "last_used"],
    "files": ["path", "signature", "digest", "key", "recorded", "checksum"],
}
_FILES = "files"  # what the checksums of the files' rows are keyed by
# The rows of the file at a path and of those after it in path order, which a walk
# takes next, with their entries: reading rows in order costs a quarter of looking each
# one up (5.1 against 19.3 µs a row, on the cache of the bench corpus).
_READ_AHEAD = (
    "SELECT files.path, files.signature, files.digest, files.key, files.recorded, "
    "files.checksum, findings.payload, findings.checksum "
    "FROM files LEFT JOIN findings USING (key) "
    "WHERE files.path >= ? ORDER BY files.path LIMIT ?"
)
AHEAD = (1, 256)  # the fewest and most rows read at once; it starts at the fewest


__all__ = ["CACHE_DIR", "Cache", "CachedWork"]


@dataclass
class Cache:
    """One cache folder, as one run sees it: looked up by :class:`CachedWork` in the
    workers, and a sink in the main process that collects what the run found or hit and
    stores it when the run closes (:meth:`save`).

    ``salt`` holds the run's options that change findings (forced encoding, text field,
    the rules' time limit).
    The database is opened on the first lookup, through a read-only connection per
    process (a missing one is empty).
    """

    folder: Path
    salt: str = ""
    new: dict[str, str] = field(default_factory=dict)  # key -> payload, found this run
    used: set[str] = field(default_factory=set)  # keys hit this run
    # path -> signature, digest, key: the files read this run, to know them unread
    seen: dict[bytes, tuple[str, str, str]] = field(default_factory=dict)
    _fingerprints: dict[tuple[str, ...], bytes] = field(default_factory=dict, repr=False)
    _reader: _Reader | None = field(default=None, repr=False)

    def __getstate__(self) -> dict[str, Any]:
        """Worker processes that are not forked get the cache without its connection."""
        return {**self.__dict__, "_reader": None}

    def _process_reader(self) -> _Reader:
        if self._reader is None or self._reader.pid != os.getpid():
            self._reader = _Reader(os.getpid(), _open_for_reading(self.folder / DATABASE))
        return self._reader

    def _connection(self) -> sqlite3.Connection | None:
        return self._process_reader().connection

    def key_of(self, digest: str, rules: Sequence[Rule], table: bool) -> str:
        """The entry for the bytes of this :func:`digest` under these rules (``table``:
        read as a dataset)."""
        ids = tuple(rule.id for rule in rules)
        fingerprint = self._fingerprints.get(ids)
        if fingerprint is None:
            described = [
                (r.id, r.description, r.pattern.pattern, r.pattern.flags, r.remove.value,
                 r.normalize, None if r.literals is None else r.literals.pattern)
                for r in rules
            ]  # fmt: skip
            text = json.dumps([__version__, self.salt, described], ensure_ascii=False)
            # Hashed once: each file's key then hashes 32 bytes after its own, not the
            # rules' few KB of patterns (a warm hit took 7.7 µs to make its key, now 4.4).
            fingerprint = blake2b(text.encode(), digest_size=32).digest()
            self._fingerprints[ids] = fingerprint
        key = blake2b(bytes.fromhex(digest), digest_size=20, key=b"t" if table else b"")
        key.update(fingerprint)
        return key.hexdigest()

    def get(self, key: str, rules: Sequence[Rule], path: str, size: int) -> FileResult | None:
        """The remembered result of the entry ``key`` for the file ``path``, if any."""
        connection = self._connection()
        if connection is None:
            return None
        import sqlite3

        try:
            row = connection.execute("SELECT payload, checksum FROM findings WHERE key = ?", (key,))
            found = row.fetchone()
        except sqlite3.Error:  # damaged: a miss, and the file is checked again
            return None
        if found is None:
            return None
        payload, check = found
        return self._hit(key, payload, check, rules, path, size)

    def recall(
        self, where: bytes, info: os.stat_result, rules: Sequence[Rule], table: bool, path: str
    ) -> FileResult | None:
        """The remembered result of the file at ``where`` (absolute) if its metadata are
        ``info``, exactly as when it was read, and not for too long: the file unread.

        The result has no key: there is nothing to store or to mark as used for it (the
        file's row is read again, and its entry used, when it is next read).
        """
        found = self._process_reader().row(where)
        if found is None:
            return None
        signature, digest, key, recorded, row_check, payload, check = found
        now = time.time()
        if (
            signature != signature_of(info)
            or not isinstance(digest, str)
            or not isinstance(recorded, int)
            or not now - REFRESH_SECONDS <= recorded <= now + SETTLED_NS / 1e9
            or not intact(_FILES, _file_row(where, signature, digest, key, recorded), row_check)
        ):
            return None
        try:
            expected = self.key_of(digest, rules, table)
        except ValueError:  # not a digest this version makes
            return None
        if expected != key:  # read under other rules: their findings are not these
            hit = self.get(expected, rules, path, info.st_size)
        else:
            hit = self._hit(key, payload, check, rules, path, info.st_size)
        return None if hit is None else hit._replace(key=None)

    def _hit(
        self,
        key: str,
        payload: object,
        check: object,
        rules: Sequence[Rule],
        path: str,
        size: int,
    ) -> FileResult | None:
        if not intact(key, payload, check):
            return None
        assert isinstance(payload, str)
        entry = _read_payload(payload, {rule.id: rule.description for rule in rules})
        if entry is None:
            return None
        encoding, bom, newline, matches = entry
        return FileResult(
            path,
            Status.CLEANED if matches else Status.UNCHANGED,
            encoding=encoding,
            bom=bom,
            newline=newline,
            matches=matches,
            size=size,
            key=key,
            cached=True,
        )

    def add(self, result: FileResult) -> None:
        """Remember a result (found or hit) this run; failures are never remembered."""
        key = result.key
        if key is None or result.status is Status.FAILED:
            return
        if result.cached:
            self.used.add(key)
        else:
            self.new[key] = _ENCODE(_payload(result))
        if result.seen is not None:
            self.seen[result.seen.path] = (result.seen.signature, result.seen.digest, key)
        if len(self.new) + len(self.used) + len(self.seen) >= STORE_EVERY:
            self.save()
            self.new.clear()
            self.used.clear()
            self.seen.clear()

    def close(self, totals: Totals) -> None:
        self.save()

    def abort(self, totals: Totals) -> None:
        """Ctrl-C: what is not stored yet is not (at most :data:`STORE_EVERY` results);
        the next run checks those files again."""

    def save(self) -> bool:
        """Store what this run found, mark what it hit as used, and drop the entries no
        run used for :data:`KEEP_SECONDS`. A cache that cannot be written
        costs only time: False, and the run carries on. A file that is not a database
        (any more) is replaced by one holding this run's findings."""
        if not self.new and not self.used and not self.seen:
            return True
        import sqlite3

        try:
            try:
                self._save()
            except sqlite3.OperationalError:  # locked, read-only, full: not the file's fault
                raise
            except sqlite3.DatabaseError:
                (self.folder / DATABASE).unlink()
                self._save()
        except (OSError, sqlite3.Error):
            return False
        return True

    def _save(self) -> None:
        import sqlite3

        prepare(self.folder)
        if _regular_or_absent(self.folder / DATABASE) is False:
            # Not a database but a FIFO, socket or the like: replaced, as a file that is
            # not a database is (a folder there cannot be, and the save fails).
            (self.folder / DATABASE).unlink()
        connection = sqlite3.connect(self.folder / DATABASE, timeout=30)
        try:
            # No waiting for the disk at each commit: a cache is worth only time. SQLite's
            # journal still makes a write all or nothing if the process dies; only a crash
            # of the machine can leave a file that is not a database, replaced above.
            connection.execute("PRAGMA synchronous = OFF")
            with connection:
                _drop_other_layouts(connection)
                for statement in _SCHEMA:
                    connection.execute(statement)
                meta = connection.execute("SELECT version FROM meta").fetchone()
                if meta is None or meta[0] != __version__:
                    for table in ("meta", "findings", "usage"):
                        connection.execute(f"DELETE FROM {table}")
                    connection.execute("INSERT INTO meta VALUES (?)", (__version__,))
                now = int(time.time())
                connection.executemany(
                    "UPDATE usage SET last_used = ? WHERE key = ?",
                    ((now, key) for key in self.used),
                )
                connection.executemany(
                    "INSERT OR REPLACE INTO findings VALUES (?, ?, ?)",
                    ((key, payload, checksum(key, payload)) for key, payload in self.new.items()),
                )
                connection.executemany(
                    "INSERT OR REPLACE INTO usage VALUES (?, ?)",
                    ((key, now) for key in self.new),
                )
                connection.executemany(
                    "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        (path, *row, now, checksum(_FILES, _file_row(path, *row, now)))
                        for path, row in self.seen.items()
                    ),
                )
                stale = "SELECT key FROM usage WHERE last_used < ?"
                connection.execute(
                    f"DELETE FROM findings WHERE key IN ({stale})", (now - KEEP_SECONDS,)
                )
                connection.execute("DELETE FROM usage WHERE last_used < ?", (now - KEEP_SECONDS,))
                connection.execute("DELETE FROM files WHERE recorded < ?", (now - KEEP_SECONDS,))
        finally:
            connection.close()
        for old in OLD_DATABASES:
            with contextlib.suppress(OSError):
                (self.folder / old).unlink()


def digest(data: bytes) -> str:
    """The hash of a file's bytes that its entries' keys are made from."""
    return blake2b(data, digest_size=32).hexdigest()


def signature_of(info: os.stat_result) -> str:
    """What a file is known by, unread: the metadata any change of its bytes changes."""
    return f"{info.st_dev}:{info.st_ino}:{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}"


def _file_row(path: bytes, *fields: object) -> str:
    """What a file's row holds, its path included, as its checksum covers it."""
    return "\0".join([path.hex(), *map(str, fields)])


def settled(info: os.stat_result, looked_ns: int) -> bool:
    """Whether a file looked at at ``looked_ns`` (Unix ns) was last changed long enough
    before that any later change shows in its times (see the module's docstring)."""
    return max(info.st_mtime_ns, info.st_ctime_ns) <= looked_ns - SETTLED_NS


class _Reader:
    """A process's read-only connection, and the rows of the files it read ahead.

    The walk gives files in path order, near enough, a worker every other chunk of them:
    so the rows after each one looked up are read with it, as many as the last read
    earned (doubled while at least a quarter of the rows it read ahead were used, halved
    while fewer than an eighth were), from one or two rows (a one-file run) to
    :data:`AHEAD`'s most.
    """

    def __init__(self, pid: int, connection: sqlite3.Connection | None) -> None:
        self.pid = pid
        self.connection = connection
        self.ahead: dict[bytes, tuple[Any, ...]] = {}
        self.size = AHEAD[0]
        self.used = 0

    def row(self, path: bytes) -> tuple[Any, ...] | None:
        """The stored row of the file at ``path``, without its path, if there is one."""
        found = self.ahead.pop(path, None)
        if found is not None:
            self.used += 1
            return found
        if self.connection is None:
            return None
        import sqlite3

        ahead = self.size - 1  # the rows the last read took past the one looked up
        if self.used * 4 >= ahead:
            self.size = min(self.size * 2, AHEAD[1])
        elif self.used * 8 < ahead:
            self.size = max(self.size // 2, AHEAD[0])
        try:
            rows = self.connection.execute(_READ_AHEAD, (path, self.size)).fetchall()
        except sqlite3.Error:
            rows = []
        self.ahead = {row[0]: row[1:] for row in rows if isinstance(row[0], bytes)}
        self.used = 0
        return self.ahead.pop(path, None)


def _drop_other_layouts(connection: sqlite3.Connection) -> None:
    """Drop the tables when one of them is not laid out as this version lays it out (a
    damaged or foreign file of the same name): they are made again, empty."""
    for table, columns in _COLUMNS.items():
        found = [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]
        if found and found != columns:
            for name in _COLUMNS:
                connection.execute(f"DROP TABLE IF EXISTS {name}")
            return


def _regular_or_absent(path: Path) -> bool | None:
    """True for a regular file, None when nothing is there, False for anything else: a
    FIFO in the database's place would make SQLite wait for ever, so it is never opened."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except FileNotFoundError:
        return None
    except OSError:
        return False


def _open_for_reading(path: Path) -> sqlite3.Connection | None:
    """A read-only connection to the cache, or ``None`` when there is none to read (or
    it is not one this version wrote: an upgrade starts afresh, or not a regular file)."""
    if not _regular_or_absent(path):
        return None
    import sqlite3

    try:
        connection = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, timeout=30)
        meta = connection.execute("SELECT version FROM meta").fetchone()
    except sqlite3.Error:
        return None
    if meta is None or meta[0] != __version__:
        connection.close()
        return None
    return connection


def _read_payload(
    payload: str, described: dict[str, str]
) -> tuple[str, bool, str | None, tuple[Match, ...]] | None:
    """An entry's encoding, byte-order mark, newline and matches, or ``None`` when it is
    not one :func:`_payload` makes for these rules (``described``: id -> description)."""
    try:
        value = json.loads(payload)
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, list) or len(value) != 4:
        return None
    encoding, bom, newline, raw = value
    if (
        not isinstance(encoding, str)
        or not isinstance(bom, bool)
        or not (newline is None or isinstance(newline, str))
        or not isinstance(raw, list)
    ):
        return None
    matches = []
    for fields in raw:
        if not isinstance(fields, list) or tuple(map(type, fields)) not in _MATCH_TYPES:
            return None
        rule_id, start, end, text, line, column, end_line, end_column, normalized, row = fields
        if (
            rule_id not in described
            or not 0 <= start <= end
            or end - start != len(text)
            or min(line, column, end_line, end_column) < 1
            or (line, column) > (end_line, end_column)
        ):
            return None
        matches.append(
            Match(rule_id, described[rule_id], start, end, text, line, column, end_line,
                  end_column, normalized, row)
        )  # fmt: skip
    return encoding, bom, newline, tuple(matches)


# The types of a match's fields in an entry, exactly (a bool is no position): the last,
# its row in a dataset, may be None. Compared as one tuple, a fifth of a cache hit's time
# went to checking them one by one.
_MATCH_TYPES: frozenset[tuple[type, ...]] = frozenset(
    (str, int, int, str, int, int, int, int, str, row) for row in (int, type(None))
)


def _payload(result: FileResult) -> list[Any]:
    """The part of a result that does not depend on where the file is: what is stored."""
    matches = [
        [m.rule_id, m.start, m.end, m.text, m.line, m.column, m.end_line, m.end_column,
         m.normalized, m.row]
        for m in result.matches
    ]  # fmt: skip
    return [result.encoding, result.bom, result.newline, matches]


class CachedWork:
    """The work, with the cache looked up first: a file whose bytes and rules the cache
    has seen gets the findings remembered for it. A file with findings is remembered for
    ``--check``; ``--in-place`` must still clean it."""

    def __init__(self, work: Work, cache: Cache) -> None:
        self.work = work
        self.cache = cache

    def __call__(self, task: Task) -> FileResult:
        work, cache = self.work, self.cache
        looked = time.time_ns()
        info = work.look(task)
        if isinstance(info, FileResult):
            return info
        rules = work.rules(task)
        table = bool(work.file_options.text_field) and is_table(task.name)
        where = os.fsencode(os.path.abspath(task.path))  # noqa: PTH100 (a str is cheaper)
        if info.st_size <= work.max_size:
            known = cache.recall(where, info, rules, table, task.name)
            if known is not None and (work.mode is Mode.CHECK or not known.matches):
                return known
        read = work.read_looked(task, info)
        if isinstance(read, FileResult):
            return read
        data, before = read
        hashed = digest(data)
        key = cache.key_of(hashed, rules, table)
        seen = None
        if len(data) == info.st_size and settled(info, looked):
            seen = Seen(where, signature_of(info), hashed)
        hit = cache.get(key, rules, task.name, before[1])
        if hit is not None and (work.mode is Mode.CHECK or not hit.matches):
            return hit._replace(seen=seen)
        result = work.on_bytes(task, data, before, rules)
        if result.status is Status.FAILED:
            return result
        # A file cleaned in place is another file now: known by its bytes, next time.
        changed = work.mode is Mode.IN_PLACE and result.status is Status.CLEANED
        return result._replace(key=key, seen=None if changed else seen)
