"""Odd entries in the file system: names that are not UTF-8, links that cannot be followed,
and files that are not regular files (FIFOs, sockets, devices).

Each is run through the installed console script on real files, as a user meets them.
Every run has a time limit and runs in its own process group: a FIFO that is read
blocks forever, and a regression must fail the test, not hang it or leave workers behind.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from clean_reports.engines.serial import Serial
from clean_reports.inputs import Inputs
from clean_reports.model import FileResult, Mode, Status, Totals
from clean_reports.rules import load_rules
from clean_reports.selection import RuleSelector
from clean_reports.work import Work

from conftest import EXPECTED, SEED_NAMES, SEEDS, script

TIMEOUT = 60
ODD = b"a-\xff.txt"  # not UTF-8: Python sees "a-\udcff.txt"
ODD_SHOWN = "a-\\xff.txt"  # how every report writes it: the byte as \xff
WATERMARKED = SEED_NAMES[0]  # a seed with findings
WATERMARKED_SEEDS = sum(  # how many seeds have findings: those cleaning changes
    (EXPECTED / name).read_bytes() != (SEEDS / name).read_bytes() for name in SEED_NAMES
)


def run_cli(
    *args: str | Path, cwd: Path, stdin: bytes | int = subprocess.DEVNULL
) -> subprocess.CompletedProcess[bytes]:
    """The installed script, its output as bytes: the test decides how strict to decode.

    ``stdin`` is bytes to pipe in, or what Popen takes (a descriptor, DEVNULL). The script
    runs in a session of its own; when it outlives ``TIMEOUT`` the whole group (worker
    processes too) is killed and the test fails.
    """
    argv = [script("clean-reports"), *map(str, args)]
    data = stdin if isinstance(stdin, bytes) else None
    with subprocess.Popen(
        argv,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.PIPE if data is not None else stdin,
        start_new_session=True,
    ) as process:
        try:
            stdout, stderr = process.communicate(data, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            pytest.fail(f"clean-reports {' '.join(map(str, args))} hung for {TIMEOUT} s")
    return subprocess.CompletedProcess(argv, process.returncode, stdout, stderr)


def text(output: bytes) -> str:
    """Output decoded as strict UTF-8: a raw byte of a file name in it fails the test."""
    return output.decode("utf-8")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(SEEDS, folder)
    return folder


def outputs_match_expected(out: Path, names: list[str] = SEED_NAMES) -> bool:
    return all((out / n).read_bytes() == (EXPECTED / n).read_bytes() for n in names)


# --- 4. names that are not UTF-8 ---------------------------------------------------------


@pytest.fixture
def odd_corpus(corpus: Path) -> Path:
    """The seeds, and a watermarked one under a name that is not UTF-8."""
    with open(os.path.join(os.fsencode(corpus), ODD), "wb") as odd:  # noqa: PTH118, PTH123
        odd.write((SEEDS / WATERMARKED).read_bytes())
    return corpus


def odd_path(folder: Path, name: bytes = ODD) -> bytes:
    return os.path.join(os.fsencode(folder), name)  # noqa: PTH118


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif", "junit", "explain"])
def test_a_name_that_is_not_utf8_is_in_every_check_format(
    odd_corpus: Path, tmp_path: Path, fmt: str
) -> None:
    args = ["--check", "--no-cache", "--output-format", fmt, "corpus"]
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    report = text(result.stdout)
    assert f"corpus/{WATERMARKED}" in report  # and the other files as ever
    # The odd file is a copy of WATERMARKED: it must be reported just as that one is.
    odd, twin = f"corpus/{ODD_SHOWN}", f"corpus/{WATERMARKED}"
    if fmt == "json":
        findings = json.loads(report)
        of_odd = [{**f, "path": twin} for f in findings if f["path"] == odd]
        assert of_odd == [f for f in findings if f["path"] == twin] != []
    elif fmt == "sarif":
        (sarif_run,) = json.loads(report)["runs"]
        uris = [
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in sarif_run["results"]
        ]
        assert uris.count("corpus/a-%FF.txt") == uris.count(twin) > 0  # a URI writes %FF
    elif fmt == "junit":
        suites = {suite.get("name"): suite for suite in ET.fromstring(report)}
        assert suites[odd].get("failures") == suites[twin].get("failures") != "0"
    else:
        of_odd = [line.replace(odd, twin) for line in report.splitlines() if odd in line]
        assert of_odd == [line for line in report.splitlines() if twin in line] != []
        if fmt == "text":
            assert report.endswith(f" in {WATERMARKED_SEEDS + 1} files (6 files checked).\n")
        elif fmt == "explain":
            assert odd in report.splitlines()  # the heading of its findings


@pytest.mark.parametrize("fmt", ["github", "sarif", "junit"])
def test_a_file_that_failed_under_a_name_that_is_not_utf8(
    odd_corpus: Path, tmp_path: Path, fmt: str
) -> None:
    with open(odd_path(odd_corpus, b"b-\xfe.txt"), "wb") as broken:  # noqa: PTH123
        broken.write(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00")
    result = run_cli("--check", "--no-cache", "--output-format", fmt, "corpus", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "error: corpus/b-\\xfe.txt: decode: binary file" in text(result.stderr)
    report = text(result.stdout)
    if fmt == "github":
        assert "::error file=corpus/b-\\xfe.txt,title=clean-reports::decode: binary" in report
    elif fmt == "sarif":
        (invocation,) = json.loads(report)["runs"][0]["invocations"]
        (failure,) = invocation["toolExecutionNotifications"]
        location = failure["locations"][0]["physicalLocation"]["artifactLocation"]
        assert location["uri"] == "corpus/b-%FE.txt"
        assert failure["message"]["text"].startswith("corpus/b-\\xfe.txt: decode: binary")
    else:
        suites = {suite.get("name"): suite for suite in ET.fromstring(report)}
        assert suites["corpus/b-\\xfe.txt"].get("errors") == "1"


def test_a_name_that_is_not_utf8_in_out_dir_mode(odd_corpus: Path, tmp_path: Path) -> None:
    with open(odd_path(odd_corpus, b"b-\xfe.txt"), "wb") as broken:  # noqa: PTH123
        broken.write(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00")  # fails: binary
    result = run_cli("corpus", "-o", "out", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    out = tmp_path / "out"
    assert outputs_match_expected(out)
    # The clean copy and its diff land under the very bytes of the input's name.
    with open(odd_path(out), "rb") as copy:  # noqa: PTH123
        assert copy.read() == (EXPECTED / WATERMARKED).read_bytes()
    with open(odd_path(out, ODD + b".diff"), "rb") as diff:  # noqa: PTH123
        header = text(diff.read()).splitlines()[:2]
    assert header == [f"--- a/{ODD_SHOWN}", f"+++ b/{ODD_SHOWN}"]
    assert not os.path.lexists(odd_path(out, b"b-\xfe.txt"))
    summary = json.loads(text((out / "summary.json").read_bytes()))
    records = {record["path"]: record for record in summary["files"]}
    odd = records[f"corpus/{ODD_SHOWN}"]
    assert (odd["output"], odd["diff"], odd["status"]) == (
        ODD_SHOWN,
        f"{ODD_SHOWN}.diff",
        "cleaned",
    )
    assert records["corpus/b-\\xfe.txt"]["status"] == "failed"
    assert summary["totals"]["files"] == len(SEED_NAMES) + 2
    errors = text(result.stderr)
    assert "error: corpus/b-\\xfe.txt: decode: " in errors


def test_a_name_that_is_not_utf8_in_the_html_report(odd_corpus: Path, tmp_path: Path) -> None:
    result = run_cli("--check", "--no-cache", "corpus", "--report", "report.html", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    page = text((tmp_path / "report.html").read_bytes())
    data = page.split('<script id="data" type="application/json">', 1)[1].split("</script>")[0]
    paths = {record["p"] for record in json.loads(data)}
    assert paths == {f"corpus/{name}" for name in [*SEED_NAMES, ODD_SHOWN]}


def test_a_name_that_is_not_utf8_in_diff_and_in_place_modes(
    odd_corpus: Path, tmp_path: Path
) -> None:
    diff = run_cli("--diff", "corpus", cwd=tmp_path)
    assert diff.returncode == 1, diff.stderr
    assert f"--- a/corpus/{ODD_SHOWN}\n" in text(diff.stdout)
    fix = run_cli("--in-place", "corpus", cwd=tmp_path)
    assert fix.returncode == 1, fix.stderr
    said = text(fix.stderr).splitlines()
    assert f"cleaned corpus/{ODD_SHOWN} (" in "\n".join(said)
    assert [line.replace(ODD_SHOWN, WATERMARKED) for line in said if ODD_SHOWN in line] == [
        line for line in said if WATERMARKED in line
    ]
    with open(odd_path(odd_corpus), "rb") as cleaned:  # noqa: PTH123
        assert cleaned.read() == (EXPECTED / WATERMARKED).read_bytes()
    assert outputs_match_expected(odd_corpus)


# --- 5. links that cannot be followed ----------------------------------------------------


@pytest.fixture
def looped(corpus: Path) -> Path:
    """The seeds beside two file links that point at each other, and two folder-like ones."""
    (corpus / "la.txt").symlink_to("lb.txt")
    (corpus / "lb.txt").symlink_to("la.txt")
    (corpus / "loop-a").symlink_to("loop-b")
    (corpus / "loop-b").symlink_to("loop-a")
    return corpus


@pytest.mark.parametrize(
    "mode", [["-o", "out"], ["--check", "--no-cache"]], ids=["out-dir", "check"]
)
def test_a_link_loop_in_a_walked_folder_fails_alone(
    looped: Path, tmp_path: Path, mode: list[str]
) -> None:
    result = run_cli(*mode, "corpus", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    errors = text(result.stderr)
    for name in ("la.txt", "lb.txt", "loop-a", "loop-b"):
        assert f"error: corpus/{name}: a symbolic link loop" in errors
    if mode[0] == "-o":
        assert outputs_match_expected(tmp_path / "out")
        summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
        assert summary["totals"]["failed"] == 4
        assert summary["totals"]["files"] == len(SEED_NAMES) + 4
    else:
        checked = f" in {WATERMARKED_SEEDS} files (5 files checked); 4 files could not be"
        assert checked in text(result.stdout)


def test_links_whose_target_cannot_be_looked_at_fail_alone(corpus: Path, tmp_path: Path) -> None:
    # Root reads any folder, so the targets fail as no permission can: through a file
    # taken for a folder, and by a name longer than any file system allows.
    (corpus / "through-a-file.txt").symlink_to(f"{WATERMARKED}/inner.txt")
    (corpus / "too-long.txt").symlink_to("x" * 300 + ".txt")
    result = run_cli("-o", "out", "corpus", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    errors = text(result.stderr)
    cannot = "a symbolic link whose target cannot be looked at"
    assert f"error: corpus/through-a-file.txt: {cannot} (Not a directory); not followed" in errors
    assert f"error: corpus/too-long.txt: {cannot} (File name too long); not followed" in errors
    assert outputs_match_expected(tmp_path / "out")
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert (summary["totals"]["files"], summary["totals"]["failed"]) == (len(SEED_NAMES) + 2, 2)


def test_a_link_loop_named_as_a_path_fails_alone(looped: Path, tmp_path: Path) -> None:
    # Through the Python API, as the command line does: a run given one reports it and goes on.
    results: list[FileResult] = []
    paths = (looped / "la.txt", looped / WATERMARKED)
    work = Work(RuleSelector(load_rules([])), Mode.CHECK)
    totals = Totals()
    for result in Serial().map(Inputs(paths).tasks(), work):
        results.append(result)
        totals.add(result)
    assert [(Path(r.path).name, r.status, r.reason) for r in results] == [
        (
            "la.txt",
            Status.FAILED,
            "a symbolic link loop (following it leads back to it); not followed",
        ),
        (WATERMARKED, Status.CLEANED, None),
    ]
    assert totals.failed == 1
    assert results[1].matches


# --- 6. files that are not regular files ---------------------------------------------------


def make_socket(path: Path) -> None:
    """A Unix socket at ``path``, bound where the name is short enough for bind (108
    bytes) and moved into place: a socket file is renamed like any other."""
    short = Path(tempfile.mkdtemp(prefix="s", dir="/tmp"))
    try:
        with socket.socket(socket.AF_UNIX) as listener:
            listener.bind(str(short / "s"))
        (short / "s").rename(path)
    finally:
        short.rmdir()


FIFO_ERROR = "error: corpus/pipe.txt: read: not a regular file but a FIFO (named pipe); not read"
SOCKET_ERROR = "error: corpus/socket.txt: read: not a regular file but a socket; not read"
DEVICE_ERROR = "error: corpus/null.txt: read: not a regular file but a character device; not read"


@pytest.fixture
def specials(corpus: Path) -> Path:
    """The seeds beside a FIFO, a socket and (when the tests run as root) a character
    device, each named like a report; and a FIFO named .gitignore."""
    os.mkfifo(corpus / "pipe.txt")
    make_socket(corpus / "socket.txt")
    if os.geteuid() == 0:
        os.mknod(corpus / "null.txt", stat.S_IFCHR | 0o666, os.makedev(1, 3))  # /dev/null's
    os.mkfifo(corpus / ".gitignore")
    return corpus


def special_errors(stderr: bytes) -> list[str]:
    errors = text(stderr)
    expected = [FIFO_ERROR, SOCKET_ERROR] + ([DEVICE_ERROR] if os.geteuid() == 0 else [])
    return [line for line in expected if line not in errors]


MODES = {
    "check": ["--check", "--no-cache", "-j", "1"],
    "check-workers": ["--check", "--no-cache", "-j", "2"],
    "out-dir": ["-o", "out", "-j", "1"],
    "out-dir-workers": ["-o", "out", "-j", "2"],
    "diff": ["--diff", "-j", "2"],
    "in-place": ["--in-place", "--no-cache", "-j", "2"],
}


@pytest.mark.parametrize("mode", list(MODES.values()), ids=list(MODES))
def test_files_that_are_not_regular_fail_alone_in_every_mode(
    specials: Path, tmp_path: Path, mode: list[str]
) -> None:
    result = run_cli(*mode, "corpus", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert special_errors(result.stderr) == []
    failed = 3 if os.geteuid() == 0 else 2
    if "-o" in mode:
        assert outputs_match_expected(tmp_path / "out")
        summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
        assert (summary["totals"]["files"], summary["totals"]["failed"]) == (5 + failed, failed)
        assert not os.path.lexists(tmp_path / "out" / "pipe.txt")
    elif "--in-place" in mode:
        assert outputs_match_expected(specials)
    elif "--check" in mode:
        assert text(result.stdout).endswith(
            f" in {WATERMARKED_SEEDS} files (5 files checked); "
            f"{failed} files could not be checked.\n"
        )
    else:
        assert text(result.stdout).count("--- a/corpus/") == WATERMARKED_SEEDS
    assert stat.S_ISFIFO((specials / "pipe.txt").stat().st_mode)  # left as it was


@pytest.mark.parametrize("mode", [["--check", "--no-cache"], ["-o", "out"], ["--in-place"]])
def test_a_fifo_named_on_the_command_line_fails_alone(
    specials: Path, tmp_path: Path, mode: list[str]
) -> None:
    result = run_cli(*mode, "corpus/pipe.txt", f"corpus/{WATERMARKED}", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert FIFO_ERROR in text(result.stderr)
    if mode[0] == "--check":
        assert f"corpus/{WATERMARKED}:1:1: kule-banner" in text(result.stdout)
    else:
        cleaned = tmp_path / "out" if mode[0] == "-o" else specials
        assert outputs_match_expected(cleaned, [WATERMARKED])


def test_a_run_never_reads_standard_input_it_was_not_given(specials: Path, tmp_path: Path) -> None:
    # Standard input is a pipe whose writer never closes it: only '-' would read it.
    reader, writer = os.pipe()
    try:
        result = run_cli("--check", "--no-cache", "corpus", cwd=tmp_path, stdin=reader)
    finally:
        os.close(reader)
        os.close(writer)
    assert result.returncode == 2, result.stderr
    assert special_errors(result.stderr) == []


def test_standard_input_that_is_a_pipe_is_still_read(tmp_path: Path) -> None:
    # Only files are held to being regular: '-' reads standard input, a pipe or not.
    watermarked = (SEEDS / WATERMARKED).read_bytes()
    check = run_cli("--check", "-", cwd=tmp_path, stdin=watermarked)
    assert check.returncode == 1, check.stderr
    assert text(check.stdout).startswith("-:1:1: kule-banner ")
    cleaned = run_cli("-", cwd=tmp_path, stdin=watermarked)
    assert cleaned.returncode == 0, cleaned.stderr
    assert cleaned.stdout == (EXPECTED / WATERMARKED).read_bytes()


READ_A_SWAPPED_FILE = """
import os, sys
from clean_reports.errors import FileFailure
from clean_reports.regular import read, stat
path, fifo = sys.argv[1:]
size = stat(path)[1]  # looked at while it was a report,
os.replace(fifo, path)  # and a FIFO by the time it is read, with a writer that stays
writer = os.open(path, os.O_RDWR | os.O_NONBLOCK)
try:
    read(path, size, 1_000_000)
