"""Which files a run reads: the PATH arguments, walked, filtered and ordered.

Directories are walked recursively in sorted order so runs are reproducible. Inside a
directory a file is taken when it matches the include patterns (``*.txt`` and any
``--include``), is not excluded (``exclude`` + ``extend-exclude``, gitignore syntax,
anchored at the project root) and is not ignored by a ``.gitignore``. A path named on
the command line is always taken, unless ``force_exclude`` says excludes apply to it
too (what a pre-commit hook needs, since pre-commit names every file). Symbolic links
inside a walked tree are not followed, and the output folder is never walked, nor is any
folder inside a walked one that holds the tag every output folder gets
(``CLEAN-REPORTS.TAG``, as ``CACHEDIR.TAG`` marks a cache).

A link that cannot be followed (a loop, a target that cannot be looked at) is an entry
that failed, not an error of the walk: the other files are still read.
"""

from __future__ import annotations

import errno
import functools
import os
import stat
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .errors import FileFailure
from .patterns import Patterns
from .regular import not_regular, open_regular
from .write import OUTPUT_TAG, OUTPUT_TAG_SIGNATURE

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

if TYPE_CHECKING:
    # (folder the patterns are relative to, the patterns)
    _Ignores = tuple[tuple[str, Patterns], ...]

DEFAULT_INCLUDE = ("*.txt",)


class _Folder(NamedTuple):
    """A folder being walked, with its paths relative to everything patterns are anchored at.

    ``relative`` is from the walk root, ``anchor`` from the project root, and each
    ``ignores`` entry pairs a .gitignore's patterns with the path from that file's folder
    ("" for the folder itself).
    """

    path: str
    real: str
    relative: str
    anchor: str
    ignores: tuple[tuple[Patterns, str], ...]

    def child(self, entry: os.DirEntry[str]) -> _Folder:
        return _Folder(
            entry.path,
            _child(self.real, entry.name),
            _child(self.relative, entry.name),
            _child(self.anchor, entry.name),
            tuple((spec, _child(relative, entry.name)) for spec, relative in self.ignores),
        )

    def with_gitignore(self) -> _Folder:
        own = _spec_from(Path(self.path) / ".gitignore", self.real)
        extra = tuple((spec, "") for _base, spec in own)
        return _Folder(self.path, self.real, self.relative, self.anchor, self.ignores + extra)


class Source(NamedTuple):
    """One input file.

    ``path`` is how to open it (and how to show it: the argument joined with the walk);
    ``relative`` is where it lands under an output folder, with ``/`` separators.
    ``error`` is set instead when the walk could not look into a folder or follow a
    link; such an entry is reported as a failure. Both are strings: a walk of many files
    builds no path objects, which cost more than the rest of the walk.
    """

    path: str
    relative: str
    error: str | None = None


class WalkOptions(NamedTuple):
    """How to filter: include and exclude patterns, .gitignore, and folders to skip."""

    include: Sequence[str] = ()
    exclude: Sequence[str] = DEFAULT_EXCLUDE
    root: Path = Path()  # the current folder
    gitignore: bool = True
    force_exclude: bool = False
    skip: Sequence[Path] = ()


SkipReporter = Callable[[Path, str], None]


def find_repo_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that holds a ``.git`` entry."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def walk(
    paths: Sequence[Path], options: WalkOptions | None = None, on_skip: SkipReporter | None = None
) -> Iterator[Source]:
    """Yield the files under ``paths``; ``on_skip`` hears of every path left out, and why."""
    walker = _Walker(options or WalkOptions(), on_skip or (lambda _path, _why: None))
    for path in paths:
        yield from walker.walk_argument(path)


