"""What a run reads: PATHs walked into tasks, one per file, in walk order.

The walk (:mod:`clean_reports.walk`) finds the local files and
:mod:`clean_reports.storage` lists those on object storage; here each becomes a
:class:`~clean_reports.model.Task` with where its clean copy goes. A file that already
failed (the walk could not look at it, two inputs would write one output) is a task
with an error, which the work turns into its failed result in its place.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from .errors import ConfigError
from .model import RemoteFile, Task
from .storage import list_files
from .walk import SkipReporter, Source, WalkOptions, walk


class Inputs:
    """The PATHs of a run and how to walk them; ``out_dir`` is set in out-dir mode,
    where each task gets its clean copy's path there, and the walk skips that folder."""

    def __init__(
        self,
        paths: tuple[Path, ...],
        uris: tuple[str, ...] = (),
        walk: WalkOptions = WalkOptions(),
        out_dir: Path | None = None,
    ) -> None:
        self.paths = paths
        self.uris = uris  # inputs on object storage (the Ray engine reads them)
        self.out_dir = out_dir
        self.walk = walk if out_dir is None else walk._replace(skip=(*walk.skip, out_dir))

    def check(self) -> None:
        """Refuse an output folder that is, or holds, an input folder: outputs would
        land on inputs."""
        if self.out_dir is None:
            return
        out = Path(os.path.realpath(self.out_dir))
        for path in self.paths:
            real = Path(os.path.realpath(path))
            if path.is_dir() and (real == out or out in real.parents):
                raise ConfigError(
                    f"output folder {self.out_dir} holds the input {path}; "
                    "choose another -o folder, or clean the files themselves with --in-place"
                )

    def sources(self, on_skip: SkipReporter | None = None) -> Iterator[Source | RemoteFile]:
        """The local files the walk gives, then the files listed on object storage."""
        yield from walk(self.paths, self.walk, on_skip)
        for uri in self.uris:
            yield from list_files(uri, self.walk)

    def tasks(self, on_skip: SkipReporter | None = None) -> Iterator[Task]:
        """One task per file, in walk order; ``on_skip`` hears of every path left out."""
        # Two inputs can only write the same output when several paths were named: one
        # folder never yields the same relative path twice. So only then are outputs
        # remembered.
        several = len(self.paths) + len(self.uris) > 1
        claimed: dict[str, str] | None = {} if several else None
        out_dir = None if self.out_dir is None else str(self.out_dir)
        for source in self.sources(on_skip):
            remote = source if isinstance(source, RemoteFile) else None
            path = source.path
            name = remote.uri if remote is not None else path
            if source.error:
                yield Task(path, source.relative, None, name, remote, source.error)
                continue
            target = None
            if out_dir is not None:
                relative = source.relative
                target = relative if out_dir == "." else os.path.join(out_dir, relative)  # noqa: PTH118
                clash = _clash(target, path, name, claimed)
                if clash:
                    yield Task(path, relative, None, name, remote, f"write: {clash}")
                    continue
            yield Task(path, source.relative, target, name, remote)

    def count(self) -> tuple[int, int]:
        """How many files a run will read, and their bytes: a walk ahead, for a progress bar."""
        files = size = 0
        for source in self.sources():
            files += 1
            if isinstance(source, RemoteFile):
                size += source.size
                continue
            with contextlib.suppress(OSError):
                size += os.stat(source.path).st_size  # noqa: PTH116
        return files, size


def _clash(target: str, path: str, name: str, claimed: dict[str, str] | None) -> str | None:
    """Two inputs must not write the same output, nor may an output overwrite its input."""
    # abspath, not resolve(): no system calls per file (the output folder was resolved once)
    key = os.path.abspath(target)  # noqa: PTH100
    if key == os.path.abspath(path):  # noqa: PTH100
        return f"the output {target} would overwrite the input"
    if claimed is None:
        return None
    if key in claimed:
        return f"{claimed[key]} already writes to {target}"
    claimed[key] = name
    return None
