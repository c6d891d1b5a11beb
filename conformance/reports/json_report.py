"""The machine-readable record of a run (conformance.json): its report made from the verdict, the gate, the
tests and what the run did to the server, and written as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conformance.contract.catalog import load_catalog
from conformance.contract.openapi import load_contract
from conformance.reports.console import INSECURE
from conformance.reports.model import OperationCount, RunReport
from conformance.target.facts import RunFacts
from conformance.target.ledger import id_order
from conformance.verdict.gate import Gate
from conformance.verdict.judging import Judgement
from conformance.verdict.outcomes import TestOutcome


def documented_statuses() -> dict[str, list[str]]:
    """`METHOD /items` or `METHOD /items/{id}` to the status codes the contract documents for it."""
    return {op.key: [str(status) for status in op.statuses] for op in load_contract().operations}


def operations_table(observed: dict[str, dict[str, int]]) -> list[OperationCount]:
    """Each documented status code with how often the run saw it (0 is shown, not hidden), plus the rest."""
    documented = documented_statuses()
    rows = []
    for operation, statuses in documented.items():
        seen = observed.get(operation, {})
        rows.append(
            OperationCount(
                operation,
                {status: seen.get(status, 0) for status in statuses},
                {status: count for status, count in sorted(seen.items()) if status not in statuses},
            )
        )
    rows += [
        OperationCount(operation, {}, dict(sorted(statuses.items())))
        for operation, statuses in sorted(observed.items())
        if operation not in documented
    ]
    return rows


def run_report(
    judgement: Judgement,
    gate: Gate,
    outcomes: list[TestOutcome],
    facts: RunFacts,
    target: str,
    run_manifest: dict[str, Any],
) -> RunReport:
    """The report of a run, or of a sharded run's parts merged."""
    return RunReport(
        verdict=judgement.verdict,
        exit_code=gate.exit_code,
        reason=judgement.reason,
        gate=gate,
        target=target,
        warnings=[INSECURE] if run_manifest.get("tls", {}).get("verify") is False else [],
        sections=list(load_catalog().sections),
        requirements=judgement.requirements,
        tests=outcomes,
        operations=operations_table(facts.observed),
        leftovers=sorted(facts.leftovers, key=id_order),
        manifest={**run_manifest, **accounting(facts)},
    )


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


def facts_from_report(report: RunReport) -> RunFacts:
    """The facts a report was written from (a shard's, for `conformance merge`)."""
    manifest = report.manifest
    return RunFacts(
        requests=manifest["requests"],
        created=manifest.get("items_created", 0),
        deleted=manifest.get("items_deleted", 0),
        leftovers=list(report.leftovers),
        leftovers_without_id=manifest.get("leftovers_without_id", 0),
        others_changed=manifest.get("others_changed", []),
        unknown=manifest.get("leftovers_unknown_because", []),
        observed={row.operation: row.received for row in report.operations},
    )


def write_json_report(report: RunReport, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report.to_json(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