class _Walker:
    def __init__(self, options: WalkOptions, on_skip: SkipReporter) -> None:
        self.options = options
        self.on_skip = on_skip
        self.root = os.path.realpath(options.root)
        self.skipped = {os.path.realpath(folder) for folder in options.skip}

    # The patterns are compiled on first use: files named on the command line without
    # --force-exclude (a pre-commit check of one file) never need pathspec at all.
    @functools.cached_property
    def include(self) -> Patterns:
        return Patterns([*DEFAULT_INCLUDE, *self.options.include])

    @functools.cached_property
    def exclude(self) -> Patterns:
        return Patterns(self.options.exclude)

    def walk_argument(self, path: Path) -> Iterator[Source]:
        real = os.path.realpath(path)
        problem = None
        try:
            is_dir = stat.S_ISDIR(os.stat(path).st_mode)  # noqa: PTH116
        except OSError as error:
            is_dir = False
            if os.path.islink(path):  # noqa: PTH114
                problem = _unfollowable(error)
            # (anything else missing fails when it is read, with the system's reason)
        if self.options.force_exclude:
            reason = self._verdict(self._folder(os.path.dirname(real)), path.name, is_dir)  # noqa: PTH120
            if reason:
                self.on_skip(path, reason)
                return
        if problem is not None:
            yield Source(str(path), path.name, problem)
            return
        if not is_dir:
            yield Source(str(path), path.name)
            return
        if real in self.skipped:
            self.on_skip(path, "the output folder")
            return
        yield from self._walk_dir(path, real)

    def _walk_dir(self, root: Path, real_root: str) -> Iterator[Source]:
        """Depth first, a folder's files before its subfolders, each in name order.

        ``os.scandir`` entries say whether they are links or folders without another
        system call, and relative paths are built as strings: per file, no more than
        the pattern checks.
        """
        stack = [self._folder(real_root, str(root))]
        while stack:
            folder = stack.pop()
            try:
                with os.scandir(folder.path) as listing:
                    entries = sorted(listing, key=lambda entry: entry.name)
            except OSError as error:
                problem = f"cannot list folder: {error.strerror}"
                yield Source(folder.path, folder.relative or ".", problem)
                continue
            if folder.relative and _holds_tag(entries) and is_output_folder(folder.path):
                # An output folder of an earlier run (inside an input folder): its clean
                # copies are not inputs. A folder named on the command line is walked.
                self.on_skip(Path(folder.path), f"an output folder of clean-reports ({OUTPUT_TAG})")
                continue
            if self.options.gitignore and any(e.name == ".gitignore" for e in entries):
                folder = folder.with_gitignore()
            subfolders = []
            for entry in entries:
                relative = _child(folder.relative, entry.name)
                if entry.is_symlink():
                    try:
                        to_folder = entry.is_dir()
                    except OSError as error:
                        # A loop, or a target that cannot be looked at: whether it stands
                        # for a file or a folder cannot be known, so it is reported whatever
                        # its name says.
                        yield Source(entry.path, relative, _unfollowable(error))
                        continue
                    if to_folder or self.include.matches(relative):
                        yield from self._link(entry.path, real_root, relative)
                    continue
                if entry.is_dir(follow_symlinks=False):
                    real = _child(folder.real, entry.name)
                    reason = "the output folder" if real in self.skipped else None
                    reason = reason or self._verdict(folder, entry.name, True)
                    if reason:
                        self.on_skip(Path(entry.path), reason)
                    else:
                        subfolders.append(folder.child(entry))
                    continue
                if not self.include.matches(relative):
                    continue
                reason = self._verdict(folder, entry.name, False)
                if reason:
                    self.on_skip(Path(entry.path), reason)
                    continue
                yield Source(entry.path, relative)
            stack.extend(reversed(subfolders))

    def _folder(self, real: str, path: str | None = None) -> _Folder:
        """The pattern context of the folder ``real`` (a resolved path)."""
        anchor = os.path.relpath(real, self.root) if _within(real, self.root) else "."
        ignores = tuple(
            (spec, _relative(real, base)) for base, spec in self._ignores_above(Path(real))
        )
        return _Folder(path or real, real, "", "" if anchor == "." else anchor, ignores)

    def _link(self, full: str, real_root: str, relative: str) -> Iterator[Source]:
        """Links are not followed. One to a file or folder inside the tree is passed over
        quietly (the walk reaches the target itself); a dangling one, one that loops back
        above itself and one that leads out of the tree are reported as failures."""
        target = os.path.realpath(full)
        problem = None
        if not os.path.exists(target):  # noqa: PTH110
            problem = "a dangling symbolic link"
        elif _within(os.path.realpath(os.path.dirname(full)), target):  # noqa: PTH120
            problem = "a symbolic link loop (it points to a folder above it); not followed"
        elif not _within(target, real_root):
            problem = "a symbolic link that leads out of the input tree; not followed"
        if problem is None:
            self.on_skip(Path(full), "a symbolic link inside the tree; its target is walked")
            return
        yield Source(full, relative, problem)

    def _verdict(self, folder: _Folder, name: str, is_dir: bool) -> str | None:
        """Why ``name`` in ``folder`` is left out (an exclude pattern, a .gitignore), or None."""
        suffix = "/" if is_dir else ""
        include, index = self.exclude.check(_child(folder.anchor, name) + suffix)
        if include and index is not None:
            return f"excluded by {self.options.exclude[index]!r}"
        for spec, relative in reversed(folder.ignores):
            verdict = spec.check(_child(relative, name) + suffix)[0]
            if verdict is not None:
                return "ignored by .gitignore" if verdict else None
        return None

    def _ignores_above(self, folder: Path) -> _Ignores:
        """The .gitignore files from the repository root down to ``folder``, and info/exclude."""
        if not self.options.gitignore:
            return ()
        repo = find_repo_root(folder)
        chain = [folder] if repo is None else [folder, *folder.parents]
        ignores: list[tuple[str, Patterns]] = []
        if repo is not None:
            ignores.extend(_spec_from(repo / ".git" / "info" / "exclude", str(repo)))
            chain = chain[: chain.index(repo) + 1]
        for ancestor in reversed(chain):
            ignores.extend(_spec_from(ancestor / ".gitignore", str(ancestor)))
        return tuple(ignores)


