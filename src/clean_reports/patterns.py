"""Gitignore-style pattern sets (pathspec), asked once per path of a walk.

pathspec tries a set's patterns one by one, a few Python calls each: with the default
excludes that is most of the time a walk spends on a file. When no pattern of a set
negates (``!``), a path is matched exactly when any pattern matches, so the patterns'
regular expressions joined into one say it in a single search, and pathspec is asked
only after a hit, for which pattern it was.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

# pathspec marks a match that ends at a folder's slash with this group; joined
# patterns cannot repeat a group name, and the one search only needs to know "any".
_DIR_MARK = "(?P<ps_d>"


class Patterns:
    """A set of gitignore patterns: ``check`` answers as ``GitIgnoreSpec.check_file`` does."""

    def __init__(self, lines: Iterable[str]) -> None:
        from pathspec import GitIgnoreSpec  # only walks of folders need it

        self.spec: GitIgnoreSpec = GitIgnoreSpec.from_lines(lines)
        self._any = _joined(self.spec)

    def check(self, path: str) -> tuple[bool | None, int | None]:
        """Whether the last pattern matching ``path`` includes it (``None``: none
        matches) and that pattern's index among the lines."""
        if self._any is not None and self._any.search(path) is None:
            return None, None
        result = self.spec.check_file(path)
        return result.include, result.index

    def matches(self, path: str) -> bool:
        """Whether ``path`` is matched (and not negated again)."""
        if self._any is not None:
            return self._any.search(path) is not None
        return bool(self.spec.match_file(path))

    def excludes(self, relative: str) -> bool:
        """Whether a walk would leave out the file ``relative`` ("/"-separated): it is
        matched itself, or a folder above it is (``.git``, ``drafts/``…), which a walk
        does not go into. A listing of object storage has no folders to skip, so asks this."""
        parts = relative.split("/")
        folders = ("/".join(parts[: i + 1]) + "/" for i in range(len(parts) - 1))
        return self.matches(relative) or any(self.matches(folder) for folder in folders)


def _joined(spec: GitIgnoreSpec) -> re.Pattern[str] | None:
    """One expression for "any pattern matches", or None when it cannot say that."""
    active = [pattern for pattern in spec.patterns if pattern.include is not None]
    if not active or any(not pattern.include for pattern in active):
        return None
    sources = []
    for pattern in active:
        regex = getattr(pattern, "regex", None)
        if not isinstance(regex, re.Pattern) or not isinstance(regex.pattern, str):
            return None
        sources.append("(?:" + regex.pattern.replace(_DIR_MARK, "(?:") + ")")
    try:
        return re.compile("|".join(sources))
    except re.error:
        return None
