"""The HTML review report, loaded in a real browser (headless Chromium).

CI installs Debian's chromium and a CJK font and sets CLEAN_REPORTS_CHROMIUM; elsewhere
the tests look for ``chromium`` on PATH and are skipped without one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from clean_reports.cli import cli
from clean_reports.model import FileResult, Status, Totals
from clean_reports.sinks.html import HtmlReport

from conftest import EXPECTED, ROOT, SEEDS

CHROMIUM = os.environ.get("CLEAN_REPORTS_CHROMIUM") or shutil.which("chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM, reason="chromium is not installed")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--enable-logging=stderr",
    "--v=0",
]


def browse(page: Path, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *extra, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def console_errors(log: str) -> list[str]:
    return [
        line
        for line in log.splitlines()
        if ("CONSOLE" in line and ("ERROR" in line or "Uncaught" in line)) or "Uncaught" in line
    ]


@pytest.fixture
def report(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    body = (EXPECTED / "002_d53a44d0590c27f1.txt").read_text(encoding="utf-8")
    glued = body.replace("请予以评议。", "请予以评议。酷乐文行整理，咨询QQ206157060", 1)
    (corpus / "0-glued.txt").write_text(glued, encoding="utf-8")
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02")
    page = tmp_path / "report.html"
    result = CliRunner().invoke(
        cli, [str(corpus), "-o", str(tmp_path / "out"), "--report", str(page), "-q"]
    )
    assert result.exit_code == 2  # the binary file
    return page


def test_report_renders_rules_and_removed_text(report: Path, tmp_path: Path) -> None:
    loaded = browse(report, tmp_path, "--dump-dom")
    dom = loaded.stdout
    for rule in ("kule-banner", "kule-member-notice", "kule-footer"):
        assert rule in dom
    assert '<mark title="kule-footer">酷乐文行整理，咨询QQ206157060</mark>' in dom
    # the line around a glued removal, rendered (the first files with removals open)
    assert "情况述职如下，请予以评议。</span><mark" in dom
    assert "7 of 7 files" in dom
    assert "binary file" in dom  # a failed file with its reason
    assert console_errors(loaded.stderr) == []


def test_screenshot_of_the_seeds_report(tmp_path: Path) -> None:
    """The picture in docs/ is made the same way: the seeds' report, 1280 pixels wide."""
    page = tmp_path / "seeds.html"
    CliRunner().invoke(cli, [str(SEEDS), "-o", str(tmp_path / "out"), "--report", str(page), "-q"])
    shot = tmp_path / "report.png"
    browse(page, tmp_path, "--window-size=1280,1100", f"--screenshot={shot}")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000
    if os.environ.get("CLEAN_REPORTS_UPDATE_SCREENSHOT"):
        shutil.copy(shot, ROOT / "docs" / "report.png")


def test_fifty_thousand_files_stay_responsive(tmp_path: Path) -> None:
    page = tmp_path / "big.html"
    html = HtmlReport(page, "check")
    totals = Totals()
    for index in range(50_000):
        result = FileResult(
            f"corpus/{index:05d}.txt", Status.UNCHANGED, encoding="utf-8", size=4000
        )
        totals.add(result)
        html.add(result)
    html.close(totals)
    assert page.stat().st_size < 15_000_000
    loaded = browse(page, tmp_path, "--dump-dom", "--virtual-time-budget=5000")
    assert "50000 of 50000 files" in loaded.stdout
    assert "page 1 of 500" in loaded.stdout
    assert loaded.stdout.count('<tr class="file">') == 100  # one page of rows, not 50,000
    assert console_errors(loaded.stderr) == []
