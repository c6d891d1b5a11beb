"""What a failed test's exception says (its outcome): the violations it names, or the suite's own error."""

from __future__ import annotations

from dataclasses import replace

from conformance.checks.violations import ContractViolation, Violation
from conformance.target.errors import NoResponse
from conformance.target.redaction import Redactor
from conformance.verdict.outcomes import Outcome, TestOutcome


def _leaves(error: BaseException) -> list[BaseException]:
    """The exceptions inside a group (Hypothesis reports several distinct failures as one)."""
    if isinstance(error, BaseExceptionGroup):
        return [leaf for inner in error.exceptions for leaf in _leaves(inner)]
    return [error]


def failure_detail(
    nodeid: str, cited: tuple[str, ...], error: BaseException, redactor: Redactor, duration: float
) -> TestOutcome:
    """How a failed test is judged: its violations name requirements; any other assertion (a request that
    got no response, say) fails every requirement the test cites; anything else is the suite's own error."""
    leaves = _leaves(error)
    if not all(isinstance(leaf, AssertionError) for leaf in leaves):
        message = redactor.text(f"the suite raised {type(error).__name__}: {error}")
        return TestOutcome(nodeid, cited, Outcome.ERROR, message=message, duration=duration)
    violations: list[Violation] = []
    for leaf in leaves:
        if isinstance(leaf, ContractViolation):
            # A summary may quote what was sent (a credential form, say): mask the run's secrets there too.
            violations += [_redacted(violation, redactor) for violation in leaf.violations]
        else:
            text = redactor.text(str(leaf))
            exchange = leaf.exchange if isinstance(leaf, NoResponse) else None
            violations.append(Violation(cited, text.split("\n", 1)[0], "", text, exchange))
    failed = list(dict.fromkeys(rid for violation in violations for rid in violation.requirements))
    message = redactor.text("\n\n".join(str(leaf) for leaf in leaves))
    return TestOutcome(nodeid, cited, Outcome.FAILED, tuple(failed), message, violations, duration)


def _redacted(violation: Violation, redactor: Redactor) -> Violation:
    return replace(
        violation,
        summary=redactor.text(str(violation.summary)),
        expected=redactor.text(str(violation.expected)),
        received=redactor.text(str(violation.received)),
        notes=[redactor.text(str(note)) for note in violation.notes],
    )
