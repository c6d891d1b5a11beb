"""Contract gaps: divergences from the reference that no requirement covers (suites/test_oracle.py). They are
listed in conformance.json (`contract_gaps`) and in a section of the HTML report, and never change the verdict:
they tell the contract's authors where its text is silent."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

GAPS_PROPERTY = "contract_gaps"
"""The test's user property that carries its gaps, as JSON text (it travels with the report from xdist workers)."""


def gaps_of(user_properties: Iterable[tuple[str, object]]) -> list[dict[str, Any]]:
    """The gaps a test report carries."""
    return [gap for name, value in user_properties if name == GAPS_PROPERTY for gap in json.loads(str(value))]


def with_gaps(data: dict[str, Any], gaps: list[dict[str, Any]]) -> dict[str, Any]:
    """conformance.json data with the run's gaps, each once (by its summary)."""
    unique = {gap["summary"]: gap for gap in gaps}
    return {**data, GAPS_PROPERTY: list(unique.values())}
