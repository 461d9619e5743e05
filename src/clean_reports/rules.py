"""Rules: YAML files of regular expressions, loaded, validated and compiled once.

Rules are data so that a corpus curator can add a vendor without touching code. A
rule file is a mapping with an optional ``description`` and a ``rules`` list; each rule
has an ``id``, a ``description``, a ``pattern`` (compiled with the ``regex`` package,
MULTILINE on), what it removes (``span`` or ``line``) and ``examples`` it must match and
look-alike text it must keep. See README.md, "Rule format".
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

import regex

from .cachedir import recall_document, remember_document
from .errors import FileFailure, RuleError
from .regular import read_regular
from .view import normalize_pattern, normalized_view, plain_view, view_fingerprint

RULE_FILE_SUFFIXES = (".yaml", ".yml")
PACKS = "packs"
_ID_PATTERN = regex.compile(r"[A-Za-z][A-Za-z0-9_.-]*")
_RULE_KEYS = {"id", "description", "pattern", "remove", "normalize", "literals", "examples"}
MAX_LITERALS = 100  # the search for them runs on every document: a few, short
MAX_LITERAL_LENGTH = 200
_EXAMPLE_KEYS = {"match", "keep", "clean"}
_FILE_KEYS = {"description", "rules"}
# What one YAML file may be: a few hundred rules are tens of kilobytes and a few
# thousand values (the shipped files hold about five hundred in all).
MAX_YAML_BYTES = 2_000_000
MAX_YAML_NODES = 200_000
MAX_YAML_DEPTH = 64


class Removal(enum.Enum):
    """What a match takes away: the matched characters, or every line it touches."""

    SPAN = "span"
    LINE = "line"


class CleanExample(NamedTuple):
    """A text and the exact result of cleaning it with its rule alone."""

    text: str
    expect: str


class Examples(NamedTuple):
    """What a rule promises: texts it must match, look-alikes it must keep, exact results."""

    match: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()
    clean: tuple[CleanExample, ...] = ()


class Rule(NamedTuple):
    """One compiled rule. ``source`` is the file it came from, for messages."""

    id: str
    description: str
    pattern: regex.Pattern[str]
    remove: Removal
    source: str
    examples: Examples = Examples()
    normalize: bool = True
    # One of these must be in a text (in the view the pattern sees) for the pattern to
    # match there: a text with none of them is not searched. None: always searched.
    literals: regex.Pattern[str] | None = None


def compile_pattern(
    text: str, *, normalize: bool = True, normalized: dict[str, str] | None = None
) -> regex.Pattern[str]:
    """Compile a rule pattern: MULTILINE, and for a normalised rule (the default) the
    pattern normalised like the view and IGNORECASE (see :mod:`clean_reports.view`).

    ``normalized`` maps pattern texts to their normalised forms, as remembered with the
    rule file: one found there is not normalised again (which loads OpenCC, 6 to 10 ms of
    a one-file check), one not found is normalised and added.
    """
    if not normalize:
        return regex.compile(text, regex.MULTILINE)
    remembered = None if normalized is None else normalized.get(text)
    source = normalize_pattern(text) if remembered is None else remembered
    if normalized is not None:
        normalized[text] = source
    return regex.compile(source, regex.MULTILINE | regex.IGNORECASE)


@functools.cache
def shipped_rules_dir() -> Path:
    """The folder of the rules that ship with the tool.

    An installed wheel carries them as ``clean_reports/rules``; an editable install of a
    source checkout finds the top-level ``rules/`` folder instead.
    """
    packaged = Path(__file__).resolve().parent / "rules"  # installs are never zipped
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "rules"
    if checkout.is_dir():
        return checkout
    raise RuleError("clean_reports/rules", "the shipped rule files are missing from the install")


def is_shipped(rule: Rule) -> bool:
    """Whether ``rule`` comes from the rule files that ship with the tool."""
    return shipped_rules_dir() in Path(rule.source).parents


def rule_files(path: Path) -> list[Path]:
    """The rule files named by ``path``: the file itself, or the YAML files under a folder."""
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.suffix in RULE_FILE_SUFFIXES and p.is_file())
    return [path]


def available_packs() -> list[str]:
    """The opt-in packs that ship with the tool (``rules/packs/NAME.yaml``)."""
    return sorted(path.stem for path in (shipped_rules_dir() / PACKS).glob("*.yaml"))


def pack_of(rule: Rule) -> str:
    """``default`` for the shipped default rules, the pack's name, or "" for a user's file."""
    source = Path(rule.source)
    if source.parent == shipped_rules_dir() / PACKS:
        return source.stem
    return "default" if source.parent == shipped_rules_dir() else ""


def load_rules(
    paths: Iterable[Path],
    *,
    default_rules: bool = True,
    packs: Iterable[str] = (),
    cache_dir: Path | None = None,
) -> tuple[Rule, ...]:
    """Load the shipped default rules (unless disabled), the opt-in ``packs`` named, and
    the rule files or folders in ``paths`` (parsed documents remembered in ``cache_dir``).

    Rule ids must be unique across everything loaded; order is kept (default rules, packs,
    then the given paths in order, files sorted within a folder) because an earlier rule
    wins when two rules claim the same text.
    """
    files: list[Path] = []
    if default_rules:
        files.extend(sorted(shipped_rules_dir().glob("*.yaml")))
    for pack in packs:
        file = shipped_rules_dir() / PACKS / f"{pack}.yaml"
        if not file.is_file():
            known = ", ".join(available_packs())
            raise RuleError("--pack", f"no pack named {pack!r} (packs: {known})")
        files.append(file)
    for path in paths:
        found = rule_files(path)
        if not found:
            raise RuleError(str(path), "no rule files (*.yaml, *.yml) found here")
        files.extend(found)
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for file in files:
        for rule in load_rule_file(file, cache_dir):
            if rule.id in seen:
                raise RuleError(
                    rule.source, f"duplicate rule id, already defined in {seen[rule.id]}", rule.id
                )
            seen[rule.id] = rule.source
            rules.append(rule)
    return tuple(rules)


def load_rule_file(path: Path, cache_dir: Path | None = None) -> list[Rule]:
    """Parse and compile one rule file; any problem is a :class:`RuleError` naming it.

    With ``cache_dir``, the parsed document is remembered there under a hash of the
    file's bytes, with its normalised patterns, and a run whose rule files are all
    remembered never loads PyYAML (importing it is a sixth of the start-up of a one-file
    check, a pre-commit hook) nor, unless a report needs it, OpenCC. A
    remembered document that does not make rules is not trusted: the file is parsed
    again, so that the cache can never change what a rule file says.
    """
    source = str(path)
    try:
        data = read_regular(path, MAX_YAML_BYTES)
    except FileFailure as exc:
        raise RuleError(source, f"cannot read rule file: {exc.reason}") from exc
    if len(data) > MAX_YAML_BYTES:
        raise RuleError(
            source, f"larger than {MAX_YAML_BYTES // 1_000_000} MB; a rule file is not that big"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RuleError(source, f"cannot read rule file: {exc}") from exc
    if cache_dir is None:
        return parse_rule_document(_parse_yaml(text, source), source)
    view = view_fingerprint()
    recalled = recall_document(cache_dir, data, view)
    if recalled is not None:
        document, normalized = recalled
        known = len(normalized)
        try:
            rules = parse_rule_document(document, source, normalized)
        except RuleError:
            pass  # not what this file's own text says: read it again
        else:
            if len(normalized) != known:  # normalised by another view: remembered anew
                remember_document(cache_dir, data, document, view, normalized)
            return rules
    document = _parse_yaml(text, source)
    normalized = {}
    rules = parse_rule_document(document, source, normalized)
    remember_document(cache_dir, data, document, view, normalized)
    return rules


def _parse_yaml(text: str, source: str) -> Any:
    """The one way this tool reads YAML: safe tags only, and bounded.

    Rule files come from corpus repositories and pull requests, so a file may be hostile.
    YAML's anchors and aliases let a few hundred bytes stand for billions of values (a
    "billion laughs"): nothing the loader builds is large, since an alias shares its
    anchor's value, but whatever walks the result — validation, the JSON copy the cache
    keeps — meets every repetition. So the document is composed here, from the parser's
    events, counting what it would expand to and how deep it nests, and refused as soon
    as either passes its bound (:data:`MAX_YAML_NODES`, :data:`MAX_YAML_DEPTH`), before
    anything is built from it. An alias inside its own anchor (a document that contains
    itself) is refused too.
    """
    import yaml

    # libyaml's parser when PyYAML was built with it: ten times faster
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        node = _compose(loader, source)
        return None if node is None else loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise RuleError(source, f"invalid YAML{_yaml_problem(exc)}") from exc
    finally:
        loader.dispose()


def _yaml_problem(exc: Exception) -> str:
    """Where in the file a YAML error is and what it is, on one line
    (`` at line 4, column 1: did not find expected ']' (while parsing…)``): PyYAML's own
    message names the text it parsed ``"<unicode string>"``, not the file, and spreads
    over four lines."""
    problem_mark: Any = getattr(exc, "problem_mark", None)
    context_mark: Any = getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    mark = problem_mark or context_mark
    if mark is None:
        return f": {exc}"
    parts = [str(problem or context)]
    if problem and context:
        at = ""
        if context_mark is not None and (context_mark.line, context_mark.column) != (
            mark.line,
            mark.column,
        ):
            at = f" at line {context_mark.line + 1}, column {context_mark.column + 1}"
        parts.append(f"({context}{at})")
    note = getattr(exc, "note", None)
    if note:
        parts.append(f"({note})")
    return f" at line {mark.line + 1}, column {mark.column + 1}: {' '.join(parts)}"


def _compose(loader: Any, source: str) -> Any:
    """The document's node graph, as PyYAML's composer makes it, within the bounds."""
    from yaml import events, nodes
    from yaml.composer import ComposerError

    loader.get_event()  # the stream's start
    if loader.check_event(events.StreamEndEvent):
        loader.get_event()
        return None
    loader.get_event()  # the document's start
    anchors: dict[str, Any] = {}  # anchor -> its node
    sizes: dict[str, int] = {}  # anchor -> what its node expands to, once it is complete
    open_nodes: list[tuple[Any, list[Any], str | None, int]] = []  # node, children, anchor, at
    total = 0  # values the document expands to so far
    root: Any = None
    while root is None:
        event = loader.get_event()
        mark: Any = event.start_mark  # libyaml's marks are not PyYAML's, to the stubs
        line = mark.line + 1
        if isinstance(event, events.CollectionEndEvent):
            node, children, anchor, at = open_nodes.pop()
            node.end_mark = event.end_mark
            if isinstance(node, nodes.MappingNode):
                node.value = list(zip(children[0::2], children[1::2], strict=True))
            if anchor is not None:
                sizes[anchor] = total - at
            if not open_nodes:
                root = node
            continue
        if isinstance(event, events.AliasEvent):
            if event.anchor not in anchors:
                raise ComposerError(None, None, f"found undefined alias {event.anchor!r}", mark)
            if event.anchor not in sizes:
                raise RuleError(source, f"line {line}: the alias *{event.anchor} is inside itself")
            node = anchors[event.anchor]
            total += sizes[event.anchor]
        else:
            node = _new_node(loader, event, anchors)
            total += 1
            if isinstance(event, events.ScalarEvent) and event.anchor is not None:
                sizes[event.anchor] = 1
        if total > MAX_YAML_NODES:
            raise RuleError(
                source,
                f"line {line}: the document expands to more than {MAX_YAML_NODES:,} values "
                "(anchors and aliases that repeat each other: a 'billion laughs'); not loaded",
            )
        if open_nodes:
            open_nodes[-1][1].append(node)
        elif not isinstance(node, nodes.CollectionNode) or isinstance(event, events.AliasEvent):
            root = node
        if isinstance(event, events.CollectionStartEvent):
            if len(open_nodes) >= MAX_YAML_DEPTH:
                raise RuleError(
                    source, f"line {line}: nested more than {MAX_YAML_DEPTH} levels deep"
                )
            open_nodes.append((node, node.value, event.anchor, total - 1))
    loader.get_event()  # the document's end
    if not loader.check_event(events.StreamEndEvent):
        raise ComposerError(
            "expected a single document in the stream",
            root.start_mark,
            "but found another document",
            loader.get_event().start_mark,
        )
    loader.get_event()
    return root


def _new_node(loader: Any, event: Any, anchors: dict[str, Any]) -> Any:
    """The node a scalar or the start of a collection makes, its tag resolved as PyYAML's
    composer resolves it; an anchor names it from here on."""
    from yaml import events, nodes
    from yaml.composer import ComposerError

    anchor = event.anchor
    start: Any = event.start_mark  # libyaml's marks are not PyYAML's, to the stubs
    end: Any = event.end_mark
    if anchor is not None and anchor in anchors:
        raise ComposerError(
            f"found duplicate anchor {anchor!r}; first occurrence",
            anchors[anchor].start_mark,
            "second occurrence",
            start,
        )
    tag = event.tag
    node: Any
    if isinstance(event, events.ScalarEvent):
        if tag is None or tag == "!":
            tag = loader.resolve(nodes.ScalarNode, event.value, event.implicit)
        node = nodes.ScalarNode(tag, event.value, start, end, style=event.style)
    else:
        kind = (
            nodes.SequenceNode
            if isinstance(event, events.SequenceStartEvent)
            else nodes.MappingNode
        )
        if tag is None or tag == "!":
            tag = loader.resolve(kind, None, event.implicit)
        node = kind(tag, [], start, None, flow_style=event.flow_style)
    if anchor is not None:
        anchors[anchor] = node
    return node


def parse_rule_document(
    document: Any, source: str, normalized: dict[str, str] | None = None
) -> list[Rule]:
    """Turn a parsed YAML document into rules, checking its shape on the way;
    ``normalized`` as :func:`compile_pattern` takes it."""
    if not isinstance(document, dict):
        raise RuleError(source, "a rule file must be a mapping with a 'rules' list")
    _reject_unknown(document, _FILE_KEYS, source, None, "top-level key")
    entries = document.get("rules")
    # An empty list is a file that adds nothing, as --suggest writes when it finds
    # nothing to propose; a missing or misspelt list is a mistake.
    if not isinstance(entries, list):
        raise RuleError(source, "'rules' must be a list of rules")
    return [_parse_rule(entry, source, index, normalized) for index, entry in enumerate(entries, 1)]


def _parse_rule(
    entry: Any, source: str, index: int, normalized: dict[str, str] | None = None
) -> Rule:
    if not isinstance(entry, dict):
        raise RuleError(source, f"rule #{index} must be a mapping")
    rule_id = entry.get("id")
    if not isinstance(rule_id, str) or not _ID_PATTERN.fullmatch(rule_id):
        raise RuleError(
            source, f"rule #{index} needs an 'id' of letters, digits, '-', '_' or '.' ({rule_id!r})"
        )
    _reject_unknown(entry, _RULE_KEYS, source, rule_id, "key")
    description = entry.get("description")
    if not isinstance(description, str) or not description.strip():
        raise RuleError(source, "'description' must be a non-empty string", rule_id)
    raw_pattern = entry.get("pattern")
    if not isinstance(raw_pattern, str) or not raw_pattern.strip():
        raise RuleError(source, "'pattern' must be a non-empty string", rule_id)
    normalize = entry.get("normalize", True)
    if not isinstance(normalize, bool):
        raise RuleError(source, "'normalize' must be true or false", rule_id)
    try:
        # A YAML block scalar (`pattern: |`) ends in a line break nobody means to match;
        # a pattern that needs one at its end writes the escape `\n`.
        pattern = compile_pattern(
            raw_pattern.rstrip("\r\n"), normalize=normalize, normalized=normalized
        )
    except regex.error as exc:
        raise RuleError(source, f"invalid pattern: {exc}", rule_id) from exc
    if pattern.fullmatch(""):
        raise RuleError(source, "pattern matches the empty string", rule_id)
    remove_value = entry.get("remove", Removal.SPAN.value)
    try:
        remove = Removal(remove_value)
    except ValueError:
        message = f"'remove' must be 'span' or 'line', not {remove_value!r}"
        raise RuleError(source, message, rule_id) from None
    examples = _parse_examples(entry.get("examples"), source, rule_id)
    literals = _parse_literals(entry.get("literals"), source, rule_id, normalize=normalize)
    return Rule(
        rule_id, description.strip(), pattern, remove, source, examples, normalize, literals
    )


def _parse_literals(
    raw: Any, source: str, rule_id: str, *, normalize: bool
) -> regex.Pattern[str] | None:
    """The rule's ``literals`` as one search: the literals as the view shows them
    (normalised as a text is, for a normalised rule) and, like its pattern, ignoring case.

    They are the author's promise that every match holds one; the examples hold them to
    it (:mod:`clean_reports.rulecheck`), and a wrong promise only makes the rule miss.
    """
    if raw is None:
        return None
    items = _string_list(raw, source, rule_id, "literals")
    if not items or len(items) > MAX_LITERALS:
        raise RuleError(source, f"'literals' must list 1 to {MAX_LITERALS} strings", rule_id)
    shown = [(normalized_view(item) if normalize else plain_view(item)).text for item in items]
    for item, text in zip(items, shown, strict=True):
        if not text.strip() or len(text) > MAX_LITERAL_LENGTH:
            raise RuleError(
                source,
                f"each literal must be 1 to {MAX_LITERAL_LENGTH} characters, "
                f"not all spaces ({item!r})",
                rule_id,
            )
    # Longest first: the alternation then finds what it can with the fewest steps back.
    # Ties in text order, so the search (part of a cached finding's key) is the same in
    # every process, whatever order its set is in.
    longest_first = sorted(set(shown), key=lambda text: (-len(text), text))
    alternatives = "|".join(regex.escape(text) for text in longest_first)
    return regex.compile(alternatives, regex.IGNORECASE if normalize else 0)


def _parse_examples(raw: Any, source: str, rule_id: str) -> Examples:
    if raw is None:
        raise RuleError(source, "'examples' with at least one 'match' text are required", rule_id)
    if not isinstance(raw, dict):
        raise RuleError(source, "'examples' must be a mapping of match/keep/clean", rule_id)
    _reject_unknown(raw, _EXAMPLE_KEYS, source, rule_id, "examples key")
    match = _string_list(raw.get("match"), source, rule_id, "examples.match")
    keep = _string_list(raw.get("keep"), source, rule_id, "examples.keep")
    clean: list[CleanExample] = []
    for item in raw.get("clean") or []:
        if (
            not isinstance(item, dict)
            or set(item) != {"text", "expect"}
            or not all(isinstance(v, str) for v in item.values())
        ):
            raise RuleError(
                source, "each examples.clean entry needs exactly 'text' and 'expect'", rule_id
            )
        clean.append(CleanExample(item["text"], item["expect"]))
    if not match:
        raise RuleError(
            source, "'examples.match' needs at least one text the rule matches", rule_id
        )
    return Examples(match, keep, tuple(clean))


def _string_list(raw: Any, source: str, rule_id: str, name: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise RuleError(source, f"'{name}' must be a list of strings", rule_id)
    return tuple(raw)


def _reject_unknown(
    mapping: dict[Any, Any], allowed: set[str], source: str, rule_id: str | None, what: str
) -> None:
    unknown = sorted(str(key) for key in mapping if key not in allowed)
    if unknown:
        raise RuleError(
            source,
            f"unknown {what} {', '.join(map(repr, unknown))} "
            f"(expected {', '.join(sorted(allowed))})",
            rule_id,
        )
