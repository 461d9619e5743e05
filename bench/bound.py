"""What any tool that does clean-reports' job on these processes cannot go below.

    python bench/bound.py rules  [--jobs N] DIR
    python bench/bound.py cache  [--jobs N] DIR DATABASE   (after: cache-build DIR DATABASE)
    python bench/bound.py stat   [--jobs N] DIR DATABASE   (after: cache-build DIR DATABASE)
    python bench/bound.py copies [--jobs N] DIR OUT

Each mode walks and feeds N processes in chunks of 256 as bench/floor.py does, and does
per file only the steps a target cannot do without, nothing of clean-reports' own
bookkeeping: no positions, no results, no cleaning, no atomic writes, no report.

- ``rules``: reading and decoding as the floor does, the normalised view (the compiled
  one when built) and the shipped rules, each searched where its literals are, as
  ``--check`` must; lists the files they match.
- ``cache``: the file's BLAKE2b digest and one SQLite lookup of it, as a cache keyed by
  a file's bytes must (what ``--check`` with a warm cache does instead of the rules),
  then the findings it holds printed, path first; ``cache-build`` stores them first.
- ``stat``: the same with the lookup keyed by the file's path, inode, size and times,
  without reading it: a cache that trusts the file system's metadata, not the bytes.
- ``copies``: ``rules``, then the text written to OUT (UTF-8, one file per report) and,
  for each report the rules match, a second file with the matched text, as clean copies
  with their diffs must.

bench/run.py runs them beside the figures they bound: a bound past a target shows that
no change inside the tool can meet that target.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from collections.abc import Sequence
from multiprocessing import Pool
from pathlib import Path

from floor import decoded, files

from clean_reports._hash import blake2b
from clean_reports.core import find
from clean_reports.rules import Rule, load_rules
from clean_reports.sinks.formats import message
from clean_reports.view import normalized_view

_rules: tuple[Rule, ...] = ()
_database: sqlite3.Connection | None = None
_paths: tuple[str, str] = ("", "")


def _start(database: str, root: str, out: str) -> None:
    """A worker's state: the rules where it searches (a lookup bound compiles none, so
    its figure holds no start-up it does not need), else its database."""
    global _rules, _database, _paths
    if database:
        _database = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    else:
        _rules = load_rules(())
    _paths = (root, out)


def _matched(text: str) -> list[str]:
    view = normalized_view(text).text
    found: list[str] = []
    for rule in _rules:
        if rule.literals is None or rule.literals.search(view) is not None:
            found.extend(match.group() for match in rule.pattern.finditer(view))
    return found


def _stat_key(path: str) -> str:
    status = os.stat(path)
    return f"{path}\0{status.st_ino}\0{status.st_size}\0{status.st_mtime_ns}\0{status.st_ctime_ns}"


def rules(path: str) -> str | None:
    with open(path, "rb") as stream:
        text = decoded(stream.read())
    return path if _matched(text) else None


def cache(path: str) -> tuple[str, str] | None:
    with open(path, "rb") as stream:
        key = blake2b(stream.read(), digest_size=20).hexdigest()
    assert _database is not None
    row = _database.execute("SELECT found FROM bytes WHERE key = ?", (key,)).fetchone()
    return (path, row[0]) if row is not None and row[0] else None


def stat(path: str) -> tuple[str, str] | None:
    assert _database is not None
    row = _database.execute("SELECT found FROM stats WHERE key = ?", (_stat_key(path),)).fetchone()
    return (path, row[0]) if row is not None and row[0] else None


def copies(path: str) -> str | None:
    with open(path, "rb") as stream:
        text = decoded(stream.read())
    found = _matched(text)
    root, out = _paths
    target = os.path.join(out, os.path.relpath(path, root))
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "w", encoding="utf-8") as stream:
        stream.write(text)
    if found:
        with open(target + ".diff", "w", encoding="utf-8") as stream:
            stream.write("".join(f"-{line}\n" for line in found))
    return path if found else None


def build(root: str, database: str) -> None:
    """Store each file's digest and metadata, with the findings --check prints for it
    (each line without the path, which the main process puts before it, as it must)."""
    Path(database).unlink(missing_ok=True)
    rules = load_rules(())
    connection = sqlite3.connect(database)
    connection.execute("CREATE TABLE bytes (key TEXT PRIMARY KEY, found TEXT) WITHOUT ROWID")
    connection.execute("CREATE TABLE stats (key TEXT PRIMARY KEY, found TEXT) WITHOUT ROWID")
    for path in files(root):
        data = Path(path).read_bytes()
        found = "\n".join(
            f":{m.line}:{m.column}: {m.rule_id} {message(m)}" for m in find(decoded(data), rules)
        )
        key = blake2b(data, digest_size=20).hexdigest()
        connection.execute("INSERT OR REPLACE INTO bytes VALUES (?, ?)", (key, found))
        connection.execute("INSERT OR REPLACE INTO stats VALUES (?, ?)", (_stat_key(path), found))
    connection.commit()
    connection.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=["rules", "cache", "stat", "copies", "cache-build"])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("root")
    parser.add_argument("other", nargs="?", default="", help="DATABASE or OUT")
    args = parser.parse_args(argv)
    if args.mode != "rules" and not args.other:
        parser.error(f"{args.mode} needs {'OUT' if args.mode == 'copies' else 'DATABASE'}")
    if args.mode == "cache-build":
        build(args.root, args.other)
        return 0
    if args.mode in ("cache", "stat") and not Path(args.other).is_file():
        parser.error(f"no database at {args.other}: make it with cache-build first")
    if args.mode == "copies":
        out, root = Path(args.other).resolve(), Path(args.root).resolve()
        if out.exists() or out.is_relative_to(root) or root.is_relative_to(out):
            parser.error(f"OUT must be a new folder outside DIR, and {args.other} is not")
    work = {"rules": rules, "cache": cache, "stat": stat, "copies": copies}[args.mode]
    database = args.other if args.mode in ("cache", "stat") else ""
    out = args.other if args.mode == "copies" else ""
    initargs = (database, args.root, out)
    with Pool(args.jobs, initializer=_start, initargs=initargs) as pool:
        hits = pool.imap(work, files(args.root), chunksize=256)
        if args.mode in ("cache", "stat"):
            write = sys.stdout.write
            for hit in hits:
                if hit is not None:
                    path, found = hit
                    write("".join(path + line + "\n" for line in found.split("\n")))
        else:
            sys.stdout.write("".join(path + "\n" for path in hits if path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
