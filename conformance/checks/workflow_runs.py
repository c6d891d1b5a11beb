"""Running a generated workflow (a Schemathesis state machine) so that Hypothesis's bookkeeping never hides
what the target did.

Hypothesis expects one choice sequence to draw the same rules every time. A workflow's rules depend on the
target's answers (a link needs a 201 to follow), and a target shared with other clients can answer a repeated
sequence otherwise. Hypothesis then ends with `Flaky` instead of with what a step raised.
"""

from __future__ import annotations

from collections.abc import Callable

import hypothesis

from conformance.checks.violations import not_run

ATTEMPTS = 2
"""A second attempt runs the budget again from the start: a flake alone is not the target's fault."""


def run_workflow(run: Callable[[], None], raised: list[BaseException]) -> None:
    """Runs `run` (one `StateMachine.run`), whose steps append whatever they raise to `raised`.

    After a Flaky ending, the first thing a step raised is what the target did, and it is raised. When no step
    raised, every request sent was judged and passed but the budget was not spent: run again, and if that ends
    the same way too, the workflow is not run, with the reason (never passed for what it did not try).
    """
    for attempt in range(1, ATTEMPTS + 1):
        try:
            run()
            return
        except hypothesis.errors.Flaky as flaky:
            if raised:
                raise raised[0] from flaky
            if attempt == ATTEMPTS:
                raise not_run(
                    f"the target answered the same generated workflow differently in {ATTEMPTS} runs "
                    f"({type(flaky).__name__}), though every answer it gave met the contract"
                ) from flaky
