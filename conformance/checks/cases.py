"""Parametrised cases that cite the contract assertions each of them checks (@pytest.mark.asserts)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from _pytest.mark import ParameterSet

ASSERTS = "asserts"
"""The marker naming the assertions (REQUIREMENT.key) a test or a case checks."""


def cases(values: Mapping[str, Any], asserts: Mapping[str, str | tuple[str, ...]]) -> list[ParameterSet]:
    """`values` as cases named by their keys, each marked with the assertions `asserts` gives for its key, so
    that a failing case names what it broke. Both mappings must have the same keys: a case that asserts
    nothing, or a citation of no case, is a mistake of the suite."""
    if values.keys() != asserts.keys():
        raise ValueError(f"cases and their assertions differ: {sorted(values.keys() ^ asserts.keys())}")
    return [
        pytest.param(value, id=key, marks=pytest.mark.asserts(*_as_tuple(asserts[key])))
        for key, value in values.items()
    ]


def _as_tuple(ids: str | tuple[str, ...]) -> tuple[str, ...]:
    return (ids,) if isinstance(ids, str) else ids
