"""The ``clean-reports`` command: parse options, merge the config file, run, report, exit.

One command and no subcommands, so any PATH works, even a folder named like an option
word (``clean-reports rules``). Flags given on the command line beat the project's
config file; see :mod:`clean_reports.config`.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from . import __version__
from .cache import CACHE_DIR, Cache
from .config import (
    KEY_OF,
    OUTPUT_ENCODINGS,
    OUTPUT_FORMATS,
    Origin,
    Settings,
    check_codec,
    display_path,
    find_repo_root,
    load_settings,
    setting_value,
)
from .errors import CleanReportsError, ExitCode, exit_code
from .formats import plural
from .process import FileOptions, Mode
from .progress import ProgressDisplay
from .report import Reporter, rules_listing, say, set_color
from .results import FileResult, RunTotals, Status
from .rulecheck import verify_examples
from .rules import is_shipped, load_rules
from .run import Engine, RunOptions, TextReader, count_inputs, limit_text, run, run_stdin
from .selection import RuleSelector
from .storage import is_uri, list_files
from .tables import INCLUDE as TABLE_INCLUDE
from .walk import WalkOptions, shown, walk
from .write import atomic_write

DEFAULT_OUT_DIR = Path("cleaned")
# Defaults shown in --help are the settings' own, so the two cannot drift apart.
DEFAULTS = Settings()

# click parameter name -> Settings field, for the flags a config file can also set
_CONFIGURABLE = {
    "output_dir": "output_dir",
    "include": "include",
    "exclude": "exclude",
    "extend_exclude": "extend_exclude",
    "force_exclude": "force_exclude",
    "no_gitignore": "no_gitignore",
    "rule_paths": "rules",
    "packs": "packs",
    "no_default_rules": "no_default_rules",
    "select": "select",
    "ignore": "ignore",
    "output_format": "output_format",
    "max_removal": "max_removal",
    "regex_timeout": "regex_timeout",
    "max_size": "max_size",
    "encoding": "encoding",
    "output_encoding": "output_encoding",
    "text_field": "text_field",
    "cache_dir": "cache_dir",
    "no_cache": "no_cache",
}


# a selection's key in messages -> its Settings field
_SELECTION = {"select": "select", "ignore": "ignore", "per-file-ignores": "per_file_ignores"}


def _split(
    _ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]
) -> tuple[str, ...]:
    """Accept ``--ignore a,b`` as well as ``--ignore a --ignore b``."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


_LOCAL_PATH = click.Path(exists=True, allow_dash=True, path_type=Path)
_LINK = click.Path(allow_dash=True, path_type=Path)


