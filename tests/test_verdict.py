"""From test outcomes to requirement statuses to the verdict and exit code."""

from __future__ import annotations

import httpx
import pytest

from conformance.checks.verify import verify_item_response
from conformance.checks.violations import ContractViolation, needed_requirement, not_run
from conformance.contract.catalog import Level, load_catalog
from conformance.verdict.judging import ExitCode, RequirementResult, Status, Verdict, judge, judge_run
from conformance.verdict.outcomes import Outcome, TestOutcome

CATALOG = load_catalog()
MUSTS = [r.id for r in CATALOG.requirements if r.level is Level.MUST]
SHOULDS = [r.id for r in CATALOG.requirements if r.level is Level.SHOULD]


def passing(*ids: str) -> list[TestOutcome]:
    return [TestOutcome(f"test_{rid}", (rid,), Outcome.PASSED) for rid in ids]


def failing(rid: str, cited: tuple[str, ...] | None = None) -> TestOutcome:
    return TestOutcome(f"test_fails_{rid}", cited or (rid,), Outcome.FAILED, failed_requirements=(rid,), message="x")


def status_of(outcomes: list[TestOutcome], rid: str) -> Status:
    return next(r.status for r in judge(CATALOG, outcomes, Level.MUST).requirements if r.requirement.id == rid)


def test_everything_passing_is_fully_conformant() -> None:
    judgement = judge(CATALOG, passing(*CATALOG.ids), Level.MUST)
    assert (judgement.verdict, judgement.exit_code) == (Verdict.FULLY_CONFORMANT, ExitCode.CONFORMANT)


def test_a_failed_must_is_non_conformant_at_either_gate() -> None:
    outcomes = [*passing(*CATALOG.ids), failing("DELETE-GONE")]
    for gate in Level:
        judgement = judge(CATALOG, outcomes, gate)
        assert (judgement.verdict, judgement.exit_code) == (Verdict.NON_CONFORMANT, ExitCode.NON_CONFORMANT)
        assert judgement.failed() == ["DELETE-GONE"]


def test_a_failed_should_is_conformant_and_gates_only_at_level_should() -> None:
    outcomes = [*passing(*CATALOG.ids), failing("AUTH-CHALLENGE")]
    must_gate = judge(CATALOG, outcomes, Level.MUST)
    should_gate = judge(CATALOG, outcomes, Level.SHOULD)
    assert (must_gate.verdict, must_gate.exit_code) == (Verdict.CONFORMANT, ExitCode.CONFORMANT)
    assert (should_gate.verdict, should_gate.exit_code) == (Verdict.CONFORMANT, ExitCode.NON_CONFORMANT)


def test_a_must_that_was_not_run_means_the_run_could_not_judge() -> None:
    outcomes = [
        *passing(*[rid for rid in CATALOG.ids if rid != "CONC-CREATE"]),
        TestOutcome("test_conc", ("CONC-CREATE",), Outcome.NOT_RUN),
    ]
    judgement = judge(CATALOG, outcomes, Level.MUST)
    assert (judgement.verdict, judgement.exit_code) == (Verdict.ERROR, ExitCode.COULD_NOT_JUDGE)
    assert "CONC-CREATE" in judgement.reason
    assert status_of(outcomes, "CONC-CREATE") is Status.NOT_RUN


def test_a_requirement_no_test_cites_is_not_exercised() -> None:
    outcomes = passing(*[rid for rid in CATALOG.ids if rid != "LIST-ORDER"])
    assert status_of(outcomes, "LIST-ORDER") is Status.NOT_EXERCISED
    assert judge(CATALOG, outcomes, Level.MUST).exit_code is ExitCode.COULD_NOT_JUDGE


def test_a_suite_error_is_never_read_as_conformance() -> None:
    outcomes = [*passing(*CATALOG.ids), TestOutcome("test_broken", ("LIST-200",), Outcome.ERROR)]
    assert judge(CATALOG, outcomes, Level.MUST).verdict is Verdict.ERROR


def test_a_failure_counts_against_a_requirement_the_test_does_not_cite() -> None:
    outcomes = [*passing(*CATALOG.ids), failing("GEN-NO-5XX", cited=("DELETE-GONE",))]
    assert status_of(outcomes, "GEN-NO-5XX") is Status.FAILED
    assert status_of(outcomes, "DELETE-GONE") is Status.PASSED


