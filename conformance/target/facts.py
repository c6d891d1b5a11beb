"""What a run did to the target, counted per process and summed over xdist workers."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class RunFacts:
    requests: int = 0
    created: int = 0
    leftovers: list[int] = field(default_factory=list)
    """Ids the run created and could not delete."""
    observed: dict[str, dict[str, int]] = field(default_factory=dict)
    """`METHOD /items…` to status code (as a string, like JSON keys) to how often the run saw it."""
    retries: int = 0
    waited_s: float = 0.0
    """Requests sent again after 429/503 and the seconds waited for them: run-wide, read once by the
    controller from the pacing ledger the processes share (so never summed in `merge`)."""

    def observe(self, counts: Counter[tuple[str, int]]) -> None:
        """Adds a client's (operation, status) counts."""
        observed: dict[str, dict[str, int]] = {}
        for (operation, status), count in counts.items():
            observed.setdefault(operation, {})[str(status)] = count
        self._add_observed(observed)

    def merge(self, other: RunFacts) -> None:
        self.requests += other.requests
        self.created += other.created
        self.leftovers = sorted(set(self.leftovers) | set(other.leftovers))
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