except FileFailure as failure:
    print(failure)
"""


def test_a_file_swapped_for_a_fifo_after_it_was_looked_at_is_not_read(tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    shutil.copy(SEEDS / WATERMARKED, report)
    os.mkfifo(tmp_path / "fifo")
    argv = [sys.executable, "-c", READ_A_SWAPPED_FILE, str(report), str(tmp_path / "fifo")]
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"reading a FIFO hung for {TIMEOUT} s")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "read: not a regular file but a FIFO (named pipe); not read\n"


def test_a_link_loop_named_on_the_command_line_fails_alone(looped: Path, tmp_path: Path) -> None:
    paths = ["corpus/la.txt", f"corpus/{WATERMARKED}"]
    result = run_cli("--check", "--no-cache", *paths, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "error: corpus/la.txt: a symbolic link loop" in text(result.stderr)
    assert f"corpus/{WATERMARKED}:1:1: kule-banner" in text(result.stdout)


@pytest.mark.parametrize(
    ("option", "name"),
    [("--rules", "rules.yaml"), ("--config", "clean-reports.toml"), (None, ".clean-reports.toml")],
    ids=["rules", "config", "found-config"],
)
def test_a_fifo_as_a_rule_or_config_file_is_refused_not_waited_on(
    corpus: Path, tmp_path: Path, option: str | None, name: str
) -> None:
    """Rule and config files come with the corpus: one that is a FIFO would hang the run."""
    os.mkfifo(corpus / name)
    given = [option, f"corpus/{name}"] if option else []
    result = run_cli("--check", "--no-cache", *given, "corpus", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "not a regular file but a FIFO (named pipe)" in text(result.stderr)


@pytest.mark.parametrize("name", ["x" * 251 + ".txt", "长" * 83 + "ab.txt"], ids=["ascii", "cjk"])
def test_a_name_of_255_bytes_gets_its_clean_copy_and_a_diff_that_fits(
    tmp_path: Path, name: str
) -> None:
    """NAME.diff would be longer than a file name may be: the diff's name is cut short
    (with a checksum of the whole), and summary.json names it."""
    assert len(name.encode()) == 255
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEEDS / WATERMARKED, corpus / name)
    shutil.copy(EXPECTED / WATERMARKED, corpus / ("y" * 251 + ".txt"))  # clean: no diff
    result = run_cli("corpus", "-o", "out", cwd=tmp_path)
    assert result.returncode == 0, text(result.stderr)
    out = tmp_path / "out"
    assert (out / name).read_bytes() == (EXPECTED / WATERMARKED).read_bytes()
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    (record,) = [r for r in summary["files"] if r["output"] == name]
    diff = out / record["diff"]
    assert len(record["diff"].encode()) <= 255 and record["diff"].endswith(".diff")
    assert diff.read_text(encoding="utf-8").startswith(f"--- a/{name}\n")
    assert sorted(p.name for p in out.iterdir() if p.name.endswith(".diff")) == [diff.name]
