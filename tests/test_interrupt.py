"""Interrupted runs: Ctrl-C and kill -9 leave every file whole, and a re-run finishes the job."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from clean_reports import write
from clean_reports.model import FileResult, Status, Task, Totals
from clean_reports.sinks import summary as summary_module
from clean_reports.sinks.console import Console

from conftest import EXPECTED, SEED_NAMES, SEEDS, script, seed_copies

COPIES = 1000  # 5,000 files: long enough a run to interrupt in the middle


def big_corpus(folder: Path) -> dict[Path, tuple[bytes, bytes]]:
    """Many copies of the seeds; for each file its original and its clean bytes."""
    return {
        path: ((SEEDS / path.name).read_bytes(), (EXPECTED / path.name).read_bytes())
        for path in seed_copies(folder, COPIES)
    }


def start(*args: str | Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [script("clean-reports"), *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def wait_until_some_are_clean(
    files: dict[Path, tuple[bytes, bytes]], process: subprocess.Popen[bytes]
) -> None:
    deadline = time.monotonic() + 60
    watched = [p for p, (original, clean) in files.items() if original != clean]
    while time.monotonic() < deadline and process.poll() is None:
        if sum(p.read_bytes() == files[p][1] for p in watched[:: len(watched) // 40]) >= 3:
            return
        time.sleep(0.02)
    pytest.fail("the run ended before it could be interrupted")


def wait_for_writers_to_go(folder: Path) -> None:
    """The processes that left temporary files: a killed run's workers take a moment to
    go, and a temporary file is swept only once its writer is gone."""
    deadline = time.monotonic() + 30
    pids = {int(p.name.split("-")[-2]) for p in folder.rglob(".*.tmp")}
    while pids and time.monotonic() < deadline:
        pids = {pid for pid in pids if write._alive(pid)}
        time.sleep(0.05)


def assert_whole(files: dict[Path, tuple[bytes, bytes]]) -> tuple[int, int]:
    """Every file is its original bytes or its complete clean bytes; return both counts."""
    original = clean = 0
    for path, (before, after) in files.items():
        data = path.read_bytes()
        assert data in (before, after), f"{path} is neither original nor clean"
        original += data == before != after
        clean += data == after
    return original, clean


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill-9"])
def test_interrupted_in_place_run_leaves_every_file_whole(
    tmp_path: Path, sig: signal.Signals
) -> None:
    files = big_corpus(tmp_path / "corpus")
    process = start("--in-place", tmp_path / "corpus")
    wait_until_some_are_clean(files, process)
    process.send_signal(sig)
    _, err = process.communicate(timeout=60)
    untouched, cleaned = assert_whole(files)
    assert untouched > 0 and cleaned > 0  # really interrupted in the middle
    if sig == signal.SIGINT:
        assert process.returncode == 130
        lines = err.decode().strip().splitlines()
        assert lines[-1].startswith("interrupted after ")
        assert "every file written is complete; run again to finish." in lines[-1]
        # The account counts every file the workers rewrote before they stopped.
        rewritten = sum(
            path.read_bytes() == after != before for path, (before, after) in files.items()
        )
        assert f"({rewritten} with watermarks, 0 failed)" in lines[-1]
    else:
        assert process.returncode == -signal.SIGKILL
    wait_for_writers_to_go(tmp_path / "corpus")
    again = subprocess.run(
        [script("clean-reports"), "--in-place", "-q", str(tmp_path / "corpus")],
        capture_output=True,
        check=False,
    )
    assert again.returncode == 1  # it finished the job
    assert assert_whole(files) == (0, len(files))
    leftovers = [p for p in (tmp_path / "corpus").rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []


def test_interrupted_out_dir_run_then_rerun(tmp_path: Path) -> None:
    files = big_corpus(tmp_path / "corpus")
    out = tmp_path / "out"
    process = start(tmp_path / "corpus", "-o", out)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(out.rglob("*.txt"))) < 50:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    for path in out.rglob("*.txt"):
        source = tmp_path / "corpus" / path.relative_to(out)
        assert path.read_bytes() == files[source][1]  # complete, never partial
    subprocess.run(
        [script("clean-reports"), str(tmp_path / "corpus"), "-o", str(out), "-q"], check=True
    )
    for source, (_, clean) in files.items():
        assert (out / source.relative_to(tmp_path / "corpus")).read_bytes() == clean
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


@pytest.mark.parametrize("trial", range(5))
def test_ctrl_c_in_an_out_dir_run_leaves_a_summary_of_what_was_written(
    tmp_path: Path, trial: int
) -> None:
    """Repeated: Ctrl-C lands anywhere in the run, also while a record is being made."""
    files = big_corpus(tmp_path / "corpus")
    out = tmp_path / "out"
    process = start(tmp_path / "corpus", "-o", out, "-j", "2")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(out.rglob("*.txt"))) < 200:
        time.sleep(0.02)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err.decode()
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["totals"]["interrupted"] is True
    listed = {record["output"] for record in summary["files"]}
    written = {path.relative_to(out).as_posix() for path in out.rglob("*.txt")}
    assert 0 < len(written) < len(files)
    assert listed == written
    assert summary["totals"]["files"] == len(written)
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


def test_ctrl_c_while_a_summary_record_is_made_leaves_valid_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The summary's third record is interrupted as it is made (its output is hashed
    then, which takes a while): the summary written for the interrupted run still parses
    and lists exactly the two records that were finished."""
    out = tmp_path / "out"
    out.mkdir()
    made = summary_module._file_record
    calls = []

    def interrupted_on_the_third(result: FileResult, out_dir: Path) -> dict[str, object]:
        calls.append(result.path)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return made(result, out_dir)

    monkeypatch.setattr(summary_module, "_file_record", interrupted_on_the_third)
    writer = summary_module.Summary(out, (), Console())
    totals = Totals()
    with pytest.raises(KeyboardInterrupt):
        for name in ("a.txt", "b.txt", "c.txt", "d.txt"):
            result = FileResult(name, Status.UNCHANGED)
            writer.add(result)
            totals.add(result)
    writer.abort(totals)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert [record["path"] for record in summary["files"]] == ["a.txt", "b.txt"]
    assert summary["totals"]["interrupted"] is True


