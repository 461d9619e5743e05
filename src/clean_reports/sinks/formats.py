"""Findings as CI systems read them: text, JSON, GitHub workflow commands, SARIF, JUnit.

Every renderer takes the same finished list of :class:`FileResult` and returns the
whole report as a string. Paths in the GitHub and SARIF formats are relative to each
file's repository root (the nearest folder above it holding ``.git``), wherever the run
is started from, because that is what annotations and code scanning resolve against;
a file in no repository is relative to the current folder.

A result keeps a file's path as the system gave it; a name that is not UTF-8 is shown
with each such byte as ``\\xff`` (:func:`~clean_reports.walk.shown`), and as ``%FF`` in
a SARIF URI, so that every report can be encoded and still names the file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..model import FileResult, Match, Status, Totals
from ..rules import Rule
from ..version import __version__
from ..walk import shown

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
# Where the tool is documented, for code-scanning UIs: the repository. Its address is
# the one README.md's install lines use; whoever publishes the repository elsewhere sets
# it here (the tool is on no package index, so no index page is named).
INFORMATION_URI = "https://example.invalid/clean-reports"
_SNIPPET_CHARS = 40


def finding_line(path: str, match: Match) -> str:
    """``path:line:col: RULE-ID message``, the format editors and CI logs understand;
    ``path#record:line:col`` for a record of a dataset, its line counted in the record."""
    return _line(shown(path), match)


def finding_lines(path: str, matches: Sequence[Match]) -> str:
    """A file's findings, as :func:`finding_line` writes each, a line each. (Its name is
    escaped once for them all: a cached check prints 3 findings a file, 145k of them.)"""
    name = shown(path)
    return "".join([_line(name, match) + "\n" for match in matches])


def _line(name: str, match: Match) -> str:
    place = name if match.row is None else f"{name}#{match.row}"
    return f"{place}:{match.line}:{match.column}: {match.rule_id} {message(match)}"


def _record(match: Match) -> str:
    return "" if match.row is None else f"record {match.row}, "


def where(path: str, match: Match) -> str:
    """The file, or the file and record (``data.jsonl#12``), a match was found in."""
    return path if match.row is None else f"{path}#{match.row}"


def snippet(match: Match) -> str:
    """The matched text on one short line: its first line, cut, and how many lines follow."""
    lines = match.text.splitlines() or [""]
    first = lines[0].strip()
    if len(first) > _SNIPPET_CHARS:
        first = first[:_SNIPPET_CHARS] + "…"
    more = f" (+{plural(len(lines) - 1, 'line')})" if len(lines) > 1 else ""
    return f'"{first}"{more}'


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def check_total(totals: Totals) -> str:
    """The one line that closes a ``--check`` run.

    Only files that were read and searched count as checked: a file that could not be
    read or decoded (or on which a rule timed out) is counted apart, and a run in which
    no file could be checked does not claim that nothing was found.
    """
    checked = totals.files - totals.failed
    failed = f"{plural(totals.failed, 'file')} could not be checked"
    if totals.failed and not checked:
        return f"No file could be checked: {failed}."
    if totals.findings:
        line = (
            f"Found {plural(totals.findings, 'watermark')} in "
            f"{plural(totals.cleaned, 'file')} ({plural(checked, 'file')} checked)"
        )
    else:
        line = f"No watermarks found ({plural(checked, 'file')} checked)"
    if totals.failed:
        line += f"; {failed}"
    return line + "."


def message(match: Match) -> str:
    """The one-sentence message every format uses for a finding."""
    return f"{match.description}: {snippet(match)}"


def render_text(results: Sequence[FileResult], totals: Totals, **_: Any) -> str:
    lines = [finding_line(r.path, m) for r in results for m in r.matches]
    return "\n".join([*lines, check_total(totals)]) + "\n"


def render_json(results: Sequence[FileResult], **_: Any) -> str:
    findings = [
        {
            "path": shown(result.path),
            "line": match.line,
            "column": match.column,
            "end_line": match.end_line,
            "end_column": match.end_column,
            "rule": match.rule_id,
            "message": message(match),
            "text": match.text,
        }
        | ({"record": match.row} if match.row is not None else {})
        for result in results
        for match in result.matches
    ]
    return json.dumps(findings, ensure_ascii=False, indent=2) + "\n"


def escape_data(value: str) -> str:
    """The GitHub Actions toolkit's escaping of a workflow command's message."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """The toolkit's escaping of a workflow command property (``file=…``, ``title=…``)."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def render_github(results: Sequence[FileResult], root: Path, **_: Any) -> str:
    lines = []
    roots = RepoRoots(root)
    for result in results:
        file = escape_property(shown(repo_relative(result.path, roots.of(result.path))))
        if result.status is Status.FAILED:
            reason = escape_data(shown(result.reason or ""))
            lines.append(f"::error file={file},title=clean-reports::{reason}")
        for match in result.matches:
            place = [
                f"line={match.line}",
                f"col={match.column}",
                f"endLine={match.end_line}",
                f"endColumn={match.end_column}",
            ]
            title = match.rule_id
            if match.row is not None:  # the lines of a record are not the file's
                place, title = [], f"{match.rule_id} (record {match.row})"
            properties = ",".join([f"file={file}", *place, f"title={escape_property(title)}"])
            lines.append(f"::error {properties}::{escape_data(message(match))}")
    return "".join(line + "\n" for line in lines)


