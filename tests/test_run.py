"""Reading a file whole: a file that changes between stat and read is read as it is."""

from __future__ import annotations

from pathlib import Path

import pytest

from clean_reports.errors import FileFailure
from clean_reports.regular import read


@pytest.mark.parametrize("size", [0, 1, 4096])
def test_reads_the_whole_file(tmp_path: Path, size: int) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"x" * size)
    assert read(path, size, 10_000) == b"x" * size


def test_a_file_that_grew_since_it_was_looked_at_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"y" * 5000)
    assert read(path, 10, 10_000) == b"y" * 5000  # stat said 10 bytes


def test_a_file_that_grew_by_many_blocks_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    data = bytes(range(256)) * 1000  # 256 KB, several read blocks
    path.write_bytes(data)
    assert read(path, 10, 1_000_000) == data


def test_a_folder_is_a_read_failure(tmp_path: Path) -> None:
    with pytest.raises(FileFailure, match="Is a directory"):
        read(tmp_path, 10, 1000)


def test_a_file_that_grew_past_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"z" * 5000)
    with pytest.raises(FileFailure, match="the file grew and is now larger than"):
        read(path, 10, 1000)


def test_a_file_that_shrank_is_read_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"w" * 10)
    assert read(path, 5000, 10_000) == b"w" * 10


def test_a_file_over_the_limit_is_refused_unread(tmp_path: Path) -> None:
    with pytest.raises(FileFailure, match=r"20\.0 MB is larger than the --max-size limit of 1 MB"):
        read(tmp_path / "never-opened.txt", 20_000_000, 1_000_000)
