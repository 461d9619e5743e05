"""Project configuration: where the config file is, what it says, and the one
:class:`Config` a run is given.

A corpus repo configures the tool once, as it does ruff or black: ``[tool.clean-reports]``
in a ``pyproject.toml``, or the top level of a ``.clean-reports.toml``. The nearest such
file above the inputs wins (searching up to the repository root), files are never
merged, ``--config FILE`` names one outright. Its values become click's ``default_map``
(:mod:`clean_reports.cli`), so that a flag beats an environment variable, which beats
the file, which beats the default: one mechanism, click's. Keys are the options' long
names.
"""

from __future__ import annotations

import codecs
import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from .cachedir import CACHE_DIR
from .errors import ConfigError, FileFailure
from .model import Mode
from .regular import read_regular
from .walk import DEFAULT_EXCLUDE, find_repo_root

OWN_FILE = ".clean-reports.toml"
PYPROJECT = "pyproject.toml"
SECTION = "clean-reports"
OUTPUT_FORMATS = ("text", "json", "github", "sarif", "junit", "explain")
OUTPUT_ENCODINGS = ("utf-8", "original")
DEFAULT_OUT_DIR = Path("cleaned")
# A pyproject.toml is a few kilobytes; a config file is read whole before it is parsed.
MAX_CONFIG_BYTES = 2_000_000


class Origin(NamedTuple):
    """Where a setting's value came from: ``kind`` is ``default``, ``config file``,
    ``environment variable`` or ``command line``; ``name`` the file, variable or flag;
    ``key`` the setting's name in a config file."""

    kind: str = "default"
    name: str = ""
    key: str = ""

    def __str__(self) -> str:
        return f"{self.kind} {self.name}" if self.name else self.kind

    def where(self) -> str:
        """Where the setting was given, for a message: the flag (``--select``), or its
        key and the file (``select (pyproject.toml)``); its key when by default."""
        if self.kind == "command line":
            return self.name or f"--{self.key}"
        return f"{self.key} ({self.name})" if self.name else self.key


class Key(NamedTuple):
    """A setting a config file can hold: the option it sets, and how its value there is
    checked (``bool``, ``strings``, ``paths``, ``path``, ``percent``, ``seconds``,
    ``megabytes``, ``name``, ``codec``, ``choice``, ``table``)."""

    name: str  # the option's parameter name
    kind: str
    choices: tuple[str, ...] = ()


class ConfigFile(NamedTuple):
    """The config file a run reads (``path`` None: there is none), the folder its
    relative paths are taken from, and its values by option name."""

    path: Path | None
    root: Path
    values: dict[str, Any]


