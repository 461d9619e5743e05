"""The ``clean-reports`` command: click's options, merged into one :class:`Config`.

Every option is declared once, here. Those a config file can hold too are
:class:`Setting` options, which carry their key there and how its value is checked.
The config file is read while click parses (black's way): its values become click's
``default_map``, so that click alone decides precedence — a flag beats an environment
variable, which beats the config file, which beats the default — and says where each
value came from. The command then checks the combination, builds the frozen
:class:`~clean_reports.config.Config` and hands it to :mod:`clean_reports.app`.

One command and no subcommands, so any PATH works, even a folder named like an option
word (``clean-reports rules``).
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from . import app
from .cachedir import CACHE_DIR
from .config import (
    DEFAULT_OUT_DIR,
    OUTPUT_ENCODINGS,
    OUTPUT_FORMATS,
    Config,
    ConfigFile,
    Key,
    Origin,
    display_path,
    read_config,
    setting_value,
)
from .errors import CleanReportsError, ConfigError, ExitCode, UsageProblem
from .model import Mode, Totals
from .sinks.console import Console, color_choice
from .storage import is_uri
from .version import __version__
from .view import VIEW_KIND
from .walk import DEFAULT_EXCLUDE

_CONFIG_FILE = "clean_reports.config_file"
_CONFIG_ERROR = "clean_reports.config_error"


class Setting(click.Option):
    """An option a config file can set as well: ``key`` is its name there (the long
    flag's, unless said), ``aliases`` other names it takes there, and ``kind`` how a
    value there is checked (see :class:`~clean_reports.config.Key`).

    A value from the config file reaches click already checked and converted by
    :mod:`clean_reports.config`, whose messages name the file and the key; click's own
    checks are for the values of flags and environment variables.
    """

    def __init__(
        self,
        *args: Any,
        kind: str,
        key: str | None = None,
        aliases: tuple[str, ...] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.key = key or max(self.opts, key=len).lstrip("-")
        self.aliases = aliases

    def process_value(self, ctx: click.Context, value: Any) -> Any:
        if ctx.get_parameter_source(self.name or "") is not ParameterSource.DEFAULT_MAP:
            return super().process_value(ctx, value)
        # What the kind cannot say of a config file's value, click's type does: a number
        # out of range, a folder that is a file. A list of strings is what its kind said.
        if self.multiple and not isinstance(self.type, click.Path):
            return value
        try:
            return self.type_cast_value(ctx, value)
        except click.BadParameter as error:
            found: ConfigFile | None = ctx.meta.get(_CONFIG_FILE)
            where = display_path(found.path) if found and found.path else "the config file"
            raise click.BadParameter(
                f"{error.message} (set by {self.key} in {where})", ctx, self
            ) from None


class Finite(click.FloatRange):
    """A number in a range, and a number at all: ``inf`` and ``nan`` are refused (a limit
    of ``inf`` seconds or MB is no limit the run could count with)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return number


def config_keys(command: click.Command) -> dict[str, Key]:
    """The keys a config file may hold, from the command's :class:`Setting` options."""
    keys: dict[str, Key] = {}
    for param in command.params:
        if isinstance(param, Setting) and param.name is not None:
            choices = tuple(param.type.choices) if isinstance(param.type, click.Choice) else ()
            for key in (param.key, *param.aliases):
                keys[key] = Key(param.name, param.kind, tuple(map(str, choices)))
    return keys


def _split(
    _ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]
) -> tuple[str, ...]:
    """Accept ``--ignore a,b`` as well as ``--ignore a --ignore b``."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def _per_file_ignores(
    _ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``--per-file-ignores 'GLOB:RULE,RULE'``, as flake8 has it (a config file holds a
    table of ``GLOB = [RULE, ...]``)."""
    pairs = []
    for value in values:
        glob, colon, ids = value.rpartition(":")
        rules = tuple(part.strip() for part in ids.split(",") if part.strip())
        if not colon or not glob or not rules:
            raise click.BadParameter(f"{value!r} is not GLOB:RULE[,RULE...]")
        pairs.append((glob, rules))
    return tuple(pairs)


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


