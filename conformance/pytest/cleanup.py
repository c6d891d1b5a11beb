"""Leaving the target as the run found it: every item the run created is deleted at the end."""

from __future__ import annotations

import time

import httpx
import pytest

from conformance.checks.items import Items
from conformance.target.errors import NoResponse, TargetDown
from conformance.target.opening import open_target, run_client
from conformance.target.options import TargetOptions
from conformance.target.pacing import Pacer
from conformance.target.paths import item_path

CLEANUP_SECONDS = 60.0
"""However the target behaves, cleaning up stops after this long; what is left is reported by id."""


def adopt_strays(items: Items, name_prefix: str) -> None:
    """A create cut off by an interruption, or made by a worker that crashed, may be stored without the
    ledger knowing its id: the newest items are searched for names that carry this run's unique tag."""
    try:
        entries = items.tail().entries
    except (NoResponse, TargetDown, httpx.HTTPError, pytest.skip.Exception):
        return  # the list cannot be read: only the ledger's ids can be cleaned up
    for entry in entries:
        ours = isinstance(entry, dict) and str(entry.get("name", "")).startswith(name_prefix)
        if ours and isinstance(entry.get("id"), int) and not items.api.ledger.owns(entry["id"]):
            items.api.ledger.created(entry["id"])


def clean_up(items: Items, name_prefix: str) -> list[int]:
    """Deletes every item this run created and still holds, in up to three passes (a flaky target gets
    more chances); returns the ids it could not delete."""
    api = items.api
    if not api.read_only:
        adopt_strays(items, name_prefix)
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


def clean_up_after_crashed_workers(target: TargetOptions, pacer: Pacer, run_id: str) -> list[int]:
    """A worker that died took its ledger along; its items still carry the run's tag."""
    with open_target(target) as opened:
        api = run_client(opened, target, pacer)
        # Every worker's tag starts with the run id.
        return clean_up(Items(api, run_tag=""), Items.name_prefix(run_id).removesuffix(" #"))
