"""Other processes at work on the same files: nothing of theirs is touched or lost.

Every test here runs the installed console script in real processes on real files,
repeatedly (bounded in count and time): a race that shows once in ten runs is not
fixed by one green run.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from clean_reports import write

from conftest import EXPECTED, SEED_NAMES, SEEDS, script

TRIALS = 20
FILES = 2000
SEED = "000_155c858b691bed45.txt"


def flat_corpus(folder: Path, count: int) -> dict[Path, tuple[bytes, bytes]]:
    """``count`` seed copies in one folder: each file's original and clean bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for index in range(count):
        name = SEED_NAMES[index % len(SEED_NAMES)]
        path = folder / f"r{index:05d}.txt"
        files[path] = ((SEEDS / name).read_bytes(), (EXPECTED / name).read_bytes())
    restore(files)
    return files


def restore(files: dict[Path, tuple[bytes, bytes]]) -> None:
    for path, (original, _) in files.items():
        path.write_bytes(original)


def start(*args: str | Path, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [script("clean-reports"), *map(str, args)],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_concurrent_in_place_runs_on_one_folder_all_succeed(tmp_path: Path) -> None:
    """pre-commit with ``require_serial: false`` splits one commit over processes."""
    files = flat_corpus(tmp_path / "corpus", FILES)
    paths = sorted(files)
    quarters = [paths[start::4] for start in range(4)]
    deadline = time.monotonic() + 300
    for trial in range(TRIALS):
        restore(files)
        runs = [start("--in-place", "-q", *quarter, cwd=tmp_path) for quarter in quarters]
        outcomes = [run.communicate(timeout=120) for run in runs]
        for run, (_, err) in zip(runs, outcomes, strict=True):
            assert run.returncode == 1, f"trial {trial}: {err}"
            assert "error" not in err, f"trial {trial}: {err}"
        assert all(path.read_bytes() == clean for path, (_, clean) in files.items())
        assert sorted(p.name for p in (tmp_path / "corpus").iterdir()) == [p.name for p in paths]
        if time.monotonic() > deadline:
            break


@pytest.mark.skipif(os.geteuid() != 0, reason="only the superuser may rewrite a 0444 file")
def test_concurrent_in_place_runs_on_read_only_copies_all_succeed(tmp_path: Path) -> None:
    """Files copied from a read-only corpus keep its mode 0444; as root (a CI job, a
    container) every fixer rewrites them, in thirds started a moment apart."""
    files = flat_corpus(tmp_path / "corpus", 1500)
    paths = sorted(files)
    thirds = [paths[start::3] for start in range(3)]
    deadline = time.monotonic() + 120
    for trial in range(5):
        restore(files)
        for path in paths:
            path.chmod(0o444)
        runs = []
        for third in thirds:
            runs.append(start("--in-place", "-q", *third, cwd=tmp_path))
            time.sleep(0.3)
        outcomes = [run.communicate(timeout=120) for run in runs]
        for run, (_, err) in zip(runs, outcomes, strict=True):
            assert run.returncode == 1, f"trial {trial}: {err[:2000]}"
            assert "error" not in err, f"trial {trial}: {err[:2000]}"
        assert all(path.read_bytes() == clean for path, (_, clean) in files.items())
        assert {stat.S_IMODE(path.stat().st_mode) for path in paths} == {0o444}
        for path in paths:
            path.chmod(0o644)
        if time.monotonic() > deadline:
            break


def test_out_dir_runs_with_workers_fail_no_file(tmp_path: Path) -> None:
    """The summary and the workers' clean copies share the output folder's top level."""
    files = flat_corpus(tmp_path / "corpus", 600)
    deadline = time.monotonic() + 300
    for trial in range(TRIALS):
        out = tmp_path / f"out{trial}"
        run = start(tmp_path / "corpus", "-o", out, "-j", "2", "-q", cwd=tmp_path)
        _, err = run.communicate(timeout=120)
        assert run.returncode == 0, f"trial {trial}: {err}"
        for path, (_, clean) in files.items():
            assert (out / path.name).read_bytes() == clean
        assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
        if time.monotonic() > deadline:
            break


# --- changes made while a file is being cleaned in place --------------------------------------

BIG_COPIES = 800  # about 4 MB a file: writing and flushing it takes a while


def big_reports(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True)
    text = (SEEDS / SEED).read_bytes() * BIG_COPIES
    paths = [folder / f"big{index:02d}.txt" for index in range(count)]
    for path in paths:
        path.write_bytes(text)
    return paths


def other_process(code: str, *args: str | Path) -> subprocess.Popen[str]:
    """A Python process that changes the files until it is told to stop (stdin closes)."""
    return subprocess.Popen(
        [sys.executable, "-c", code, *map(str, args)], stdin=subprocess.PIPE, text=True
    )


APPENDER = """
import os, sys, select, itertools
paths = sys.argv[1:]
for n in itertools.count():
    if select.select([sys.stdin], [], [], 0.002)[0]:
        break
    path = paths[n % len(paths)]
    with open(path, "ab") as f:
        f.write(f"\\n追加{n:06d}\\n".encode())
"""

EDITOR = """
import os, sys, select, itertools
paths = sys.argv[1:]
for n in itertools.count():
    if select.select([sys.stdin], [], [], 0.003)[0]:
        break
    path = paths[n % len(paths)]
    data = open(path, "rb").read()
    with open(path + "~", "wb") as f:
        f.write(data + f"\\n存盘{n:06d}\\n".encode())
    os.replace(path + "~", path)
"""

DELETER = """
import os, sys, time
paths = sys.argv[2:]
for path in paths:
    time.sleep(float(sys.argv[1]))
    os.unlink(path)
sys.stdin.read()
"""


def stop(process: subprocess.Popen[str]) -> None:
    assert process.stdin is not None
    process.stdin.close()
    process.wait(timeout=60)


def appended_markers(path: Path, marker: str) -> set[str]:
    text = path.read_bytes().decode("utf-8")
    return {line for line in text.splitlines() if line.startswith(marker)}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_lines_appended_during_an_in_place_run_are_never_lost(tmp_path: Path, jobs: str) -> None:
    for trial in range(2):
        paths = big_reports(tmp_path / f"t{trial}", 8)
        written: dict[Path, set[str]] = {}
        appender = other_process(APPENDER, *paths)
        run = start("--in-place", "-j", jobs, *paths, cwd=tmp_path)
        _, err = run.communicate(timeout=300)
        stop(appender)
        assert run.returncode in (1, 2), err
        assert "Traceback" not in err
        # What the appender wrote: each marker names its file by position.
        for path in paths:
            written[path] = appended_markers(path, "追加")
        total = set().union(*written.values())
        numbers = sorted(int(marker[2:]) for marker in total)
        assert numbers, "the appender wrote nothing during the run"
        lost = [n for n in range(numbers[-1] + 1) if f"追加{n:06d}" not in total]
        assert lost == [], f"trial {trial}: appended lines lost: {lost[:10]}"


def test_an_editor_save_during_an_in_place_run_is_never_undone(tmp_path: Path) -> None:
    for trial in range(2):
        paths = big_reports(tmp_path / f"t{trial}", 8)
        editor = other_process(EDITOR, *paths)
        run = start("--in-place", "-j", "2", *paths, cwd=tmp_path)
        _, err = run.communicate(timeout=300)
        stop(editor)
        assert "Traceback" not in err
        saves = set().union(*(appended_markers(path, "存盘") for path in paths))
        numbers = sorted(int(marker[2:]) for marker in saves)
        assert numbers, "the editor saved nothing during the run"
        # Each save keeps every earlier one, so no number up to the last may be missing.
        lost = [n for n in range(numbers[-1] + 1) if f"存盘{n:06d}" not in saves]
        assert lost == [], f"trial {trial}: saves undone: {lost[:10]}"


def test_a_file_deleted_during_an_in_place_run_stays_deleted(tmp_path: Path) -> None:
    for trial in range(2):
        paths = big_reports(tmp_path / f"t{trial}", 10)
        doomed = paths[1::2]
        deleter = other_process(DELETER, "0.4", *doomed)
        run = start("--in-place", "-j", "2", *paths, cwd=tmp_path)
        _, err = run.communicate(timeout=300)
        stop(deleter)
        assert "Traceback" not in err
        back = [path.name for path in doomed if path.exists()]
        assert back == [], f"trial {trial}: deleted files made again: {back}"
        assert not [p for p in paths[0].parent.iterdir() if p.name.endswith(".tmp")]


def test_a_temp_file_left_by_a_killed_run_is_swept_by_the_next(tmp_path: Path) -> None:
    files = flat_corpus(tmp_path / "corpus", 5)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    leftover = tmp_path / "corpus" / f".r00000.txt{write.TEMP_MARK}{write._host()}-{dead.pid}-7.tmp"
    leftover.write_bytes(b"half a report")
    run = start("--in-place", "-q", tmp_path / "corpus", cwd=tmp_path)
    run.communicate(timeout=60)
    assert run.returncode == 1
    assert not leftover.exists()
    assert all(path.read_bytes() == clean for path, (_, clean) in files.items())
    assert sorted(p.name for p in (tmp_path / "corpus").iterdir()) == sorted(p.name for p in files)
