"""Project configuration: discovery, precedence over flags, validation."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from clean_reports.cli import cli, config_keys
from clean_reports.config import ConfigFile, find_config, read_config
from clean_reports.errors import ConfigError

from conftest import EXPECTED, SEEDS, write_rule

SEED = "000_155c858b691bed45.txt"


def load_settings(paths: list[Path], explicit: Path | None = None) -> ConfigFile:
    """The config file the command would read for ``paths``, and its values."""
    return read_config(paths, explicit, config_keys(cli))


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A git repo with a corpus folder holding the seeds."""
    subprocess.run(["git", "init", "-q", str(tmp_path / "repo")], check=True)
    repo = tmp_path / "repo"
    shutil.copytree(SEEDS, repo / "corpus" / "reports")
    return repo


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_nearest_file_wins_and_files_are_not_merged(project: Path) -> None:
    write(project / "pyproject.toml", '[tool.clean-reports]\nignore = ["kule-footer"]\n')
    own = write(project / "corpus" / ".clean-reports.toml", 'select = ["kule-banner"]\n')
    assert find_config([project / "corpus" / "reports"]) == own
    found = load_settings([project / "corpus" / "reports"])
    assert found.values["select"] == ("kule-banner",)
    assert "ignore" not in found.values  # the pyproject further up is not merged in
    assert found.root == own.parent


def test_pyproject_without_the_table_is_passed_over(project: Path) -> None:
    write(project / "corpus" / "pyproject.toml", "[tool.black]\nline-length = 80\n")
    top = write(project / "pyproject.toml", '[tool.clean-reports]\nselect = ["qq-*"]\n')
    assert find_config([project / "corpus" / "reports"]) == top


def test_own_file_beats_pyproject_in_the_same_folder(project: Path) -> None:
    write(project / "pyproject.toml", '[tool.clean-reports]\nselect = ["qq-*"]\n')
    own = write(project / ".clean-reports.toml", "")
    assert find_config([project / "corpus"]) == own


def test_search_stops_at_the_repository_root(tmp_path: Path, project: Path) -> None:
    write(tmp_path / ".clean-reports.toml", 'select = ["qq-advert"]\n')
    assert find_config([project / "corpus"]) is None


def test_common_folder_of_several_inputs(project: Path) -> None:
    own = write(project / "corpus" / ".clean-reports.toml", "")
    write(project / "corpus" / "other" / "x.txt", "正文\n")
    found = find_config([project / "corpus" / "reports" / SEED, project / "corpus" / "other"])
    assert found == own


def test_config_sets_what_the_flags_would(project: Path) -> None:
    write(
        project / "pyproject.toml",
        '[tool.clean-reports]\nignore = ["kule-footer"]\noutput-format = "json"\n',
    )
    result = invoke("--check", project / "corpus")
    findings = json.loads(result.stdout)
    assert findings and all(f["rule"] != "kule-footer" for f in findings)


def test_command_line_beats_the_config(project: Path) -> None:
    write(
        project / "pyproject.toml",
        '[tool.clean-reports]\nignore = ["kule-footer"]\noutput-format = "json"\n',
    )
    result = invoke("--check", "--ignore", "kule-banner", "--output-format", "text", project)
    assert ": kule-footer " in result.stdout
    assert ": kule-banner " not in result.stdout


def test_explicit_config_file(project: Path, tmp_path: Path) -> None:
    write(project / ".clean-reports.toml", 'select = ["kule-banner"]\n')
    other = write(tmp_path / "elsewhere.toml", 'select = ["kule-footer"]\n')
    result = invoke("--check", "--config", other, project / "corpus")
    assert ": kule-footer " in result.stdout and ": kule-banner " not in result.stdout


def test_paths_in_the_config_are_relative_to_it(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    title = "开发区党工委书记述职报告"
    write_rule(project / "rules-extra" / "x.yaml", "title-demo", title, [title])
    write(
        project / ".clean-reports.toml",
        'rules = ["rules-extra"]\noutput-dir = "clean"\nextend-exclude = ["corpus/skip/"]\n',
    )
    write(project / "corpus" / "skip" / "x.txt", "酷乐文行整理，咨询QQ206157060\n")
    monkeypatch.chdir(project / "corpus")
    result = invoke(".")
    assert result.exit_code == 0, result.stderr
    assert (project / "clean" / "reports" / SEED).is_file()
    assert not (project / "clean" / "skip").exists()
    summary = json.loads((project / "clean" / "summary.json").read_text(encoding="utf-8"))
    assert summary["totals"]["hits"]["title-demo"] == 1


def test_out_is_the_same_as_output_dir(project: Path) -> None:
    write(project / ".clean-reports.toml", 'out = "cleaned-here"\n')
    assert invoke(project / "corpus").exit_code == 0
    assert (project / "cleaned-here" / "reports" / SEED).read_bytes() == (
        EXPECTED / SEED
    ).read_bytes()


def test_per_file_ignores(project: Path) -> None:
    write(
        project / ".clean-reports.toml",
        f'[per-file-ignores]\n"corpus/reports/{SEED}" = ["kule-*", "qq-*"]\n',
    )
    result = invoke("--check", project / "corpus")
    assert SEED not in result.stdout
    assert "001_8ccc2d55e0a5d909.txt" in result.stdout


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colour = 1\n", "unknown key 'colour'"),
        ("ignore = 'kule-footer'\n", "must be a list of strings"),
        ("force-exclude = 'yes'\n", "must be true or false"),
        ("output-format = 'xml'\n", "must be one of"),
        ("out = 'a'\noutput-dir = 'b'\n", "repeats a setting"),
        ("per-file-ignores = ['x']\n", "must be a table"),
        ("select = [\n", "invalid TOML"),
    ],
)
def test_invalid_config_is_an_error(project: Path, text: str, message: str) -> None:
    config = write(project / ".clean-reports.toml", text)
    with pytest.raises(ConfigError, match=message):
        load_settings([project])
    result = invoke("--check", project / "corpus")
    assert result.exit_code == 2
    assert str(config) in result.stderr


