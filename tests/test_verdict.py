"""From test outcomes to requirement statuses to the verdict and exit code."""

from __future__ import annotations

from conformance.checks.violations import blocked, needed_requirement
from conformance.contract.catalog import Level, load_catalog
from conformance.verdict.judging import ExitCode, Status, Verdict, judge, judge_run
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
        TestOutcome("test_conc", ("CONC-CREATE",), Outcome.SKIPPED),
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
    needing = blocked("POST /items answered 200, not 201", needs="CREATE-201")
    plain = blocked("no quiet moment")
    assert needed_requirement(str(needing.msg)) == "CREATE-201", f"received {needing.msg!r}"
    assert needed_requirement(str(plain.msg)) is None, f"received {plain.msg!r}"
