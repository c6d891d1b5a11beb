"""contracts/freedoms.toml as typed values: where a target's answer may differ from the reference's, each
freedom with the clause that grants it, and which requirement a divergence fails."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from typing import Any

import contracts
from conformance.contract.catalog import load_catalog


@dataclass(frozen=True, slots=True)
class Freedom:
    name: str
    clause: str
    says: str


@dataclass(frozen=True, slots=True)
class Freedoms:
    freedoms: tuple[Freedom, ...]
    first_status: int
    """AUTH-FIRST: an unauthenticated write gets this whatever else is wrong with it."""
    fault_statuses: dict[str, frozenset[int]]
    """What a request can be wrong by, and the statuses each fault allows (§4)."""
    detail_member: str
    problem_media_type: str
    problem_members: tuple[str, ...]
    serial_only: frozenset[str]
    """Operations whose overlapping bursts must fit some serial order (CONC-CREATE)."""
    patches_only: frozenset[str]
    """Operations whose overlapping bursts on one item must fit some serial order (CONC-UPDATE)."""
    answers: dict[tuple[str, int], str]
    """(operationId, the reference's status) to the requirement a differing answer fails."""
    states: dict[tuple[str, int], str]
    """(operationId, the reference's status) to the requirement a differing state after it fails."""
    named: dict[str, str]

    def allowed_statuses(self, reference: int, faults: frozenset[str]) -> frozenset[int]:
        """Every status the target may give where the reference gave `reference` to a request wrong by `faults`."""
        if reference == self.first_status:
            return frozenset({reference})
        return frozenset({reference}).union(*(self.fault_statuses[fault] for fault in faults))

    def clause(self, name: str) -> str:
        return next(freedom.clause for freedom in self.freedoms if freedom.name == name)


def _checked(data: dict[str, Any]) -> Freedoms:
    known = set(load_catalog().ids)
    judged = data["judged"]
    named = dict(data["named"])
    cited = [entry[key] for entry in judged for key in ("answer", "state") if key in entry] + list(named.values())
    if unknown := sorted(set(cited) - known):
        raise ValueError(f"contracts/freedoms.toml names unknown requirements: {', '.join(unknown)}")
    freedoms = tuple(
        Freedom(name, table["clause"], table["says"])
        for name, table in data.items()
        if isinstance(table, dict) and "clause" in table
    )
    statuses, errors, bursts = data["statuses"], data["error_body"], data["bursts"]
    return Freedoms(
        freedoms=freedoms,
        first_status=int(statuses["first"]),
        fault_statuses={fault: frozenset(codes) for fault, codes in statuses["faults"].items()},
        detail_member=errors["detail"],
        problem_media_type=errors["problem_media_type"],
        problem_members=tuple(errors["problem_members"]),
        serial_only=frozenset(bursts["serial_only"]),
        patches_only=frozenset(bursts["patches_only"]),
        answers={(entry["operation"], entry["status"]): entry["answer"] for entry in judged},
        states={(entry["operation"], entry["status"]): entry["state"] for entry in judged if "state" in entry},
        named=named,
    )


@cache
def load_freedoms() -> Freedoms:
    return _checked(tomllib.loads(contracts.FREEDOMS.read_text(encoding="utf-8")))
