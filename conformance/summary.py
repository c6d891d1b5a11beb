"""The machine-readable record of a run (conformance.json): verdict, requirements, tests, manifest."""

from __future__ import annotations

import hashlib
import json
import platform
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import contracts
from conformance import __version__
from conformance.catalog import load_catalog
from conformance.console import INSECURE
from conformance.facts import RunFacts
from conformance.results import Judgement, Outcome, Status, TestOutcome
from conformance.settings import RunSettings
from conformance.text import first_line

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


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def contract_sha256() -> str:
    return hashlib.sha256(contracts.OPENAPI.read_bytes()).hexdigest()


def manifest(summary: RunSummary) -> dict[str, Any]:
    settings = summary.settings
    return {
        "target": settings.target_label,
        "in_process": settings.in_process,
        "contract": {"openapi": "contracts/openapi.json", "sha256": contract_sha256()},
        "suite_version": __version__,
        "level": settings.level.value.lower(),
        "seed": settings.seed,
        "max_examples": settings.max_examples,
        "request_timeout_s": settings.request_timeout,
        "workers": summary.workers,
        "started": datetime.fromtimestamp(summary.started, UTC).isoformat(timespec="seconds"),
        "duration_s": round(summary.finished - summary.started, 3),
        "requests": summary.facts.requests,
        "items_created": summary.facts.created,
        # Names only: the values are secrets.
        "headers": [name for name, _ in settings.headers],
        "tls": {
            "verify": not settings.insecure,
            "ca_cert": settings.ca_cert,
            "client_cert": settings.client_cert is not None,
        },
        "throttling": {
            "rate_limit": settings.rate_limit.text if settings.rate_limit else None,
            "max_retries": settings.max_retries,
            "max_wait_s": settings.max_wait,
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
    }


def documented_statuses() -> dict[str, list[str]]:
    """`METHOD /items` or `METHOD /items/{id}` to the status codes the contract documents for it."""
    document = json.loads(contracts.OPENAPI.read_text(encoding="utf-8"))
    return {
        f"{method.upper()} {re.sub(r'{[^}]+}', '{id}', path)}": sorted(operation["responses"])
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }


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
    judgement = summary.judgement
    requirement_counts = {status.value: 0 for status in Status}
    for result in judgement.requirements:
        requirement_counts[result.status.value] += 1
    test_counts = {outcome.value: 0 for outcome in Outcome}
    for outcome in summary.outcomes:
        test_counts[outcome.outcome.value] += 1
    return {
        "format": FORMAT,
        "verdict": judgement.verdict.value,
        "exit_code": int(judgement.exit_code),
        "reason": judgement.reason,
        "target": summary.settings.target_label,
        "warnings": [INSECURE] if summary.settings.insecure else [],
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
        "tests": [
            {
                "nodeid": outcome.nodeid,
                "requirements": list(outcome.requirements),
                "outcome": outcome.outcome.value,
                "failed_requirements": list(outcome.failed_requirements),
                "message": first_line(outcome.message),
                "duration_s": round(outcome.duration, 4),
            }
            for outcome in summary.outcomes
        ],
        "operations": operations_table(summary.facts.observed),
        "leftovers": sorted(summary.facts.leftovers),
        "manifest": manifest(summary),
    }


def write_json_summary(data: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