def _inputs(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> tuple[Path | str, ...]:
    """PATHs: files, folders and ``-`` (which must exist), or URIs on object storage
    (``s3://bucket/corpus``), kept as strings.

    A symbolic link that cannot be followed (a loop, a target that cannot be looked at)
    exists all the same: it goes to the run, which fails it alone with the reason, as it
    does for one met in a folder, instead of stopping everything as "does not exist".
    """
    return tuple(
        value
        if is_uri(value)
        else (_LINK if Path(value).is_symlink() else _LOCAL_PATH).convert(value, param, ctx)
        for value in values
    )


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """``--version``: the version, and whether the compiled view was built for this
    install, since the two give the same outputs at different speeds."""
    if not value or ctx.resilient_parsing:
        return
    from .view import VIEW_KIND

    click.echo(f"clean-reports, version {__version__}; normalised view: {VIEW_KIND}")
    ctx.exit()


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, callback=_inputs)
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help=f"Folder for clean copies, diffs and summary.json  [default: {DEFAULT_OUT_DIR}]",
)
@click.option("--check", is_flag=True, help="Write nothing; list watermarks; exit 1 if any.")
@click.option(
    "--diff",
    "show_diff",
    is_flag=True,
    help="Write nothing; print unified diffs. With --check: the diffs on stdout, the "
    "findings and total on stderr.",
)
@click.option(
    "--in-place", is_flag=True, help="Rewrite the files themselves; exit 1 if any changed."
)
@click.option(
    "--explain",
    is_flag=True,
    help="Like --check, but show each match: rule, position, original and normalised text.",
)
@click.option(
    "--output-format",
    type=click.Choice(OUTPUT_FORMATS),
    default=DEFAULTS.output_format,
    show_default=True,
    help="Format of --check findings.",
)
@click.option(
    "-O",
    "--output-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the --check report to FILE; the terminal keeps the text findings.",
)
@click.option(
    "--suggest",
    is_flag=True,
    help="Write nothing; propose rules (YAML) for boilerplate that recurs across PATHS.",
)
@click.option(
    "--report",
    "html_report",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE.html",
    help="Also write a self-contained HTML page to review what was removed.",
)
@click.option("--include", multiple=True, metavar="GLOB", help="Also take files matching GLOB.")
@click.option(
    "--exclude", multiple=True, metavar="GLOB", help="Skip paths matching GLOB (replaces defaults)."
)
@click.option(
    "--extend-exclude", multiple=True, metavar="GLOB", help="Skip paths matching GLOB as well."
)
@click.option(
    "--force-exclude", is_flag=True, help="Apply excludes to paths named on the command line."
)
@click.option("--no-gitignore", is_flag=True, help="Do not skip what .gitignore files ignore.")
@click.option(
    "--rules",
    "rule_paths",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="A rule file or a folder of them, added to the shipped rules. Repeatable.",
)
@click.option(
    "--pack",
    "packs",
    multiple=True,
    callback=_split,
    metavar="NAME",
    help="Also load a shipped opt-in pack (see --list-rules). Repeatable.",
)
@click.option("--no-default-rules", is_flag=True, help="Do not load the shipped rules.")
@click.option(
    "--max-removal",
    type=click.FloatRange(0, 100),
    default=DEFAULTS.max_removal,
    show_default=True,
    metavar="PERCENT",
    help="Refuse to write a file the rules would strip of more than PERCENT of its non-blank text.",
)
@click.option(
    "--encoding",
    metavar="NAME",
    help="Decode every file as NAME (e.g. gb18030, big5) instead of detecting it.",
)
@click.option(
    "--output-encoding",
    type=click.Choice(OUTPUT_ENCODINGS),
    default=DEFAULTS.output_encoding,
    show_default=True,
    help="Encoding of clean copies: UTF-8, or each file's original one.",
)
@click.option(
    "--max-size",
    type=click.FloatRange(0, min_open=True),
    default=DEFAULTS.max_size,
    show_default=True,
    metavar="MB",
    help="Refuse files larger than this.",
)
@click.option(
    "--regex-timeout",
    type=click.FloatRange(0, min_open=True),
    default=DEFAULTS.regex_timeout,
    show_default=True,
    metavar="SECONDS",
    help="Fail a file when one rule takes longer than this on it.",
)
@click.option(
    "--select", multiple=True, callback=_split, metavar="RULE", help="Run only these rules (globs)."
)
@click.option(
    "--ignore", multiple=True, callback=_split, metavar="RULE", help="Do not run these rules."
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read settings from FILE instead of the nearest pyproject.toml/.clean-reports.toml.",
)
@click.option(
    "--stdin-filename", metavar="NAME", help="The name to report standard input ('-') under."
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=os.cpu_count() or 1,
    show_default="all cores",
    help="Worker processes.",
)
@click.option(
    "--text-field",
    metavar="NAME",
    help="Also clean .jsonl, .jsonl.gz and .parquet datasets: the field NAME of each record.",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="Run here, or on a Ray cluster (needs clean-reports[ray]).",
)
@click.option(
    "--ray-address",
    envvar="RAY_ADDRESS",
    metavar="ADDRESS",
    help="Ray cluster to join with --engine ray  [default: $RAY_ADDRESS, else a local Ray]",
)
@click.option(
    "--no-cache", is_flag=True, help="Check every file, not only those changed since last run."
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="CLEAN_REPORTS_CACHE_DIR",
    show_envvar=True,
    help=(
        "Where --check and --in-place remember findings  "
        f"[default: {CACHE_DIR} beside the config file, else here]"
    ),
)
@click.option("--list-rules", is_flag=True, help="Print the active rules and exit.")
@click.option(
    "--show-settings",
    is_flag=True,
    help="Print every setting's value and where it came from, and exit.",
)
@click.option(
    "--show-files", is_flag=True, help="Print the files a run would take, one a line, and exit."
)
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour on stderr; auto colours a terminal unless NO_COLOR is set.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only findings and errors.")
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Also print the config file, rule files and cache folder in use, and what was "
    "decided for each path.",
)
@click.option(
    "-V",
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and which normalised view is in use (compiled or pure Python).",
)
@click.pass_context
def cli(ctx: click.Context, /, paths: tuple[Path | str, ...], **params: Any) -> None:
    """Strip reseller watermarks from the report files under PATHS ('-' reads stdin;
    s3://… and other object-storage URIs with --engine ray).

    By default, clean copies go to ./cleaned (or -o DIR) with a .diff next to each
    changed file and a summary.json. Exit status: 0 clean, 1 watermarks found or files
    changed (--check, --diff, --in-place), 2 error.
    """
    # --check --diff, as black has it: the diffs on stdout, the check's findings beside
    check_diff = bool(params["check"] and params["show_diff"])
    uris = tuple(path for path in paths if isinstance(path, str))
    local = tuple(path for path in paths if isinstance(path, Path))
    _check_uris(uris, params)
    if params["explain"]:
        if _given(ctx, "output_format"):
            raise click.UsageError("--explain is its own output format")
        if params["show_diff"]:
            raise click.UsageError("--explain and --diff cannot be combined")
        params["check"], params["output_format"] = True, "explain"
        ctx.set_parameter_source("output_format", ParameterSource.COMMANDLINE)
    if params["quiet"] and params["verbose"]:
        raise click.UsageError("-q/--quiet and -v/--verbose cannot be combined")
    mode = _mode(params)
    if params["output_dir"] is not None and mode is not Mode.OUT_DIR:
        raise click.UsageError(f"-o/--output-dir does not go with --{mode.value}")
    if params["suggest"] and (mode is not Mode.OUT_DIR or params["output_dir"]):
        raise click.UsageError("--suggest writes nothing but its proposals; it takes no mode")
    if params["suggest"] and Path("-") in paths:
        raise click.UsageError("--suggest reads files and folders, not standard input")
    if mode is not Mode.CHECK and not params["suggest"] and params["output_file"]:
        raise click.UsageError("-O/--output-file goes with --check or --suggest")
    if mode is not Mode.CHECK and _given(ctx, "output_format"):
        raise click.UsageError("--output-format goes with --check")
    if params["html_report"] and (params["suggest"] or Path("-") in paths):
        source = "--suggest" if params["suggest"] else "standard input ('-')"
        raise click.UsageError(f"--report reports on files and folders; not with {source}")
    if Path("-") in paths and len(paths) > 1:
        raise click.UsageError("'-' (standard input) cannot be combined with other paths")
    shows = [f"--{name.replace('_', '-')}" for name in _SHOWS if params[name]]
    if len(shows) > 1:
        raise click.UsageError(" and ".join(shows) + " cannot be combined")
    totals = RunTotals()
    color = set_color(params["color"], os.environ)
    reporter: Reporter | None = None
    try:
        given = {field: name for name, field in _CONFIGURABLE.items() if _set(ctx, name)}
        overrides = {field: params[name] for field, name in given.items()}
        origins = {field: _origin(ctx, name) for field, name in given.items()}
        settings = load_settings(local, params["config_file"], overrides, origins)
        if check_diff:
            _check_diff_format(settings, params["output_file"])
        run_mode = Mode.DIFF if check_diff else mode  # the diffs are a cleaning's
        cache, no_cache = _cache(settings, run_mode, params)
        if params["verbose"]:
            config = settings.config_file
            say(f"config file: {display_path(config) if config else 'none'}", style="dim")
            folder = display_path(cache.folder) if cache is not None else f"none ({no_cache})"
            say(f"cache folder: {folder}", style="dim")
        if params["show_settings"]:
            click.echo(_settings_listing(ctx, settings, mode, params))
            sys.exit(ExitCode.CLEAN)
        if params["show_files"]:
            if not paths:
                raise click.UsageError("no PATH given: name the report files or folders")
            out_dir = (settings.output_dir or DEFAULT_OUT_DIR) if mode is Mode.OUT_DIR else None
            sys.exit(_show_files(local, uris, settings, out_dir, params))
        rules = load_rules(
            settings.rules,
            default_rules=not settings.no_default_rules,
            packs=settings.packs,
            cache_dir=cache.folder if cache is not None else None,
        )
        verify_examples(rule for rule in rules if not is_shipped(rule))
        if params["verbose"]:
            for source, count in Counter(rule.source for rule in rules).items():
                say(f"rule file: {display_path(Path(source))} ({plural(count, 'rule')})", "dim")
        if params["list_rules"]:
            click.echo(rules_listing(rules))
            sys.exit(ExitCode.CLEAN)
        if not paths:
            raise click.UsageError("no PATH given: name the report files or folders to clean")
        selector = RuleSelector(
            rules,
            select=settings.select,
            ignore=settings.ignore,
            per_file_ignores=settings.per_file_ignores,
            root=settings.root,
            where={key: settings.where(field) for key, field in _SELECTION.items()},
        )
        if not selector.rules:
            raise click.UsageError(
                "no rules are active (check --no-default-rules, --select, --ignore)"
            )
        reporter = _reporter(settings, selector, mode, params, check_diff)
        on_file = _with_diffs(reporter.on_file) if check_diff else reporter.on_file
        file_options = FileOptions(
            settings.max_removal / 100,
            settings.regex_timeout,
            check_codec(settings.encoding) if settings.encoding else None,
            settings.output_encoding == "original",
            _context_chars() if params["html_report"] else 0,
            settings.text_field,
        )
        if params["suggest"]:
            sys.exit(_suggest(local, selector, settings, file_options, params["output_file"]))
        if paths == (Path("-"),):
            max_size = int(settings.max_size * 1_000_000)
            name = params["stdin_filename"] or "-"
            sys.exit(_stdin(selector, reporter, on_file, run_mode, file_options, name, max_size))
        options = RunOptions(
            local,
            selector,
            run_mode,
            reporter.out_dir,
            _walk_options(settings),
            file_options,
            int(settings.max_size * 1_000_000),
            params["jobs"],
            _engine(ctx, params),
            uris,
            cache,
        )
        if params["html_report"]:
            from .htmlreport import HtmlReport  # only a run asked for a report needs it

            reporter.html = HtmlReport(params["html_report"])
        if not params["quiet"] and sys.stderr.isatty():
            reporter.progress = ProgressDisplay(*count_inputs(options), color=color)
        run(options, on_file, totals, reporter.on_skip)
        reporter.finish(totals)
    except CleanReportsError as error:
        if reporter is not None:
            reporter.stop_progress()
        say(f"error: {error}", style="error")
        sys.exit(ExitCode.ERROR)
    except KeyboardInterrupt:
        if reporter is not None:
            try:
                reporter.interrupted(totals)
            except CleanReportsError as error:
                say(f"error: {error}", style="error")
        say(
            f"interrupted after {plural(totals.files, 'file')} "
            f"({totals.cleaned} with watermarks, {totals.failed} failed); "
            "every file written is complete; run again to finish."
        )
        sys.exit(ExitCode.INTERRUPTED)
    sys.exit(
        exit_code(
            failed=totals.failed, findings=totals.findings, findings_fail=mode is not Mode.OUT_DIR
        )
    )


