"""§1 The resource: items' members, shape and ids."""

from __future__ import annotations

import json
import math
import re
import unicodedata
from typing import Any, Literal

from litestar.types import Scope

from conformance.contract.openapi import load_contract
from target_app.errors import problem_response
from target_app.faults.registry import fault
from target_app.faults.seams import (
    DocumentChange,
    Headers,
    ResponseEdit,
    body_fault,
    edit_requests,
    edit_responses,
    json_response,
)
from target_app.faults.store_and_auth import FaultyStore, store_fault
from target_app.models import Item, ItemCreate
from target_app.parts import AppParts

PRICE_MAX = load_contract().price_max
DECIMAL_8_2_MAX = 999_999.99
"""The largest value of a DECIMAL(8, 2) column: one cent below the contract's largest price."""
MILLIONTH = 1e-6


@body_fault("trims-strings", ("ITEM-ROUNDTRIP",), "names and descriptions are stored with surrounding spaces trimmed")
def _trims_strings(document: dict[str, Any]) -> None:
    for member in ("name", "description"):
        if isinstance(document.get(member), str) and document[member].strip():
            document[member] = document[member].strip()


@body_fault(
    "normalises-unicode-nfc",
    ("ITEM-ROUNDTRIP", "VALID-422"),
    "names and descriptions are stored NFC-normalised: a name sent as e + U+0301 comes back as U+00E9",
)
def _normalises_unicode_nfc(document: dict[str, Any]) -> None:
    _normalise(document, "NFC")


@body_fault(
    "normalises-unicode-nfkc",
    ("ITEM-ROUNDTRIP", "VALID-422"),
    "names and descriptions are stored NFKC-normalised (compatibility folding): the ligature U+FB01 comes back as fi",
)
def _normalises_unicode_nfkc(document: dict[str, Any]) -> None:
    _normalise(document, "NFKC")


def _normalise(document: dict[str, Any], form: Literal["NFC", "NFD", "NFKC", "NFKD"]) -> None:
    for member in ("name", "description"):
        if isinstance(document.get(member), str):
            document[member] = unicodedata.normalize(form, document[member])


@body_fault(
    "empty-description-null", ("ITEM-ROUNDTRIP",), "an empty description is stored as null (falsy taken for none)"
)
def _empty_description_null(document: dict[str, Any]) -> None:
    if document.get("description") == "":
        document["description"] = None


@body_fault(
    "description-cut-at-255",
    ("ITEM-ROUNDTRIP", "VALID-422"),
    "descriptions are cut to 255 characters (a VARCHAR(255) column)",
)
def _description_cut_at_255(document: dict[str, Any]) -> None:
    if isinstance(document.get("description"), str):
        document["description"] = document["description"][:255]


@body_fault("latin-1-storage", ("ITEM-ROUNDTRIP",), "strings are stored in Latin-1: other characters come back as '?'")
def _latin_1_storage(document: dict[str, Any]) -> None:
    for member in ("name", "description"):
        value = document.get(member)
        if isinstance(value, str) and not _surrogates(value):
            document[member] = value.encode("latin-1", "replace").decode("latin-1")


def _surrogates(text: str) -> bool:
    """Lone surrogates are §8's to leave open: a fault that crashes on them is no fault of storage."""
    return any("\ud800" <= character <= "\udfff" for character in text)


@body_fault("names-lower-cased", ("ITEM-ROUNDTRIP",), "names are stored lower-cased (a case-insensitive name column)")
def _names_lower_cased(document: dict[str, Any]) -> None:
    if isinstance(document.get("name"), str) and not _surrogates(document["name"]):
        document["name"] = document["name"].lower()


@body_fault(
    "prices-rounded-to-cents", ("ITEM-ROUNDTRIP",), "prices are stored rounded to cents (a DECIMAL(10, 2) column)"
)
def _prices_rounded_to_cents(document: dict[str, Any]) -> None:
    price = document.get("price")
    if isinstance(price, float) and math.isfinite(price) and round(price, 2) > 0:
        document["price"] = round(price, 2)


