"""Hostile inputs: each gets a clear message and exit 2, and every other file is still done.

Permission and disk conditions are made real: as root, the command runs in a child
process that has dropped to the ``nobody`` user, and read-only or full output folders
are small tmpfs mounts.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import clean_reports.work
from clean_reports.cli import cli
from clean_reports.engines.serial import Serial
from clean_reports.inputs import Inputs
from clean_reports.model import FileResult, Mode, Status
from clean_reports.rules import load_rules, shipped_rules_dir
from clean_reports.selection import RuleSelector
from clean_reports.work import Work

from conftest import EXPECTED, SEED_NAMES, SEEDS

ROOT_USER = os.geteuid() == 0
NOBODY = 65534


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def outputs_match_expected(out: Path, names: list[str] = SEED_NAMES) -> bool:
    return all((out / n).read_bytes() == (EXPECTED / n).read_bytes() for n in names)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(SEEDS, folder)
    return folder


# --- contents ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "binary file"),
        (bytes(range(256)) * 4, "binary file"),
        ("述职报告正文".encode("gb18030") * 50 + b"\xff\xfe\xff", "not UTF-8"),
        (b"\xef\xbb\xbf" + "正文".encode() + b"\xc3\x28", "invalid utf-8"),
    ],
    ids=["png", "random-bytes", "undecodable", "bad-utf8-after-bom"],
)
def test_undecodable_files_fail_alone(
    corpus: Path, tmp_path: Path, data: bytes, message: str
) -> None:
    (corpus / "bad.txt").write_bytes(data)
    out = tmp_path / "out"
    result = invoke(corpus, "-o", out)
    assert result.exit_code == 2
    assert f"error: {corpus / 'bad.txt'}: decode: " in result.stderr
    assert message in result.stderr
    assert not (out / "bad.txt").exists()
    assert outputs_match_expected(out)
    assert (corpus / "bad.txt").read_bytes() == data


def test_empty_file_passes_through(corpus: Path, tmp_path: Path) -> None:
    (corpus / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    assert invoke(corpus, "-o", out).exit_code == 0
    assert (out / "empty.txt").read_bytes() == b""
    assert invoke("--in-place", corpus / "empty.txt").exit_code == 0
    assert invoke("--check", corpus / "empty.txt").exit_code == 0


def test_utf16_without_bom_is_read_when_unambiguous(tmp_path: Path) -> None:
    name = "000_155c858b691bed45.txt"
    for codec in ("utf-16-le", "utf-16-be"):
        report = tmp_path / f"{codec}.txt"
        report.write_bytes((SEEDS / name).read_text(encoding="utf-8").encode(codec))
        assert invoke("--in-place", report).exit_code == 1
        assert report.read_bytes() == (EXPECTED / name).read_text(encoding="utf-8").encode(codec)


def test_weak_verdict_fails_unless_told_the_encoding(tmp_path: Path) -> None:
    report = tmp_path / "short.txt"
    report.write_bytes("述职报告".encode("gb18030"))
    result = invoke("--check", report)
    assert result.exit_code == 2
    assert "chardet is unsure" in result.stderr and "--encoding" in result.stderr
    assert invoke("--check", "--encoding", "gb18030", report).exit_code == 0
    assert invoke("--check", "--encoding", "no-such-codec", report).exit_code == 2


def test_file_over_the_size_limit_is_refused(corpus: Path, tmp_path: Path) -> None:
    big = corpus / "big.txt"
    big.write_bytes((SEEDS / SEED_NAMES[0]).read_bytes() * 100)  # about 1.5 MB
    out = tmp_path / "out"
    result = invoke(corpus, "-o", out, "--max-size", "1")
    assert result.exit_code == 2
    assert "is larger than the --max-size limit of 1 MB; not read" in result.stderr
    assert not (out / "big.txt").exists()
    assert outputs_match_expected(out)


# --- the file system -----------------------------------------------------------------------


@contextmanager
def world_readable_copy() -> Iterator[Path]:
    """The seeds and shipped rules in a folder anyone may read (for the ``nobody`` user)."""
    folder = Path(tempfile.mkdtemp(prefix="clean-reports-"))
    try:
        folder.chmod(0o777)
        shutil.copytree(SEEDS, folder / "corpus")
        shutil.copytree(shipped_rules_dir(), folder / "rules")
        for path in folder.rglob("*"):
            path.chmod(0o777 if path.is_dir() else 0o666)
        yield folder
    finally:
        for path in folder.rglob("*"):
            if not path.is_symlink():
                path.chmod(0o777)
        shutil.rmtree(folder)


def invoke_unprivileged(folder: Path, *args: str | Path) -> tuple[int, str, str]:
    """Run the command as a user the file system can refuse (root ignores permissions)."""
    argv = ["--no-default-rules", "--rules", str(folder / "rules"), *map(str, args)]
    if not ROOT_USER:
        result = CliRunner().invoke(cli, argv, catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr
    # Every lazy import first, writes included: the child may not be able to read the
    # standard library (under /root, mode 0700, on some machines).
    load_rules([folder / "rules"], default_rules=False)
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "corpus"
        shutil.copytree(SEEDS, copy)
        for mode in (["--check"], ["-o", str(Path(scratch) / "out")], ["--in-place"]):
            CliRunner().invoke(cli, [*argv[:3], *mode, str(copy)])
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop to nobody, run, report through the pipe
        try:
            os.close(reader)
            os.chdir(folder)
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            result = CliRunner().invoke(cli, argv)
            err = result.stderr
            if result.exception is not None and not isinstance(result.exception, SystemExit):
                err += "".join(traceback.format_exception(result.exception))
            payload = [result.exit_code, result.stdout, err]
            os.write(writer, json.dumps(payload).encode())
        finally:
            os._exit(0)
    os.close(writer)
    chunks = []
    while chunk := os.read(reader, 65536):
        chunks.append(chunk)
    os.close(reader)
    os.waitpid(pid, 0)
    code, out, err = json.loads(b"".join(chunks))
    return code, out, err


def test_unreadable_file_and_folder() -> None:
    with world_readable_copy() as folder:
        corpus = folder / "corpus"
        locked_file = corpus / SEED_NAMES[0]
        locked_dir = corpus / "locked"
        locked_dir.mkdir()
        shutil.copy(SEEDS / SEED_NAMES[1], locked_dir / "inside.txt")
        locked_file.chmod(0o000)
        locked_dir.chmod(0o000)
        out = folder / "out"
        code, _, err = invoke_unprivileged(folder, corpus, "-o", out)
        assert code == 2
        assert f"error: {locked_file}: read: Permission denied" in err
        assert "locked: cannot list folder: Permission denied" in err
        assert outputs_match_expected(out, SEED_NAMES[1:])


def test_a_read_only_file_its_user_may_not_write_is_refused_in_place() -> None:
    """Mode 0444 on a file of one's own: ``--in-place`` could replace it (the folder is
    writable) but refuses, as opening it to write would."""
    with world_readable_copy() as folder:
        corpus = folder / "corpus"
        read_only, other = corpus / SEED_NAMES[0], corpus / SEED_NAMES[1]
        if ROOT_USER:  # the user's own files
            os.chown(read_only, NOBODY, NOBODY)
            os.chown(other, NOBODY, NOBODY)
        read_only.chmod(0o444)
        code, _, err = invoke_unprivileged(folder, "--in-place", read_only, other)
        assert code == 2, err
        assert f"error: {read_only}: write: the file is read-only (mode 0444); not rewritten" in err
        assert read_only.read_bytes() == (SEEDS / SEED_NAMES[0]).read_bytes()
        assert other.read_bytes() == (EXPECTED / SEED_NAMES[1]).read_bytes(), err


def test_read_only_output_folder() -> None:
    with world_readable_copy() as folder, read_only_folder(folder / "out") as out:
        code, _, err = invoke_unprivileged(folder, folder / "corpus", "-o", out)
        assert code == 2, err
        assert err.count("write: cannot write") >= len(SEED_NAMES)


@contextmanager
def read_only_folder(path: Path) -> Iterator[Path]:
    path.mkdir()
    if ROOT_USER:
        subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", path], check=True)
        try:
            yield path
        finally:
            subprocess.run(["umount", path], check=True)
    else:
        path.chmod(0o555)
        yield path


@pytest.mark.skipif(not ROOT_USER, reason="a full file system needs a tmpfs mount (root)")
def test_full_output_folder(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24k", "tmpfs", out], check=True)
    try:
        result = invoke(corpus, "-o", out)
        assert result.exit_code == 2
        assert "No space left on device" in result.stderr
        written = [p for p in out.iterdir() if p.suffix == ".txt"]
        for path in written:  # whatever was written is complete, nothing half-written
            assert path.read_bytes() == (EXPECTED / path.name).read_bytes()
        assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    finally:
        subprocess.run(["umount", out], check=True)


def test_links_that_loop_or_leave_the_tree(corpus: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("酷乐文行整理，咨询QQ206157060\n", encoding="utf-8")
    (corpus / "escape.txt").symlink_to(secret)
    (corpus / "loop").symlink_to(corpus)
    out = tmp_path / "out"
    result = invoke(corpus, "-o", out)
    assert result.exit_code == 2
    assert "escape.txt: a symbolic link that leads out of the input tree" in result.stderr
    assert "loop: a symbolic link loop" in result.stderr
    assert outputs_match_expected(out)
    assert not (out / "escape.txt").exists()


def test_named_link_is_cleaned_through_to_its_target(corpus: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.txt"
    link.symlink_to(corpus / SEED_NAMES[0])
    assert invoke("--in-place", link).exit_code == 1
    assert link.is_symlink()
    assert (corpus / SEED_NAMES[0]).read_bytes() == (EXPECTED / SEED_NAMES[0]).read_bytes()


def run_direct(corpus: Path, mode: Mode, on_file, out: Path | None = None) -> list[FileResult]:  # type: ignore[no-untyped-def]
    results: list[FileResult] = []

    def record(result: FileResult) -> None:
        results.append(result)
        on_file(result)

    work = Work(RuleSelector(load_rules([])), mode)
    for result in Serial().map(Inputs((corpus,), out_dir=out).tasks(), work):
        record(result)
    return results


def test_file_deleted_between_walking_and_reading(corpus: Path, tmp_path: Path) -> None:
    # The walk lists a folder before the files in it are read: delete one in between.
    victim = corpus / SEED_NAMES[-1]

    def delete_victim(result: FileResult) -> None:
        if result.path.endswith(SEED_NAMES[0]):
            victim.unlink()

    results = run_direct(corpus, Mode.OUT_DIR, delete_victim, tmp_path / "out")
    failed = [r for r in results if r.status is Status.FAILED]
    assert [(r.path, r.reason) for r in failed] == [
        (str(victim), "read: No such file or directory")
    ]
    assert outputs_match_expected(tmp_path / "out", SEED_NAMES[:-1])


def test_file_changed_while_being_cleaned_is_left_alone(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = corpus / SEED_NAMES[0]
    real_process = clean_reports.work.process

    def process_while_someone_edits(data, rules, mode, label, **kwargs):  # type: ignore[no-untyped-def]
        processed = real_process(data, rules, mode, label, **kwargs)
        if label == str(target):
            target.write_bytes(data + "编辑者新增的一段。\n".encode())
        return processed

    monkeypatch.setattr(clean_reports.work, "process", process_while_someone_edits)
    results = run_direct(corpus, Mode.IN_PLACE, lambda _r: None)
    (failed,) = [r for r in results if r.status is Status.FAILED]
    assert failed.reason == "write: the file changed while it was being cleaned"
    assert target.read_bytes().endswith("编辑者新增的一段。\n".encode())
    assert outputs_match_expected(corpus, SEED_NAMES[1:])