def _origin(ctx: click.Context, name: str) -> Origin:
    """Where the value of the parameter ``name`` came from: its flag, or its variable."""
    param = next(param for param in ctx.command.params if param.name == name)
    if ctx.get_parameter_source(name) is ParameterSource.ENVIRONMENT:
        return Origin("environment variable", str(param.envvar))
    if name == "output_format" and ctx.params.get("explain"):
        return Origin("command line", "--explain")
    return Origin("command line", max(param.opts, key=len))


def _given(ctx: click.Context, name: str) -> bool:
    """Whether the flag ``name`` was typed on the command line."""
    return ctx.get_parameter_source(name) is ParameterSource.COMMANDLINE


def _set(ctx: click.Context, name: str) -> bool:
    """Whether ``name`` was set by a flag or by its environment variable: either beats
    the config file (a flag beats the variable: click reads the variable only when the
    flag is not given), as ``RUFF_CACHE_DIR`` beats ruff's ``cache-dir``."""
    return ctx.get_parameter_source(name) in (
        ParameterSource.COMMANDLINE,
        ParameterSource.ENVIRONMENT,
    )


def _mode(params: dict[str, Any]) -> Mode:
    chosen = [
        mode
        for flag, mode in (
            ("check", Mode.CHECK),
            ("show_diff", Mode.DIFF),
            ("in_place", Mode.IN_PLACE),
        )
        if params[flag]
    ]
    if chosen == [Mode.CHECK, Mode.DIFF]:
        return Mode.CHECK  # that shows its diffs too
    if len(chosen) > 1:
        raise click.UsageError(" and ".join(f"--{m.value}" for m in chosen) + " cannot be combined")
    return chosen[0] if chosen else Mode.OUT_DIR


