"""Which rules apply to which file: ``select``, ``ignore`` and ``per-file-ignores``.

Rule ids are matched with shell-style wildcards, so ``kule-*`` names the whole vendor
pack. A pattern that names no loaded rule is an error rather than a silent no-op: a
typo in an ignore list must not quietly keep a watermark rule running (or off). The
error says where the pattern was given (the flag, or the config file) and, as ruff and
click do, the closest rule id.
"""

from __future__ import annotations

import difflib
import fnmatch
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from .errors import ConfigError
from .rules import Rule


class RuleSelector:
    """The active rules, and the subset that applies to a given path."""

    def __init__(
        self,
        rules: Sequence[Rule],
        *,
        select: Sequence[str] = (),
        ignore: Sequence[str] = (),
        per_file_ignores: Sequence[tuple[str, Sequence[str]]] = (),
        root: Path | None = None,
        where: Mapping[str, str] | None = None,
    ) -> None:
        """``where`` names, for messages, where ``select``, ``ignore`` and
        ``per-file-ignores`` were given (``--select``, ``ignore (pyproject.toml)``);
        each one's own name without it."""
        labels = dict(where or {})
        for setting in ("select", "ignore", "per-file-ignores"):
            labels.setdefault(setting, setting)
        ids = [rule.id for rule in rules]
        chosen = set(_expand(select, ids, labels["select"])) if select else set(ids)
        chosen -= set(_expand(ignore, ids, labels["ignore"]))
        self.rules = tuple(rule for rule in rules if rule.id in chosen)
        self.root = os.path.realpath(root or Path.cwd())
        self._per_file = []
        if per_file_ignores:
            from pathspec import GitIgnoreSpec  # imported only when a config asks for it

            self._per_file = [
                (
                    GitIgnoreSpec.from_lines([glob]),
                    frozenset(_expand(patterns, ids, f"{labels['per-file-ignores']} for {glob!r}")),
                )
                for glob, patterns in per_file_ignores
            ]
        self._cache: dict[frozenset[str], tuple[Rule, ...]] = {frozenset(): self.rules}

    def for_path(self, path: Path | str) -> tuple[Rule, ...]:
        """The rules for ``path``: the active ones less its per-file ignores."""
        if not self._per_file:
            return self.rules
        real = os.path.realpath(path)
        relative = os.path.relpath(real, self.root) if real.startswith(self.root) else str(path)
        relative = relative.replace(os.sep, "/")
        ignored: frozenset[str] = frozenset().union(
            *(ids for spec, ids in self._per_file if spec.match_file(relative))
        )
        if ignored not in self._cache:
            self._cache[ignored] = tuple(rule for rule in self.rules if rule.id not in ignored)
        return self._cache[ignored]


def _expand(patterns: Iterable[str], ids: Sequence[str], where: str) -> list[str]:
    """The rule ids ``patterns`` name; a pattern that names none is a :class:`ConfigError`."""
    matched: list[str] = []
    for pattern in patterns:
        hits = fnmatch.filter(ids, pattern)
        if not hits:
            raise ConfigError(unknown_rule(pattern, ids, where))
        matched.extend(hits)
    return matched


def unknown_rule(pattern: str, ids: Sequence[str], where: str) -> str:
    """The message for a rule pattern in ``where`` that names none of the rules ``ids``:
    ``unknown rule 'kule-foter' in select (pyproject.toml): did you mean 'kule-footer'?``"""
    glob = any(char in pattern for char in "*?[")
    what = f"no rule matches {pattern!r}" if glob else f"unknown rule {pattern!r}"
    close = difflib.get_close_matches(pattern, ids, n=1)
    hint = f"did you mean {close[0]!r}?" if close else "see --list-rules for the active rules"
    return f"{what} in {where}: {hint}"