class Config(NamedTuple):
    """Everything a run was asked to do, once flags, environment variables and the
    config file were merged (by click: see :mod:`clean_reports.cli`), in the units the
    run uses: a share from 0 to 1, bytes, seconds, codec names.

    A named tuple, frozen as a dataclass would be: a frozen dataclass of this many
    fields takes 4 ms to define (measured), a tenth of a one-file check's start-up.
    """

    paths: tuple[Path, ...] = ()  # files and folders; ``-`` for standard input
    uris: tuple[str, ...] = ()  # inputs on object storage
    mode: Mode = Mode.OUT_DIR
    check_diff: bool = False  # --check --diff: a check that shows the diffs a clean makes
    suggest: bool = False
    list_rules: bool = False
    show_files: bool = False
    root: Path = Path()  # the folder of the config file, else the current one
    config_file: Path | None = None
    output_dir: Path = DEFAULT_OUT_DIR
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    force_exclude: bool = False
    gitignore: bool = True
    rules: tuple[Path, ...] = ()
    packs: tuple[str, ...] = ()
    default_rules: bool = True
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    output_format: str = "text"
    output_file: Path | None = None
    report: Path | None = None
    max_removal: float = 0.30
    regex_timeout: float = 10.0
    max_size: int = 50_000_000
    encoding: str | None = None
    output_original: bool = False
    text_field: str | None = None
    cache_dir: Path = Path(CACHE_DIR)
    no_cache: bool = False
    stdin_filename: str = "-"
    jobs: int = 1
    engine: str = "local"
    ray_address: str | None = None
    ray_cpus: int | None = None
    color: bool | None = None
    quiet: bool = False
    verbose: bool = False
    origins: Mapping[str, Origin] = MappingProxyType({})

    @classmethod
    def from_options(
        cls,
        options: Mapping[str, Any],
        *,
        paths: tuple[Path, ...],
        uris: tuple[str, ...],
        mode: Mode,
        check_diff: bool,
        found: ConfigFile,
        origins: Mapping[str, Origin],
        color: bool | None,
    ) -> Config:
        """The config of the command's ``options`` (by parameter name, as click merged
        them, in the units of the flags) and of what the command decided from them."""
        encoding = options["encoding"]
        ray_cpus = options["jobs"] if origins["jobs"].kind == "command line" else None
        return cls(
            paths=paths,
            uris=uris,
            mode=mode,
            check_diff=check_diff,
            suggest=options["suggest"],
            list_rules=options["list_rules"],
            show_files=options["show_files"],
            root=found.root,
            config_file=found.path,
            output_dir=options["output_dir"] or DEFAULT_OUT_DIR,
            include=options["include"],
            exclude=options["exclude"],
            extend_exclude=options["extend_exclude"],
            force_exclude=options["force_exclude"],
            gitignore=not options["no_gitignore"],
            rules=options["rule_paths"],
            packs=options["packs"],
            default_rules=not options["no_default_rules"],
            select=options["select"],
            ignore=options["ignore"],
            per_file_ignores=options["per_file_ignores"],
            output_format=options["output_format"],
            output_file=options["output_file"],
            report=options["html_report"],
            max_removal=options["max_removal"] / 100,  # a percentage on the command line
            regex_timeout=options["regex_timeout"],
            max_size=int(options["max_size"] * 1_000_000),  # megabytes on the command line
            encoding=check_codec(encoding) if encoding else None,
            output_original=options["output_encoding"] == "original",
            text_field=options["text_field"],
            cache_dir=options["cache_dir"] or found.root / CACHE_DIR,
            no_cache=options["no_cache"],
            stdin_filename=options["stdin_filename"] or "-",
            jobs=options["jobs"],
            engine=options["engine"],
            ray_address=options["ray_address"] or None,
            ray_cpus=ray_cpus,
            color=color,
            quiet=options["quiet"],
            verbose=options["verbose"],
            origins=origins,
        )

    @property
    def stdin(self) -> bool:
        return self.paths == (Path("-"),)

    @property
    def work_mode(self) -> Mode:
        """What is done with each file's text: ``--check --diff`` cleans it, as ``--diff``
        does, to show its diff."""
        return Mode.DIFF if self.check_diff else self.mode

    @property
    def out_dir(self) -> Path | None:
        """The output folder, in the mode that writes one."""
        return self.output_dir if self.mode is Mode.OUT_DIR else None

    def where(self, name: str) -> str:
        """Where the option ``name`` was given, for a message (see :meth:`Origin.where`)."""
        return self.origins.get(name, Origin()).where()


def find_config(paths: Sequence[Path]) -> Path | None:
    """The nearest config file above the common folder of ``paths`` (or the cwd).

    The search stops at the repository root, so a corpus never picks up the settings of
    an unrelated project that happens to enclose it. A ``pyproject.toml`` counts only
    when it has a ``[tool.clean-reports]`` table.
    """
    start = _common_folder(paths)
    stop = find_repo_root(start)
    for folder in (start, *start.parents):
        own = folder / OWN_FILE
        if _present(own):
            return own
        pyproject = folder / PYPROJECT
        if _present(pyproject) and SECTION in _tool_table(pyproject, _read_toml(pyproject)):
            return pyproject
        if folder == stop:
            break
    return None


def _present(path: Path) -> bool:
    """Whether a config file is there: a regular file, or anything else under its name but
    a folder, which reading then refuses with the reason (a FIFO named like a config file
    is a mistake to report, not a file to wait on or to pass over in silence)."""
    try:
        return not path.is_dir() and path.exists()
    except OSError:
        return False


def read_config(
    paths: Sequence[Path], explicit: Path | None, keys: Mapping[str, Key]
) -> ConfigFile:
    """Find (or take ``explicit``) and read the config file for ``paths``; ``keys`` are
    the settings it may hold, by their name in the file."""
    config_file = explicit or find_config(paths)
    if config_file is None:
        return ConfigFile(None, Path.cwd(), {})
    root = config_file.resolve().parent
    return ConfigFile(
        config_file, root, parse_config(_section(config_file), config_file, root, keys)
    )