def _check_diff_format(settings: Settings, output_file: Path | None) -> None:
    """``--check --diff`` keeps stdout for the diffs: a report in another format than
    text can only go to a file."""
    if settings.output_format == "text" or output_file is not None:
        return
    chosen = settings.output_format
    origin = settings.origin("output_format")
    if origin.kind == "command line":
        given = f"{origin.name or '--output-format'} {chosen}"
    else:
        given = f'output-format = "{chosen}" in {origin.name}'
    raise click.UsageError(
        f"--check --diff prints the diffs on stdout: {given} needs -O/--output-file FILE "
        "for its report (or give --output-format text)"
    )


def _with_diffs(on_file: Callable[[FileResult], None]) -> Callable[[FileResult], None]:
    """``--check --diff``: each file's diff on stdout, then what the check says of it."""

    def show(result: FileResult) -> None:
        if result.diff:
            sys.stdout.write(result.diff)
            sys.stdout.flush()  # before its findings, which go to stderr
        on_file(result)

    return show


def _cache(settings: Settings, mode: Mode, params: dict[str, Any]) -> tuple[Cache | None, str]:
    """The findings of earlier runs, for the modes that only find or fix in place; or
    ``None`` and why the run keeps none."""
    if settings.no_cache:
        return None, f"{settings.where('no_cache')} is set"
    if mode not in (Mode.CHECK, Mode.IN_PLACE):
        if params["check"]:
            return None, "--check --diff cleans each file to show its diff"
        return None, "only --check and --in-place use one"
    if params["engine"] != "local":
        return None, f"--engine {params['engine']} keeps none"
    if params["html_report"]:  # the report needs the text
        return None, "--report needs each file's text"
    salt = f"{settings.encoding}\0{settings.text_field}"
    return Cache(cache_folder(settings), salt), ""


