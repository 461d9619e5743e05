"""Datasets with a text column: JSONL (optionally gzipped) and Parquet, row by row.

Training corpora keep one document per record, not per file. With ``--text-field NAME``
each record's ``NAME`` is a document: this module reads the records' texts out of a
file's bytes and writes the file back with only the changed texts replaced. Everything
else stays as it was: other fields, key order and spacing of a JSONL line (the new
string is spliced into the line, never re-serialised), the schema, row groups and
compression of a Parquet file. No I/O: bytes in, bytes out, like the rest of the
per-file work.

Records are numbered from 1: a JSONL record's number is its line number (blank lines
count, as in an editor), a Parquet record's is its row number.
"""

from __future__ import annotations

import io
import json
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .decode import newline_style
from .errors import FileFailure

SUFFIXES = (".jsonl", ".jsonl.gz", ".parquet")
INCLUDE = tuple(f"*{suffix}" for suffix in SUFFIXES)
_BOM = b"\xef\xbb\xbf"
_decoder = json.JSONDecoder()
# Parquet metadata's codec names that pyarrow's writer spells differently
_CODECS = {"uncompressed": "none", "lz4_raw": "lz4"}


def is_table(name: str) -> bool:
    """Whether ``name`` is a dataset file (by its suffix) rather than one report."""
    return name.lower().endswith(SUFFIXES)


@dataclass
class Table:
    """A dataset file's texts, and how to rebuild its bytes with some of them replaced.

    ``documents`` pairs each record's number with its text, for the records whose field
    holds a string (others are left alone).
    """

    documents: list[tuple[int, str]]
    encoding: str = "utf-8"
    bom: bool = False
    newline: str = "none"
    _rebuild: Any = field(default=None, repr=False)

    def rebuild(self, changes: Mapping[int, str]) -> bytes:
        """The file's bytes with record ``n``'s text replaced by ``changes[n]``."""
        result: bytes = self._rebuild(changes)
        return result


def open_table(data: bytes, name: str, text_field: str) -> Table:
    """Read ``data`` (the bytes of the file called ``name``) as a dataset; raises
    :class:`FileFailure` for a file that is not one, or in which no record has the field."""
    lowered = name.lower()
    if lowered.endswith(".parquet"):
        table = _parquet(data, text_field)
    else:
        table = _jsonl(data, text_field, gzipped=lowered.endswith(".gz"))
    return table


def _jsonl(data: bytes, text_field: str, *, gzipped: bool) -> Table:
    import gzip  # here, not at start-up: most runs read no dataset

    if gzipped:
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise FileFailure("read", f"not a readable gzip file ({exc})") from None
    bom = data.startswith(_BOM)
    try:
        text = data[len(_BOM) if bom else 0 :].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FileFailure("decode", f"JSONL must be UTF-8; invalid at byte {exc.start}") from None
    lines = text.split("\n")
    documents: list[tuple[int, str]] = []
    records = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        records += 1
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise FileFailure("parse", f"line {number}: not JSON ({exc.msg})") from None
        if not isinstance(record, dict):
            raise FileFailure("parse", f"line {number}: not a JSON object")
        value = record.get(text_field)
        if isinstance(value, str):
            documents.append((number, value))
    _require(documents, records, text_field)

    def rebuild(changes: Mapping[int, str]) -> bytes:
        out = list(lines)
        for number, new_text in changes.items():
            line = out[number - 1]
            start, end = _value_span(line, text_field)
            # A text written with \u escapes is written back with them.
            escaped = line[start:end].isascii() and not json.loads(line[start:end]).isascii()
            out[number - 1] = line[:start] + json.dumps(new_text, ensure_ascii=escaped) + line[end:]
        body = (_BOM if bom else b"") + "\n".join(out).encode("utf-8")
        return gzip.compress(body, mtime=0) if gzipped else body

    return Table(documents, bom=bom, newline=newline_style(text), _rebuild=rebuild)


def _value_span(line: str, key: str) -> tuple[int, int]:
    """Where the value of ``key`` (the last one, as ``json.loads`` takes it) lies in ``line``."""
    span: tuple[int, int] | None = None
    at = _skip_space(line, 0) + 1  # past "{", which json.loads has already seen
    at = _skip_space(line, at)
    while line[at] != "}":
        name, at = _decoder.raw_decode(line, at)
        at = _skip_space(line, _skip_space(line, at) + 1)  # past ":"
        _value, end = _decoder.raw_decode(line, at)
        if name == key:
            span = (at, end)
        at = _skip_space(line, end)
        if line[at] == ",":
            at = _skip_space(line, at + 1)
    assert span is not None, "only records with the field are rebuilt"
    return span


def _skip_space(line: str, at: int) -> int:
    while at < len(line) and line[at] in " \t\r\n":
        at += 1
    return at


def _parquet(data: bytes, text_field: str) -> Table:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise FileFailure(
            "read", "Parquet needs pyarrow: pip install 'clean-reports[parquet]'"
        ) from None
    try:
        source = pq.ParquetFile(pa.BufferReader(data))
    except (pa.ArrowException, OSError) as exc:
        raise FileFailure("parse", f"not a readable Parquet file ({exc})") from None
    schema = source.schema_arrow
    if text_field not in schema.names:
        raise FileFailure("parse", f"no column {text_field!r} (columns: {', '.join(schema.names)})")
    kind = schema.field(text_field).type
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        raise FileFailure("parse", f"column {text_field!r} holds {kind}, not text")
    documents: list[tuple[int, str]] = []
    row = 0
    for group in range(source.num_row_groups):
        values = source.read_row_group(group, columns=[text_field]).column(0).to_pylist()
        documents.extend((row + i + 1, v) for i, v in enumerate(values) if isinstance(v, str))
        row += len(values)
    _require(documents, row, text_field)

    def rebuild(changes: Mapping[int, str]) -> bytes:
        compression = _compression(source.metadata)
        sink = io.BytesIO()
        with pq.ParquetWriter(sink, schema, compression=compression) as writer:
            first = 1
            for group in range(source.num_row_groups):
                table = source.read_row_group(group)
                position = table.schema.get_field_index(text_field)
                values = table.column(position).to_pylist()
                for i in range(len(values)):
                    values[i] = changes.get(first + i, values[i])
                column = pa.array(values, type=kind)
                writer.write_table(
                    table.set_column(position, schema.field(text_field), column),
                    row_group_size=max(len(values), 1),
                )
                first += len(values)
        return sink.getvalue()

    return Table(documents, _rebuild=rebuild)


def _compression(metadata: Any) -> Any:
    """The file's own codecs, so that a rewritten file is compressed as it was."""
    if not metadata.num_row_groups:
        return "snappy"
    first = metadata.row_group(0)
    codecs = {}
    for i in range(metadata.num_columns):
        codec = first.column(i).compression.lower()
        codecs[metadata.schema.column(i).path] = _CODECS.get(codec, codec)
    distinct = set(codecs.values())
    return distinct.pop() if len(distinct) == 1 else codecs


def _require(documents: list[tuple[int, str]], records: int, text_field: str) -> None:
    """A dataset none of whose records has the field is a mistake (a misspelt
    --text-field), not a clean file."""
    if records and not documents:
        raise FileFailure("parse", f"no record has a text field {text_field!r}")
