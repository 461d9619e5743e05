"""Project configuration: where it is, what it says, and how it meets the command line.

A corpus repo configures the tool once, as it does ruff or black: ``[tool.clean-reports]``
in a ``pyproject.toml``, or the top level of a ``.clean-reports.toml``. The nearest such
file above the inputs wins (searching up to the repository root), files are never
merged, ``--config FILE`` names one outright, and a flag given on the command line
always beats the file. Keys are the long flag names.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from .errors import ConfigError, FileFailure
from .regular import read_regular

OWN_FILE = ".clean-reports.toml"
PYPROJECT = "pyproject.toml"
SECTION = "clean-reports"
OUTPUT_FORMATS = ("text", "json", "github", "sarif", "junit", "explain")
DEFAULT_EXCLUDE = (
    ".git",
    ".hg",
    ".svn",
    ".bzr",
    ".jj",
    "_darcs",
    ".venv",
    "venv",
    "node_modules",
    "__pycache__",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".clean-reports-cache",
)


class Origin(NamedTuple):
    """Where a setting's value came from: ``kind`` is ``default``, ``config file``,
    ``environment variable`` or ``command line``; ``name`` the file, variable or flag."""

    kind: str = "default"
    name: str = ""

    def __str__(self) -> str:
        return f"{self.kind} {self.name}" if self.name else self.kind


DEFAULT = Origin()


class Settings(NamedTuple):
    """Every setting a run reads, after config file and command line were merged.

    ``origins`` says where each setting not at its default came from.
    """

    root: Path = Path()  # the current folder
    config_file: Path | None = None
    rules: tuple[Path, ...] = ()
    packs: tuple[str, ...] = ()
    no_default_rules: bool = False
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    force_exclude: bool = False
    no_gitignore: bool = False
    output_dir: Path | None = None
    output_format: str = "text"
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    max_removal: float = 30.0
    regex_timeout: float = 10.0
    max_size: float = 50.0
    encoding: str | None = None
    output_encoding: str = "utf-8"
    text_field: str | None = None
    cache_dir: Path | None = None
    no_cache: bool = False
    origins: tuple[tuple[str, Origin], ...] = ()

    @property
    def excludes(self) -> tuple[str, ...]:
        return self.exclude + self.extend_exclude

    def origin(self, name: str) -> Origin:
        """Where the setting ``name`` (a field) came from."""
        return dict(self.origins).get(name, DEFAULT)

    def where(self, name: str) -> str:
        """Where the setting ``name`` was given, for a message: the flag (``--select``),
        or its key and the file (``select (pyproject.toml)``); its key when by default."""
        origin = self.origin(name)
        if origin.kind == "command line":
            return origin.name or f"--{KEY_OF[name]}"
        return f"{KEY_OF[name]} ({origin.name})" if origin.name else KEY_OF[name]


# key in the file -> (Settings field, kind)
_KEYS: dict[str, tuple[str, str]] = {
    "rules": ("rules", "paths"),
    "packs": ("packs", "strings"),
    "no-default-rules": ("no_default_rules", "bool"),
    "include": ("include", "strings"),
    "exclude": ("exclude", "strings"),
    "extend-exclude": ("extend_exclude", "strings"),
    "force-exclude": ("force_exclude", "bool"),
    "no-gitignore": ("no_gitignore", "bool"),
    "output-dir": ("output_dir", "path"),
    "out": ("output_dir", "path"),
    "output-format": ("output_format", "format"),
    "select": ("select", "strings"),
    "ignore": ("ignore", "strings"),
    "per-file-ignores": ("per_file_ignores", "table"),
    "max-removal": ("max_removal", "percent"),
    "regex-timeout": ("regex_timeout", "seconds"),
    "max-size": ("max_size", "megabytes"),
    "encoding": ("encoding", "codec"),
    "output-encoding": ("output_encoding", "output-encoding"),
    "text-field": ("text_field", "name"),
    "cache-dir": ("cache_dir", "path"),
    "no-cache": ("no_cache", "bool"),
}
# Settings field -> its key in a config file (``out`` is another name for output-dir)
KEY_OF = {name: key for key, (name, _kind) in _KEYS.items() if key != "out"}
OUTPUT_ENCODINGS = ("utf-8", "original")
# A pyproject.toml is a few kilobytes; a config file is read whole before it is parsed.
MAX_CONFIG_BYTES = 2_000_000


def find_repo_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that holds a ``.git`` entry."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


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
        if _present(pyproject) and SECTION in _read_toml(pyproject).get("tool", {}):
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


def load_settings(
    paths: Sequence[Path],
    explicit: Path | None,
    overrides: Mapping[str, Any],
    override_origins: Mapping[str, Origin] | None = None,
) -> Settings:
    """Find and read the config file, then let the command line's ``overrides`` win.

    ``overrides`` maps Settings field names to the values given on the command line;
    only flags the user actually typed belong in it. ``override_origins`` says where
    each came from (a flag, an environment variable); ``command line`` if not said.
    """
    config_file = explicit or find_config(paths)
    values: dict[str, Any] = {}
    origins: dict[str, Origin] = {}
    root = Path.cwd()
    if config_file is not None:
        root = config_file.resolve().parent
        values = parse_config(_section(config_file), config_file, root)
        origins = dict.fromkeys(values, Origin("config file", display_path(config_file)))
    values.update(overrides)
    for name in overrides:
        origins[name] = (override_origins or {}).get(name, Origin("command line"))
    return Settings(
        root=root, config_file=config_file, origins=tuple(sorted(origins.items())), **values
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


def parse_config(table: Mapping[str, Any], source: Path, root: Path) -> dict[str, Any]:
    """Validate a config table; relative paths in it are taken from ``root``."""
    values: dict[str, Any] = {}
    for key, raw in table.items():
        if key not in _KEYS:
            known = ", ".join(sorted(_KEYS))
            raise ConfigError(f"{source}: unknown key {key!r} (known keys: {known})")
        name, kind = _KEYS[key]
        if name in values:
            raise ConfigError(f"{source}: {key!r} repeats a setting given by another key")
        values[name] = _convert(raw, kind, f"{source}: {key!r}", root)
    return values


def _convert(raw: Any, kind: str, where: str, root: Path) -> Any:
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
        if isinstance(raw, bool) or not isinstance(raw, int | float):
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
    if kind == "output-encoding":
        if raw not in OUTPUT_ENCODINGS:
            raise ConfigError(f"{where} must be one of {', '.join(OUTPUT_ENCODINGS)}")
        return raw
    if kind == "format":
        if raw not in OUTPUT_FORMATS:
            raise ConfigError(f"{where} must be one of {', '.join(OUTPUT_FORMATS)}")
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
        return codecs.lookup(name).name
    except LookupError:
        raise ConfigError(f"{where}: unknown encoding {name!r}") from None


def _section(path: Path) -> Mapping[str, Any]:
    document = _read_toml(path)
    if path.name == PYPROJECT:
        section = document.get("tool", {}).get(SECTION)
        if section is None:
            raise ConfigError(f"{path}: no [tool.{SECTION}] table")
        if not isinstance(section, dict):
            raise ConfigError(f"{path}: [tool.{SECTION}] must be a table")
        return section
    return document


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