def _read_config(ctx: click.Context, _param: click.Parameter, value: Path | None) -> Path | None:
    """Find and read the config file (``--config``, else the nearest above the PATHs,
    which click has taken already: they are eager too) into click's ``default_map``.

    A config file that cannot be read is reported by the command, as every error is.
    """
    if ctx.resilient_parsing:
        return value
    paths = [path for path in ctx.params.get("paths", ()) if isinstance(path, Path)]
    try:
        found = read_config(paths, value, config_keys(ctx.command))
    except ConfigError as error:
        ctx.meta[_CONFIG_ERROR] = error
        found = ConfigFile(value, Path.cwd(), {})
    ctx.meta[_CONFIG_FILE] = found
    ctx.default_map = {**(ctx.default_map or {}), **found.values}
    return value


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """``--version``: the version, and whether the compiled view was built for this
    install, since the two give the same outputs at different speeds."""
    if not value or ctx.resilient_parsing:
        return
    click.echo(f"clean-reports, version {__version__}; normalised view: {VIEW_KIND}")
    ctx.exit()


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, callback=_inputs, is_eager=True)
@click.option(
    "-o",
    "--output-dir",
    cls=Setting,
    kind="path",
    aliases=("out",),
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
    cls=Setting,
    kind="choice",
    type=click.Choice(OUTPUT_FORMATS),
    default="text",
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
@click.option(
    "--include",
    cls=Setting,
    kind="strings",
    multiple=True,
    metavar="GLOB",
    help="Also take files matching GLOB.",
)
@click.option(
    "--exclude",
    cls=Setting,
    kind="strings",
    multiple=True,
    default=DEFAULT_EXCLUDE,
    show_default=False,
    metavar="GLOB",
    help="Skip paths matching GLOB (replaces defaults).",
)
@click.option(
    "--extend-exclude",
    cls=Setting,
    kind="strings",
    multiple=True,
    metavar="GLOB",
    help="Skip paths matching GLOB as well.",
)
@click.option(
    "--force-exclude",
    cls=Setting,
    kind="bool",
    is_flag=True,
    help="Apply excludes to paths named on the command line.",
)
@click.option(
    "--no-gitignore",
    cls=Setting,
    kind="bool",
    is_flag=True,
    help="Do not skip what .gitignore files ignore.",
)
@click.option(
    "--rules",
    "rule_paths",
    cls=Setting,
    kind="paths",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="A rule file or a folder of them, added to the shipped rules. Repeatable.",
)
@click.option(
    "--pack",
    "packs",
    cls=Setting,
    kind="strings",
    key="packs",
    multiple=True,
    callback=_split,
    metavar="NAME",
    help="Also load a shipped opt-in pack (see --list-rules). Repeatable.",
)
@click.option(
    "--no-default-rules",
    cls=Setting,
    kind="bool",
    is_flag=True,
    help="Do not load the shipped rules.",
)
@click.option(
    "--max-removal",
    cls=Setting,
    kind="percent",
    type=Finite(0, 100),
    default=30.0,
    show_default=True,
    metavar="PERCENT",
    help="Refuse to write a file the rules would strip of more than PERCENT of its non-blank text.",
)
@click.option(
    "--encoding",
    cls=Setting,
    kind="codec",
    metavar="NAME",
    help="Decode every file as NAME (e.g. gb18030, big5) instead of detecting it.",
)
@click.option(
    "--output-encoding",
    cls=Setting,
    kind="choice",
    type=click.Choice(OUTPUT_ENCODINGS),
    default="utf-8",
    show_default=True,
    help="Encoding of clean copies: UTF-8, or each file's original one.",
)
@click.option(
    "--max-size",
    cls=Setting,
    kind="megabytes",
    type=Finite(0, 1_000_000, min_open=True),
    default=50.0,
    show_default=True,
    metavar="MB",
    help="Refuse files larger than this.",
)
@click.option(
    "--regex-timeout",
    cls=Setting,
    kind="seconds",
    type=Finite(0, 1_000_000, min_open=True),
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="Fail a file when one rule takes longer than this on it.",
)
@click.option(
    "--select",
    cls=Setting,
    kind="strings",
    multiple=True,
    callback=_split,
    metavar="RULE",
    help="Run only these rules (globs).",
)
@click.option(
    "--ignore",
    cls=Setting,
    kind="strings",
    multiple=True,
    callback=_split,
    metavar="RULE",
    help="Do not run these rules.",
)
@click.option(
    "--per-file-ignores",
    cls=Setting,
    kind="table",
    multiple=True,
    callback=_per_file_ignores,
    metavar="GLOB:RULES",
    help="Do not run the rules RULES (comma-separated) on files matching GLOB. Repeatable.",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    is_eager=True,
    callback=_read_config,
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
    cls=Setting,
    kind="name",
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
    "--no-cache",
    cls=Setting,
    kind="bool",
    is_flag=True,
    help="Check every file, not only those changed since last run.",
)
@click.option(
    "--cache-dir",
    cls=Setting,
    kind="path",
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
    console = Console(color_choice(params["color"], os.environ))
    try:
        config = _config(ctx, paths, params, console)
        if config.verbose:
            app.describe(config, console)
        if params["show_settings"]:
            click.echo(_settings_listing(ctx, config, params))
            code = ExitCode.CLEAN
        else:
            code = app.run(config, console)
    except UsageProblem as problem:
        raise click.UsageError(str(problem)) from None
    except CleanReportsError as error:
        console.say(f"error: {error}", style="error")
        code = ExitCode.ERROR
    except KeyboardInterrupt:  # before the run began: it did nothing
        console.say(app.interrupted(Totals()))
        code = ExitCode.INTERRUPTED
    sys.exit(code)


def _config(
    ctx: click.Context, paths: tuple[Path | str, ...], params: dict[str, Any], console: Console
) -> Config:
    """The run's one :class:`Config`, once the options are known to go together."""
    uris = tuple(path for path in paths if isinstance(path, str))
    local = tuple(path for path in paths if isinstance(path, Path))
    _check_uris(ctx, uris, params)
    output_format = params["output_format"]
    if params["explain"]:
        if _given(ctx, "output_format"):
            raise click.UsageError("--explain is its own output format")
        if params["show_diff"]:
            raise click.UsageError("--explain and --diff cannot be combined")
        params["check"], output_format = True, "explain"
    if params["quiet"] and params["verbose"]:
        raise click.UsageError("-q/--quiet and -v/--verbose cannot be combined")
    mode = _mode(params)
    check_diff = bool(params["check"] and params["show_diff"])
    if _given(ctx, "output_dir") and mode is not Mode.OUT_DIR:
        raise click.UsageError(f"-o/--output-dir does not go with --{mode.value}")
    if params["suggest"] and (mode is not Mode.OUT_DIR or _given(ctx, "output_dir")):
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
    if Path("-") in paths and _given(ctx, "output_dir"):
        raise click.UsageError("'-' (standard input) writes to standard output; -o takes none")
    shows = [f"--{name.replace('_', '-')}" for name in _SHOWS if params[name]]
    if len(shows) > 1:
        raise click.UsageError(" and ".join(shows) + " cannot be combined")
    if params["engine"] == "local" and _given(ctx, "ray_address"):
        raise click.UsageError("--ray-address goes with --engine ray")
    error = ctx.meta.get(_CONFIG_ERROR)
    if error is not None:
        raise error
    found: ConfigFile = ctx.meta[_CONFIG_FILE]
    origins = {name: _origin(ctx, name, found) for name in ctx.params}
    if params["explain"]:
        origins["output_format"] = Origin("command line", "--explain", "output-format")
    if check_diff and output_format != "text" and params["output_file"] is None:
        origin = origins["output_format"]
        if origin.kind == "command line":
            given = f"{origin.name} {output_format}"
        else:
            given = f'output-format = "{output_format}" in {origin.name}'
        raise click.UsageError(
            f"--check --diff prints the diffs on stdout: {given} needs -O/--output-file FILE "
            "for its report (or give --output-format text)"
        )
    return Config.from_options(
        {**params, "output_format": output_format},
        paths=local,
        uris=uris,
        mode=mode,
        check_diff=check_diff,
        found=found,
        origins=origins,
        color=console.color,
    )


def _origin(ctx: click.Context, name: str, found: ConfigFile) -> Origin:
    """Where the value of the parameter ``name`` came from, as click tells it."""
    param = next(param for param in ctx.command.params if param.name == name)
    key = param.key if isinstance(param, Setting) else max(param.opts, key=len).lstrip("-")
    source = ctx.get_parameter_source(name)
    if source is ParameterSource.COMMANDLINE:
        return Origin("command line", max(param.opts, key=len), key)
    if source is ParameterSource.ENVIRONMENT:
        return Origin("environment variable", str(param.envvar), key)
    if source is ParameterSource.DEFAULT_MAP and found.path is not None:
        return Origin("config file", display_path(found.path), key)
    return Origin(key=key)


def _given(ctx: click.Context, name: str) -> bool:
    """Whether the flag ``name`` was typed on the command line."""
    return ctx.get_parameter_source(name) is ParameterSource.COMMANDLINE


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


def _check_uris(ctx: click.Context, uris: Sequence[str], params: dict[str, Any]) -> None:
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


# the options that print something and exit
_SHOWS = ("list_rules", "show_settings", "show_files")
# the options that only ask a question of the command, shown by no --show-settings
_NOT_SETTINGS = {*_SHOWS, "version", "help", "paths"}


def _settings_listing(ctx: click.Context, config: Config, params: dict[str, Any]) -> str:
    """``--show-settings``: the config file and root, then one line for every option,
    ``key = value  # where it came from``, its value as a run would use it.

    The settings a config file can hold come first, by their key there; then the options
    of the command line only, by their long flag.
    """
    config_file = config.config_file
    lines = [
        f"config file: {display_path(config_file) if config_file else 'none'}",
        f"root: {config.root}",
        "",
    ]
    effective: dict[str, Any] = {
        "output_dir": config.output_dir,
        "cache_dir": config.cache_dir,
        "per_file_ignores": dict(config.per_file_ignores),  # a table in a config file
    }
    rows: list[tuple[str, str, str]] = []
    settings = [param for param in ctx.command.params if isinstance(param, Setting)]
    others = [param for param in ctx.command.params if not isinstance(param, Setting)]
    for param in [*settings, *others]:
        name = param.name
        if name is None or name in _NOT_SETTINGS:
            continue
        origin = config.origins[name]
        value = effective.get(name, params.get(name, ctx.params[name]))
        if name == "check" and ctx.params["explain"]:
            origin = Origin("command line", "--explain")
        note = ""
        if name == "output_dir" and config.mode is not Mode.OUT_DIR:
            note = f" (not used by --{config.mode.value})"
        elif name == "cache_dir" and origin.kind == "default":
            note = f" ({CACHE_DIR} in the root)"
        elif name == "jobs" and origin.kind == "default":
            note = " (all cores)"
        if name == "output_format":
            value = config.output_format
        rows.append((origin.key, setting_value(value), f"{origin}{note}"))
    # the comments line up, but for a value too long to wait for
    width = max(len(f"{key} = {value}") for key, value, _ in rows if len(f"{key} = {value}") < 40)
    lines += [f"{f'{key} = {value}':<{width}}  # {origin}" for key, value, origin in rows]
    return "\n".join(lines)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="clean-reports")
