"""§4 Validation: which bodies are refused, with which status, and what the refusal says."""

from __future__ import annotations

import json
import math
import re
import unicodedata
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException
from litestar.types import Scope
from pydantic import ValidationError

from target_app.errors import MalformedBody, UnprocessableBody, http_exception_to_problem, problem_response
from target_app.faults.registry import fault
from target_app.faults.seams import ITEM_PATH, answer_with_status, body_fault, edit_requests, handle_errors, is_request
from target_app.faults.store_and_auth import authorized
from target_app.models import Item, ItemCreate, ItemPatch
from target_app.parts import AppParts
from target_app.routes import read_json


@fault("validation-400", ("VALID-422",), "schema-invalid bodies get 400 instead of 422")
def _validation_400(parts: AppParts) -> None:
    answer_with_status(parts, UnprocessableBody, 400)


@fault("malformed-json-422", ("VALID-400",), "bodies that are not JSON get 422 instead of 400")
def _malformed_json_422(parts: AppParts) -> None:
    answer_with_status(parts, MalformedBody, 422)


@body_fault("lax-coercion", ("VALID-422",), 'strings and booleans are coerced: "9.99" and true are accepted as prices')
def _lax_coercion(document: dict[str, Any]) -> None:
    price = document.get("price")
    if isinstance(price, str | bool):
        try:
            document["price"] = float(price)
        except ValueError:
            return
    if isinstance(document.get("name"), int | float):
        document["name"] = str(document["name"])


@body_fault("unknown-members-ignored", ("VALID-422",), "unknown members, `id` included, are silently dropped")
def _unknown_members_ignored(document: dict[str, Any]) -> None:
    for member in set(document) - {"name", "price", "description"}:
        del document[member]


def _has_non_finite(value: object) -> bool:
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(_has_non_finite(member) for member in value.values())
    return isinstance(value, list) and any(_has_non_finite(entry) for entry in value)


@fault(
    "lenient-json-numbers",
    ("VALID-400",),
    "NaN, Infinity and -Infinity are read as numbers (Python's json.loads default), then fail validation: 422",
)
def _lenient_json_numbers(parts: AppParts) -> None:
    def lenient(scope: Scope, body: bytes) -> Response | None:
        try:
            document = json.loads(body)
        except ValueError:
            return None
        if not _has_non_finite(document):
            return None
        return problem_response(422, "The request body does not match the schema.")

    edit_requests(parts, lenient)


RELAXED_JSON = (
    (re.compile(rb"//[^\n]*"), b""),
    (re.compile(rb"/\*.*?\*/", re.DOTALL), b""),
    (re.compile(rb",(\s*[}\]])"), rb"\1"),
)


@fault(
    "lenient-json-syntax",
    ("VALID-400",),
    "comments and trailing commas in bodies are accepted (a relaxed JSON parser, as for config files)",
)
def _lenient_json_syntax(parts: AppParts) -> None:
    def relax(scope: Scope, body: bytes) -> bytes:
        for pattern, replacement in RELAXED_JSON:
            body = pattern.sub(replacement, body)
        return body

    edit_requests(parts, relax)


def _item_id(scope: Scope) -> int | None:
    segment = scope["path"].rsplit("/", 1)[-1]
    return int(segment) if ITEM_PATH.match(scope["path"]) and segment.isdigit() else None


@fault(
    "partial-write-on-422",
    ("VALID-422", "UPDATE-NULL-REQUIRED"),
    "PATCH writes member by member: a 422 for one member comes after the members before it were written",
)
def _partial_write_on_422(parts: AppParts) -> None:
    async def member_by_member(scope: Scope, body: bytes) -> Response | None:
        item_id = _item_id(scope)
        if scope["method"] != "PATCH" or item_id is None or not authorized(parts, scope):
            return None
        try:
            document = read_json(body)
        except MalformedBody:
            return None
        # The store as the other faults leave it, read at request time.
        if not isinstance(document, dict) or await parts.store.get(item_id) is None:
            return None
        for member, value in document.items():
            try:
                patch = ItemPatch.model_validate({member: value}, strict=True)
            except ValidationError as error:
                return http_exception_to_problem(Request(scope), UnprocessableBody.from_validation_error(error))
            await parts.store.update(item_id, patch)
        return None

    edit_requests(parts, member_by_member)


@fault(
    "create-stored-before-validation",
    ("VALID-422",),
    "POST stores the body first and validates it after: the 422 comes, but the item stays",
)
def _create_stored_before_validation(parts: AppParts) -> None:
    def store_first(scope: Scope, body: bytes) -> None:
        if not is_request(scope, "POST", "/items") or not authorized(parts, scope):
            return
        try:
            document = read_json(body)
        except MalformedBody:
            return
        try:
            ItemCreate.model_validate(document, strict=True)
        except ValidationError:
            if isinstance(document, dict) and isinstance(document.get("name"), str):
                store = parts.store
                store._last_id += 1  # e.g. an ORM row saved before the model's checks run
                fields = {member: document.get(member) for member in ("name", "price", "description")}
                store._items[store._last_id] = Item.model_construct(id=store._last_id, **fields)

    edit_requests(parts, store_first)


@body_fault(
    "length-after-nfc",
    ("VALID-422",),
    "a name or description over its length is NFC-normalised and judged again, so 101 code points that compose"
    " to fewer characters (e + U+0301, 50 times) are accepted",
)
def _length_after_nfc(document: dict[str, Any]) -> None:
    for member, longest in (("name", 100), ("description", 1000)):
        value = document.get(member)
        if isinstance(value, str) and len(value) > longest:
            document[member] = unicodedata.normalize("NFC", value)


@fault("validation-names-nothing", ("VALID-FIELDS",), "a 422 says the body is invalid without naming the members")
def _validation_names_nothing(parts: AppParts) -> None:
    def anonymous(request: Request, exc: HTTPException) -> Response | None:
        # The status as another fault may have changed it (validation-400).
        return (
            problem_response(exc.status_code, "The request body is invalid.")
            if isinstance(exc, UnprocessableBody)
            else None
        )

    handle_errors(parts, anonymous)
