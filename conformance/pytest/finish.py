"""The end of a run as a pure function: from its outcomes and facts (and its settings, timing, shard plan
and why it stopped early) to its verdict, its gate and its conformance.json data. No pytest object here."""

from __future__ import annotations

import datetime
import platform
from dataclasses import dataclass, replace
from importlib import metadata
from typing import Any

from conformance import __version__
from conformance.contract.catalog import load_catalog
from conformance.contract.document import DOCUMENT_HTML, contract_sha256
from conformance.pytest.rerun import partial_reason, partial_record
from conformance.pytest.settings import RunSettings
from conformance.pytest.sharding import ShardPlan
from conformance.reports.json_report import run_report
from conformance.reports.model import RunReport
from conformance.target.facts import RunFacts
from conformance.verdict.gate import Gate, decide_gate
from conformance.verdict.judging import ExitCode, Judgement, judge_run
from conformance.verdict.outcomes import TestOutcome


@dataclass(frozen=True)
class RunEnd:
    """What a finished run hands to its writers and its console summary."""

    outcomes: list[TestOutcome]
    facts: RunFacts
    settings: RunSettings
    started: float
    finished: float
    workers: int
    shard_plan: ShardPlan | None = None
    aborted: str | None = None
    """Why the run stopped before its end (target down, timeout, signal): it then cannot judge."""


@dataclass(frozen=True)
class RunResult:
    judgement: Judgement
    gate: Gate
    report: RunReport
    """conformance.json of the run."""


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _shard_manifest(end: RunEnd, aborted: str | None) -> dict[str, Any] | None:
    """What `conformance merge` needs of a shard beyond its tests: its place in the whole run."""
    if end.settings.shard is None:
        return None
    shard_plan = end.shard_plan
    return {
        "index": end.settings.shard.index,
        "count": end.settings.shard.count,
        "balanced_by": shard_plan.balanced_by if shard_plan else None,
        "collection": list(shard_plan.collection) if shard_plan else [],
        "assigned": list(shard_plan.assigned) if shard_plan else [],
        "read_only": end.settings.target.read_only,
        "aborted": aborted,
    }


def manifest(end: RunEnd, aborted: str | None) -> dict[str, Any]:
    settings, facts = end.settings, end.facts
    catalog = load_catalog()
    shard = _shard_manifest(end, aborted)
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
        "workers": end.workers,
        "started": datetime.datetime.fromtimestamp(end.started, datetime.UTC).isoformat(timespec="seconds"),
        "duration_s": round(end.finished - end.started, 3),
        "requests": facts.requests,
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
            "retries": facts.retries,
            "waited_s": facts.waited_s,
        },
        "versions": {
            "python": platform.python_version(),
            "schemathesis": _version("schemathesis"),
            "hypothesis": _version("hypothesis"),
            "litestar": _version("litestar"),
            "pytest": _version("pytest"),
        },
        **({"shard": shard} if shard else {}),
    }


def finish_run(end: RunEnd, today: datetime.date) -> RunResult:
    """The verdict, the gate and the report of a run, or of one shard of it."""
    settings = end.settings
    aborted = end.aborted
    elsewhere: frozenset[str] = frozenset()
    if settings.shard is not None and end.shard_plan is None:
        # Every worker died before reporting its part: nothing here may be read as passed.
        aborted = aborted or "no worker reported which tests this shard runs"
        elsewhere = frozenset(load_catalog().ids)
    elif end.shard_plan is not None:
        elsewhere = frozenset(end.shard_plan.elsewhere)
    elif settings.selection is not None:
        # A partial run may pass only what it ran in full; the rest of what it saw can fail, never pass.
        elsewhere = frozenset(load_catalog().ids) - settings.selection.judged_whole

    def judge_excusing(excused: frozenset[str]) -> Judgement:
        judgement = judge_run(end.outcomes, settings.level, settings.target.read_only, aborted, excused, elsewhere)
        if settings.selection is not None:
            record = partial_record(settings.selection, end.outcomes, judgement)
            passed = judgement.exit_code is ExitCode.CONFORMANT and not aborted
            return replace(judgement, reason=partial_reason(record, judgement.reason, passed))
        if settings.shard is None:
            return judgement
        return replace(judgement, reason=f"shard {settings.shard.label}: {judgement.reason}")

    judgement = judge_excusing(frozenset())
    gate = decide_gate(judgement, settings.expectations, settings.level, settings.strict_expect, judge_excusing, today)
    # A shard's manifest says where it belongs: its report keeps each test's whole evidence for the merge.
    report = run_report(judgement, gate, end.outcomes, end.facts, settings.target.label, manifest(end, aborted))
    report.partial = partial_record(settings.selection, end.outcomes, judgement) if settings.selection else None
    return RunResult(judgement, gate, report)