def test_unknown_rule_in_select_or_ignore_is_an_error(project: Path) -> None:
    result = invoke("--check", "--ignore", "kule-fotoer", project / "corpus")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: unknown rule 'kule-fotoer' in --ignore: did you mean 'kule-footer'?\n"
    )


def test_a_typo_in_the_config_names_the_file_and_the_closest_rule(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(project / "pyproject.toml", '[tool.clean-reports]\nselect = ["kule-foter"]\n')
    monkeypatch.chdir(project)
    result = invoke("--check", "corpus")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: unknown rule 'kule-foter' in select (pyproject.toml): did you mean 'kule-footer'?\n"
    )
    write(
        project / "corpus" / ".clean-reports.toml",
        '[per-file-ignores]\n"reports/*.txt" = ["qq-advrt", "zz*"]\n',
    )
    result = invoke("--check", "corpus")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: unknown rule 'qq-advrt' in per-file-ignores (corpus/.clean-reports.toml) "
        "for 'reports/*.txt': did you mean 'qq-advert'?\n"
    )
    write(project / "corpus" / ".clean-reports.toml", '[per-file-ignores]\n"x" = ["zz*"]\n')
    result = invoke("--check", "corpus")
    assert result.stderr == (
        "error: no rule matches 'zz*' in per-file-ignores (corpus/.clean-reports.toml) "
        "for 'x': see --list-rules for the active rules\n"
    )


def test_comma_separated_rule_lists(project: Path) -> None:
    result = invoke("--check", "--select", "kule-banner,kule-footer", project / "corpus")
    rules = {line.split(": ")[1].split()[0] for line in result.stdout.splitlines()[:-1]}
    assert rules == {"kule-banner", "kule-footer"}


def test_gitignore_is_respected_and_can_be_turned_off(project: Path) -> None:
    write(project / ".gitignore", f"corpus/reports/{SEED}\n")
    result = invoke("--check", project / "corpus")
    assert SEED not in result.stdout
    result = invoke("--check", "--no-gitignore", project / "corpus")
    assert SEED in result.stdout


def test_verbose_names_every_decision(project: Path) -> None:
    write(project / ".gitignore", f"corpus/reports/{SEED}\n")
    result = invoke("--check", "-v", project / "corpus")
    assert f"{SEED}: skipped (ignored by .gitignore)" in result.stderr
    assert "002_d53a44d0590c27f1.txt: utf-8, LF: unchanged" in result.stderr
    assert "001_8ccc2d55e0a5d909.txt: utf-8, LF: 4 findings" in result.stderr
    quiet = invoke("--check", project / "corpus")
    assert "skipped" not in quiet.stderr


def test_per_file_ignores_on_the_command_line(project: Path) -> None:
    """``--per-file-ignores GLOB:RULES`` does what the config file's table does."""
    result = invoke("--check", "--per-file-ignores", f"{SEED}:kule-*,qq-*", project / "corpus")
    assert SEED not in result.stdout
    assert "001_8ccc2d55e0a5d909.txt" in result.stdout
    wrong = invoke("--check", "--per-file-ignores", "no-colon", project / "corpus")
    assert wrong.exit_code == 2
    assert "'no-colon' is not GLOB:RULE[,RULE...]" in wrong.stderr


# A value each kind of setting takes in a config file.
VALID = {
    "bool": "true",
    "strings": '["kule-footer"]',
    "paths": '["corpus"]',
    "path": '"somewhere"',
    "percent": "12",
    "seconds": "3",
    "megabytes": "7",
    "name": '"text"',
    "codec": '"gb18030"',
    "table": '{ "*.txt" = ["kule-footer"] }',
}


@pytest.mark.parametrize("key", sorted(config_keys(cli)))
def test_every_setting_option_is_a_config_key(project: Path, key: str) -> None:
    """The keys of a config file are the command's own options, declared once: each is
    read from the file, and --show-settings says it came from there."""
    _name, kind, choices = config_keys(cli)[key]
    value = f'"{choices[-1]}"' if kind == "choice" else VALID[kind]
    config = write(project / ".clean-reports.toml", f"{key} = {value}\n")
    result = invoke("--show-settings", project / "corpus")
    assert result.exit_code == 0, result.stderr
    line = next(
        line
        for line in result.stdout.splitlines()
        if line.startswith(f"{'output-dir' if key == 'out' else key} = ")
    )
    assert line.endswith(f"# config file {config}"), line
