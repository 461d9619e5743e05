"""Inputs on object storage (``s3://bucket/prefix``, ``gs://…``, ``abfs://…``) for Ray.

A PATH written as a URI is listed and read through the pyarrow filesystem its scheme
names — the filesystems Ray Data reads through — so the Ray engine can clean a corpus
in a bucket without copying it first. Listing applies the same include and exclude
patterns as a walk of a folder (there are no ``.gitignore`` files in a bucket), in
sorted order; a file is shown as its URI.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

from .errors import ConfigError, FileFailure
from .model import RemoteFile
from .patterns import Patterns
from .walk import DEFAULT_INCLUDE, WalkOptions

_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def is_uri(value: str) -> bool:
    """Whether a PATH argument names object storage (``scheme://…``) rather than a local path."""
    return bool(_URI.match(value))


def list_files(uri: str, options: WalkOptions) -> Iterator[RemoteFile]:
    """The files under ``uri`` that the include and exclude patterns take, or the one
    file it names (taken whatever its name, as a file named on the command line is)."""
    from pyarrow import ArrowException
    from pyarrow import fs as pafs

    try:
        filesystem, base = pafs.FileSystem.from_uri(uri)
        info = filesystem.get_file_info(base)
        if info.type == pafs.FileType.File:
            infos = [info]
            base = str(PurePosixPath(base).parent)
        elif info.type == pafs.FileType.Directory:
            infos = filesystem.get_file_info(pafs.FileSelector(base, recursive=True))
        else:
            raise ConfigError(f"{uri} does not exist")
    except (ArrowException, OSError, ValueError) as error:
        raise ConfigError(f"cannot list {uri}: {error}") from None
    include = Patterns([*DEFAULT_INCLUDE, *options.include])
    exclude = Patterns(options.exclude)
    single = info.type == pafs.FileType.File
    for entry in sorted(infos, key=lambda item: item.path):
        if entry.type != pafs.FileType.File:
            continue
        relative = PurePosixPath(entry.path).relative_to(base).as_posix()
        if not single and (not include.matches(relative) or exclude.excludes(relative)):
            continue
        shown = uri if single else f"{uri.rstrip('/')}/{relative}"
        size, mtime = entry.size or 0, entry.mtime_ns or 0
        yield RemoteFile(filesystem, entry.path, shown, relative, size, mtime)


def read_raw(filesystem: Any, path: str) -> bytes:
    """A file's bytes as stored: no decompression by suffix."""
    from pyarrow import ArrowException

    try:
        with filesystem.open_input_stream(path, compression=None) as stream:
            data: bytes = stream.read()
    except (ArrowException, OSError) as error:
        raise FileFailure("read", str(error)) from None
    return data
