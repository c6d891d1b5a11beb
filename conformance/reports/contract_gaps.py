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
    """The gaps a test report carries (masked by the test that recorded them, as junit.xml shows them too)."""
    return [gap for name, value in user_properties if name == GAPS_PROPERTY for gap in json.loads(str(value))]


def unique_gaps(gaps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The run's gaps, each once (by its summary): several histories may run into the same silence."""
    return list({gap["summary"]: gap for gap in gaps}.values())
