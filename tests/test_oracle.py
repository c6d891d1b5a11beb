"""The oracle (suites/test_oracle.py): its freedoms are complete: correct servers, the reference itself among them,
diverge nowhere and show no contract gap."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from conformance.checks.oracle_judge import Model, item_divergences, judge_list
from conformance.checks.oracle_steps import Step
from conformance.contract.freedoms import load_freedoms
from tests.conftest import run_conformance
from tests.servers import gateway

TOKEN = "Oracle-Token-3f9a-never-printed"
ORACLE = ("--", "-k", "oracle")
BUDGET = ("--max-examples", "10")


def test_every_freedom_cites_its_clause_and_every_divergence_has_a_requirement_or_is_a_gap() -> None:
    freedoms = load_freedoms()
    assert {freedom.name for freedom in freedoms.freedoms} >= {"statuses", "error_body", "ids", "numbers", "lists"}
    assert all(freedom.clause and freedom.says for freedom in freedoms.freedoms)
    assert freedoms.answers[("listItems", 200)] == "LIST-WINDOW"
    assert freedoms.states[("deleteItem", 204)] == "DELETE-GONE"
    # §4: a missing item with an invalid body may get either fault's status; 401 comes before both.
    assert freedoms.allowed_statuses(404, frozenset({"invalid-body"})) == {404, 422}
    assert freedoms.allowed_statuses(401, frozenset({"invalid-body", "missing-item"})) == {401}


def test_the_reference_judged_against_itself_diverges_nowhere(tmp_path: Path) -> None:
    result = run_conformance(*BUDGET, *ORACLE, workdir=tmp_path)
    assert result.exit_code == 0, result.output[-3000:]
    assert [test["outcome"] for test in result.summary["tests"]] == ["passed"]
    assert result.summary["contract_gaps"] == []


def test_a_served_reference_with_other_ids_and_other_data_diverges_nowhere(tmp_path: Path) -> None:
    """Over HTTP, holding 40 items of other clients, giving new items any unused id (not the highest)."""
    with gateway.running(TOKEN, "--other-items", "40", "--any-unused-ids") as server:
        result = run_conformance("--base-url", server.url, "--token", TOKEN, *BUDGET, *ORACLE, workdir=tmp_path)
    assert result.exit_code == 0, result.output[-3000:]
    assert [test["outcome"] for test in result.summary["tests"]] == ["passed"]
    assert result.summary["contract_gaps"] == []
    assert result.summary["leftovers"] == []


@pytest.mark.parametrize(
    ("fault", "requirement"),
    [("list-keeps-deleted-middle", "DELETE-GONE"), ("list-total-zero-during-writes", "LIST-TOTAL")],
)
def test_a_fault_only_a_history_or_a_burst_shows_fails_its_requirement_with_history_and_replay(
    tmp_path: Path, fault: str, requirement: str
) -> None:
    """Part 6 of issue 20: a fault no hand-written suite catches; the oracle at the default budget does."""
    result = run_conformance("--level", "should", "--fault", fault, *ORACLE, workdir=tmp_path)
    assert result.exit_code == 1, result.output[-3000:]
    [test] = result.summary["tests"]
    assert test["failed_requirements"] == [requirement], f"expected [{requirement}], got {test['failed_requirements']}"
    [failed] = [entry for entry in result.summary["requirements"] if entry["id"] == requirement]
    notes = failed["failures"][0]["violations"][0]["notes"]
    assert "replay:" in notes, f"expected a history and a replay in the notes, got {notes[:5]}"
    replay = notes[notes.index("replay:") + 1 :]
    assert replay, "expected curl lines after 'replay:', got none"
    assert all(line.startswith("curl ") for line in replay), f"expected curl lines, got {replay[:3]}"


def test_a_list_in_the_wrong_order_fails_list_order_even_when_a_burst_leaves_its_order_open(tmp_path: Path) -> None:
    """Newest first: an order of a burst in which the list comes before a create reads the target's total as one
    item too many, which the judge would otherwise explain as deleted items still counted (DELETE-GONE)."""
    result = run_conformance("--fault", "list-newest-first", "--max-examples", "5", *ORACLE, workdir=tmp_path)
    assert result.exit_code == 1, result.output[-3000:]
    [test] = result.summary["tests"]
    assert test["failed_requirements"] == ["LIST-ORDER"], f"expected [LIST-ORDER], got {test['failed_requirements']}"


# Which requirement a divergence is named by: the clause the difference breaks, not only its operation's.
def _page(ids: list[int], total: int) -> httpx.Response:
    items = [{"id": item_id, "name": f"n{item_id}", "price": 1, "description": None} for item_id in ids]
    return httpx.Response(200, json={"items": items, "total": total})


def _named(step: Step, page: list[int], collection: list[int]) -> list[str | None]:
    live = {item_id: {"id": item_id, "name": f"n{item_id}", "price": 1, "description": None} for item_id in collection}
    found = judge_list(step, _page(page, len(collection)), live, set(), Model(others=[]))
    return [divergence.requirement for divergence in found]


def test_a_member_a_write_sent_and_got_back_changed_fails_item_roundtrip() -> None:
    sent = {"name": "Mixed Case", "price": 2.5}
    reference = {"id": 1, "name": "Mixed Case", "price": 2.5, "description": None}
    target = {"id": 7, "name": "mixed case", "price": 2.5, "description": ""}
    found = item_divergences("CREATE-201", "POST /items", target, reference, None, sent)
    # name was sent and comes back changed; description was not sent, so its null is CREATE-201's clause.
    assert [(entry[0], entry[1].split(": ")[-1]) for entry in found] == [
        ("CREATE-201", "description differs from the reference's"),
        ("ITEM-ROUNDTRIP", "name differs from the reference's"),
    ], f"expected description under CREATE-201 and name under ITEM-ROUNDTRIP, got {found}"
    # A read sends nothing: its differences are its own operation's.
    assert {entry[0] for entry in item_divergences("READ-200", "GET", target, reference, 7)} == {"READ-200"}


@pytest.mark.parametrize(
    ("params", "page", "requirement"),
    [
        ((), [12, 11, 10, 9, 8, 7, 6, 5, 4, 3], "LIST-ORDER"),  # newest first
        ((("limit", "1"),), [12], "LIST-ORDER"),  # newest first, seen on a page of one
        ((("offset", "2"),), [4, 5, 6, 7, 8, 9, 10, 11, 12], "LIST-WINDOW"),  # the offset off by one
        ((), [1, 2, 3, 4, 5], "LIST-DEFAULTS"),  # a default limit of 5
    ],
)
def test_a_wrong_page_is_named_by_the_clause_it_breaks(
    params: tuple[tuple[str, str], ...], page: list[int], requirement: str
) -> None:
    named = _named(Step("GET", params=params), page, list(range(1, 13)))
    assert set(named) == {requirement}, f"expected {requirement}, got {named}"


def test_deleted_items_still_counted_leave_a_wrong_order_named_too() -> None:
    live = {item_id: {"id": item_id, "name": f"n{item_id}", "price": 1, "description": None} for item_id in (1, 2, 3)}
    found = judge_list(Step("GET"), _page([3, 2, 1], 4), live, {9}, Model(others=[]))
    named = sorted(str(divergence.requirement) for divergence in found)
    assert named == ["DELETE-GONE", "LIST-ORDER"], f"expected DELETE-GONE for the total and LIST-ORDER, got {named}"
