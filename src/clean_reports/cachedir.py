"""The cache folder: where it is, how it is marked, and the parsed rule files kept in it.

A cache folder is made with a ``.gitignore`` and a ``CACHEDIR.TAG`` (as ruff's is), so
that git and backup tools leave it alone. Besides the findings of :mod:`clean_reports.cache`
it remembers parsed rule files, by the hash of their bytes: parsing YAML is most of the
start-up of a one-file check (a pre-commit hook). Whatever is read back from it is
checked against its checksum first: the folder can be damaged or edited.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from ._hash import blake2b
from .errors import FileFailure
from .version import __version__
from .write import atomic_write

CACHE_DIR = ".clean-reports-cache"
RULE_DOCUMENTS = "rules-v2"  # parsed rule files: a checksum, then the JSON, in each
OLD_RULE_DOCUMENTS = ("rules-v1",)  # deleted when a rule file is remembered
KEEP_DOCUMENTS = 100
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


def recall_document(folder: Path, data: bytes) -> Any:
    """The parsed rule file whose bytes are ``data``, if remembered (else ``None``)."""
    name = _document_name(data)
    try:
        check, _, text = (
            (folder / RULE_DOCUMENTS / name).read_text(encoding="utf-8").partition("\n")
        )
        if not intact(name, text, check):
            return None
        return json.loads(text)
    except (OSError, ValueError, RecursionError):
        return None


def remember_document(folder: Path, data: bytes, document: Any) -> None:
    """Remember a parsed rule file; one that JSON cannot hold exactly (YAML dates…) is
    not, and neither is one when the folder cannot be written: that costs only time.
    The oldest entries go beyond :data:`KEEP_DOCUMENTS` (rule files edited often)."""
    try:
        text = json.dumps(document, ensure_ascii=False)
        if json.loads(text) != document:
            return
        prepare(folder)
        name = _document_name(data)
        stored = f"{checksum(name, text)}\n{text}"
        atomic_write(folder / RULE_DOCUMENTS / name, stored.encode(), durable=False)
        for old in OLD_RULE_DOCUMENTS:
            shutil.rmtree(folder / old, ignore_errors=True)
        entries = sorted((folder / RULE_DOCUMENTS).iterdir(), key=lambda p: p.stat().st_mtime_ns)
        for stale in entries[:-KEEP_DOCUMENTS]:
            stale.unlink()
    except (TypeError, ValueError, OSError, FileFailure):
        return


def _document_name(data: bytes) -> str:
    return blake2b(data, digest_size=20, key=__version__.encode()).hexdigest() + ".json"
