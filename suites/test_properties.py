"""Generated cases from the published contract (Schemathesis): positive and negative, per operation.

Positive cases must be accepted with the operation's success status (or 404 for an absent id);
negative cases must be refused with 400, 404 or 422. Every response must be a documented status
with a body matching its schema, and never a 5xx.
"""

from __future__ import annotations

import pytest
from schemathesis.generation.case import Case

from conformance.checks.generated import WITH_BODY, contract_schema, send_case, validate
from conformance.checks.items import Items
from conformance.target.client import ApiClient

GENERAL = ("GEN-NO-5XX", "GEN-DOCUMENTED", "GEN-JSON", "ERR-BODY", "ITEM-SHAPE")


@pytest.fixture(scope="module")
def scratch() -> dict[str, int]:
    """The owned item that generated writes are redirected to; replaced when one of them deletes it."""
    return {}


@pytest.mark.requirement(*GENERAL, "CREATE-201", "READ-200", "REPLACE-200", "UPDATE-200", "DELETE-204", "LIST-200")
@contract_schema("positive").parametrize()
@pytest.mark.asserts(
    "GEN-NO-5XX.valid-requests",
    "GEN-DOCUMENTED.status-documented",
    "GEN-DOCUMENTED.body-matches-schema",
)
def test_valid_requests_are_accepted_as_documented(
    case: Case, api: ApiClient, items: Items, scratch: dict[str, int]
) -> None:
    validate(case, send_case(api, items, case, scratch).response)


@pytest.mark.requirement(*GENERAL, "VALID-422", "LIST-PARAMS-400", "PATH-ID")
@contract_schema("negative").exclude(operation_id=sorted(WITH_BODY)).parametrize()
@pytest.mark.asserts(
    "GEN-NO-5XX.invalid-requests",
    "GEN-DOCUMENTED.status-documented",
    "GEN-DOCUMENTED.body-matches-schema",
)
def test_invalid_requests_are_refused_as_documented(
    case: Case, api: ApiClient, items: Items, scratch: dict[str, int]
) -> None:
    validate(case, send_case(api, items, case, scratch).response)


@pytest.mark.requirement(*GENERAL, "VALID-422", "PATH-ID")
@contract_schema("negative", extra_members=True).include(operation_id=sorted(WITH_BODY)).parametrize()
@pytest.mark.asserts(
    "GEN-NO-5XX.invalid-requests",
    "GEN-DOCUMENTED.status-documented",
    "GEN-DOCUMENTED.body-matches-schema",
)
def test_invalid_bodies_are_refused_as_documented(
    case: Case, api: ApiClient, items: Items, scratch: dict[str, int]
) -> None:
    validate(case, send_case(api, items, case, scratch).response)