def test_one_failure_outweighs_any_number_of_passes() -> None:
    outcomes = [*passing(*CATALOG.ids), *passing("READ-404", "READ-404"), failing("READ-404")]
    assert status_of(outcomes, "READ-404") is Status.FAILED


def test_a_shard_passes_only_what_no_other_shard_checks() -> None:
    elsewhere = frozenset({"READ-404", "LIST-ORDER"})
    judgement = judge_run(passing(*CATALOG.ids), Level.MUST, elsewhere=elsewhere)
    statuses = {result.requirement.id: result.status for result in judgement.requirements}
    assert statuses["READ-404"] is statuses["LIST-ORDER"] is Status.NOT_RUN
    assert statuses["DELETE-GONE"] is Status.PASSED
    assert (judgement.verdict, judgement.exit_code) == (Verdict.CONFORMANT, ExitCode.CONFORMANT)
    assert judgement.reason.startswith("partial run")


def test_a_shard_fails_what_it_saw_fail_even_if_other_shards_check_it_too() -> None:
    outcomes = [*passing(*CATALOG.ids), failing("READ-404", cited=("DELETE-GONE",))]
    judgement = judge_run(outcomes, Level.MUST, elsewhere=frozenset({"READ-404"}))
    assert (judgement.verdict, judgement.exit_code) == (Verdict.NON_CONFORMANT, ExitCode.NON_CONFORMANT)
    assert judgement.failed() == ["READ-404"]


def test_a_selection_fails_what_it_saw_fail_outside_what_its_tests_cite() -> None:
    outcomes = [*passing("DELETE-GONE"), failing("GEN-NO-5XX", cited=("DELETE-GONE",))]
    judgement = judge_run(outcomes, Level.MUST)
    assert (judgement.verdict, judgement.exit_code) == (Verdict.NON_CONFORMANT, ExitCode.NON_CONFORMANT)


def test_a_run_that_stopped_early_could_not_judge_whatever_passed() -> None:
    judgement = judge_run(passing(*CATALOG.ids), Level.MUST, aborted="the run was interrupted (Ctrl-C)")
    assert (judgement.verdict, judgement.exit_code) == (Verdict.ERROR, ExitCode.COULD_NOT_JUDGE)
    assert judgement.reason == "the run was interrupted (Ctrl-C)"


def test_a_blocked_test_names_the_requirement_its_precondition_needs() -> None:
    needing = not_run("POST /items answered 200, not 201", needs="CREATE-201")
    plain = not_run("no quiet moment")
    assert needed_requirement(str(needing.msg)) == "CREATE-201", f"received {needing.msg!r}"
    assert needed_requirement(str(plain.msg)) is None, f"received {plain.msg!r}"


HAND = "suites/test_update.py::test_a_patch_changes_only_what_it_names"
GENERATED = "suites/test_properties.py::test_valid_requests_are_accepted_as_documented[PATCH /items/{id}]"


def result_of(outcomes: list[TestOutcome], rid: str) -> RequirementResult:
    return next(r for r in judge(CATALOG, outcomes, Level.MUST).requirements if r.requirement.id == rid)


def skipped(nodeid: str, *cited: str) -> TestOutcome:
    return TestOutcome(nodeid, cited, Outcome.NOT_RUN, message="precondition failed (needs UPDATE-200): PATCH 405")


def test_generated_passes_never_pass_a_requirement_whose_own_tests_were_all_skipped() -> None:
    """A server without PATCH: every hand-written UPDATE-200 test is blocked, the generated case passes."""
    outcomes = [skipped(f"{HAND}[{index}]", "UPDATE-200") for index in range(3)] + [
        TestOutcome(GENERATED, ("UPDATE-200", "GEN-NO-5XX"), Outcome.PASSED)
    ]
    result = result_of(outcomes, "UPDATE-200")
    assert result.status is Status.NOT_RUN, f"expected not-run, received {result.status} ({result.note})"
    assert (result.ran, len(result.tests)) == (1, 4), f"received ran {result.ran} of {result.tests}"
    assert result.note == (
        "none of its 3 hand-written tests ran; 1 generated test passed, which cannot pass it alone"
    ), result.note
    judgement = judge_run([*passing(*[rid for rid in CATALOG.ids if rid != "UPDATE-200"]), *outcomes], Level.MUST)
    assert (judgement.verdict, judgement.exit_code) == (Verdict.ERROR, ExitCode.COULD_NOT_JUDGE), judgement.reason
    assert "UPDATE-200" in judgement.reason


