"""Holding rules to their examples.

Every rule carries texts it must match, look-alikes it must keep and, optionally, exact
results of cleaning a text with it alone. The test suite runs this over the shipped
rules; a run checks the rule files a user adds with ``--rules`` the same way, so a rule
that no longer does what its author wrote down never touches a corpus.
"""

from __future__ import annotations

from collections.abc import Iterable

from .core import clean, find
from .errors import RuleError
from .rules import Rule


def example_failures(rule: Rule) -> list[str]:
    """Every way ``rule`` breaks one of its own examples, as readable sentences."""
    failures: list[str] = []
    examples = rule.examples
    texts = (*examples.match, *examples.keep, *(example.text for example in examples.clean))
    found = {text: find(text, [rule]) for text in texts}
    if rule.literals is not None:
        # The promise its literals make, held to every text the rule's author wrote.
        unfiltered = rule._replace(literals=None)
        for text, filtered in found.items():
            if filtered != find(text, [unfiltered]):
                failures.append(
                    f"matches {text!r}, which holds none of its 'literals' as the normalised "
                    f"view shows them ({rule.literals.pattern})"
                )
    for text in examples.match:
        if not found[text]:
            failures.append(f"does not match its example {text!r}")
    for text in examples.keep:
        if found[text]:
            failures.append(f"matches {found[text][0].text!r} in the text it must keep {text!r}")
    for example in rule.examples.clean:
        got = clean(example.text, [rule]).text
        if got != example.expect:
            failures.append(
                f"cleans {example.text!r} to {got!r}, but its example expects {example.expect!r}"
            )
    return failures


def verify_examples(rules: Iterable[Rule]) -> None:
    """Raise :class:`RuleError` for the first rule that fails its examples."""
    for rule in rules:
        failures = example_failures(rule)
        if failures:
            raise RuleError(rule.source, "; ".join(failures), rule.id)
