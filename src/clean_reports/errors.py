"""Errors and exit codes.

Two kinds of failure exist and they travel differently: a :class:`ConfigError` (bad
rules, bad arguments) stops the run before any file is touched, while a
:class:`FileFailure` belongs to one file, is recorded, and the run goes on with the
others. :func:`exit_code` is the only place that turns an outcome into a process
exit status.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit statuses, following the linter convention (ruff, black, pre-commit)."""

    CLEAN = 0
    FINDINGS = 1
    ERROR = 2
    INTERRUPTED = 130


class CleanReportsError(Exception):
    """Base class of every error this tool raises on purpose."""


class ConfigError(CleanReportsError):
    """The run cannot start: invalid rule file, unusable option combination, and so on."""


class UsageProblem(ConfigError):
    """The options asked for a run that cannot be: the command shows it as a usage error."""


class RuleError(ConfigError):
    """A rule file is invalid; the message names the file and, when known, the rule id."""

    def __init__(self, source: str, message: str, rule_id: str | None = None) -> None:
        where = f"{source}: rule {rule_id!r}" if rule_id else source
        super().__init__(f"{where}: {message}")
        self.source = source
        self.rule_id = rule_id


class FileFailure(CleanReportsError):
    """One file could not be read, decoded, cleaned or written; it is left untouched."""

    def __init__(self, stage: str, reason: str) -> None:
        super().__init__(f"{stage}: {reason}")
        self.stage = stage
        self.reason = reason


class RuleTimeout(FileFailure):
    """A rule ran past its time limit on one file (a pattern that backtracks badly).

    ``stage`` is what the run was doing: ``clean``, or ``check`` when it only looked for
    watermarks (:meth:`during` says so once the caller knows).
    """

    def __init__(self, rule_id: str, seconds: float, stage: str = "clean") -> None:
        super().__init__(
            stage,
            f"rule {rule_id!r} timed out after {seconds:g} s; its pattern may backtrack "
            "catastrophically",
        )
        self.rule_id = rule_id
        self.seconds = seconds

    def during(self, stage: str) -> RuleTimeout:
        """The same timeout, met while the run was at ``stage``."""
        return RuleTimeout(self.rule_id, self.seconds, stage)


class RemovalGuard(FileFailure):
    """The rules would remove too much of a file: a bad rule must not wipe a corpus."""

    def __init__(self, share: float, limit: float) -> None:
        super().__init__(
            "guard",
            f"the rules would remove {share:.0%} of the non-blank text (limit {limit:.0%}, "
            "--max-removal); file left as it was",
        )
        self.share = share


def exit_code(*, failed: int, findings: int, findings_fail: bool) -> ExitCode:
    """Map the outcome of a run to its exit status.

    Failures win over findings: a run that could not process every file must not look
    like a mere "changes were made". ``findings_fail`` is false for the default out-dir
    mode, where producing cleaned copies is the job itself, and true for ``--check``,
    ``--diff`` and ``--in-place``, where anything found means the input was not clean.
    """
    if failed:
        return ExitCode.ERROR
    if findings and findings_fail:
        return ExitCode.FINDINGS
    return ExitCode.CLEAN
