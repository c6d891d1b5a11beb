"""A generated workflow on a target whose answers change between runs (a server shared with other clients) ends
in Hypothesis's Flaky: the run reports what a step raised, runs again when nothing was, and never turns the
flake into an error of the suite or into a pass for a budget it did not spend."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import hypothesis
import pytest
from hypothesis.stateful import Bundle, RuleBasedStateMachine, precondition, rule, run_state_machine_as_test

from conformance.checks.violations import PRECONDITION_FAILED, ContractViolation, Violation
from conformance.checks.workflow_runs import run_workflow

SETTINGS = hypothesis.settings(
    max_examples=20,
    stateful_step_count=6,
    derandomize=True,
    database=None,
    phases=[hypothesis.Phase.generate],
    suppress_health_check=list(hypothesis.HealthCheck),
)


def workflow(answers_change: Callable[[], bool], raised: list[BaseException], fails_first: bool = False) -> type:
    """A workflow whose create rule is open on every other machine while `answers_change()`: what a
    producer rule that needs a 201 does when the target answers the same sequence otherwise."""
    machines = itertools.count()

    class Workflow(RuleBasedStateMachine):
        made = Bundle("made")

        def __init__(self) -> None:
            super().__init__()
            self.number = next(machines)
            self.open = not answers_change() or self.number % 2 == 0

        @precondition(lambda self: self.open)
        @rule(target=made)
        def create(self) -> int:
            return self.number

        @rule(item=made)
        def read(self, item: int) -> None:
            if fails_first and not raised:
                violation = ContractViolation([Violation(("CREATE-READBACK",), "read 404", "200", "404")])
                raised.append(violation)
                raise violation

        @rule()
        def list_items(self) -> None:
            pass

    return Workflow


def runs_of(machine: type, counted: list[int]) -> Callable[[], None]:
    def run() -> None:
        counted.append(1)
        run_state_machine_as_test(machine, settings=SETTINGS)

    return run


def test_a_workflow_answered_differently_once_is_run_again_in_full() -> None:
    counted: list[int] = []
    raised: list[BaseException] = []
    run_workflow(runs_of(workflow(lambda: len(counted) == 1, raised), counted), raised)
    assert len(counted) == 2, f"expected a second run after the flaky first one, received {len(counted)} run(s)"


def test_a_workflow_answered_differently_every_time_is_not_run_and_says_why() -> None:
    counted: list[int] = []
    raised: list[BaseException] = []
    with pytest.raises(pytest.skip.Exception) as skipped:
        run_workflow(runs_of(workflow(lambda: True, raised), counted), raised)
    assert len(counted) == 2
    assert str(skipped.value.msg).startswith(PRECONDITION_FAILED), skipped.value.msg
    assert "answered the same generated workflow differently" in str(skipped.value.msg)


def test_what_a_step_raised_before_the_flaky_end_is_what_the_workflow_reports() -> None:
    counted: list[int] = []
    raised: list[BaseException] = []
    with pytest.raises(ContractViolation) as failed:
        run_workflow(runs_of(workflow(lambda: False, raised, fails_first=True), counted), raised)
    assert isinstance(failed.value.__cause__, hypothesis.errors.Flaky), (
        f"expected the replay to end as Flaky, received {failed.value.__cause__!r}"
    )
    assert failed.value.violations[0].requirements == ("CREATE-READBACK",)
    assert len(counted) == 1, "a workflow that found a violation is not run again"