def test_a_requirement_only_generated_tests_cite_passes_by_them() -> None:
    outcomes = [TestOutcome("suites/test_stateful.py::test_linked_workflows", ("GEN-DOCUMENTED",), Outcome.PASSED)]
    result = result_of(outcomes, "GEN-DOCUMENTED")
    assert (result.status, result.note) == (Status.PASSED, "ran 1 of 1 test"), (result.status, result.note)


def test_a_failing_test_never_passes_the_requirements_it_cites() -> None:
    """A test citing CREATE-201 and ITEM-ROUNDTRIP that fails CREATE-201 in its set-up judged neither as passed."""
    blocked_by_create = failing("CREATE-201", cited=("CREATE-201", "ITEM-ROUNDTRIP"))
    alone = result_of([blocked_by_create], "ITEM-ROUNDTRIP")
    assert (alone.status, alone.ran, alone.note) == (Status.NOT_RUN, 0, "its test did not run"), alone
    # Another test of it that ran and passed does pass it, and the count says how many of its tests ran.
    another = TestOutcome("suites/test_resource.py::test_roundtrip", ("ITEM-ROUNDTRIP",), Outcome.PASSED)
    with_another = result_of([blocked_by_create, another], "ITEM-ROUNDTRIP")
    assert (with_another.status, with_another.note) == (Status.PASSED, "ran 1 of 2 tests, 1 not run"), with_another
    create = result_of([blocked_by_create, another], "CREATE-201")
    assert (create.status, create.ran, create.note) == (Status.FAILED, 1, "ran 1 of 1 test, 1 failed it"), create


def test_the_counts_say_how_many_of_a_requirements_tests_ran() -> None:
    outcomes = [
        *[TestOutcome(f"suites/test_list.py::test_window[{n}]", ("LIST-WINDOW",), Outcome.PASSED) for n in range(2)],
        failing("LIST-WINDOW"),
        *[skipped(f"suites/test_list.py::test_window_skipped[{n}]", "LIST-WINDOW") for n in range(4)],
    ]
    result = result_of(outcomes, "LIST-WINDOW")
    assert (result.status, result.ran, len(result.tests)) == (Status.FAILED, 3, 7), result
    assert result.note == "ran 3 of 7 tests, 1 failed it", result.note


def test_read_only_leaves_out_what_only_generated_reads_touched() -> None:
    """--read-only skips every write: ITEM-SHAPE, read by generated GETs only, is out of scope, not unjudged."""
    outcomes = [
        *passing("LIST-200", "READ-404"),
        skipped("suites/test_resource.py::test_shape", "ITEM-SHAPE"),
        TestOutcome("suites/test_properties.py::test_valid[GET /items]", ("ITEM-SHAPE", "LIST-200"), Outcome.PASSED),
    ]
    judgement = judge_run(outcomes, Level.MUST, read_only=True)
    assert (judgement.verdict, judgement.exit_code) == (Verdict.CONFORMANT, ExitCode.CONFORMANT), judgement.reason
    assert result_of(outcomes, "ITEM-SHAPE").status is Status.NOT_RUN


def test_a_body_that_is_not_an_item_fails_the_requirement_that_names_the_item_too() -> None:
    request = httpx.Request("POST", "http://target.test/items")
    response = httpx.Response(201, json={"id": 1, "name": "x", "price": "9.99", "description": None}, request=request)
    with pytest.raises(ContractViolation) as raised:
        verify_item_response(response, 201, requirement="CREATE-201")
    assert raised.value.requirements == ("ITEM-SHAPE", "CREATE-201"), f"received {raised.value.requirements}"
    # A requirement that does not say the body is the Item (VALID-400 reading a body behind a BOM) is not named.
    with pytest.raises(ContractViolation) as other:
        verify_item_response(response, 201, requirement="VALID-400")
    assert other.value.requirements == ("ITEM-SHAPE",), f"received {other.value.requirements}"
