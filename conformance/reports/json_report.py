"""The machine-readable record of a run (conformance.json): verdict, requirements, tests, manifest."""

from __future__ import annotations

import json
import platform
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from conformance import __version__
from conformance.contract.catalog import load_catalog
from conformance.contract.document import DOCUMENT_HTML, contract_sha256
from conformance.contract.openapi import load_contract
from conformance.pytest.settings import RunSettings
from conformance.reports.console import INSECURE
from conformance.target.facts import RunFacts
from conformance.text import first_line
from conformance.verdict.gate import Gate, decide_gate
from conformance.verdict.judging import Judgement, Outcome, Status, TestOutcome

FORMAT = "items-conformance-report/1"


@dataclass
class RunSummary:
    settings: RunSettings
    judgement: Judgement
    outcomes: list[TestOutcome]
    facts: RunFacts
    started: float
    finished: float
    workers: int
    gate: Gate | None = None
    """None: no gate was decided apart from the verdict (no expectations)."""
    shard: dict[str, Any] | None = None
    """A shard's place in the whole run (index, count, the collection and its part of it), for the merge."""

    def decided_gate(self) -> Gate:
        if self.gate is not None:
            return self.gate
        return decide_gate(self.judgement, None, self.settings.level, False, lambda _: self.judgement, date.today())


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def manifest(summary: RunSummary) -> dict[str, Any]:
    settings = summary.settings
    catalog = load_catalog()
    return {
        "target": settings.target.label,
        "in_process": settings.target.in_process,
        "contract": {
            "openapi": "contracts/openapi.json",
            "sha256": contract_sha256(),
            "name": catalog.contract,
            "version": catalog.version,
            "document": DOCUMENT_HTML,
        },
        "suite_version": __version__,
        "level": settings.level.value.lower(),
        "seed": settings.seed,
        "max_examples": settings.max_examples,
        "request_timeout_s": settings.target.request_timeout,
        "workers": summary.workers,
        "started": datetime.fromtimestamp(summary.started, UTC).isoformat(timespec="seconds"),
        "duration_s": round(summary.finished - summary.started, 3),
        "requests": summary.facts.requests,
        "items_created": summary.facts.created,
        # Names only: the values are secrets.
        "headers": [name for name, _ in settings.target.headers],
        "tls": {
            "verify": not settings.target.insecure,
            "ca_cert": settings.target.ca_cert,
            "client_cert": settings.target.client_cert is not None,
        },
        "throttling": {
            "rate_limit": settings.target.rate_limit.text if settings.target.rate_limit else None,
            "max_retries": settings.target.max_retries,
            "max_wait_s": settings.target.max_wait,
            "retries": summary.facts.retries,
            "waited_s": summary.facts.waited_s,
        },
        "versions": {
            "python": platform.python_version(),
            "schemathesis": _version("schemathesis"),
            "hypothesis": _version("hypothesis"),
            "litestar": _version("litestar"),
            "pytest": _version("pytest"),
        },
        **({"shard": summary.shard} if summary.shard else {}),
    }


def documented_statuses() -> dict[str, list[str]]:
    """`METHOD /items` or `METHOD /items/{id}` to the status codes the contract documents for it."""
    return {op.key: [str(status) for status in op.statuses] for op in load_contract().operations}


def operations_table(observed: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
    """Each documented status code with how often the run saw it (0 is shown, not hidden), plus the rest."""
    rows = []
    for operation, statuses in documented_statuses().items():
        seen = observed.get(operation, {})
        rows.append(
            {
                "operation": operation,
                "documented": {status: seen.get(status, 0) for status in statuses},
                "undocumented": {status: count for status, count in sorted(seen.items()) if status not in statuses},
            }
        )
    others = {
        operation: statuses
        for operation, statuses in observed.items()
        if operation not in {row["operation"] for row in rows}
    }
    rows += [
        {"operation": operation, "documented": {}, "undocumented": dict(sorted(statuses.items()))}
        for operation, statuses in sorted(others.items())
    ]
    return rows


def to_dict(summary: RunSummary) -> dict[str, Any]:
    # A shard keeps each test's whole evidence, so that the merge can judge the tests again as one run.
    return report_dict(
        summary.judgement,
        summary.decided_gate(),
        summary.outcomes,
        summary.facts,
        summary.settings.target.label,
        manifest(summary),
        evidence=summary.shard is not None,
    )


def _test_dict(outcome: TestOutcome, evidence: bool) -> dict[str, Any]:
    test = {
        "nodeid": outcome.nodeid,
        "requirements": list(outcome.requirements),
        "outcome": outcome.outcome.value,
        "failed_requirements": list(outcome.failed_requirements),
        "message": first_line(outcome.message),
        "duration_s": round(outcome.duration, 4),
    }
    if evidence and outcome.outcome is not Outcome.PASSED:
        test["evidence"] = {"message": outcome.message, "violations": outcome.violations}
    return test


def report_dict(
    judgement: Judgement,
    gate: Gate,
    outcomes: list[TestOutcome],
    facts: RunFacts,
    target: str,
    run_manifest: dict[str, Any],
    evidence: bool = False,
) -> dict[str, Any]:
    """conformance.json of a run, or of a sharded run's parts merged."""
    requirement_counts = {status.value: 0 for status in Status}
    for result in judgement.requirements:
        requirement_counts[result.status.value] += 1
    test_counts = {outcome.value: 0 for outcome in Outcome}
    for outcome in outcomes:
        test_counts[outcome.outcome.value] += 1
    return {
        "format": FORMAT,
        "verdict": judgement.verdict.value,
        # What the run exited with: the verdict's code, or the gate's when expectations were given.
        "exit_code": int(gate.exit_code),
        "reason": judgement.reason,
        "gate": gate.to_dict(),
        "target": target,
        "warnings": [INSECURE] if run_manifest.get("tls", {}).get("verify") is False else [],
        "sections": [
            {"key": section.key, "number": section.number, "title": section.title}
            for section in load_catalog().sections
        ],
        "counts": {"requirements": requirement_counts, "tests": test_counts},
        "requirements": [
            {
                "id": result.requirement.id,
                "level": result.requirement.level.value,
                "section": result.requirement.section.key,
                "statement": result.requirement.statement,
                "status": result.status.value,
                "tests": result.tests,
                "failures": result.failures,
            }
            for result in judgement.requirements
        ],
        "tests": [_test_dict(outcome, evidence) for outcome in outcomes],
        "operations": operations_table(facts.observed),
        "leftovers": sorted(facts.leftovers),
        "manifest": run_manifest,
    }


def write_json_summary(data: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