def render_sarif(results: Sequence[FileResult], rules: Sequence[Rule], root: Path, **_: Any) -> str:
    import hashlib  # here, not at start-up: only SARIF needs it

    index = {rule.id: position for position, rule in enumerate(rules)}
    bases = _UriBases(results, root)
    sarif_results = []
    for result in results:
        location = bases.artifact(result.path)
        for match in result.matches:
            region = {
                "startLine": match.line,
                "startColumn": match.column,
                "endLine": match.end_line,
                "endColumn": match.end_column,
                "snippet": {"text": match.text},
            }
            key = f"{location['uri']}\0{match.rule_id}\0{match.text}"
            if match.row is not None:
                key += f"\0{match.row}"
            fingerprint = hashlib.sha256(key.encode()).hexdigest()
            physical: dict[str, Any] = {"artifactLocation": location, "region": region}
            if match.row is not None:  # the lines of a record are not the file's
                physical = {"artifactLocation": location}
            entry: dict[str, Any] = {
                "ruleId": match.rule_id,
                "level": "error",
                "message": {"text": message(match)},
                "locations": [{"physicalLocation": physical}],
                "partialFingerprints": {"cleanReportsMatch/v1": fingerprint[:32]},
            }
            if match.row is not None:
                entry["locations"][0]["logicalLocations"] = [
                    {"fullyQualifiedName": shown(where(result.path, match)), "kind": "element"}
                ]
                entry["properties"] = {"record": match.row}
            if match.rule_id in index:
                entry["ruleIndex"] = index[match.rule_id]
            sarif_results.append(entry)
    failures = [
        {
            "level": "error",
            "message": {"text": shown(f"{result.path}: {result.reason}")},
            "locations": [{"physicalLocation": {"artifactLocation": bases.artifact(result.path)}}],
        }
        for result in results
        if result.status is Status.FAILED
    ]
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "clean-reports",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [_sarif_rule(rule) for rule in rules],
                    }
                },
                "invocations": [
                    {"executionSuccessful": not failures, "toolExecutionNotifications": failures}
                ],
                "originalUriBaseIds": bases.ids(),
                "columnKind": "unicodeCodePoints",
                "results": sarif_results,
            }
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


class RepoRoots:
    """Each file's repository root: the nearest folder at or above it that holds a
    ``.git`` entry (a folder, or the file of a worktree or submodule), else ``fallback``.

    Folders are looked at once per run, however many files they hold.
    """

    def __init__(self, fallback: Path) -> None:
        self.fallback = fallback
        self._known: dict[str, str | None] = {}

    def of(self, path: str) -> Path:
        """The root ``path`` is shown relative to."""
        found = self.repository(path)
        return self.fallback if found is None else Path(found)

    def repository(self, path: str) -> str | None:
        """The repository root of ``path`` (resolved), or None outside any repository."""
        folder = os.path.dirname(os.path.realpath(path))  # noqa: PTH120
        visited = []
        found: str | None = None
        while True:
            if folder in self._known:
                found = self._known[folder]
                break
            visited.append(folder)
            if os.path.lexists(os.path.join(folder, ".git")):  # noqa: PTH118
                found = folder
                break
            parent = os.path.dirname(folder)  # noqa: PTH120
            if parent == folder:
                break
            folder = parent
        for seen in visited:
            self._known[seen] = found
        return found


class _UriBases:
    """SARIF's ``originalUriBaseIds``: ``%SRCROOT%`` is the repository of the first file
    that is in one (else ``fallback``, the current folder's); a file of another
    repository is relative to a base of its own (``%SRCROOT2%``…)."""

    def __init__(self, results: Sequence[FileResult], fallback: Path) -> None:
        self.roots = RepoRoots(fallback)
        first = next(
            (found for r in results if (found := self.roots.repository(r.path)) is not None),
            None,
        )
        main = Path(first) if first is not None else fallback
        self.names: dict[str, str] = {os.path.realpath(main): "%SRCROOT%"}

    def artifact(self, path: str) -> dict[str, str]:
        """A SARIF artifactLocation: relative to its root's base id, else a file URI."""
        root = self.roots.of(path)
        relative = repo_relative(path, root)
        if relative.startswith("/"):
            return {"uri": Path(relative).as_uri()}
        key = os.path.realpath(root)
        if key not in self.names:
            self.names[key] = f"%SRCROOT{len(self.names) + 1}%"
        return {"uri": uri_path(relative), "uriBaseId": self.names[key]}

    def ids(self) -> dict[str, dict[str, str]]:
        return {name: {"uri": Path(root).as_uri() + "/"} for root, name in self.names.items()}


