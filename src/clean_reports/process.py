"""One file's bytes through decode → clean → encode, with no I/O.

This is the unit of work of every engine: it takes the bytes and returns the bytes to
write (if any), the findings and the facts to report, or raises
:class:`~clean_reports.errors.FileFailure`. Keeping it free of paths and writes is what
lets a run be spread over processes without changing a result.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import NamedTuple

from .core import DEFAULT_TIMEOUT, CleanResult, clean, content_end, find, line_start
from .decode import Decoded, decode
from .encode import splice, to_utf8
from .errors import FileFailure, RemovalGuard, RuleTimeout
from .model import Match, Mode
from .rules import Rule
from .tables import is_table, open_table

# str.split() splits at whitespace as regex's \s knows it (Unicode White_Space), and at
# these four separators, which are not whitespace there (a test checks both).
_SPLIT_BUT_NOT_BLANK = "\x1c\x1d\x1e\x1f"


class FileOptions(NamedTuple):
    """How each file is decoded, guarded and encoded.

    ``max_removal`` is the largest share (0–1) of a file's non-blank characters the rules
    may remove before the file is refused; ``timeout`` bounds each rule's time per file;
    ``encoding`` forces a codec instead of detecting one; ``output_original`` makes clean
    copies keep the file's own encoding and BOM instead of UTF-8; ``context`` asks for
    that many characters of text around each match (for a review report);
    ``text_field`` makes JSONL and Parquet files datasets whose records' field of that
    name are the documents.
    """

    max_removal: float = 0.30
    timeout: float | None = DEFAULT_TIMEOUT
    encoding: str | None = None
    output_original: bool = False
    context: int = 0
    text_field: str | None = None


class CleanedBytes(NamedTuple):
    """A file's bytes, decoded and cleaned: the result plus both ways to encode it."""

    data: bytes
    decoded: Decoded
    result: CleanResult

    @property
    def text(self) -> str:
        """The clean text."""
        return self.result.text

    def utf8(self) -> bytes:
        """The clean text as UTF-8 without BOM (what clean copies are)."""
        return to_utf8(self.result.text)

    @property
    def encoding(self) -> str:
        """The codec the bytes were read with (``utf-8``, ``gb18030``, ``utf-16-le``…)."""
        return self.decoded.encoding

    def in_original_encoding(self) -> bytes:
        """The original bytes with only the removed text cut out (what --in-place writes)."""
        if not self.result.changed:
            return self.data
        return splice(self.data, self.decoded, self.result.removed, self.result.text)

    def original_encoding(self) -> bytes:
        """Deprecated: its name promises an encoding's name, yet it returns bytes.

        Use :meth:`in_original_encoding` for the bytes and :attr:`encoding` for the name.
        """
        warnings.warn(
            "CleanedBytes.original_encoding() is deprecated: it returns bytes; use "
            "in_original_encoding() for them and .encoding for the codec's name",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.in_original_encoding()


def clean_bytes(
    data: bytes, rules: Sequence[Rule], file_options: FileOptions | None = None
) -> CleanedBytes:
    """Decode ``data`` (BOM, UTF-8, chardet) and clean it; raises ``FileFailure`` if it can't.

    With ``file_options``, a rule past its time limit or a removal larger than the guard
    allows raises too (:class:`~clean_reports.errors.RuleTimeout`, :class:`RemovalGuard`).
    """
    decoded = decode(data, file_options.encoding if file_options else None)
    if file_options is None:
        return CleanedBytes(data, decoded, clean(decoded.text, rules))
    result = clean(decoded.text, rules, timeout=file_options.timeout)
    check_removal(decoded.text, result, file_options.max_removal)
    return CleanedBytes(data, decoded, result)


def check_removal(text: str, result: CleanResult, limit: float) -> None:
    """Raise :class:`RemovalGuard` if ``result`` removes over ``limit`` of the non-blank text."""
    if not result.changed:
        return
    total = non_blank(text)
    removed = sum(non_blank(text[start:end]) for start, end in result.removed)
    share = removed / total if total else 0.0
    if share > limit:
        raise RemovalGuard(share, limit)


def non_blank(text: str) -> int:
    """How many characters of ``text`` are not whitespace (``\\s``): what the guard weighs.

    Splitting and joining is several times faster than a regex substitution.
    """
    kept = len("".join(text.split()))
    return kept + sum(map(text.count, _SPLIT_BUT_NOT_BLANK))


class Processed(NamedTuple):
    """What became of one file's bytes.

    ``output`` is what to write (the UTF-8 clean copy in out-dir mode, the original
    bytes less the removed text when cleaning in place; ``None`` when nothing is to be
    written); ``diff`` is the unified diff when something changed and the mode shows
    diffs. ``chars_removed`` is ``None`` in check mode, which only finds.
    """

    encoding: str
    bom: bool
    newline: str
    matches: tuple[Match, ...]
    chars_removed: int | None
    output: bytes | None = None
    diff: str | None = None
    contexts: tuple[tuple[str, str], ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.matches)


def contexts(text: str, matches: Sequence[Match], chars: int) -> tuple[tuple[str, str], ...]:
    """Up to ``chars`` characters of the match's own line before and after each match.

    Line breaks are looked for only within those ``chars``: a search to the line's
    start or end would cost a long line's length for each of its matches.
    """
    if not chars:
        return ()
    return tuple(
        (
            text[line_start(text, m.start, max(0, m.start - chars)) : m.start],
            text[m.end : content_end(text, m.end, m.end + chars)],
        )
        for m in matches
    )


def process(
    data: bytes,
    rules: Sequence[Rule],
    mode: Mode,
    label: str,
    *,
    file_options: FileOptions = FileOptions(),
    filter_output: bool = False,
) -> Processed:
    """Run one file's bytes through the pipeline for ``mode``; ``label`` heads its diff.

    ``filter_output`` asks for the bytes to write even when nothing changed, in the
    original encoding: what reading stdin and writing stdout needs. ``--check`` only
    finds, so the removal guard does not apply to it.
    """
    if file_options.text_field and is_table(label):
        return _process_table(data, rules, mode, label, file_options, filter_output)
    if mode is Mode.CHECK:
        decoded = decode(data, file_options.encoding)
        matches = _find(decoded.text, rules, file_options.timeout)
        return Processed(
            decoded.encoding,
            bool(decoded.bom),
            decoded.newline,
            matches,
            chars_removed=None,
            contexts=contexts(decoded.text, matches, file_options.context),
        )
    cleaned = clean_bytes(data, rules, file_options)
    decoded, result = cleaned.decoded, cleaned.result
    diff = None
    if result.changed and mode in (Mode.OUT_DIR, Mode.DIFF):
        from .diff import unified_diff  # difflib: only runs that show diffs load it

        diff = unified_diff(decoded.text, result, label)
    output = None
    if filter_output or (mode is Mode.OUT_DIR and file_options.output_original):
        output = cleaned.in_original_encoding()
    elif mode is Mode.OUT_DIR:
        output = cleaned.utf8()
    elif mode is Mode.IN_PLACE and result.changed:
        output = cleaned.in_original_encoding()
    return Processed(
        decoded.encoding,
        bool(decoded.bom),
        decoded.newline,
        result.matches,
        result.chars_removed,
        output,
        diff,
        contexts(decoded.text, result.matches, file_options.context),
    )


def _find(text: str, rules: Sequence[Rule], timeout: float | None) -> tuple[Match, ...]:
    """What ``--check`` does with a text: find, and a rule's timeout says it was checking."""
    try:
        return find(text, rules, timeout=timeout)
    except RuleTimeout as timed_out:
        raise timed_out.during("check") from None


def _process_table(
    data: bytes,
    rules: Sequence[Rule],
    mode: Mode,
    label: str,
    file_options: FileOptions,
    filter_output: bool,
) -> Processed:
    """A dataset file: each record's text is a document, cleaned as one report is.

    A record the rules cannot clean (guard, time limit) fails the whole file, which is
    then left as it was, like a report file. The diff holds one section per changed
    record, headed ``label#record``.
    """
    assert file_options.text_field is not None
    table = open_table(data, label, file_options.text_field)
    matches: list[Match] = []
    around: list[tuple[str, str]] = []
    diffs: list[str] = []
    changes: dict[int, str] = {}
    removed = 0
    for row, text in table.documents:
        try:
            if mode is Mode.CHECK:
                found = _find(text, rules, file_options.timeout)
            else:
                result = clean(text, rules, timeout=file_options.timeout)
                check_removal(text, result, file_options.max_removal)
                found = result.matches
                if result.changed:
                    changes[row] = result.text
                    removed += result.chars_removed
                    if mode in (Mode.OUT_DIR, Mode.DIFF):
                        from .diff import unified_diff

                        diffs.append(unified_diff(text, result, f"{label}#{row}"))
        except FileFailure as failure:
            raise FileFailure(failure.stage, f"record {row}: {failure.reason}") from None
        matches.extend(match._replace(row=row) for match in found)
        around.extend(contexts(text, found, file_options.context))
    output = None
    if filter_output or mode is Mode.OUT_DIR or (mode is Mode.IN_PLACE and changes):
        output = table.rebuild(changes) if changes else data
    return Processed(
        table.encoding,
        table.bom,
        table.newline,
        tuple(matches),
        None if mode is Mode.CHECK else removed,
        output,
        "".join(diffs) or None,
        tuple(around),
    )
