"""Partial runs of the fix loop: `--failed-in REPORT` (what `conformance run --last-failed` gives) re-runs the
tests that failed or errored in an earlier report; `--requirement ID` runs every test of chosen requirements.

A partial run judges only what it ran in full: a requirement some of whose tests it left out can fail here,
never pass (the `elsewhere` rule of a shard). Its report says it is partial, and which earlier failures now
pass ("fixed") and which still fail.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conformance.reports.files import REPORT_NAME, ReportError, find_reports, load_report
from conformance.reports.merge import MergeError, merge, read_shards
from conformance.verdict.judging import Judgement, Status
from conformance.verdict.outcomes import Outcome, TestOutcome

LAST_FAILED = "last-failed"
REQUIREMENTS = "requirements"
RERUN_OUTCOMES = frozenset({Outcome.FAILED, Outcome.ERROR})


@dataclass(frozen=True)
class Selection:
    """The tests a partial run keeps, and what it compares its outcomes with."""

    kind: str
    """`last-failed` (tests named by an earlier report) or `requirements` (every test citing one of them)."""
    tests: tuple[str, ...] = ()
    """last-failed: the test ids that failed or errored in `source`."""
    requirements: tuple[str, ...] = ()
    """requirements: the chosen IDs. last-failed: those that failed in `source`."""
    judged_whole: frozenset[str] = frozenset()
    """Requirements whose every test this run runs: the only ones it may pass."""
    source: str | None = None
    source_verdict: str | None = None
    source_exit_code: int | None = None

    def keeps(self, test: str, cited: Iterable[str]) -> bool:
        """Whether the test `test` (its id in the reports), which cites `cited`, runs."""
        if self.kind == LAST_FAILED:
            return test in self.tests
        return not set(cited).isdisjoint(self.requirements)

    def modules(self, suites_dir: Path) -> list[Path]:
        """The suite modules that hold the selected tests: a re-run collects only those (collection and
        the imports of the generated tests' modules cost seconds). Empty: collect every module."""
        if self.kind != LAST_FAILED:
            return []
        names = dict.fromkeys(test.split("::", 1)[0].rsplit("/", 1)[-1] for test in self.tests)
        return [suites_dir / name for name in names if (suites_dir / name).is_file()]


def default_report(report_dir: str) -> str:
    return str(Path(report_dir) / REPORT_NAME)


def failed_in(path: str) -> Selection:
    """The selection of the tests that failed or errored in the report at `path` (a file or its folder); a
    folder of a sharded run's reports is merged first, so the failures of every part run again.
    Raises ReportError for a path that holds no report, or reports that are not the parts of one run."""
    reports = find_reports([path])
    if len(reports) == 1:
        earlier, source = load_report(reports[0]), str(reports[0])
    else:
        try:
            earlier = merge(read_shards([path]), gated=False).report
        except MergeError as error:
            raise ReportError(f"{path} holds {len(reports)} reports that do not merge into one run: {error}") from None
        source = f"{path} ({len(reports)} shard reports merged)"
    tests = tuple(dict.fromkeys(test.nodeid for test in earlier.tests if test.outcome in RERUN_OUTCOMES))
    chosen = set(tests)
    return Selection(
        kind=LAST_FAILED,
        tests=tests,
        requirements=tuple(result.id for result in earlier.failed()),
        # A requirement whose every test (as the earlier run had them) runs again is judged in full.
        judged_whole=frozenset(
            result.id for result in earlier.requirements if result.tests and set(result.tests) <= chosen
        ),
        source=source,
        source_verdict=earlier.verdict.value,
        source_exit_code=int(earlier.exit_code),
    )


def for_requirements(ids: Iterable[str], known: Sequence[str]) -> Selection:
    """Every test of the requirements `ids`. Raises ValueError naming an unknown ID (and the nearest known)."""
    chosen = tuple(dict.fromkeys(rid.strip().upper() for rid in ids))
    for rid in chosen:
        if rid not in known:
            near = difflib.get_close_matches(rid, known, n=3)
            hint = f"; did you mean {', '.join(near)}?" if near else "; `conformance contract` lists them"
            raise ValueError(f"--requirement {rid}: unknown requirement ID{hint}")
    return Selection(kind=REQUIREMENTS, requirements=chosen, judged_whole=frozenset(chosen))


def partial_record(selection: Selection, outcomes: list[TestOutcome], judgement: Judgement) -> dict[str, Any]:
    """The `partial` field of conformance.json: what the run selected, and, against the earlier report, which
    failures now pass and which still fail."""
    ran = {outcome.nodeid: outcome.outcome for outcome in outcomes}
    status = {result.requirement.id: result.status for result in judgement.requirements}
    still_failing = [rid for rid in selection.requirements if status.get(rid) is Status.FAILED]
    record: dict[str, Any] = {
        "kind": selection.kind,
        "source": selection.source,
        "requirements": list(selection.requirements),
        "judged_in_full": sorted(selection.judged_whole),
        "tests_run": len(outcomes),
    }
    if selection.kind == LAST_FAILED:
        record |= {
            "fixed_tests": [test for test in selection.tests if ran.get(test) is Outcome.PASSED],
            "still_failing_tests": [
                test for test in selection.tests if ran.get(test) in (Outcome.FAILED, Outcome.ERROR)
            ],
            "not_run_tests": [test for test in selection.tests if ran.get(test) in (None, Outcome.NOT_RUN)],
            # Failed before, and no test of this re-run fails it (nor does any leave it unjudged by erroring).
            "fixed_requirements": [
                rid for rid in selection.requirements if rid not in still_failing and _all_passed(rid, outcomes)
            ],
            "still_failing_requirements": still_failing,
        }
    return record


def _all_passed(rid: str, outcomes: list[TestOutcome]) -> bool:
    citing = [outcome for outcome in outcomes if rid in outcome.requirements or rid in outcome.failed_requirements]
    return bool(citing) and all(outcome.outcome is Outcome.PASSED for outcome in citing)


def partial_reason(record: dict[str, Any], reason: str, passed: bool) -> str:
    """The verdict's reason, saying first that the run is partial and what it re-ran."""
    if record["kind"] == REQUIREMENTS:
        return f"partial run of {', '.join(record['requirements'])} ({_tests(record['tests_run'])}): {reason}"
    asked = len(record["fixed_tests"]) + len(record["still_failing_tests"]) + len(record["not_run_tests"])
    head = f"partial run: re-ran {_tests(asked)} that failed in {record['source']}"
    counts = f"{len(record['fixed_tests'])} now pass, {len(record['still_failing_tests'])} still fail"
    if record["not_run_tests"]:
        counts += f", {len(record['not_run_tests'])} did not run"
    fixed = record["fixed_requirements"]
    if passed:
        return f"{head}: {counts}" + (f"; fixed: {', '.join(fixed)}" if fixed else "")
    return f"{head}: {counts}; {reason}"


def _tests(count: int) -> str:
    return f"{count} test{'' if count == 1 else 's'}"
