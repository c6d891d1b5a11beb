"""The oracle (suites/test_oracle.py): its freedoms are complete: correct servers, the reference itself among them,
diverge nowhere and show no contract gap."""

from __future__ import annotations

from pathlib import Path

import pytest

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
