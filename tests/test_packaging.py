"""The wheel carries the shipped rules: an installed tool needs no source tree."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel ``pip install .`` builds, built once for the tests that look into it."""
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(folder), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (built,) = folder.glob("clean_reports-*.whl")
    return built


def test_wheel_ships_the_rules_and_finds_them(wheel: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        assert "clean_reports/rules/kule.yaml" in names
        assert "clean_reports/rules/qq.yaml" in names
        assert "clean_reports/sinks/assets/report.css" in names  # the HTML report's page assets
        assert "clean_reports/sinks/assets/report.js" in names
        archive.extractall(tmp_path / "site")
    # Run from the unpacked wheel alone, far from the checkout.
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from clean_reports.rules import shipped_rules_dir; print(shipped_rules_dir());"
        "from clean_reports.cli import main; sys.argv = ['clean-reports', '--check', sys.argv[2]];"
        "main()"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-c", script, str(tmp_path / "site"), str(SEEDS)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[0] == str(tmp_path / "site" / "clean_reports" / "rules")
    assert result.stdout.splitlines()[-1] == "Found 17 watermarks in 4 files (5 files checked)."


def test_a_wheel_with_the_compiled_view_pins_what_it_was_built_from(wheel: Path) -> None:
    """Built against one regex and OpenCC, the extension is used with those alone: a wheel
    that allowed a newer regex, installed where one was, ran on the pure-Python view."""
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        (metadata,) = [name for name in names if name.endswith(".dist-info/METADATA")]
        requires = [
            line.removeprefix("Requires-Dist: ")
            for line in archive.read(metadata).decode().splitlines()
            if line.startswith("Requires-Dist: ") and "extra ==" not in line
        ]
    if not any(name.startswith("_clean_reports_view") for name in names):
        pytest.skip("no C compiler here: a pure-Python wheel, which needs no pins")
    for project in ("regex", "opencc"):
        pinned = [r for r in requires if r.startswith(f"{project}==")]
        assert len(pinned) == 1, requires


def test_the_version_is_the_one_pyproject_declares() -> None:
    """``__version__`` is written out for a fast start-up; it must say what the package is."""
    import tomllib

    from clean_reports import __version__

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert __version__ == declared["project"]["version"]


def test_an_install_over_an_older_regex_gets_the_compiled_view(tmp_path: Path) -> None:
    """The compiled view is used only with the regex it was built with, and the build takes
    the newest: an environment that already held an older regex (which the project's own
    floor allows) kept it, and got the pure-Python view however often it reinstalled."""
    if os.environ.get("CLEAN_REPORTS_PURE_PYTHON", "") not in ("", "0"):
        pytest.skip("CLEAN_REPORTS_PURE_PYTHON is set: no compiled view is built")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    older = subprocess.run([*pip, "regex==2024.11.6"], capture_output=True, timeout=600)
    if older.returncode != 0:
        pytest.skip(f"the index has no regex 2024.11.6: {older.stderr.decode()[-200:]}")
    subprocess.run([*pip, str(ROOT)], check=True, capture_output=True, timeout=900)
    version = subprocess.run(
        [str(venv / "bin" / "clean-reports"), "--version"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "the compiled view is not built" in version:
        pytest.skip("no C compiler here: the install has the pure-Python view")
    assert "normalised view: compiled (C)" in version, version
