"""Datasets (--text-field): JSONL and Parquet records cleaned, everything else kept."""

from __future__ import annotations

import functools
import gzip
import json
from pathlib import Path

import jsonschema
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from clean_reports.cli import cli
from clean_reports.errors import FileFailure
from clean_reports.model import Mode
from clean_reports.process import FileOptions, Processed, process
from clean_reports.rules import Rule, load_rules
from clean_reports.tables import is_table, open_table

from conftest import EXPECTED, SEED_NAMES, SEEDS

FOOTER = "酷乐文行整理，咨询QQ206157060"
BODY = "一年来，各方面工作开展顺利，各项事业取得了新的进步。" * 3
DIRTY = f"述职报告\n{FOOTER}\n{BODY}\n"
CLEAN = f"述职报告\n{BODY}\n"
OPTIONS = FileOptions(text_field="text")


def seed_texts() -> list[tuple[str, str]]:
    """(watermarked, expected) text pairs of the UTF-8 seeds."""
    pairs = []
    for name in SEED_NAMES:
        try:
            pairs.append(((SEEDS / name).read_text("utf-8"), (EXPECTED / name).read_text("utf-8")))
        except UnicodeDecodeError:
            continue
    return pairs


@functools.cache
def rules() -> tuple[Rule, ...]:
    return tuple(load_rules([]))


def run(
    data: bytes, name: str, mode: Mode = Mode.OUT_DIR, options: FileOptions = OPTIONS
) -> Processed:
    return process(data, rules(), mode, name, file_options=options)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.jsonl", True),
        ("a.JSONL", True),
        ("a.jsonl.gz", True),
        ("a.parquet", True),
        ("a.json", False),
        ("a.txt", False),
        ("a.jsonl.txt", False),
    ],
)
def test_is_table(name: str, expected: bool) -> None:
    assert is_table(name) is expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # other fields, key order and spacing untouched; only the string changes
        (
            f'{{"id": 7, "text": {json.dumps(DIRTY, ensure_ascii=False)}, "n": 1.50}}',
            f'{{"id": 7, "text": {json.dumps(CLEAN, ensure_ascii=False)}, "n": 1.50}}',
        ),
        (
            f'{{"text":{json.dumps(DIRTY, ensure_ascii=False)},"meta":{{"text":"x"}}}}',
            f'{{"text":{json.dumps(CLEAN, ensure_ascii=False)},"meta":{{"text":"x"}}}}',
        ),
        # a text written with \u escapes is written back with them
        (
            f'{{"text": {json.dumps(DIRTY)}, "id": "甲"}}',
            f'{{"text": {json.dumps(CLEAN)}, "id": "甲"}}',
        ),
        # spaces around the colon, and a CR before the line break
        (
            f'  {{ "text" : {json.dumps(DIRTY, ensure_ascii=False)} }}\r',
            f'  {{ "text" : {json.dumps(CLEAN, ensure_ascii=False)} }}\r',
        ),
        # a repeated key: the last one is the record's (as json.loads has it)
        (
            f'{{"text": "甲", "text": {json.dumps(DIRTY, ensure_ascii=False)}}}',
            f'{{"text": "甲", "text": {json.dumps(CLEAN, ensure_ascii=False)}}}',
        ),
        # records without the field, or with a non-string one, are left alone
        ('{"id": 1}', '{"id": 1}'),
        ('{"text": null}', '{"text": null}'),
        ('{"text": ["酷乐文行整理"]}', '{"text": ["酷乐文行整理"]}'),
        (f'{{"body": "{FOOTER}"}}', f'{{"body": "{FOOTER}"}}'),
    ],
)
def test_jsonl_line(line: str, expected: str) -> None:
    head = json.dumps({"text": "正文。"}, ensure_ascii=False)  # one record has the field
    data = f"{head}\n{line}\n".encode()
    processed = run(data, "a.jsonl")
    assert processed.output == f"{head}\n{expected}\n".encode()


def test_jsonl_seeds_match_the_expected_outputs() -> None:
    pairs = seed_texts()
    lines = [
        json.dumps({"id": i, "text": dirty}, ensure_ascii=False)
        for i, (dirty, _) in enumerate(pairs)
    ]
    data = ("\n".join(lines) + "\n\n").encode()
    processed = run(data, "corpus.jsonl")
    assert processed.output is not None
    out = processed.output.decode().split("\n")
    assert [json.loads(line)["text"] for line in out if line] == [clean for _, clean in pairs]
    assert [json.loads(line)["id"] for line in out if line] == list(range(len(pairs)))
    assert out[-2:] == ["", ""]  # the blank line and the last line break stay
    rows = {match.row for match in processed.matches}
    assert rows == {i + 1 for i, (dirty, clean) in enumerate(pairs) if dirty != clean}
    assert processed.diff is not None
    for row in rows:
        assert f"--- a/corpus.jsonl#{row}\n" in processed.diff