@body_fault(
    "prices-capped-below-a-million",
    ("ITEM-ROUNDTRIP", "CREATE-201", "UPDATE-200"),
    "prices are kept in a DECIMAL(8, 2) column: the largest valid price, 1,000,000, is stored as 999999.99",
)
def _prices_capped_below_a_million(document: dict[str, Any]) -> None:
    price = document.get("price")
    # Only valid prices: one over the bound must still meet validation as sent.
    if isinstance(price, (int, float)) and not isinstance(price, bool) and DECIMAL_8_2_MAX < price <= PRICE_MAX:
        document["price"] = DECIMAL_8_2_MAX


@body_fault(
    "prices-floored-at-a-millionth",
    ("ITEM-ROUNDTRIP", "CREATE-201"),
    "prices are kept in millionths: a positive price below one millionth is stored as one millionth",
)
def _prices_floored_at_a_millionth(document: dict[str, Any]) -> None:
    price = document.get("price")
    if isinstance(price, float) and 0 < price < MILLIONTH:
        document["price"] = MILLIONTH


@fault(
    "astral-plane-500",
    ("GEN-NO-5XX", "CREATE-201", "ITEM-ROUNDTRIP"),
    "a body with characters beyond the BMP (emoji) crashes the server: 500",
)
def _astral_plane_500(parts: AppParts) -> None:
    astral = re.compile(rb"[\xf0-\xf4][\x80-\xbf]{3}|\\u[dD][89abAB]")
    edit_requests(parts, lambda scope, body: problem_response(500, "crash") if astral.search(body) else None)


@store_fault(
    "name-100-chars-500", ("GEN-NO-5XX", "CREATE-201"), "a name of exactly 100 characters crashes the insert: 500"
)
class _NameLimitCrash(FaultyStore):
    async def create(self, data: ItemCreate) -> Item:
        if len(data.name) == 100:
            raise RuntimeError("value too long for type character varying(99)")
        return await super().create(data)


def _edit_items(change: DocumentChange) -> ResponseEdit:
    def edit(scope: Scope, status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
        if status not in (200, 201) or not scope["path"].startswith("/items"):
            return status, headers, body
        document = json.loads(body)
        # Only items and pages: another fault may answer a success with null or a body of its own.
        if not isinstance(document, dict) or not ("items" in document or "price" in document):
            return status, headers, body
        for item in document.get("items", [document]):
            change(item)
        return json_response(status, headers, document)

    return edit


@fault("item-extra-member", ("ITEM-SHAPE",), "every returned item carries an extra 'created_at' member")
def _item_extra_member(parts: AppParts) -> None:
    edit_responses(parts, _edit_items(lambda item: item.update(created_at="2026-01-01T00:00:00Z")))


@fault("price-as-string", ("ITEM-SHAPE",), "prices are returned as strings ('9.99'), as a Decimal serialiser does")
def _price_as_string(parts: AppParts) -> None:
    edit_responses(parts, _edit_items(lambda item: item.update(price=str(item["price"]))))


@store_fault(
    "ids-from-max-plus-one", ("ITEM-ID-UNIQUE",), "ids are max(id) + 1, so the highest id is reused after delete"
)
class _MaxPlusOne(FaultyStore):
    async def create(self, data: ItemCreate) -> Item:
        self._last_id = max(self._items, default=0)
        return await super().create(data)


@store_fault(
    "ids-from-item-count",
    ("ITEM-ID-UNIQUE",),
    "a new id is the number of items + 1: after any delete it is the id of an item still there, which it overwrites",
)
class _IdsFromItemCount(FaultyStore):
    async def create(self, data: ItemCreate) -> Item:
        self._last_id = len(self._items)
        return await super().create(data)
