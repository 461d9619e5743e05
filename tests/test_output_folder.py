"""Output folders are tagged and never read as input; an earlier run's outputs whose input
is gone are removed when provably the tool's own, and reported either way."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from clean_reports.cli import cli

from conftest import EXPECTED, SEED_NAMES, SEEDS

TAG = "CLEAN-REPORTS.TAG"
SIGNATURE = "Signature: clean-reports output folder"
WATERMARKED = [name for name in SEED_NAMES if name.startswith(("000", "001", "003", "004"))]


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(arg) for arg in args], catch_exceptions=False)


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the seeds, and the current folder is it."""
    folder = tmp_path / "corpus"
    shutil.copytree(SEEDS, folder)
    monkeypatch.chdir(folder)
    return folder


def summary_outputs(out: Path) -> set[str]:
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return {record["output"] for record in summary["files"]}


# --- the tag, and the walk -------------------------------------------------------------


def test_every_output_folder_is_tagged(corpus: Path, tmp_path: Path) -> None:
    assert invoke(".", "-q").exit_code == 0
    assert invoke(".", "-o", tmp_path / "elsewhere" / "out", "-q").exit_code == 0
    for out in (corpus / "cleaned", tmp_path / "elsewhere" / "out"):
        lines = (out / TAG).read_text(encoding="utf-8").splitlines()
        assert lines[0] == SIGNATURE


def test_an_earlier_output_folder_is_not_read_as_input(corpus: Path) -> None:
    assert invoke(".", "-q").exit_code == 0
    result = invoke("--check", ".", "-v")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == "Found 17 watermarks in 4 files (5 files checked)."
    assert "cleaned/" not in result.stdout
    assert f"cleaned: skipped (an output folder of clean-reports ({TAG}))" in result.stderr


def test_an_output_folder_named_on_the_command_line_is_read(corpus: Path) -> None:
    """Checking that a clean corpus is clean is what one does with it."""
    assert invoke(".", "-q").exit_code == 0
    result = invoke("--check", "cleaned")
    assert result.exit_code == 0
    assert result.stdout == "No watermarks found (5 files checked).\n"


def test_an_output_folder_deeper_in_the_tree_is_skipped_in_every_mode(
    corpus: Path, tmp_path: Path
) -> None:
    assert invoke(".", "-o", corpus / "a" / "b" / "out", "-q").exit_code == 0
    check = invoke("--check", ".")
    assert check.stdout.splitlines()[-1].endswith("(5 files checked).")
    diff = invoke("--diff", ".")
    assert "a/b/out" not in diff.stdout
    again = invoke(".", "-o", tmp_path / "second", "-q")
    assert again.exit_code == 0
    assert summary_outputs(tmp_path / "second") == set(SEED_NAMES)


def test_a_file_of_that_name_without_the_signature_is_no_tag(corpus: Path) -> None:
    (corpus / "notes").mkdir()
    (corpus / "notes" / TAG).write_text("mine\n", encoding="utf-8")
    shutil.copy(SEEDS / SEED_NAMES[0], corpus / "notes" / "report.txt")
    result = invoke("--check", ".")
    assert result.stdout.splitlines()[-1].endswith("(6 files checked).")


def test_a_tag_already_there_is_kept(corpus: Path) -> None:
    out = corpus / "cleaned"
    out.mkdir()
    (out / TAG).write_text(f"{SIGNATURE}\n# written by hand\n", encoding="utf-8")
    assert invoke(".", "-q").exit_code == 0
    assert (out / TAG).read_text(encoding="utf-8") == f"{SIGNATURE}\n# written by hand\n"


# --- what an earlier run left --------------------------------------------------------


def test_outputs_of_a_deleted_input_are_removed_and_reported(corpus: Path) -> None:
    assert invoke(".").exit_code == 0
    gone = WATERMARKED[0]
    (corpus / gone).unlink()
    result = invoke(".")
    assert result.exit_code == 0
    out = corpus / "cleaned"
    assert not (out / gone).exists() and not (out / f"{gone}.diff").exists()
    source = corpus / gone
    assert f"removed cleaned/{gone}: its input {source} is gone" in result.stderr
    assert f"removed cleaned/{gone}.diff: its input {source} is gone" in result.stderr
    assert summary_outputs(out) == set(SEED_NAMES) - {gone}
    for name in set(SEED_NAMES) - {gone}:  # the rest of the clean corpus is whole
        assert (out / name).read_bytes() == (EXPECTED / name).read_bytes()


def test_a_changed_output_of_a_deleted_input_is_left_and_reported(corpus: Path) -> None:
    assert invoke(".").exit_code == 0
    gone = WATERMARKED[0]
    (corpus / gone).unlink()
    edited = corpus / "cleaned" / gone
    edited.write_text(edited.read_text(encoding="utf-8") + "我的批注\n", encoding="utf-8")
    result = invoke(".")
    assert edited.read_text(encoding="utf-8").endswith("我的批注\n")  # never deleted
    assert (
        f"left cleaned/{gone}: its input {corpus / gone} is gone, "
        "but it changed since clean-reports wrote it"
    ) in result.stderr
    # its diff was not touched by anyone: that one is the tool's own, and goes
    assert not (corpus / "cleaned" / f"{gone}.diff").exists()


