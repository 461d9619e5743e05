"""The cache folder: where it is, how it is marked, and the parsed rule files kept in it.

A cache folder is made with a ``.gitignore`` and a ``CACHEDIR.TAG`` (as ruff's is), so
that git and backup tools leave it alone. Besides the findings of :mod:`clean_reports.cache`
it remembers parsed rule files, by the hash of their bytes: parsing YAML is most of the
start-up of a one-file check (a pre-commit hook). Whatever is read back from it is
checked against its checksum first: the folder can be damaged or edited.
"""

from __future__ import annotations

import contextlib
import json
import re
import stat
from pathlib import Path
from typing import Any

from ._hash import blake2b
from .errors import FileFailure
from .regular import read_regular
from .version import __version__
from .write import atomic_write

CACHE_DIR = ".clean-reports-cache"
# Parsed rule files: a checksum, then the JSON of the document and its normalised patterns.
RULE_DOCUMENTS = "rules-v3"
OLD_RULE_DOCUMENTS = ("rules-v1", "rules-v2")  # deleted when a rule file is remembered
KEEP_DOCUMENTS = 100
MAX_ENTRY_BYTES = 8_000_000  # a rule file is at most 2 MB; its entry, a few times that
_ENTRY_NAME = re.compile(r"[0-9a-f]{40}\.json")  # as _document_name names an entry
# What a cache folder holds so that git and backup tools leave it alone (as ruff's does).
_GITIGNORE = "# Automatically created by clean-reports.\n*\n"
_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by clean-reports.\n"
)


def prepare(folder: Path) -> None:
    """Make the cache folder, marked so that git and backup tools leave it alone."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in ((".gitignore", _GITIGNORE), ("CACHEDIR.TAG", _CACHEDIR_TAG)):
        if not (folder / name).exists():
            atomic_write(folder / name, text.encode())


def checksum(key: str, payload: str) -> str:
    """What an entry's ``payload`` must come with to be read as the entry of ``key``."""
    return blake2b(payload.encode(), digest_size=16, key=key.encode()[:64]).hexdigest()


def intact(key: str, payload: object, check: object) -> bool:
    """Whether a row holds text and the checksum of that text for ``key`` (SQLite keeps
    whatever type it is given, whatever the column says)."""
    return isinstance(payload, str) and isinstance(check, str) and check == checksum(key, payload)


def recall_document(folder: Path, data: bytes, view: str) -> tuple[Any, dict[str, str]] | None:
    """The parsed rule file whose bytes are ``data``, if remembered (else ``None``), and
    its patterns as normalised by the view whose fingerprint is ``view`` (empty when they
    were normalised by another: Unicode data, ``regex``, OpenCC or the view changed).

    An entry is read as a report is: only a regular file, and only up to
    :data:`MAX_ENTRY_BYTES` (a FIFO or ``/dev/zero`` in its place is a miss, not a hang).
    """
    name = _document_name(data)
    try:
        stored = read_regular(folder / RULE_DOCUMENTS / name, MAX_ENTRY_BYTES)
        if len(stored) > MAX_ENTRY_BYTES:
            return None
        check, _, text = stored.decode("utf-8").partition("\n")
        if not intact(name, text, check):
            return None
        value = json.loads(text)
    except (FileFailure, ValueError, RecursionError):
        return None
    if not isinstance(value, dict) or value.keys() != {"document", "view", "normalized"}:
        return None
    normalized = value["normalized"]
    if value["view"] != view or not (
        isinstance(normalized, dict)
        and all(isinstance(item, str) for pair in normalized.items() for item in pair)
    ):
        normalized = {}
    return value["document"], normalized


def remember_document(
    folder: Path, data: bytes, document: Any, view: str, normalized: dict[str, str]
) -> None:
    """Remember a parsed rule file, with its patterns as the view ``view`` normalises
    them; one that JSON cannot hold exactly (YAML dates…) is not, and neither is one when
    the folder cannot be written: that costs only time. The oldest entries go beyond
    :data:`KEEP_DOCUMENTS` (rule files edited often)."""
    try:
        value = {"document": document, "view": view, "normalized": normalized}
        text = json.dumps(value, ensure_ascii=False)
        if json.loads(text)["document"] != document:
            return
        name = _document_name(data)
        stored = f"{checksum(name, text)}\n{text}".encode()
        if len(stored) > MAX_ENTRY_BYTES:
            return
        prepare(folder)
        entries = folder / RULE_DOCUMENTS
        entries.mkdir(exist_ok=True)
        if not _real_folder(entries):  # a link to somewhere else: nothing written there
            return
        atomic_write(entries / name, stored, durable=False)
        for old in OLD_RULE_DOCUMENTS:
            _remove_entries(folder / old, keep=0)
        _remove_entries(entries, keep=KEEP_DOCUMENTS)
    except (TypeError, ValueError, OSError, FileFailure):
        return


def _real_folder(path: Path) -> bool:
    with contextlib.suppress(OSError):
        return stat.S_ISDIR(path.lstat().st_mode)
    return False


def _remove_entries(folder: Path, keep: int) -> None:
    """Delete all but the ``keep`` newest entries of ``folder`` (and the folder, once
    empty, when none are kept): only files named as this module names them, never what
    else is there, nor anything through a link."""
    if not _real_folder(folder):
        return
    found: list[tuple[int, Path]] = []
    for path in folder.iterdir():
        with contextlib.suppress(OSError):
            info = path.lstat()
            if stat.S_ISREG(info.st_mode) and _ENTRY_NAME.fullmatch(path.name):
                found.append((info.st_mtime_ns, path))
    found.sort()
    for _, stale in found[: max(len(found) - keep, 0)]:
        with contextlib.suppress(FileNotFoundError):
            stale.unlink()
    if keep == 0:
        with contextlib.suppress(OSError):
            folder.rmdir()


def _document_name(data: bytes) -> str:
    return blake2b(data, digest_size=20, key=__version__.encode()).hexdigest() + ".json"
