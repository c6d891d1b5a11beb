"""The machine-readable record of a run (conformance.json): verdict, requirements, tests, manifest."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conformance.contract.catalog import load_catalog
from conformance.contract.openapi import load_contract
from conformance.reports.assertions import add_assertions
from conformance.reports.console import INSECURE
from conformance.target.facts import RunFacts
from conformance.target.ledger import id_order
from conformance.verdict.gate import Gate
from conformance.verdict.judging import Judgement, Status
from conformance.verdict.outcomes import Outcome, TestOutcome

FORMAT = "items-conformance-report/1"


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


def observed_from_operations(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """The counts an operations table was made from (`operations_table`'s inverse: zeros are left out)."""
    return {
        row["operation"]: {status: n for status, n in {**row["documented"], **row["undocumented"]}.items() if n}
        for row in rows
    }


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
    report = {
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
                "note": result.note,
                "tests": result.tests,
                "ran": result.ran,
                "failures": result.failures,
            }
            for result in judgement.requirements
        ],
        "tests": [outcome.to_json(evidence) for outcome in outcomes],
        "operations": operations_table(facts.observed),
        "leftovers": sorted(facts.leftovers, key=id_order),
        "manifest": {**run_manifest, **accounting(facts)},
    }
    add_assertions(report["requirements"], outcomes)
    return report


def accounting(facts: RunFacts) -> dict[str, Any]:
    """What the run did to the server's data, as measured after its cleanup; `leftovers_known` is false (with
    the reasons) when the list could not be compared whole with the start."""
    return {
        "items_created": facts.created,
        "items_deleted": facts.deleted,
        "leftovers_known": facts.leftovers_known,
        "leftovers_unknown_because": facts.unknown,
        "leftovers_without_id": facts.leftovers_without_id,
        "others_changed": sorted(facts.others_changed, key=id_order),
    }


def facts_from_report(data: dict[str, Any]) -> RunFacts:
    """The facts a report was written from (a shard's, for `conformance merge`)."""
    manifest = data["manifest"]
    return RunFacts(
        requests=manifest["requests"],
        created=manifest.get("items_created", 0),
        deleted=manifest.get("items_deleted", 0),
        leftovers=data["leftovers"],
        leftovers_without_id=manifest.get("leftovers_without_id", 0),
        others_changed=manifest.get("others_changed", []),
        unknown=manifest.get("leftovers_unknown_because", []),
        observed=observed_from_operations(data["operations"]),
    )


def write_json_summary(data: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