def cache_folder(settings: Settings) -> Path:
    """Where the cache is, or would be: ``cache-dir``, else beside the config file."""
    return settings.cache_dir or settings.root / CACHE_DIR


# the options that print something and exit
_SHOWS = ("list_rules", "show_settings", "show_files")
# the options that only ask a question of the command, shown by no --show-settings
_NOT_SETTINGS = {*_SHOWS, "version", "help"}


def _settings_listing(
    ctx: click.Context, settings: Settings, mode: Mode, params: dict[str, Any]
) -> str:
    """``--show-settings``: the config file and root, then one line for every option,
    ``key = value  # where it came from``, its value as a run would use it.

    The settings a config file can hold come first, by their key there; then the options
    of the command line only, by their long flag.
    """
    config = settings.config_file
    lines = [
        f"config file: {display_path(config) if config else 'none'}",
        f"root: {settings.root}",
        "",
    ]
    effective: dict[str, Any] = {
        "output_dir": settings.output_dir or DEFAULT_OUT_DIR,
        "cache_dir": cache_folder(settings),
        "per_file_ignores": dict(settings.per_file_ignores),  # a table in a config file
    }
    rows: list[tuple[str, str, str]] = []
    for field, key in KEY_OF.items():
        value = effective.get(field, getattr(settings, field))
        origin = settings.origin(field)
        note = ""
        if field == "output_dir" and mode is not Mode.OUT_DIR:
            note = f" (not used by --{mode.value})"
        elif field == "cache_dir" and origin.kind == "default":
            note = f" ({CACHE_DIR} in the root)"
        rows.append((key, setting_value(value), f"{origin}{note}"))
    configurable = set(_CONFIGURABLE)
    for param in ctx.command.params:
        name = param.name
        if name is None or name in configurable or name in _NOT_SETTINGS or name == "paths":
            continue
        source = ctx.get_parameter_source(name)
        if source is ParameterSource.ENVIRONMENT:
            origin = Origin("environment variable", str(param.envvar))
        elif source is ParameterSource.COMMANDLINE:
            origin = _origin(ctx, name)
        elif name == "check" and params["explain"]:
            origin = Origin("command line", "--explain")
        else:
            origin = Origin()
        note = " (all cores)" if name == "jobs" and origin.kind == "default" else ""
        key = max(param.opts, key=len).lstrip("-")
        rows.append((key, setting_value(params[name]), f"{origin}{note}"))
    # the comments line up, but for a value too long to wait for
    width = max(len(f"{key} = {value}") for key, value, _ in rows if len(f"{key} = {value}") < 40)
    lines += [f"{f'{key} = {value}':<{width}}  # {origin}" for key, value, origin in rows]
    return "\n".join(lines)


