"""Schemathesis glue: the contract loaded with the run's seed and budget, cases sent through the suite's
client (so the ledger guards them), and Schemathesis failures translated into requirement IDs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import unquote

import httpx
import schemathesis
from schemathesis.core import NotSet
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.failure_codes import (
    AcceptedNegativeData,
    AllowHeaderMismatch,
    ContentDeserializationError,
    DiscriminatorMismatch,
    EnsureResourceAvailability,
    JsonSchemaError,
    MalformedJson,
    MalformedMediaType,
    MissingContentType,
    MissingHeaders,
    RejectedPositiveData,
    ServerError,
    UndefinedContentType,
    UndefinedStatusCode,
    UseAfterFree,
)
from schemathesis.generation import GenerationMode
from schemathesis.generation.case import Case
from schemathesis.schemas import BaseSchema
from schemathesis.specs.openapi.checks import is_unexpected_http_status_case

import contracts
from conformance.checks.budget import active_budget
from conformance.checks.items import Items, outside_the_contract
from conformance.checks.leeway import check_to_skip
from conformance.checks.verify import WITH_THE_ITEM
from conformance.checks.violations import ContractViolation, Violation
from conformance.contract import strict_json
from conformance.contract.openapi import load_contract
from conformance.target.client import ApiClient
from conformance.target.exchange import exchange_of
from conformance.target.paths import integer_form, item_path, path_segments, segment_keys
from conformance.text import first_line

RESPONSE_CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
    "allow_header_conformance",
)
"""Checks that judge the response alone. Checks that send requests of their own (ignored_auth,
unsupported_method) are left out: they would bypass the ledger, and the hand-written suites judge
authentication and 405 safely."""

STATEFUL_CHECKS = ("use_after_free", "ensure_resource_availability")

POSITIVE_REQUIREMENT = {
    "listItems": "LIST-200",
    "createItem": "CREATE-201",
    "getItem": "READ-200",
    "replaceItem": "REPLACE-200",
    "updateItem": "UPDATE-200",
    "deleteItem": "DELETE-204",
}
"""operationId to the requirement its positive cases judge: the suite's reading, not the document's."""
ACCEPTED = {op.operation_id: sorted({op.success, *([404] if op.on_item else [])}) for op in load_contract().operations}
"""A valid case's statuses: the operation's success, and 404 on item operations, because a generated write
may be redirected to an absent id."""

ACCEPTED_STATUSES = sorted({status for statuses in ACCEPTED.values() for status in statuses})
"""What Schemathesis's positive_data_acceptance accepts from any operation; `validate` holds each operation to
its own list. Per-operation overrides in the config would make Schemathesis merge its configuration again for
every case and every check (12-15% of a run)."""
WITH_BODY = frozenset(op.operation_id for op in load_contract().operations if op.body)

# The negative cases Schemathesis 4.32 generates, and what the contract says of each. A negative case
# is expected to be refused (400, 404 or 422) only where the contract requires a refusal:
#
#   where   what Schemathesis sends                              the contract               here
#   query   limit/offset not an integer (0.5, null, [..], {..},  refuse: 400                judged (LIST-PARAMS-400)
#           true), limit 0 or 101, offset -1
#   query   an unknown parameter (x-schemathesis-unknown-        ignore it (§3 List: other  not generated: allow-extra-
#           property=42, fuzzed names)                           parameters are ignored)    parameters off (no body)
#   query   a repeated parameter (offset=1&offset=2)             either (§8)                not generated (coverage
#                                                                                           duplicate parameters off)
#   query   an integer in another form (05, +5, 5.0, 1e1)        either (§8)                not judged when it reads
#                                                                                           as a valid value (leeway.py)
#   query   a valid offset beyond 2^53 - 1 (a positive case)     either (§8)                acceptance not judged
#   path    an id that is not an integer (abc, 1.5, null, true)  refuse: 400 or 404         judged (PATH-ID)
#           or is <= 0
#   path    an integer in another form (5.0, 1e1), or beyond     either (§8): accept it or  not judged when it reads
#           2^53 - 1                                             refuse with 404            as a valid id; 404 expected
#   header  Content-Type malformed or not JSON (text/plain,      outside (§8: media types   judged for 5xx only
#           multipart/form-data without boundary)                other than JSON)           (Schemathesis: shape probe)
#   header  unknown headers                                      not mentioned: never a     not generated: no header
#                                                                reason to refuse           parameters, extras off
#   header  Authorization missing or wrong                       401 (§2)                   not generated (with-
#                                                                                           security-parameters off)
#   body    wrong JSON types, out-of-range values, missing       refuse: 422 (VALID-422)    judged (VALID-422)
#           required or unknown members, not an object
#   body    not JSON (random bytes), no body                     refuse: 400 (VALID-400)    judged: a refusal expected
#   any     several of the above at once                         any of their statuses      400, 404 or 422 accepted
#
# Schemathesis compares where a response came from with the schema's base URL before it trusts the
# request it re-reads (for instance the query as sent); with the contract's own "/" it could not match
# a target under a path prefix, and a case it clears at the root (an unknown query parameter) failed
# there. The base URL given here is always the one the requests go to.


def _config(mode: str, extra_members: bool) -> schemathesis.Config:
    settings = active_budget()
    return schemathesis.Config.from_dict(
        {
            "base-url": settings.base_url,
            "seed": settings.seed,
            "generation": {
                "mode": mode,
                "max-examples": settings.negative_max_examples if mode == "negative" else settings.max_examples,
                "database": "none",
                # A NUL byte in a generated header or query value makes a request HTTP clients refuse to send.
                "allow-x00": False,
                # The suite always sends the configured token; authentication has its own suite.
                "with-security-parameters": False,
                "allow-extra-parameters": extra_members,
            },
            "phases": {
                # Repeated query parameters are outside the contract (§8); 405s have their own suite.
                "coverage": {"unexpected-methods": [], "generate-duplicate-query-parameters": False},
            },
            "checks": {
                # Tightened: an invalid request is refused with a contract status, never 5xx or 2xx.
                "negative_data_rejection": {"expected-statuses": [400, 404, 422]},
                "positive_data_acceptance": {"expected-statuses": ACCEPTED_STATUSES},
            },
        }
    )


@cache
def contract_schema(mode: str, extra_members: bool = False) -> BaseSchema:
    """The published contract (never the target's own schema), for `positive` or `negative` generation.

    `extra_members` lets negative cases add what the contract does not define: a body must refuse that
    (422), a query or headers must ignore it, so only the body operations' cases take it. A setting for the
    whole schema, not per operation: per-operation settings make Schemathesis merge its configuration
    again for every case and check.
    """
    return schemathesis.openapi.from_path(contracts.OPENAPI, config=_config(mode, extra_members))


@dataclass
class Sent:
    response: httpx.Response
    redirected: bool
    """The write was redirected to an id the run owns or proved absent, so links no longer hold for it."""


def send_case(api: ApiClient, items: Items, case: Case, scratch: dict[str, int]) -> Sent:
    """Sends a generated case through the suite's client.

    A write aimed at an id the run neither owns nor can prove absent (guard.py) is redirected to one it owns
    (a scratch item) or to one it proved absent, chosen by the generated id so that a seed replays the same run.
    A segment that cannot be an id (`abc`, `0`) is sent as generated once proved absent, so PATH-ID is judged.
    """
    method = case.method.upper()
    path = case.formatted_path
    segments = path_segments(path)
    redirected = False
    unsafe = method in {"PUT", "PATCH", "DELETE"} and segments and not api.ledger.may_write(segment_keys(segments[0]))
    number = integer_form(unquote(segments[0])) if segments else None
    # A positive integer is some item's id: redirected at once. Any other segment is tried as generated.
    if unsafe and segments and ((number is not None and number >= 1) or not items.prove_absent(segments[0])):
        target = _scratch_item(items, scratch) if number is not None and number % 2 == 0 else items.absent_id()
        case.path_parameters = {**case.path_parameters, "item_id": target}
        path, redirected = item_path(target), True
    headers = {name: str(value) for name, value in (case.headers or {}).items() if name.lower() != "authorization"}
    if isinstance(case.body, NotSet):
        raw = None
    elif isinstance(case.body, bytes):
        raw = case.body
    else:
        raw = json.dumps(case.body).encode("utf-8")
    response = api.request(method, path, params=case.query or None, headers=headers, raw=raw, auth=True)
    return Sent(response, redirected)


def _scratch_item(items: Items, scratch: dict[str, int]) -> int:
    item_id = scratch.get("id")
    if item_id is None or item_id not in items.api.ledger.alive():
        item_id = items.create()["id"]
        scratch["id"] = item_id
    return item_id


RESPONSE_FORMAT_FAILURES = (
    MissingContentType,
    MalformedMediaType,
    UndefinedContentType,
    ContentDeserializationError,
    MalformedJson,
)
"""A response whose media type or body cannot be what the contract documents."""


def _requirements_for(failure: Failure, case: Case, response: httpx.Response) -> tuple[str, ...]:
    """Schemathesis's failure classes (imported, so an upstream rename fails at import) to requirement IDs."""
    status = response.status_code
    operation = POSITIVE_REQUIREMENT[case.operation.definition.raw["operationId"]]
    # ServerError covers ContentTypeServerError (a 5xx judged by its media type) too.
    if isinstance(failure, ServerError) or status >= 500:
        return ("GEN-NO-5XX",)
    if isinstance(failure, UndefinedStatusCode | MissingHeaders):
        return ("GEN-DOCUMENTED",)
    if isinstance(failure, JsonSchemaError | DiscriminatorMismatch):
        if 400 <= status < 500:
            return ("GEN-DOCUMENTED", "ERR-BODY")
        if operation == "LIST-200":
            return ("GEN-DOCUMENTED", "LIST-200")
        # A success whose body is not an Item breaks the operation's requirement too, where it names the Item.
        return ("GEN-DOCUMENTED", "ITEM-SHAPE", *([operation] if operation in WITH_THE_ITEM else []))
    if isinstance(failure, RESPONSE_FORMAT_FAILURES):
        return ("GEN-DOCUMENTED", "ERR-BODY" if 400 <= status < 500 else "GEN-JSON")
    if isinstance(failure, RejectedPositiveData):
        return (operation,)
    if isinstance(failure, AcceptedNegativeData):
        return _negated_requirements(case)
    if isinstance(failure, AllowHeaderMismatch):
        return ("GEN-405",)
    if isinstance(failure, UseAfterFree):
        return ("DELETE-GONE",)
    if isinstance(failure, EnsureResourceAvailability):
        return ("CREATE-READBACK",)
    return ("GEN-DOCUMENTED",)


def _negated_requirements(case: Case) -> tuple[str, ...]:
    meta = case.meta
    negated = {
        location.value
        for location, info in (meta.components.items() if meta else ())
        if info.mode is GenerationMode.NEGATIVE
    }
    found = []
    if "query" in negated:
        found.append("LIST-PARAMS-400")
    if "path" in negated:
        found.append("PATH-ID")
    if "body" in negated or not found:
        found.append("VALID-422")
    return tuple(found)


def _rejected_positive_data(case: Case, response: httpx.Response) -> Violation | None:
    """positive_data_acceptance with the operation's own statuses, where Schemathesis's (ACCEPTED_STATUSES) is
    silent: a valid request answered with a status that another operation's success would be."""
    operation_id = case.operation.definition.raw["operationId"]
    requirement, statuses = POSITIVE_REQUIREMENT[operation_id], ACCEPTED[operation_id]
    if response.status_code in statuses or response.status_code not in ACCEPTED_STATUSES:
        return None
    # The same cases as Schemathesis's check: generated as valid, and not a probe of the request's shape.
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or is_unexpected_http_status_case(case):
        return None
    return Violation(
        requirements=(requirement,),
        summary=f"Rejected positive data ({case.method.upper()} {case.operation.path})",
        expected=f"valid data accepted with status {' or '.join(map(str, statuses))}",
        received=f"status {response.status_code}",
        exchange=exchange_of(response),
    )


def failure_title(failure: Failure, response: httpx.Response) -> str:
    """Schemathesis titles any status it did not expect of an invalid request "accepted": a 405 was not."""
    if isinstance(failure, AcceptedNegativeData) and not 200 <= response.status_code < 300:
        return f"Schema-violating request answered {response.status_code}"
    return failure.title


def _sound(value: Any) -> Any:
    """`value` with each lone surrogate in its strings replaced by `?`: one character for one, so bounds hold."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, list):
        return [_sound(entry) for entry in value]
    if isinstance(value, dict):
        return {_sound(key): _sound(entry) for key, entry in value.items()}
    return value


def _without_outside(data: Any) -> Any:
    """A list page without the entries the suite created from data §8 leaves open (see OUTSIDE_MARK)."""
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        return {**data, "items": [entry for entry in data["items"] if not outside_the_contract(entry)]}
    return data


def _judgeable(response: httpx.Response) -> httpx.Response:
    """The response Schemathesis can judge, for what the server did with the suite's input, not for what §8
    leaves open. A body escaping a lone surrogate (`"\\ud800"`) is JSON (RFC 8259 §8.2; §8 of the contract
    leaves lone surrogates open, and the suite stores one), but Schemathesis's schema validator cannot hold
    one and calls the body malformed JSON: the body is judged with them replaced. Listed items the suite
    made from §8 data are left out."""
    try:
        data = strict_json.loads(response.content)
    except ValueError:
        return response
    if (judged := _sound(_without_outside(data))) == data:
        return response
    headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "content-encoding")}
    copy = httpx.Response(
        response.status_code, headers=headers, content=json.dumps(judged).encode(), request=response.request
    )
    copy.elapsed = response.elapsed
    return copy


def validate(case: Case, response: httpx.Response, checks: tuple[str, ...] = RESPONSE_CHECKS, **kwargs: Any) -> None:
    """Runs the named Schemathesis checks; failures become a ContractViolation naming requirements."""
    from schemathesis import checks as st_checks

    skipped = check_to_skip(case)
    functions = [getattr(st_checks, name) for name in checks if name != skipped]
    violations: list[Violation] = []
    try:
        case.validate_response(_judgeable(response), checks=functions, **kwargs)
    except FailureGroup as group:
        exchange = exchange_of(response)
        violations = [
            Violation(
                requirements=_requirements_for(failure, case, response),
                summary=f"{failure_title(failure, response)} ({case.method.upper()} {case.operation.path}, "
                "Schemathesis)",
                expected=first_line(failure.message) or failure.title,
                received=f"status {response.status_code}",
                exchange=exchange,
                notes=[line for line in failure.message.splitlines()[1:6] if line.strip()],
            )
            for failure in group.exceptions
        ]
    judged = "positive_data_acceptance" in checks and skipped != "positive_data_acceptance"
    if judged and (rejected := _rejected_positive_data(case, response)):
        violations.append(rejected)
    if violations:
        raise ContractViolation(violations)
