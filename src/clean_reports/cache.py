"""Findings remembered between runs, so that an unchanged file is not checked twice.

A corpus repository is checked on every push and every commit, and between two runs
almost nothing changes; ruff and black skip unchanged files the same way. An entry is
keyed by a hash of the file's bytes — not its modification time: a fresh clone in CI
has new times but the same bytes, so a cache restored from an earlier run still hits —
together with everything else the findings depend on: the rules that apply to the file,
a forced encoding and ``--text-field``. The cache file carries the tool's version, so
an upgrade starts afresh. Only findings are remembered, never a failure: a file that
failed is tried again.

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
from .model import FileResult, Match, Mode, Status, Task, Totals
from .rules import Rule
from .tables import is_table
from .version import __version__
from .work import Work

if TYPE_CHECKING:
    import sqlite3

KEEP_SECONDS = 30 * 24 * 3600
DATABASE = "findings-v5.sqlite"
# Earlier layouts, deleted when a run saves (v4 keyed entries by the rules' whole text).
OLD_DATABASES = (
    "findings-v1.sqlite",
    "findings-v2.sqlite",
    "findings-v3.sqlite",
    "findings-v4.sqlite",
)
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (version TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS findings "
    "(key TEXT PRIMARY KEY, payload TEXT NOT NULL, checksum TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS usage "
    "(key TEXT PRIMARY KEY, last_used INTEGER NOT NULL) WITHOUT ROWID",  # Unix seconds
    "CREATE INDEX IF NOT EXISTS usage_by_time ON usage (last_used)",
)
_COLUMNS = {
    "meta": ["version"],
    "findings": ["key", "payload", "checksum"],
    "usage": ["key", "last_used"],
}


__all__ = ["CACHE_DIR", "Cache", "CachedWork"]


@dataclass
class Cache:
    """One cache folder, as one run sees it: looked up by :class:`CachedWork` in the
    workers, and a sink in the main process that collects what the run found or hit and
    stores it when the run closes (:meth:`save`).

    ``salt`` holds the run's options that change findings (forced encoding, text field).
    The database is opened on the first lookup, through a read-only connection per
    process (a missing one is empty).
    """

    folder: Path
    salt: str = ""
    new: dict[str, str] = field(default_factory=dict)  # key -> payload, found this run
    used: set[str] = field(default_factory=set)  # keys hit this run
    _fingerprints: dict[tuple[str, ...], bytes] = field(default_factory=dict, repr=False)
    _reader: tuple[int, sqlite3.Connection | None] | None = field(default=None, repr=False)

    def __getstate__(self) -> dict[str, Any]:
        """Worker processes that are not forked get the cache without its connection."""
        return {**self.__dict__, "_reader": None}

    def _connection(self) -> sqlite3.Connection | None:
        if self._reader is None or self._reader[0] != os.getpid():
            self._reader = (os.getpid(), _open_for_reading(self.folder / DATABASE))
        return self._reader[1]

    def key(self, data: bytes, rules: Sequence[Rule], table: bool) -> str:
        """The entry for these bytes under these rules (``table``: read as a dataset)."""
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
        digest = blake2b(data, digest_size=20, key=b"t" if table else b"")
        digest.update(fingerprint)
        return digest.hexdigest()

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
        if found is None or not intact(key, *found):
            return None
        entry = _read_payload(found[0], {rule.id: rule.description for rule in rules})
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

    def close(self, totals: Totals) -> None:
        self.save()

    def abort(self, totals: Totals) -> None:
        """Ctrl-C: nothing is stored; the next run checks those files again."""

    def save(self) -> bool:
        """Store what this run found, mark what it hit as used, and drop the entries no
        run used for :data:`KEEP_SECONDS`. A cache that cannot be written
        costs only time: False, and the run carries on. A file that is not a database
        (any more) is replaced by one holding this run's findings."""
        if not self.new and not self.used:
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
                stale = "SELECT key FROM usage WHERE last_used < ?"
                connection.execute(
                    f"DELETE FROM findings WHERE key IN ({stale})", (now - KEEP_SECONDS,)
                )
                connection.execute("DELETE FROM usage WHERE last_used < ?", (now - KEEP_SECONDS,))
        finally:
            connection.close()
        for old in OLD_DATABASES:
            with contextlib.suppress(OSError):
                (self.folder / old).unlink()


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
        work = self.work
        read = work.read(task)
        if isinstance(read, FileResult):
            return read
        data, before = read
        rules = work.rules(task)
        table = bool(work.file_options.text_field) and is_table(task.name)
        key = self.cache.key(data, rules, table)
        hit = self.cache.get(key, rules, task.name, before[1])
        if hit is not None and (work.mode is Mode.CHECK or not hit.matches):
            return hit
        result = work.on_bytes(task, data, before, rules)
        return result if result.status is Status.FAILED else result._replace(key=key)