def test_jsonl_keeps_bom_and_crlf() -> None:
    record = json.dumps({"text": DIRTY}, ensure_ascii=False)
    data = b"\xef\xbb\xbf" + f"{record}\r\n{record}\r\n".encode()
    processed = run(data, "a.jsonl")
    clean = json.dumps({"text": CLEAN}, ensure_ascii=False)
    assert processed.output == b"\xef\xbb\xbf" + f"{clean}\r\n{clean}\r\n".encode()
    assert processed.bom and processed.newline == "CRLF"


def test_gzipped_jsonl_round_trip() -> None:
    data = gzip.compress(json.dumps({"text": DIRTY}, ensure_ascii=False).encode() + b"\n")
    processed = run(data, "a.jsonl.gz")
    assert processed.output is not None
    assert json.loads(gzip.decompress(processed.output)) == {"text": CLEAN}


def test_unchanged_dataset_is_copied_byte_for_byte() -> None:
    data = gzip.compress(b'{"text": "\\u6b63\\u6587"}\n', mtime=12345)
    processed = run(data, "a.jsonl.gz")
    assert processed.output == data
    assert not processed.matches


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("a.jsonl", b'{"text": "x"}\n{"text": \n', "parse: line 2: not JSON"),
        ("a.jsonl", b'{"text": "x"}\n[1, 2]\n', "parse: line 2: not a JSON object"),
        ("a.jsonl", b'{"body": "x"}\n{"body": "y"}\n', "parse: no record has a text field 'text'"),
        ("a.jsonl", b'{"text": "\xff"}\n', "decode: JSONL must be UTF-8"),
        ("a.jsonl.gz", b"not gzip", "read: not a readable gzip file"),
        ("a.parquet", b"PAR1 not really", "parse: not a readable Parquet file"),
    ],
)
def test_unreadable_datasets_fail(name: str, data: bytes, reason: str) -> None:
    with pytest.raises(FileFailure) as failure:
        run(data, name)
    assert str(failure.value).startswith(reason)


def test_a_record_the_guard_refuses_fails_the_whole_file() -> None:
    lines = [{"text": DIRTY}, {"text": FOOTER}]  # the second record is all watermark
    data = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode()
    with pytest.raises(FileFailure) as failure:
        run(data, "a.jsonl")
    assert str(failure.value).startswith("guard: record 2: the rules would remove 100%")


def test_check_reports_records_and_writes_nothing() -> None:
    lines = [{"text": CLEAN}, {"text": DIRTY}]
    data = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode()
    processed = run(data, "a.jsonl", Mode.CHECK)
    assert processed.output is None and processed.chars_removed is None
    assert [(m.row, m.line, m.rule_id) for m in processed.matches] == [(2, 2, "kule-footer")]


def test_without_text_field_a_dataset_is_a_plain_document() -> None:
    data = json.dumps({"text": DIRTY}, ensure_ascii=False).encode()
    processed = run(data, "a.jsonl", options=FileOptions())
    assert all(match.row is None for match in processed.matches)


def parquet_bytes(table: pa.Table, **options: object) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, **options)
    return sink.getvalue().to_pybytes()


def test_parquet_cleans_the_column_and_keeps_the_rest() -> None:
    pairs = seed_texts()
    texts = [dirty for dirty, _ in pairs] + [None]
    table = pa.table(
        {"id": pa.array(range(len(texts)), pa.int32()), "text": texts, "lang": ["zh"] * len(texts)}
    ).replace_schema_metadata({"source": "crawl-7"})
    data = parquet_bytes(table, compression="zstd", row_group_size=2)
    processed = run(data, "part-0.parquet")
    assert processed.output is not None
    result = pq.ParquetFile(pa.BufferReader(processed.output))
    out = result.read()
    assert out.schema == table.schema  # types and metadata
    assert out.column("text").to_pylist() == [clean for _, clean in pairs] + [None]
    assert out.column("id").to_pylist() == table.column("id").to_pylist()
    assert out.column("lang").to_pylist() == table.column("lang").to_pylist()
    assert result.num_row_groups == pq.ParquetFile(pa.BufferReader(data)).num_row_groups
    assert result.metadata.row_group(0).column(1).compression == "ZSTD"
    changed = {i + 1 for i, (dirty, clean) in enumerate(pairs) if dirty != clean}
    assert {match.row for match in processed.matches} == changed


@pytest.mark.parametrize(
    ("table", "reason"),
    [
        (pa.table({"body": ["x"]}), "parse: no column 'text' (columns: body)"),
        (pa.table({"text": [1, 2]}), "parse: column 'text' holds int64, not text"),
        (pa.table({"text": pa.array([None], pa.string())}), "parse: no record has a text field"),
    ],
)
def test_parquet_without_a_text_column_fails(table: pa.Table, reason: str) -> None:
    with pytest.raises(FileFailure) as failure:
        run(parquet_bytes(table), "a.parquet")
    assert str(failure.value).startswith(reason)


def test_open_table_numbers_records_as_lines(tmp_path: Path) -> None:
    data = b'{"text": "a"}\n\n{"id": 2}\n{"text": "b"}\n'
    assert open_table(data, "x.jsonl", "text").documents == [(1, "a"), (4, "b")]


