"""Linked workflows from the published contract (Schemathesis state machine).

The contract's OpenAPI links chain POST /items (201) into GET, PUT, PATCH and DELETE of the new
id, so generated sequences exercise create → read → change → delete, and the stateful checks judge
that a created item can be read (CREATE-READBACK) and that a deleted one stays gone (DELETE-GONE).
"""

from __future__ import annotations

from typing import Any

import hypothesis
import pytest
from schemathesis.core.transport import Response
from schemathesis.generation.case import Case

from conformance.checks.generated import RESPONSE_CHECKS, STATEFUL_CHECKS, Sent, contract_schema, send_case, validate
from conformance.checks.items import Items
from conformance.checks.workflow_runs import run_workflow
from conformance.pytest.settings import RunSettings
from conformance.target.client import ApiClient


@pytest.mark.thorough
@pytest.mark.requirement("CREATE-READBACK", "DELETE-GONE", "GEN-NO-5XX", "GEN-DOCUMENTED", "ITEM-SHAPE")
@pytest.mark.asserts(
    "GEN-NO-5XX.valid-requests",
    "GEN-DOCUMENTED.status-documented",
    "GEN-DOCUMENTED.body-matches-schema",
)
def test_linked_workflows_keep_items_consistent(api: ApiClient, items: Items, run_settings: RunSettings) -> None:
    scratch: dict[str, int] = {}
    sent: dict[str, Sent] = {}
    raised: list[BaseException] = []

    class Workflow(contract_schema("positive").as_state_machine()):  # type: ignore[misc]
        def call(self, case: Case, **kwargs: Any) -> Response:
            try:
                sent[case.id] = send_case(api, items, case, scratch)
            except BaseException as error:
                raised.append(error)
                raise
            return Response.from_any(sent[case.id].response)

        def validate_response(self, response: Response, case: Case, *args: Any, **kwargs: Any) -> None:
            step = sent.pop(case.id)
            # A redirected write no longer targets the linked id: the stateful checks would misjudge it.
            checks = RESPONSE_CHECKS if step.redirected else RESPONSE_CHECKS + STATEFUL_CHECKS
            try:
                validate(case, step.response, checks=checks, recorder=self.recorder)
            except BaseException as error:
                raised.append(error)
                raise

    settings = hypothesis.settings(
        max_examples=max(1, run_settings.max_examples // 2),
        stateful_step_count=6,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[hypothesis.Phase.generate],
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    run_workflow(lambda: Workflow.run(settings=settings), raised)