def setting_value(value: Any) -> str:
    """A setting's value as ``--show-settings`` writes it: as in a config file (TOML),
    and ``none`` for a setting that is not set."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, Path):
        value = str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        pairs = (f"{setting_value(key)} = {setting_value(item)}" for key, item in value.items())
        return "{" + ", ".join(pairs) + "}"
    return "[" + ", ".join(setting_value(item) for item in value) + "]"


def display_path(path: Path) -> str:
    """``path`` as a message shows it: from the current folder when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def parse_config(
    table: Mapping[str, Any], source: Path, root: Path, keys: Mapping[str, Key]
) -> dict[str, Any]:
    """Validate a config table, by option name; relative paths in it are taken from ``root``."""
    values: dict[str, Any] = {}
    for key, raw in table.items():
        if key not in keys:
            known = ", ".join(sorted(keys))
            raise ConfigError(f"{source}: unknown key {key!r} (known keys: {known})")
        name, kind, choices = keys[key]
        if name in values:
            raise ConfigError(f"{source}: {key!r} repeats a setting given by another key")
        values[name] = _convert(raw, kind, f"{source}: {key!r}", root, choices)
    return values


def _convert(raw: Any, kind: str, where: str, root: Path, choices: tuple[str, ...] = ()) -> Any:
    if kind == "bool":
        if not isinstance(raw, bool):
            raise ConfigError(f"{where} must be true or false")
        return raw
    if kind in ("strings", "paths"):
        if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
            raise ConfigError(f"{where} must be a list of strings")
        if kind == "paths":
            return tuple(root / item for item in raw)
        return tuple(raw)
    if kind == "path":
        if not isinstance(raw, str) or not raw:
            raise ConfigError(f"{where} must be a path")
        return root / raw
    if kind in ("percent", "seconds", "megabytes"):
        if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
            raise ConfigError(f"{where} must be a number")
        if kind == "percent" and not 0 <= raw <= 100:
            raise ConfigError(f"{where} must be a percentage from 0 to 100")
        if kind != "percent" and raw <= 0:
            raise ConfigError(f"{where} must be a positive number")
        return float(raw)
    if kind == "name":
        if not isinstance(raw, str) or not raw:
            raise ConfigError(f"{where} must be a field name")
        return raw
    if kind == "codec":
        if not isinstance(raw, str):
            raise ConfigError(f"{where} must be an encoding name")
        return check_codec(raw, where)
    if kind == "choice":
        if raw not in choices:
            raise ConfigError(f"{where} must be one of {', '.join(choices)}")
        return raw
    # kind == "table": glob -> list of rule ids
    if not isinstance(raw, dict) or not all(
        isinstance(ids, list) and all(isinstance(i, str) for i in ids) for ids in raw.values()
    ):
        raise ConfigError(f'{where} must be a table of glob = ["RULE-ID", ...]')
    return tuple((glob, tuple(ids)) for glob, ids in raw.items())


def check_codec(name: str, where: str = "--encoding") -> str:
    """The Python codec name for ``name``, or a :class:`ConfigError`."""
    try:
        codec = codecs.lookup(name)
    except LookupError:
        raise ConfigError(f"{where}: unknown encoding {name!r}") from None
    if not getattr(codec, "_is_text_encoding", True):  # rot13, base64: bytes to bytes
        raise ConfigError(f"{where}: {name!r} is not a text encoding")
    return codec.name


def _section(path: Path) -> Mapping[str, Any]:
    document = _read_toml(path)
    if path.name == PYPROJECT:
        section = _tool_table(path, document).get(SECTION)
        if section is None:
            raise ConfigError(f"{path}: no [tool.{SECTION}] table")
        if not isinstance(section, dict):
            raise ConfigError(f"{path}: [tool.{SECTION}] must be a table")
        return section
    return document


def _tool_table(path: Path, document: Mapping[str, Any]) -> Mapping[str, Any]:
    """A pyproject.toml's ``[tool]`` table (empty when it has none), or an error naming
    the file when ``tool`` is there but not a table."""
    tool = document.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{path}: [tool] must be a table")
    return tool


def _read_toml(path: Path) -> dict[str, Any]:
    """A config file, read as the untrusted input it is (it comes with the corpus): one
    larger than :data:`MAX_CONFIG_BYTES` or nested too deeply for the parser is an
    error naming it, not a long wait or a traceback."""
    import tomllib  # only a run with a config file pays for it

    try:
        data = read_regular(path, MAX_CONFIG_BYTES)
    except FileFailure as exc:
        raise ConfigError(f"{path}: cannot read: {exc.reason}") from exc
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(f"{path}: larger than {MAX_CONFIG_BYTES // 1_000_000} MB; not read")
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: not UTF-8 ({exc.reason})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    except RecursionError:
        raise ConfigError(f"{path}: invalid TOML: nested too deeply") from None


def _common_folder(paths: Sequence[Path]) -> Path:
    folders = [(p if p.is_dir() else p.parent).resolve() for p in paths if str(p) != "-"] or [
        Path.cwd()
    ]
    common = folders[0]
    for folder in folders[1:]:
        while common not in (folder, *folder.parents):
            common = common.parent
    return common
