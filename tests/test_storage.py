"""Inputs on object storage: listed and read through pyarrow's filesystems (here file://)."""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from clean_reports.cli import cli
from clean_reports.errors import ConfigError
from clean_reports.storage import is_uri, list_files, read_raw
from clean_reports.walk import WalkOptions

from conftest import SEEDS


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("s3://bucket/corpus", True),
        ("gs://bucket", True),
        ("abfs://container@account.dfs.core.windows.net/x", True),
        ("file:///srv/corpus", True),
        ("corpus", False),
        ("/srv/corpus", False),
        ("C:/corpus", False),
        ("-", False),
    ],
)
def test_is_uri(value: str, expected: bool) -> None:
    assert is_uri(value) is expected


@pytest.fixture
def bucket(tmp_path: Path) -> Path:
    root = tmp_path / "bucket"
    for name in ("b/2.txt", "a.txt", "b/1.txt", "notes.md", ".git/x.txt", "drafts/d.txt"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(name, encoding="utf-8")
    return root


def test_listing_is_sorted_and_filtered_like_a_walk(bucket: Path) -> None:
    options = WalkOptions(exclude=(".git", "drafts/"), include=("*.md",))
    files = list(list_files(bucket.as_uri(), options))
    assert [f.relative for f in files] == ["a.txt", "b/1.txt", "b/2.txt", "notes.md"]
    assert files[0].uri == bucket.as_uri() + "/a.txt"
    assert files[0].size == len("a.txt") and files[0].mtime_ns > 0


def test_a_uri_naming_one_file(bucket: Path) -> None:
    (only,) = list_files((bucket / "notes.md").as_uri(), WalkOptions())
    assert only.relative == "notes.md"
    assert only.uri == (bucket / "notes.md").as_uri()


def test_a_missing_uri_stops_the_run(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        list(list_files((tmp_path / "nowhere").as_uri(), WalkOptions()))


def test_raw_bytes_are_not_decompressed(tmp_path: Path) -> None:
    data = gzip.compress(b'{"text": "x"}\n')
    (tmp_path / "a.jsonl.gz").write_bytes(data)
    (only,) = list_files((tmp_path / "a.jsonl.gz").as_uri(), WalkOptions())
    assert read_raw(only.filesystem, only.path) == data


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--check", "s3://bucket/corpus"], "object storage is read with --engine ray"),
        (["--engine", "ray", "--in-place", "s3://b/c"], "--in-place works on local files"),
        (["--engine", "ray", "--suggest", "s3://b/c"], "--suggest works on local files"),
        ([str(SEEDS), "-o", "s3://bucket/out"], "-o must be a folder"),
        (["--ray-address", "10.0.0.5:6379", str(SEEDS)], "--ray-address goes with"),
    ],
)
def test_usage_errors(args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_engine_ray_without_ray_installed_says_how_to_get_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # what `import ray` meets without the extra
    result = CliRunner().invoke(cli, ["--engine", "ray", "--check", str(SEEDS)])
    assert result.exit_code == 2
    assert "--engine ray needs Ray: pip install 'clean-reports[ray]'" in result.stderr
