"""Two runs compared requirement by requirement: what newly fails, what got fixed, what still fails and
what changed between judged and not run, each with its evidence. Anything newly failing is a regression."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conformance.reports.files import first_evidence, report_page
from conformance.verdict.judging import Status

NOT_RUN = {Status.NOT_RUN, Status.NOT_EXERCISED, None}
"""Statuses that judged nothing (None: the requirement is not in that report at all)."""


@dataclass(frozen=True)
class Run:
    path: Path
    target: str
    verdict: str
    started: str
    contract: str
    page: str
    """Link to its HTML report from the folder the comparison is written to."""


@dataclass
class Change:
    id: str
    level: str
    statement: str
    before: Status | None
    after: Status | None
    evidence: dict[str, Any] | None = None
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


def _run(path: Path, data: dict[str, Any], output_dir: Path) -> Run:
    manifest = data["manifest"]
    contract = manifest["contract"]
    version = f"version {contract['version']}" if contract.get("version") else f"sha256 {contract['sha256'][:12]}"
    return Run(path, data["target"], data["verdict"], manifest["started"], version, report_page(path, output_dir))


def _failing_tests(requirement: dict[str, Any] | None) -> list[str]:
    return list(dict.fromkeys(failure["test"] for failure in (requirement or {}).get("failures", [])))


def _status(requirement: dict[str, Any] | None) -> Status | None:
    return Status(requirement["status"]) if requirement else None


def compare_reports(
    before_path: Path, before: dict[str, Any], after_path: Path, after: dict[str, Any], output_dir: Path
) -> Comparison:
    old = {requirement["id"]: requirement for requirement in before["requirements"]}
    new = {requirement["id"]: requirement for requirement in after["requirements"]}
    order = list(new) + [rid for rid in old if rid not in new]
    comparison = Comparison(_run(before_path, before, output_dir), _run(after_path, after, output_dir))
    for rid in order:
        was, now = old.get(rid), new.get(rid)
        source = new.get(rid) or old[rid]
        status_was, status_now = _status(was), _status(now)
        change = Change(rid, source["level"], source["statement"], status_was, status_now)
        if status_now is Status.FAILED:
            change.evidence = first_evidence(now or {})
            if status_was is Status.FAILED:
                earlier = set(_failing_tests(was))
                change.new_tests = [test for test in _failing_tests(now) if test not in earlier]
                comparison.still_failing.append(change)
            else:
                comparison.new_failures.append(change)
        elif status_was is Status.FAILED and status_now is Status.PASSED:
            change.evidence = first_evidence(was or {})
            comparison.fixed.append(change)
        elif status_was != status_now and (status_was in NOT_RUN or status_now in NOT_RUN):
            change.evidence = first_evidence(was or {}) if status_was is Status.FAILED else None
            comparison.not_run_changes.append(change)
        else:
            comparison.unchanged += 1
    if comparison.before.contract != comparison.after.contract:
        comparison.notes.append(
            f"the runs judged different contracts ({comparison.before.contract} and {comparison.after.contract})"
        )
    if comparison.before.target != comparison.after.target:
        comparison.notes.append(f"the runs judged different targets ({before['target']} and {after['target']})")
    return comparison
