"""One run's tests split into N parts for N machines: which tests part K runs, the same on every machine.

Parts are balanced by a previous run's test durations when there are some (longest first, each to the
least loaded part), by count otherwise. The unit is the pytest item: a Schemathesis operation or the
stateful workflow is one item, deterministic given the seed, so it gives the same verdict in any part.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from conformance.reports.files import find_reports, load_report


@dataclass(frozen=True)
class Shard:
    """Part `index` (from 1) of `count`; `durations` are (test id, seconds) from a previous run, if given."""

    index: int
    count: int
    durations: tuple[tuple[str, float], ...] = ()

    @property
    def label(self) -> str:
        return f"{self.index}/{self.count}"


def read_durations(path: Path) -> tuple[tuple[str, float], ...]:
    """Seconds per test id from a conformance.json (a whole run's, a merged one's or a shard's), or from
    every one in a folder (the parts' reports of a sharded run)."""
    seconds: dict[str, float] = {}
    for report in find_reports([str(path)]):
        in_report: dict[str, float] = {}
        for test in load_report(report).tests:
            # A test reported twice (a passed call, then an error in teardown) cost both.
            in_report[test.nodeid] = in_report.get(test.nodeid, 0.0) + test.duration
        seconds.update(in_report)
    return tuple(seconds.items())


def assign(tests: Sequence[str], count: int, durations: Mapping[str, float]) -> list[int]:
    """The part (from 0) of each test: longest first, each to the least loaded part, ties to the earlier
    test and the lower part. Without durations every test weighs the same, which deals them round-robin."""
    known = [durations[test] for test in tests if test in durations]
    unknown = sum(known) / len(known) if known else 1.0
    weights = [durations.get(test, unknown) for test in tests]
    loads = [0.0] * count
    parts = [0] * len(tests)
    for position in sorted(range(len(tests)), key=lambda position: (-weights[position], position)):
        part = min(range(count), key=lambda part: (loads[part], part))
        parts[position] = part
        loads[part] += weights[position]
    return parts


@dataclass(frozen=True)
class ShardPlan:
    """What one part runs out of the whole collection, recorded in its report so that `conformance merge`
    can prove the parts it is given make exactly one whole run."""

    index: int
    count: int
    balanced_by: str
    collection: tuple[str, ...]
    """Every test of the whole run, in collection order."""
    assigned: tuple[int, ...]
    """Positions in `collection` of the tests this part runs."""
    elsewhere: tuple[str, ...]
    """Requirements cited by a test that another part runs: only the merge can pass them."""

    def to_wire(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> ShardPlan:
        return cls(**{key: tuple(value) if isinstance(value, list) else value for key, value in data.items()})


def plan(shard: Shard, tests: Sequence[tuple[str, Sequence[str]]]) -> ShardPlan:
    """The part of `tests` ((test id, cited requirements) in collection order) that `shard` runs."""
    ids = [test for test, _ in tests]
    parts = assign(ids, shard.count, dict(shard.durations))
    mine = shard.index - 1
    return ShardPlan(
        index=shard.index,
        count=shard.count,
        balanced_by="durations" if shard.durations else "count",
        collection=tuple(ids),
        assigned=tuple(position for position, part in enumerate(parts) if part == mine),
        elsewhere=tuple(
            sorted({rid for (_, cited), part in zip(tests, parts, strict=True) if part != mine for rid in cited})
        ),
    )