def _spec_from(path: Path, base: str) -> list[tuple[str, Patterns]]:
    """The patterns of one .gitignore; none when it is missing, unreadable or not a
    regular file (a FIFO named .gitignore must not hang the walk)."""
    try:
        if not_regular(os.stat(path).st_mode):  # noqa: PTH116
            return []
        handle = open_regular(path)
    except (OSError, FileFailure):
        return []
    try:
        with open(handle, "rb") as stream:  # noqa: PTH123
            data = stream.read()
    except OSError:
        return []
    lines = data.decode("utf-8", errors="surrogateescape").splitlines()
    return [(base, Patterns(lines))]


def _holds_tag(entries: Sequence[os.DirEntry[str]]) -> bool:
    return any(entry.name == OUTPUT_TAG for entry in entries)


def is_output_folder(folder: str | os.PathLike[str]) -> bool:
    """Whether ``folder`` holds this tool's tag (a regular file whose first line is the
    signature): the mark it leaves on every output folder it writes."""
    try:
        handle = open_regular(os.path.join(folder, OUTPUT_TAG))  # noqa: PTH118
    except FileFailure:
        return False
    try:
        head = os.read(handle, len(OUTPUT_TAG_SIGNATURE) + 2)
    except OSError:
        return False
    finally:
        os.close(handle)
    first = head.split(b"\n", 1)[0].rstrip(b"\r")
    return first == OUTPUT_TAG_SIGNATURE.encode("ascii")


def shown(path: str) -> str:
    """``path`` as messages and reports write it: a byte of the name that is not UTF-8
    as ``\\xff``.

    Paths are kept as the system gives them (such a byte as a surrogate character), so
    that the file is read and its outputs are written under its real name; only what is
    shown is escaped, since UTF-8 (a terminal, JSON, XML, HTML) cannot carry a lone byte.
    A name that is valid UTF-8 comes back as it is.
    """
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        try:
            raw = path.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:  # a surrogate no file name decodes to
            return path.encode("utf-8", "backslashreplace").decode("utf-8")
        return raw.decode("utf-8", "backslashreplace")
    return path


def _unfollowable(error: OSError) -> str:
    """Why a symbolic link that cannot be followed is not read."""
    if error.errno == errno.ELOOP:
        return "a symbolic link loop (following it leads back to it); not followed"
    if error.errno == errno.ENOENT:
        return "a dangling symbolic link"
    reason = error.strerror or str(error)
    return f"a symbolic link whose target cannot be looked at ({reason}); not followed"


def _child(prefix: str, name: str) -> str:
    return f"{prefix}/{name}" if prefix else name


def _relative(path: str, base: str) -> str:
    relative = os.path.relpath(path, base).replace(os.sep, "/")
    return "" if relative == "." else relative


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)
