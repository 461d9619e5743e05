"""--jobs: the same outputs, reports and exit codes with one process or several."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from clean_reports.cli import cli
from clean_reports.engines.pool import run_ordered
from clean_reports.model import Task

from conftest import SEED_NAMES, SEEDS


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Many folders of seeds, re-encoded, with a few files that fail in between."""
    root = tmp_path_factory.mktemp("corpus")
    for copy in range(30):
        folder = root / f"{copy:02d}"
        folder.mkdir()
        for index, name in enumerate(SEED_NAMES):
            text = (SEEDS / name).read_text(encoding="utf-8")
            if (copy + index) % 3 == 1:
                (folder / name).write_bytes(text.replace("\n", "\r\n").encode("gb18030"))
            else:
                shutil.copy(SEEDS / name, folder / name)
        if copy % 7 == 3:
            (folder / "broken.txt").write_bytes(b"\x00\x01binary")
    return root


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_out_dir_is_identical_with_one_or_two_jobs(corpus: Path, tmp_path: Path) -> None:
    one = run(corpus, "-o", tmp_path / "one", "--jobs", "1", "-q")
    two = run(corpus, "-o", tmp_path / "two", "--jobs", "2", "-q")
    assert one[0] == two[0] == 2  # the broken files
    assert one[2] == two[2]  # the same failures, in the same order
    assert tree(tmp_path / "one") == tree(tmp_path / "two")  # summary.json included
    assert len(tree(tmp_path / "one")) > 250


@pytest.mark.parametrize("mode", [["--check"], ["--diff"], ["--check", "--output-format", "sarif"]])
def test_reports_are_identical_with_one_or_two_jobs(corpus: Path, mode: list[str]) -> None:
    one = run(*mode, corpus, "--jobs", "1")
    two = run(*mode, corpus, "--jobs", "2")
    assert one == two
    assert one[1]


def test_in_place_is_identical_with_one_or_two_jobs(corpus: Path, tmp_path: Path) -> None:
    shutil.copytree(corpus, tmp_path / "one")
    shutil.copytree(corpus, tmp_path / "two")
    one = run("--in-place", tmp_path / "one", "-j", "1")
    two = run("--in-place", tmp_path / "two", "-j", "2")
    assert one == (two[0], two[1], two[2].replace(str(tmp_path / "two"), str(tmp_path / "one")))
    assert tree(tmp_path / "one") == tree(tmp_path / "two")


def slow_pid(task: Task) -> tuple[str, int]:
    time.sleep(0.002)
    return task.path, os.getpid()


def test_a_few_dozen_files_spread_over_the_workers_in_order() -> None:
    """Chunks grow from small ones: a run of a few dozen files (fewer than one full
    chunk) still keeps both workers busy, and keeps its order."""
    tasks = [
        Task(f"{number:03d}.txt", f"{number:03d}.txt", None, f"{number:03d}.txt")
        for number in range(30)
    ]
    results = list(run_ordered(tasks, slow_pid, jobs=2))
    assert [path for path, _ in results] == [task.path for task in tasks]
    assert len({pid for _, pid in results}) == 2
