"""Which files a run reads: the PATH arguments, walked, filtered and ordered.

Directories are walked recursively in sorted order so runs are reproducible. Inside a
directory only files matching the include patterns (gitignore syntax, ``*.txt`` by
default) are taken; a file named on the command line is always taken. Symbolic links
inside a walked tree are not followed, version-control folders are skipped, and so is
every folder in ``skip`` (the output folder), wherever it lies.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pathspec

DEFAULT_INCLUDE = ("*.txt",)
_VCS_DIRS = frozenset({".git", ".hg", ".svn", ".bzr", "_darcs", ".jj"})


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


def walk(
    paths: Sequence[Path], include: Sequence[str] = (), skip: Sequence[Path] = ()
) -> Iterator[Source]:
    """Yield the files under ``paths``; ``include`` patterns widen the default ``*.txt``."""
    spec = pathspec.GitIgnoreSpec.from_lines([*DEFAULT_INCLUDE, *include])
    skipped = {os.path.realpath(folder) for folder in skip}
    for root in paths:
        if root.is_dir():
            yield from _walk_dir(root, spec, skipped)
        else:
            yield Source(root, PurePosixPath(root.name))


def _walk_dir(root: Path, spec: pathspec.GitIgnoreSpec, skipped: set[str]) -> Iterator[Source]:
    if os.path.realpath(root) in skipped:
        return
    errors: list[OSError] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=errors.append):
        while errors:
            error = errors.pop()
            failed = Path(error.filename or dirpath)
            yield Source(failed, _relative(failed, root), f"cannot list folder: {error.strerror}")
        dirnames[:] = sorted(
            name
            for name in dirnames
            if name not in _VCS_DIRS and os.path.realpath(Path(dirpath, name)) not in skipped
        )
        for name in sorted(filenames):
            full = Path(dirpath, name)
            relative = _relative(full, root)
            if full.is_symlink() or not spec.match_file(str(relative)):
                continue
            yield Source(full, relative)
    for error in errors:
        failed = Path(error.filename or root)
        yield Source(failed, _relative(failed, root), f"cannot list folder: {error.strerror}")


def _relative(path: Path, root: Path) -> PurePosixPath:
    return PurePosixPath(path.relative_to(root).as_posix())
