"""Which files a run reads: the PATH arguments, walked, filtered and ordered.

Directories are walked recursively in sorted order so runs are reproducible. Inside a
directory a file is taken when it matches the include patterns (``*.txt`` and any
``--include``), is not excluded (``exclude`` + ``extend-exclude``, gitignore syntax,
anchored at the project root) and is not ignored by a ``.gitignore``. A path named on
the command line is always taken, unless ``force_exclude`` says excludes apply to it
too (what a pre-commit hook needs, since pre-commit names every file). Symbolic links
inside a walked tree are not followed, and the output folder is never walked.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pathspec

from .config import DEFAULT_EXCLUDE, find_repo_root

DEFAULT_INCLUDE = ("*.txt",)

# (folder the patterns are relative to, the patterns)
_Ignores = tuple[tuple[str, pathspec.GitIgnoreSpec], ...]


@dataclass(frozen=True)
class Source:
    """One input file.

    ``path`` is how to open it (and how to show it: the argument joined with the walk);
    ``relative`` is where it lands under an output folder. ``error`` is set instead when
    the walk could not look into a folder; such an entry is reported as a failure.
    """

    path: Path
    relative: PurePosixPath
    error: str | None = None


@dataclass(frozen=True)
class WalkOptions:
    """How to filter: include and exclude patterns, .gitignore, and folders to skip."""

    include: Sequence[str] = ()
    exclude: Sequence[str] = DEFAULT_EXCLUDE
    root: Path = field(default_factory=Path.cwd)
    gitignore: bool = True
    force_exclude: bool = False
    skip: Sequence[Path] = ()


SkipReporter = Callable[[Path, str], None]


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
        self.include = pathspec.GitIgnoreSpec.from_lines([*DEFAULT_INCLUDE, *options.include])
        self.exclude = pathspec.GitIgnoreSpec.from_lines(options.exclude)
        self.root = os.path.realpath(options.root)
        self.skipped = {os.path.realpath(folder) for folder in options.skip}

    def walk_argument(self, path: Path) -> Iterator[Source]:
        real = os.path.realpath(path)
        is_dir = path.is_dir()
        if self.options.force_exclude:
            ignores = self._ignores_above(Path(real).parent if not is_dir else Path(real))
            reason = self._excluded(
                real, is_dir, real if is_dir else str(Path(real).parent), ignores
            )
            if reason:
                self.on_skip(path, reason)
                return
        if not is_dir:
            yield Source(path, PurePosixPath(path.name))
            return
        if real in self.skipped:
            self.on_skip(path, "the output folder")
            return
        yield from self._walk_dir(path, real)

    def _walk_dir(self, root: Path, real_root: str) -> Iterator[Source]:
        errors: list[OSError] = []
        stacks: dict[str, _Ignores] = {str(root): self._ignores_above(Path(real_root))}
        for dirpath, dirnames, filenames in os.walk(root, onerror=errors.append):
            yield from self._errors(errors, root)
            ignores = stacks.pop(dirpath, ())
            if dirpath != str(root):
                ignores = ignores + self._own_gitignore(dirpath)
            kept = []
            for name in sorted(dirnames):
                full = os.path.join(dirpath, name)  # noqa: PTH118 - os.walk speaks str
                if os.path.islink(full):  # noqa: PTH114 - a str from os.walk
                    yield from self._link(full, real_root, root)
                    continue
                real = os.path.realpath(full)
                reason = "the output folder" if real in self.skipped else None
                reason = reason or self._excluded(full, True, real_root, ignores)
                if reason:
                    self.on_skip(Path(full), reason)
                    continue
                kept.append(name)
                stacks[full] = ignores
            dirnames[:] = kept
            for name in sorted(filenames):
                full = os.path.join(dirpath, name)  # noqa: PTH118
                relative = PurePosixPath(Path(full).relative_to(root).as_posix())
                if not self.include.match_file(str(relative)):
                    continue
                if os.path.islink(full):  # noqa: PTH114
                    yield from self._link(full, real_root, root)
                    continue
                reason = self._excluded(full, False, real_root, ignores)
                if reason:
                    self.on_skip(Path(full), reason)
                    continue
                yield Source(Path(full), relative)
        yield from self._errors(errors, root)

    def _link(self, full: str, real_root: str, root: Path) -> Iterator[Source]:
        """Links are not followed. One to a file or folder inside the tree is passed over
        quietly (the walk reaches the target itself); a dangling one, one that loops back
        above itself and one that leads out of the tree are reported as failures."""
        target = os.path.realpath(full)
        problem = None
        if not Path(target).exists():
            problem = "a dangling symbolic link"
        elif _within(os.path.realpath(os.path.dirname(full)), target):  # noqa: PTH120
            problem = "a symbolic link loop (it points to a folder above it); not followed"
        elif not _within(target, real_root):
            problem = "a symbolic link that leads out of the input tree; not followed"
        if problem is None:
            self.on_skip(Path(full), "a symbolic link inside the tree; its target is walked")
            return
        relative = PurePosixPath(Path(full).relative_to(root).as_posix())
        yield Source(Path(full), relative, problem)

    def _excluded(self, path: str, is_dir: bool, real_root: str, ignores: _Ignores) -> str | None:
        """Why ``path`` is left out (an exclude pattern, a .gitignore), or ``None``."""
        real = os.path.realpath(path)
        anchor = self.root if _within(real, self.root) else real_root
        relative = os.path.relpath(real, anchor).replace(os.sep, "/")
        if relative != ".":
            hit = self.exclude.check_file(relative + ("/" if is_dir else ""))
            if hit.include and hit.index is not None:
                return f"excluded by {self.options.exclude[hit.index]!r}"
        for base, spec in reversed(ignores):
            if not _within(real, base):
                continue
            local = os.path.relpath(real, base).replace(os.sep, "/")
            verdict = spec.check_file(local + ("/" if is_dir else "")).include
            if verdict is not None:
                return "ignored by .gitignore" if verdict else None
        return None

    def _ignores_above(self, folder: Path) -> _Ignores:
        """The .gitignore files from the repository root down to ``folder``, and info/exclude."""
        if not self.options.gitignore:
            return ()
        repo = find_repo_root(folder)
        chain = [folder] if repo is None else [folder, *folder.parents]
        ignores: list[tuple[str, pathspec.GitIgnoreSpec]] = []
        if repo is not None:
            ignores.extend(_spec_from(repo / ".git" / "info" / "exclude", str(repo)))
            chain = chain[: chain.index(repo) + 1]
        for ancestor in reversed(chain):
            ignores.extend(_spec_from(ancestor / ".gitignore", str(ancestor)))
        return tuple(ignores)

    def _own_gitignore(self, folder: str) -> _Ignores:
        if not self.options.gitignore:
            return ()
        return tuple(_spec_from(Path(folder) / ".gitignore", os.path.realpath(folder)))

    @staticmethod
    def _errors(errors: list[OSError], root: Path) -> Iterator[Source]:
        while errors:
            error = errors.pop(0)
            failed = Path(error.filename or root)
            relative = PurePosixPath(failed.relative_to(root).as_posix())
            yield Source(failed, relative, f"cannot list folder: {error.strerror}")


def _spec_from(path: Path, base: str) -> list[tuple[str, pathspec.GitIgnoreSpec]]:
    try:
        lines = path.read_text(encoding="utf-8", errors="surrogateescape").splitlines()
    except OSError:
        return []
    return [(base, pathspec.GitIgnoreSpec.from_lines(lines))]


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)
