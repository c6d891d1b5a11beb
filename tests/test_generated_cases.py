"""Generated cases are judged only where the contract decides them: the same wherever the API is mounted,
and never where §8 leaves the answer open. Cases are built on the published contract, as Schemathesis
builds them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
import schemathesis
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation import GenerationMode
from schemathesis.generation.case import Case
from schemathesis.generation.meta import CaseMetadata, ComponentInfo, CoverageScenario, GenerationInfo, PhaseInfo

import contracts
from conformance.checks.budget import Budget, set_budget
from conformance.checks.generated import contract_schema, validate
from conformance.checks.items import OUTSIDE_MARK
from conformance.checks.leeway import check_to_skip
from conformance.checks.violations import ContractViolation

CONTRACT = schemathesis.openapi.from_path(contracts.OPENAPI)
NEGATIVE, POSITIVE = GenerationMode.NEGATIVE, GenerationMode.POSITIVE
QUERY, PATH, BODY = ParameterLocation.QUERY, ParameterLocation.PATH, ParameterLocation.BODY


def case(path: str, method: str, mode: GenerationMode, negated: tuple[ParameterLocation, ...], **parts: Any) -> Case:
    meta = CaseMetadata(
        generation=GenerationInfo(time=0.0, mode=mode),
        components={location: ComponentInfo(mode=NEGATIVE) for location in negated},
        phase=PhaseInfo.coverage(CoverageScenario.INCORRECT_TYPE, "test"),
    )
    return CONTRACT[path][method].Case(_meta=meta, **parts)


@pytest.mark.parametrize(
    "query",
    [{"limit": "5.0"}, {"limit": 5.0, "offset": "1e1"}, {"offset": "+7"}],
    ids=["5.0", "1e1", "+7"],
)
def test_an_integer_spelt_another_way_that_reads_as_valid_is_left_open(query: dict[str, Any]) -> None:
    assert check_to_skip(case("/items", "GET", NEGATIVE, (QUERY,), query=query)) == "negative_data_rejection"


def test_an_id_spelt_another_way_is_left_open() -> None:
    spelt = case("/items/{item_id}", "GET", NEGATIVE, (PATH,), path_parameters={"item_id": "3.0"})
    assert check_to_skip(spelt) == "negative_data_rejection"


@pytest.mark.parametrize(
    "query",
    [{"limit": "0.5"}, {"limit": "101.0"}, {"offset": "-1e1"}, {"limit": "true"}, {"limit": "1_0"}, {"limit": "inf"}],
)
def test_what_is_wrong_in_any_reading_is_still_judged(query: dict[str, Any]) -> None:
    assert check_to_skip(case("/items", "GET", NEGATIVE, (QUERY,), query=query)) is None


def test_a_wrong_body_beside_a_spelt_id_is_still_judged() -> None:
    both = case("/items/{item_id}", "PATCH", NEGATIVE, (PATH, BODY), path_parameters={"item_id": "3.0"}, body=[])
    assert check_to_skip(both) is None


def test_an_offset_beyond_two_to_the_53_may_be_refused() -> None:
    huge = case("/items", "GET", POSITIVE, (), query={"offset": 2**60})
    assert check_to_skip(huge) == "positive_data_acceptance"
    assert check_to_skip(case("/items", "GET", POSITIVE, (), query={"offset": 2**53 - 1})) is None


@pytest.fixture(params=["http://api.test", "http://api.test/api/v1"], ids=["root", "prefix"])
def mounted(request: pytest.FixtureRequest) -> Iterator[str]:
    """The contract loaded for a run against an API at this base URL."""
    set_budget(Budget(seed=1, max_examples=5, base_url=request.param))
    contract_schema.cache_clear()
    yield request.param
    contract_schema.cache_clear()


def test_a_negative_value_that_is_never_sent_is_not_judged_wherever_the_api_is(mounted: str) -> None:
    """`limit: null` is left out of the query, so the request is valid and a 200 right. Schemathesis sees
    that only when the response's URL is where it expects the operation: under the run's base URL."""
    meta = CaseMetadata(
        generation=GenerationInfo(time=0.0, mode=NEGATIVE),
        components={QUERY: ComponentInfo(mode=NEGATIVE)},
        phase=PhaseInfo.coverage(CoverageScenario.INCORRECT_TYPE, "Incorrect type", parameter="limit"),
    )
    unsent = contract_schema("negative")["/items"]["GET"].Case(_meta=meta, query={"limit": None})
    response = httpx.Response(200, json={"items": [], "total": 0}, request=httpx.Request("GET", f"{mounted}/items"))
    response.elapsed = timedelta(0)
    validate(unsent, response)


def listed(content: bytes) -> httpx.Response:
    headers = {"content-type": "application/json"}
    response = httpx.Response(200, content=content, headers=headers, request=httpx.Request("GET", "http://t/items"))
    response.elapsed = timedelta(0)
    return response


def test_a_list_echoing_an_escaped_lone_surrogate_is_json() -> None:
    """RFC 8259 §8.2 allows `"\\ud800"`, and §8 leaves lone surrogates open: Schemathesis's 'malformed JSON'
    for it is not a failure of the server, and what else is wrong in that body is still judged."""
    body = b'{"items": [{"id": 1, "name": "\\ud800 lone", "price": 1, "description": null}], "total": 1}'
    validate(case("/items", "GET", POSITIVE, ()), listed(body))
    with pytest.raises(ContractViolation) as failed:
        validate(case("/items", "GET", POSITIVE, ()), listed(body.replace(b', "description": null', b"")))
    expected = ("GEN-DOCUMENTED", "LIST-200")
    assert failed.value.requirements == expected, f"expected {expected}, received {failed.value.requirements}"


def test_a_list_that_is_not_json_still_fails_gen_json() -> None:
    with pytest.raises(ContractViolation) as failed:
        validate(case("/items", "GET", POSITIVE, ()), listed(b'{"items": [], "total": 1'))
    assert "GEN-JSON" in failed.value.requirements, f"expected GEN-JSON, received {failed.value.requirements}"


def test_a_listed_item_the_suite_made_from_data_section_8_leaves_open_is_not_judged() -> None:
    outside = {"id": 2, "name": f"n{OUTSIDE_MARK}", "price": 0, "description": None}
    body = json.dumps({"items": [outside], "total": 1}).encode()
    validate(case("/items", "GET", POSITIVE, ()), listed(body))
    with pytest.raises(ContractViolation) as failed:
        validate(case("/items", "GET", POSITIVE, ()), listed(body.replace(OUTSIDE_MARK.encode(), b"")))
    expected = ("GEN-DOCUMENTED", "LIST-200")
    assert failed.value.requirements == expected, f"expected {expected}, received {failed.value.requirements}"


@pytest.mark.parametrize("max_examples", [1, 2, 5, 25, 100])
def test_the_negative_budget_is_smaller_than_the_positive_one_but_never_empty(max_examples: int) -> None:
    budget = Budget(seed=1, max_examples=max_examples, base_url="http://testserver.local")
    negative = budget.negative_max_examples
    assert 1 <= negative <= max_examples, f"expected 1..{max_examples} negative cases, got {negative}"
