"""What a run did to the target, counted per process and summed over xdist workers."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from conformance.target.ledger import id_order
from conformance.target.paths import IdValue


def _ids(values: list[IdValue]) -> list[IdValue]:
    """Ids without repeats, integers by value then strings by text: one order for both kinds."""
    return sorted(set(values), key=id_order)


@dataclass
class RunFacts:
    requests: int = 0
    created: int = 0
    deleted: int = 0
    """Items the run created and deleted again (a 2xx DELETE)."""
    leftovers: list[IdValue] = field(default_factory=list)
    """Ids of items the run created and did not delete: the ledger's, and what the list showed after the cleanup
    (new entries carrying the run's tag or an id the ledger knows). Integers stay integers."""
    leftovers_without_id: int = 0
    """New entries of the run's, or new entries without an id at all, that cannot be deleted by id."""
    others_changed: list[IdValue] = field(default_factory=list)
    """Entries present at the start that were changed or gone at the end (by this run or by other clients)."""
    unknown: list[str] = field(default_factory=list)
    """Why the leftovers could not be measured in full (empty: the whole list was compared with the start)."""
    known_ids: list[str] = field(default_factory=list)
    """Every id the run created (as text): what a measurement made elsewhere (the xdist controller) needs."""
    observed: dict[str, dict[str, int]] = field(default_factory=dict)
    """`METHOD /items…` to status code (as a string, like JSON keys) to how often the run saw it."""
    retries: int = 0
    waited_s: float = 0.0
    """Requests sent again after 429/503 and the seconds waited for them: run-wide, read once by the
    controller from the pacing ledger the processes share (so never summed in `merge`)."""

    @property
    def leftovers_known(self) -> bool:
        return not self.unknown

    def observe(self, counts: Counter[tuple[str, int]]) -> None:
        """Adds a client's (operation, status) counts."""
        observed: dict[str, dict[str, int]] = {}
        for (operation, status), count in counts.items():
            observed.setdefault(operation, {})[str(status)] = count
        self._add_observed(observed)

    def merge(self, other: RunFacts) -> None:
        self.requests += other.requests
        self.created += other.created
        self.deleted += other.deleted
        self.leftovers = _ids(self.leftovers + other.leftovers)
        self.leftovers_without_id += other.leftovers_without_id
        self.others_changed = _ids(self.others_changed + other.others_changed)
        self.unknown = list(dict.fromkeys(self.unknown + other.unknown))
        self.known_ids = sorted(set(self.known_ids) | set(other.known_ids), key=id_order)
        self._add_observed(other.observed)

    def _add_observed(self, observed: dict[str, dict[str, int]]) -> None:
        for operation, statuses in observed.items():
            into = self.observed.setdefault(operation, {})
            for status, count in statuses.items():
                into[status] = into.get(status, 0) + count

    def to_wire(self) -> dict[str, Any]:
        """Plain data, as xdist carries it from a worker to the controller."""
        return asdict(self)

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> RunFacts:
        return cls(**data)
