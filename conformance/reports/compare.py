"""Two runs compared requirement by requirement: what newly fails, what got fixed, what still fails and
what changed between judged and not run, each with its evidence. Anything newly failing is a regression."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from conformance.contract.catalog import Level
from conformance.reports.files import Evidence, first_evidence, report_page
from conformance.reports.model import RunReport
from conformance.verdict.judging import RequirementResult, Status, Verdict


@dataclass(frozen=True)
class Run:
    path: Path
    target: str
    verdict: Verdict
    started: str
    contract: str
    page: str
    """Link to its HTML report from the folder the comparison is written to."""


@dataclass
class Change:
    id: str
    level: Level
    statement: str
    before: Status | None
    after: Status | None
    evidence: Evidence | None = None
    """The failure that shows it: from the later run, or for a fixed requirement from the earlier one."""
    new_tests: list[str] = field(default_factory=list)
    """For a requirement still failing: tests that fail now and did not before."""


@dataclass
class Comparison:
    before: Run
    after: Run
    new_failures: list[Change] = field(default_factory=list)
    fixed: list[Change] = field(default_factory=list)
    still_failing: list[Change] = field(default_factory=list)
    not_run_changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def regressed(self) -> bool:
        return bool(self.new_failures)


def _run(path: Path, report: RunReport, output_dir: Path) -> Run:
    manifest = report.manifest
    contract = manifest["contract"]
    version = f"version {contract['version']}" if contract.get("version") else f"sha256 {contract['sha256'][:12]}"
    return Run(path, report.target, report.verdict, manifest["started"], version, report_page(path, output_dir))


def _judged_nothing(status: Status | None) -> bool:
    """None: the requirement is not in that report at all."""
    return status is None or not status.judged


def compare_reports(
    before_path: Path, before: RunReport, after_path: Path, after: RunReport, output_dir: Path
) -> Comparison:
    old = {result.id: result for result in before.requirements}
    new = {result.id: result for result in after.requirements}
    order = list(new) + [rid for rid in old if rid not in new]
    comparison = Comparison(_run(before_path, before, output_dir), _run(after_path, after, output_dir))
    for rid in order:
        was: RequirementResult | None = old.get(rid)
        now: RequirementResult | None = new.get(rid)
        source = now or old[rid]
        status_was = was.status if was else None
        status_now = now.status if now else None
        change = Change(rid, source.level, source.statement, status_was, status_now)
        if now is not None and status_now is Status.FAILED:
            change.evidence = first_evidence(now)
            if was is not None and status_was is Status.FAILED:
                earlier = set(was.failing_tests)
                change.new_tests = [test for test in now.failing_tests if test not in earlier]
                comparison.still_failing.append(change)
            else:
                comparison.new_failures.append(change)
        elif was is not None and status_was is Status.FAILED and status_now is Status.PASSED:
            change.evidence = first_evidence(was)
            comparison.fixed.append(change)
        elif status_was != status_now and (_judged_nothing(status_was) or _judged_nothing(status_now)):
            change.evidence = first_evidence(was) if was is not None and status_was is Status.FAILED else None
            comparison.not_run_changes.append(change)
        else:
            comparison.unchanged += 1
    if comparison.before.contract != comparison.after.contract:
        comparison.notes.append(
            f"the runs judged different contracts ({comparison.before.contract} and {comparison.after.contract})"
        )
    if comparison.before.target != comparison.after.target:
        comparison.notes.append(f"the runs judged different targets ({before.target} and {after.target})")
    return comparison