def _show_files(
    paths: tuple[Path, ...],
    uris: tuple[str, ...],
    settings: Settings,
    out_dir: Path | None,
    params: dict[str, Any],
) -> ExitCode:
    """``--show-files``: the files a run would take, one a line, as the run names them.

    They are walked as a run walks them (includes, excludes, .gitignore files, the output
    folder left out); ``-v`` says why each path left out was. A folder the walk cannot
    look into is an error, as in a run.
    """
    options = _walk_options(settings)
    if out_dir is not None:
        options = options._replace(skip=(*options.skip, out_dir))
    on_skip = None
    if params["verbose"]:

        def on_skip(path: Path, why: str) -> None:
            say(f"{path}: skipped ({why})", style="dim")

    failed = 0
    for source in walk([path for path in paths if path != Path("-")], options, on_skip):
        if source.error:
            failed += 1
            say(f"error: {source.path}: {source.error}", style="error")
        else:
            click.echo(shown(source.path))
    if Path("-") in paths:
        click.echo(params["stdin_filename"] or "-")
    for uri in uris:
        for remote in list_files(uri, options):
            click.echo(remote.uri)
    return ExitCode.ERROR if failed else ExitCode.CLEAN


def _check_uris(uris: tuple[str, ...], params: dict[str, Any]) -> None:
    """Object storage is read by Ray's filesystems, and written to only through a mount."""
    output = params["output_dir"]
    # click has made it a Path, which folds "s3://b/out" into "s3:/b/out"
    if output is not None and is_uri(str(output).replace(":/", "://", 1)):
        raise click.UsageError(
            "-o must be a folder (on a shared filesystem for a cluster), not object storage"
        )
    if not uris:
        return
    if params["engine"] != "ray":
        raise click.UsageError(f"{uris[0]}: object storage is read with --engine ray")
    for flag in ("in_place", "suggest"):
        if params[flag]:
            option = "--" + flag.replace("_", "-")
            raise click.UsageError(f"{option} works on local files, not on {uris[0]}")


def _engine(ctx: click.Context, params: dict[str, Any]) -> Engine:
    """Where the per-file work runs; ``-j`` sizes a local Ray instance's CPUs."""
    if params["engine"] == "local":
        if _given(ctx, "ray_address"):
            raise click.UsageError("--ray-address goes with --engine ray")
        return Engine()
    cpus = params["jobs"] if _given(ctx, "jobs") else None
    return Engine("ray", address=params["ray_address"] or None, cpus=cpus)


