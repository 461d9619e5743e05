"""The ``clean-reports`` command: parse options, run, report, exit.

One command and no subcommands, so any PATH works, even a folder named like an option
word (``clean-reports rules``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click
from rich.console import Console

from . import __version__
from .errors import CleanReportsError, ExitCode, exit_code
from .process import Mode
from .report import (
    check_total,
    dump_json,
    failure_line,
    finding_line,
    make_console,
    plural,
    rules_listing,
    summary_document,
    summary_table,
)
from .results import FileResult, RunTotals, Status
from .rulecheck import verify_examples
from .rules import is_shipped, load_rules
from .run import RunOptions, run, summary_path
from .write import atomic_write

DEFAULT_OUT_DIR = Path("cleaned")


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help=f"Folder for clean copies, diffs and summary.json  [default: {DEFAULT_OUT_DIR}]",
)
@click.option("--check", is_flag=True, help="Write nothing; list watermarks; exit 1 if any.")
@click.option("--diff", "show_diff", is_flag=True, help="Write nothing; print unified diffs.")
@click.option(
    "--in-place", is_flag=True, help="Rewrite the files themselves; exit 1 if any changed."
)
@click.option(
    "--include",
    multiple=True,
    metavar="GLOB",
    help="Also take files matching GLOB (gitignore syntax) inside folders; *.txt always.",
)
@click.option(
    "--rules",
    "rule_paths",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="A rule file or a folder of them, added to the shipped rules. Repeatable.",
)
@click.option("--no-default-rules", is_flag=True, help="Do not load the shipped rules.")
@click.option("--list-rules", is_flag=True, help="Print the active rules and exit.")
@click.option("-q", "--quiet", is_flag=True, help="No summary; only findings and errors.")
@click.version_option(__version__, "-V", "--version", prog_name="clean-reports")
def cli(
    paths: tuple[Path, ...],
    output_dir: Path | None,
    check: bool,
    show_diff: bool,
    in_place: bool,
    include: tuple[str, ...],
    rule_paths: tuple[Path, ...],
    no_default_rules: bool,
    list_rules: bool,
    quiet: bool,
) -> None:
    """Strip reseller watermarks from the report files under PATHS.

    By default, clean copies go to ./cleaned (or -o DIR) with a .diff next to each
    changed file and a summary.json. Exit status: 0 clean, 1 watermarks found or files
    changed (--check, --diff, --in-place), 2 error.
    """
    modes = [
        name
        for name, on in (("--check", check), ("--diff", show_diff), ("--in-place", in_place))
        if on
    ]
    if len(modes) > 1:
        raise click.UsageError(f"{' and '.join(modes)} cannot be combined")
    if modes and output_dir is not None:
        raise click.UsageError(f"-o/--output-dir does not go with {modes[0]}")
    stderr = make_console(stderr=True)
    totals = RunTotals()
    try:
        rules = load_rules(rule_paths, default_rules=not no_default_rules)
        verify_examples(rule for rule in rules if not is_shipped(rule))
        if list_rules:
            click.echo(rules_listing(rules))
            sys.exit(ExitCode.CLEAN)
        if not paths:
            raise click.UsageError("no PATH given: name the report files or folders to clean")
        if not rules:
            raise click.UsageError("no rules are active (--no-default-rules without --rules)")
        mode = (
            Mode.CHECK
            if check
            else Mode.DIFF
            if show_diff
            else Mode.IN_PLACE
            if in_place
            else Mode.OUT_DIR
        )
        out_dir = (output_dir or DEFAULT_OUT_DIR) if mode is Mode.OUT_DIR else None
        options = RunOptions(paths, rules, mode, out_dir, include)
        results: list[FileResult] = []
        run(options, _on_file(mode, stderr, results), totals)
    except CleanReportsError as error:
        stderr.print(f"error: {error}", style="bold red", markup=False)
        sys.exit(ExitCode.ERROR)
    except KeyboardInterrupt:
        stderr.print(
            f"interrupted after {plural(totals.files, 'file')} "
            f"({totals.cleaned} with watermarks, {totals.failed} failed); "
            "every file written is complete; run again to finish."
        )
        sys.exit(ExitCode.INTERRUPTED)

    if mode is Mode.OUT_DIR:
        assert out_dir is not None
        try:
            atomic_write(
                summary_path(out_dir), dump_json(summary_document(results, totals, out_dir, rules))
            )
        except CleanReportsError as error:
            stderr.print(f"error: {error}", style="bold red", markup=False)
            sys.exit(ExitCode.ERROR)
    _finish(mode, totals, quiet, out_dir)
    sys.exit(
        exit_code(
            failed=totals.failed, findings=totals.findings, findings_fail=mode is not Mode.OUT_DIR
        )
    )


def _on_file(
    mode: Mode, stderr: Console, results: list[FileResult]
) -> Callable[[FileResult], None]:
    """The per-file reporter: stream findings or diffs to stdout and failures to stderr."""

    def report(result: FileResult) -> None:
        if result.status is Status.FAILED:
            stderr.print(failure_line(result))
        if mode is Mode.CHECK:
            for match in result.matches:
                click.echo(finding_line(result.path, match))
        elif mode is Mode.DIFF and result.diff:
            click.echo(result.diff, nl=False)
        elif mode is Mode.OUT_DIR:
            results.append(result)

    return report


def _finish(mode: Mode, totals: RunTotals, quiet: bool, out_dir: Path | None) -> None:
    stderr = make_console(stderr=True)
    if mode is Mode.CHECK:
        click.echo(check_total(totals))
        return
    if quiet:
        return
    if mode is Mode.DIFF:
        stderr.print(
            f"{plural(totals.cleaned, 'file')} would be cleaned, "
            f"{totals.unchanged} unchanged, {totals.failed} failed."
        )
        return
    where = f" → {out_dir}" if out_dir is not None else " (in place)"
    stderr.print(summary_table(totals, title=f"clean-reports{where}"))


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="clean-reports")