def test_an_interrupted_run_keeps_what_the_next_run_needs_to_clear_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full run, then one stopped after two files, then an input deleted: the next full
    run still removes that input's clean copy and diff, which the stopped run never
    reached (its summary.json keeps the earlier records of them)."""
    from click.testing import CliRunner

    from clean_reports.cli import cli
    from clean_reports.work import Work

    corpus, out = tmp_path / "corpus", tmp_path / "out"
    shutil.copytree(SEEDS, corpus)
    names = sorted(path.name for path in corpus.iterdir())
    args = [str(corpus), "-o", str(out), "-j", "1"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    real, calls = Work.on_bytes, []

    def stops_at_the_third(
        self: Work, task: Task, data: bytes, before: tuple[int, int], rules=None
    ):  # type: ignore[no-untyped-def]
        calls.append(task.path)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(self, task, data, before, rules)

    monkeypatch.setattr(Work, "on_bytes", stops_at_the_third)
    stopped = CliRunner().invoke(cli, args)
    assert stopped.exit_code == 130, stopped.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["totals"]["interrupted"] is True
    assert [record["output"] for record in summary["earlier"]] == names[2:]
    monkeypatch.setattr(Work, "on_bytes", real)
    gone = names[-1]
    (corpus / gone).unlink()
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0, again.output
    assert f"removed {out / gone}: its input" in again.stderr
    assert not (out / gone).exists() and not (out / f"{gone}.diff").exists()


@pytest.mark.parametrize("cached", [False, True])
def test_a_killed_runs_temporary_file_goes_even_where_nothing_is_left_to_rewrite(
    tmp_path: Path, cached: bool
) -> None:
    """A run killed while replacing a file leaves its temporary file; the next run clears
    it even when every file of that folder is clean already (and with the cache saying
    so), which is the usual case once the killed run's other files were finished."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    clean = corpus / SEED_NAMES[0]
    clean.write_bytes((EXPECTED / SEED_NAMES[0]).read_bytes())
    made = subprocess.run(  # a temporary file's name, made by a process that is gone
        [
            sys.executable,
            "-c",
            "import sys; from clean_reports.write import temp_name; print(temp_name(sys.argv[1]))",
            str(clean),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    leftover = Path(made.stdout.strip())
    leftover.write_bytes(b"half a file")
    args = [script("clean-reports"), "--in-place", "-q", str(corpus)]
    if cached:
        subprocess.run(args, check=True, capture_output=True)  # the cache knows it is clean
        leftover.write_bytes(b"half a file")
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert not leftover.exists()
    assert clean.read_bytes() == (EXPECTED / SEED_NAMES[0]).read_bytes()