def _walk_options(settings: Settings) -> WalkOptions:
    include = settings.include + (TABLE_INCLUDE if settings.text_field else ())
    return WalkOptions(
        include=include,
        exclude=settings.excludes,
        root=settings.root,
        gitignore=not settings.no_gitignore,
        force_exclude=settings.force_exclude,
    )


def _reporter(
    settings: Settings,
    selector: RuleSelector,
    mode: Mode,
    params: dict[str, Any],
    check_diff: bool = False,
) -> Reporter:
    """What reports the run; for ``--check --diff``, a check that speaks on stderr."""
    out_dir = (settings.output_dir or DEFAULT_OUT_DIR) if mode is Mode.OUT_DIR else None
    return Reporter(
        mode,
        selector.rules,
        root=find_repo_root(Path.cwd().resolve()) or Path.cwd(),
        output_format=settings.output_format if mode is Mode.CHECK else "text",
        output_file=params["output_file"],
        out_dir=out_dir,
        quiet=params["quiet"],
        verbose=params["verbose"],
        stdout=sys.stderr if check_diff else sys.stdout,
    )


def _stdin(
    selector: RuleSelector,
    reporter: Reporter,
    on_file: Callable[[FileResult], None],
    run_mode: Mode,
    file_options: FileOptions,
    name: str,
    max_size: int,
) -> ExitCode:
    """``clean-reports -``: a filter from stdin to stdout, or a check or diff of stdin.

    ``run_mode`` is what is done with the text (``--check --diff`` makes its diff), and
    ``on_file`` hears of the result.
    """
    mode = reporter.mode
    data = sys.stdin.buffer.read(max_size + 1)
    if len(data) > max_size:
        if mode in (Mode.OUT_DIR, Mode.IN_PLACE):
            sys.stdout.buffer.write(data)
            shutil.copyfileobj(sys.stdin.buffer, sys.stdout.buffer)
            sys.stdout.buffer.flush()
        raise CleanReportsError(
            f"{name}: standard input is larger than the --max-size limit of {limit_text(max_size)}"
            + ("; passed through unchanged" if mode in (Mode.OUT_DIR, Mode.IN_PLACE) else "")
        )
    result, output = run_stdin(data, name, selector, run_mode, file_options)
    totals = RunTotals()
    totals.add(result)
    if mode in (Mode.CHECK, Mode.DIFF):
        on_file(result)
        reporter.finish(totals)
    elif result.status is Status.FAILED:
        # A filter that cannot clean passes its input through: `> out.txt` keeps the text.
        say(f"error: {result.path}: {result.reason}; passed through unchanged", style="error")
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    elif output is not None:
        sys.stdout.buffer.write(output)
        sys.stdout.buffer.flush()
    return exit_code(
        failed=totals.failed, findings=totals.findings, findings_fail=mode is not Mode.OUT_DIR
    )


def _context_chars() -> int:
    from .htmlreport import CONTEXT_CHARS

    return CONTEXT_CHARS


def _suggest(
    paths: tuple[Path, ...],
    selector: RuleSelector,
    settings: Settings,
    file_options: FileOptions,
    output: Path | None,
) -> ExitCode:
    """``--suggest``: read the corpus as a run would, print (or write) the proposed rules.

    A file that cannot be read is an error, as in a run: the proposals of the rest are
    still given, and the exit status says that not every file was read.
    """
    from .suggest import explain, suggest, to_yaml

    texts = TextReader(
        paths,
        _walk_options(settings),
        lambda path, why: say(f"error: {path}: {why}", style="error"),
        max_size=int(settings.max_size * 1_000_000),
        file_options=file_options,
    )
    proposals = suggest(texts, selector.rules)
    document = to_yaml(proposals, texts.count)
    if output is not None:
        atomic_write(output, document.encode("utf-8"))
    else:
        click.echo(document, nl=False)
    failed = f"; {plural(texts.failed, 'file')} failed" if texts.failed else ""
    say(f"{plural(len(proposals), 'proposal')} from {plural(texts.count, 'document')}{failed}.")
    for line in explain(proposals, texts.count):
        say(f"  {line}")
    return exit_code(failed=texts.failed, findings=0, findings_fail=False)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="clean-reports")