def test_files_the_tool_did_not_write_are_never_removed(corpus: Path) -> None:
    assert invoke(".").exit_code == 0
    mine = corpus / "cleaned" / "notes.txt"
    mine.write_text("my own notes\n", encoding="utf-8")
    (corpus / "cleaned" / "sub").mkdir()
    (corpus / "cleaned" / "sub" / "x.txt.diff").write_text("x\n", encoding="utf-8")
    for name in SEED_NAMES:
        (corpus / name).unlink()
    (corpus / "new.txt").write_text("新的述职报告\n", encoding="utf-8")
    result = invoke(".")
    assert result.exit_code == 0
    assert mine.read_text(encoding="utf-8") == "my own notes\n"
    assert (corpus / "cleaned" / "sub" / "x.txt.diff").exists()
    assert "notes.txt" not in result.stderr
    left = sorted(p.name for p in (corpus / "cleaned").iterdir())
    assert left == [TAG, "new.txt", "notes.txt", "sub", "summary.json"]


def test_an_output_whose_input_is_still_there_is_left_and_reported(
    corpus: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert invoke(".", "-o", out).exit_code == 0
    kept = SEED_NAMES[-1]
    result = invoke(".", "-o", out, "--extend-exclude", kept)
    assert result.exit_code == 0
    assert (out / kept).read_bytes() == (EXPECTED / kept).read_bytes()
    assert f"left {out / kept}: its input {corpus / kept} was not part of this run" in (
        result.stderr
    )


def test_an_output_this_run_wrote_again_is_kept_even_when_its_old_input_is_gone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copytree(SEEDS, tmp_path / "a")
    assert invoke("a", "-o", "out").exit_code == 0
    shutil.move(tmp_path / "a", tmp_path / "b")  # the same files, under another name
    result = invoke("b", "-o", "out")
    assert result.exit_code == 0
    said = [line for line in result.stderr.splitlines() if line.startswith(("removed", "left"))]
    assert said == []
    for name in SEED_NAMES:
        assert (tmp_path / "out" / name).read_bytes() == (EXPECTED / name).read_bytes()


def summary_lines(out: Path) -> list[str]:
    return (out / "summary.json").read_text(encoding="utf-8").splitlines()


def test_the_summary_says_what_was_written_for_each_input(corpus: Path) -> None:
    assert invoke(".").exit_code == 0
    summary = json.loads((corpus / "cleaned" / "summary.json").read_text(encoding="utf-8"))
    records = {record["output"]: record for record in summary["files"]}
    name = WATERMARKED[0]
    record = records[name]
    assert record["source"] == str(corpus / name)
    for written in (name, f"{name}.diff"):
        data = (corpus / "cleaned" / written).read_bytes()
        assert record["written"][written] == {
            "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        }
    assert set(records[SEED_NAMES[2]]["written"]) == {SEED_NAMES[2]}  # unchanged: no diff


def test_a_summary_that_points_outside_the_folder_removes_nothing(
    corpus: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert invoke(".", "-o", out).exit_code == 0
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n", encoding="utf-8")
    facts = {"bytes": 8, "sha256": hashlib.sha256(b"keep me\n").hexdigest()}
    for name in ("../victim.txt", str(victim)):
        record = {"path": "gone.txt", "output": name, "diff": None, "status": "unchanged"}
        record |= {"source": str(tmp_path / "gone.txt"), "written": {name: facts}}
        lines = summary_lines(out)
        lines.insert(lines.index('  "files": [') + 1, "    " + json.dumps(record) + ",")
        (out / "summary.json").write_text("\n".join(lines) + "\n", encoding="utf-8")
        assert invoke(".", "-o", out).exit_code == 0
        assert victim.read_text(encoding="utf-8") == "keep me\n"


def test_a_summary_without_sizes_and_hashes_removes_nothing(corpus: Path) -> None:
    """A summary.json of an older version says nothing that proves a file unchanged."""
    assert invoke(".").exit_code == 0
    out = corpus / "cleaned"
    lines = []
    for line in summary_lines(out):
        if line.startswith("    {"):
            record = json.loads(line.strip().removesuffix(","))
            del record["written"], record["source"]
            comma = "," if line.endswith(",") else ""
            line = "    " + json.dumps(record, ensure_ascii=False) + comma
        lines.append(line)
    (out / "summary.json").write_text("\n".join(lines) + "\n", encoding="utf-8")
    json.loads((out / "summary.json").read_text(encoding="utf-8"))  # still a summary
    gone = SEED_NAMES[0]
    (corpus / gone).unlink()
    result = invoke(".")
    assert (out / gone).exists()
    assert (
        f"left cleaned/{gone}: the earlier summary.json does not say what was written"
        in result.stderr
    )


def test_the_output_of_an_input_that_fails_now_is_left_and_reported(corpus: Path) -> None:
    assert invoke(".").exit_code == 0
    name = WATERMARKED[0]
    (corpus / name).write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    result = invoke(".")
    assert result.exit_code == 2
    assert (corpus / "cleaned" / name).read_bytes() == (EXPECTED / name).read_bytes()
    assert f"left cleaned/{name}: its input {corpus / name} failed in this run" in result.stderr
