"""Leaving the target as the run found it: every item the run created is deleted at the end."""

from __future__ import annotations

import time

import httpx

from conformance.client import ITEMS, ApiClient, NoResponse, TargetDown, item_path

CLEANUP_SECONDS = 60.0
"""However the target behaves, cleaning up stops after this long; what is left is reported by id."""


def adopt_strays(api: ApiClient, name_prefix: str) -> None:
    """A create cut off by an interruption, or made by a worker that crashed, may be stored without the
    ledger knowing its id. New items take the highest ids, so the tail of the list is searched for
    names that carry this run's unique tag."""
    try:
        total = api.get(ITEMS, params={"limit": 1}).json()["total"]
        page = api.get(ITEMS, params={"limit": 100, "offset": max(0, int(total) - 100)}).json()["items"]
    except (NoResponse, TargetDown, httpx.HTTPError, ValueError, KeyError, TypeError):
        return
    for item in page if isinstance(page, list) else []:
        ours = isinstance(item, dict) and str(item.get("name", "")).startswith(name_prefix)
        if ours and isinstance(item.get("id"), int) and not api.ledger.owns(item["id"]):
            api.ledger.created(item["id"])


def clean_up(api: ApiClient, name_prefix: str) -> list[int]:
    """Deletes every item this run created and still holds, in up to three passes (a flaky target gets
    more chances); returns the ids it could not delete."""
    if not api.read_only:
        adopt_strays(api, name_prefix)
    deadline = time.monotonic() + CLEANUP_SECONDS
    for _ in range(3):
        for item_id in api.ledger.alive():
            if time.monotonic() > deadline:
                return api.ledger.alive()
            try:
                status = api.delete(item_path(item_id)).status_code
            except (NoResponse, TargetDown, httpx.HTTPError):
                continue
            if status == 404:
                api.ledger.deleted(item_id)  # already gone: nothing is left behind
    return api.ledger.alive()