def make_dataset_folder(folder: Path) -> Path:
    """A folder with a JSONL file, a gzipped one, a Parquet file and one plain report."""
    pairs = seed_texts()
    folder.mkdir()
    lines = [json.dumps({"id": i, "text": d}, ensure_ascii=False) for i, (d, _) in enumerate(pairs)]
    (folder / "a.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "b.jsonl.gz").write_bytes(gzip.compress(lines[0].encode() + b"\n", mtime=0))
    (folder / "c.parquet").write_bytes(
        parquet_bytes(pa.table({"text": [d for d, _ in pairs]}), compression="snappy")
    )
    (folder / "d.txt").write_text(pairs[0][0], encoding="utf-8")
    return folder


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_cli_cleans_datasets_to_an_output_folder(tmp_path: Path) -> None:
    data = make_dataset_folder(tmp_path / "data")
    out = tmp_path / "out"
    code, _, err = invoke("--text-field", "text", data, "-o", out)
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir()) == [
        "CLEAN-REPORTS.TAG", "a.jsonl", "a.jsonl.diff", "b.jsonl.gz", "b.jsonl.gz.diff",
        "c.parquet", "c.parquet.diff", "d.txt", "d.txt.diff", "summary.json",
    ]  # fmt: skip
    clean = [c for _, c in seed_texts()]
    lines = (out / "a.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["text"] for line in lines] == clean
    assert pq.read_table(out / "c.parquet").column("text").to_pylist() == clean
    diff = (out / "a.jsonl.diff").read_text(encoding="utf-8")
    assert diff.startswith("--- a/a.jsonl#1\n+++ b/a.jsonl#1\n")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    entry = next(f for f in summary["files"] if f["path"].endswith("a.jsonl"))
    changed = [str(i + 1) for i, (d, c) in enumerate(seed_texts()) if d != c]
    assert sorted(entry["records"], key=int) == changed
    assert entry["records"]["1"] == {"kule-banner": 1, "kule-footer": 2, "kule-member-notice": 1}
    text_entry = next(f for f in summary["files"] if f["path"].endswith("d.txt"))
    assert "records" not in text_entry


def test_cli_check_names_records(tmp_path: Path) -> None:
    data = make_dataset_folder(tmp_path / "data")
    code, out, _ = invoke("--check", "--text-field", "text", data / "a.jsonl")
    assert code == 1
    assert out.splitlines()[0].startswith(f"{data / 'a.jsonl'}#1:1:1: kule-banner ")
    code, out, _ = invoke("--check", "--text-field", "text", "--output-format", "json", data)
    findings = json.loads(out)
    assert {f["record"] for f in findings if f["path"].endswith("c.parquet")} == {1, 2, 4, 5}
    assert all("record" not in f for f in findings if f["path"].endswith("d.txt"))
    code, out, _ = invoke("--check", "--text-field", "text", "--output-format", "github", data)
    line = next(x for x in out.splitlines() if "c.parquet" in x)
    assert ",line=" not in line and "(record 1)" in line


def test_sarif_for_records_is_valid(tmp_path: Path) -> None:
    data = make_dataset_folder(tmp_path / "data")
    _, out, _ = invoke("--check", "--text-field", "text", "--output-format", "sarif", data)
    document = json.loads(out)
    schema_file = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    assert not list(validator.iter_errors(document))
    result = next(
        r
        for r in document["runs"][0]["results"]
        if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("a.jsonl")
    )
    assert result["properties"]["record"] == 1
    assert result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].endswith("#1")


def test_cli_in_place_then_clean(tmp_path: Path) -> None:
    data = make_dataset_folder(tmp_path / "data")
    before = (data / "a.jsonl").read_bytes()
    code, _, err = invoke("--in-place", "--text-field", "text", data)
    assert code == 1, err
    assert (data / "a.jsonl").read_bytes() != before
    assert invoke("--check", "--text-field", "text", data)[0] == 0


def test_datasets_are_taken_only_with_text_field(tmp_path: Path) -> None:
    data = make_dataset_folder(tmp_path / "data")
    code, out, _ = invoke("--check", data)
    assert code == 1 and "a.jsonl" not in out and "d.txt" in out
    assert out.splitlines()[-1].endswith("(1 file checked).")


def test_text_field_from_the_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_dataset_folder(tmp_path / "data")
    (tmp_path / ".clean-reports.toml").write_text('text-field = "text"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, _ = invoke("--check", "data")
    assert code == 1 and "a.jsonl#1:" in out
    (tmp_path / ".clean-reports.toml").write_text("text-field = 3\n", encoding="utf-8")
    code, _, err = invoke("--check", "data")
    assert code == 2 and "'text-field' must be a field name" in err


def test_a_misspelt_text_field_fails_each_dataset(tmp_path: Path) -> None:
    data = make_dataset_folder(tmp_path / "data")
    code, _, err = invoke("--check", "--text-field", "body", data)
    assert code == 2
    assert "a.jsonl: parse: no record has a text field 'body'" in err
    assert "c.parquet: parse: no column 'body' (columns: text)" in err
