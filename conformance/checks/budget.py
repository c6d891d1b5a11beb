"""What generation needs of a run, set once per process before the suites are collected.

Apart from the Schemathesis glue (generated.py), so the plugin can set it without importing Schemathesis:
a partial run of hand-written tests never loads it.
"""

from __future__ import annotations

from dataclasses import dataclass

NEGATIVE_SHARE = 0.4
"""The negative cases' share of --max-examples. Schemathesis's coverage phase already sends every kind of
invalid input the contract names (missing, wrongly typed, out of range) whatever the budget; the rest is
random fuzzing, and bench/results.md measured no fault caught only by it (the saving: a tenth of a run)."""


@dataclass(frozen=True)
class Budget:
    """What generation needs of a run: its seed, its cases per operation, and the URL requests go to."""

    seed: int
    max_examples: int
    base_url: str

    @property
    def negative_max_examples(self) -> int:
        """The fuzzed negative cases per operation: a smaller budget than the positive ones (at least 1)."""
        return max(1, round(self.max_examples * NEGATIVE_SHARE))


_budget: Budget | None = None


def set_budget(budget: Budget) -> None:
    """Called once per process by the plugin, before the suites are collected: Schemathesis parametrizes the
    property tests when their module is imported, before any fixture exists, and needs the budget then."""
    global _budget
    _budget = budget


def active_budget() -> Budget:
    if _budget is None:
        raise RuntimeError("no conformance run is active: load the plugin (-p conformance.pytest.plugin)")
    return _budget