_URI_KEEPS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/"
)


def uri_path(path: str) -> str:
    """A relative path as a URI reference: what a URI path cannot hold is percent-encoded,
    a byte of the name that is not UTF-8 as itself (``%FF``).

    Other non-ASCII characters are kept, as an IRI keeps them: reports of names that were
    always valid stay as they were, and so do the fingerprints made from them.
    """
    if all(char in _URI_KEEPS for char in path):
        return path
    parts = []
    for char in path:
        if char in _URI_KEEPS:
            parts.append(char)
        elif char.isascii() or "\udc80" <= char <= "\udcff":
            # an ASCII character a path must escape, or an undecodable byte of the name
            parts.append(
                "".join(f"%{byte:02X}" for byte in char.encode("utf-8", "surrogateescape"))
            )
        elif "\ud800" <= char <= "\udfff":
            parts.append("%EF%BF%BD")  # a surrogate no name decodes to: U+FFFD
        else:
            parts.append(char)
    return "".join(parts)


def _sarif_rule(rule: Rule) -> dict[str, Any]:
    removes = "the matched text" if rule.remove.value == "span" else "every line it touches"
    help_text = (
        f"{rule.description}. clean-reports removes {removes}: run `clean-reports --in-place` "
        "on the file, or review with `clean-reports --diff`. "
        f"Rule defined in {Path(rule.source).name}."
    )
    examples = "\n".join(f"- `{text}`" for text in rule.examples.match[:3])
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.replace(".", "-").split("-")),
        "shortDescription": {"text": rule.description},
        "fullDescription": {"text": f"{rule.description} (removes {removes})."},
        "help": {
            "text": help_text,
            "markdown": f"{help_text}\n\nExamples of what it matches:\n\n{examples}",
        },
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["watermark"]},
    }


def render_junit(results: Sequence[FileResult], **_: Any) -> str:
    import xml.etree.ElementTree as ET  # here, not at start-up: only JUnit needs it

    suites = ET.Element("testsuites", name="clean-reports")
    total_tests = total_failures = total_errors = 0
    for result in results:
        path = shown(result.path)
        suite = ET.SubElement(suites, "testsuite", name=path)
        cases = 0
        if result.status is Status.FAILED:
            reason = None if result.reason is None else shown(result.reason)
            case = ET.SubElement(suite, "testcase", classname=path, name="read and decode")
            error = ET.SubElement(case, "error", message=reason or "", type="FileFailure")
            error.text = reason
            cases, errors, failures = 1, 1, 0
        elif result.matches:
            for match in result.matches:
                case = ET.SubElement(
                    suite,
                    "testcase",
                    classname=path,
                    name=f"{match.rule_id} at {_record(match)}{match.line}:{match.column}",
                    file=path,
                    line=str(match.line),
                )
                failure = ET.SubElement(case, "failure", message=message(match), type=match.rule_id)
                failure.text = finding_line(result.path, match)
            cases, errors, failures = len(result.matches), 0, len(result.matches)
        else:
            ET.SubElement(suite, "testcase", classname=path, name="no watermarks")
            cases, errors, failures = 1, 0, 0
        suite.set("tests", str(cases))
        suite.set("failures", str(failures))
        suite.set("errors", str(errors))
        total_tests += cases
        total_failures += failures
        total_errors += errors
    suites.set("tests", str(total_tests))
    suites.set("failures", str(total_failures))
    suites.set("errors", str(total_errors))
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def render_explain(results: Sequence[FileResult], totals: Totals, **_: Any) -> str:
    """``--explain``: per file, each match with its rule, place, original and normalised text."""
    lines: list[str] = []
    for result in results:
        if not result.matches:
            continue
        lines.append(shown(result.path))
        for match in result.matches:
            lines_and_columns = f"{match.line}:{match.column}-{match.end_line}:{match.end_column}"
            place = _record(match) + lines_and_columns
            lines.append(f"  {place}  {match.rule_id}  {match.description}")
            lines.append(f"    original:   {match.text!r}")
            lines.append(f"    normalised: {match.normalized!r}")
    lines.append(check_total(totals))
    return "\n".join(lines) + "\n"


RENDERERS: dict[str, Callable[..., str]] = {
    "text": render_text,
    "json": render_json,
    "github": render_github,
    "sarif": render_sarif,
    "junit": render_junit,
    "explain": render_explain,
}


def render(
    name: str,
    results: Sequence[FileResult],
    *,
    totals: Totals,
    rules: Sequence[Rule],
    root: Path,
) -> str:
    """The whole report in format ``name``."""
    return RENDERERS[name](results, totals=totals, rules=rules, root=root)


def repo_relative(path: str, root: Path) -> str:
    """``path`` relative to ``root`` with forward slashes, or absolute when outside it."""
    real = os.path.realpath(path)
    base = os.path.realpath(root)
    if real == base or real.startswith(base.rstrip(os.sep) + os.sep):
        return os.path.relpath(real, base).replace(os.sep, "/")
    return Path(real).as_posix()
