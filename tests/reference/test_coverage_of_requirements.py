"""The reference tests cover the whole requirement catalog, and nothing outside it."""

from __future__ import annotations

import importlib.util
import inspect
from collections.abc import Iterator
from pathlib import Path
from types import FunctionType

from conformance.contract.catalog import load_catalog

HERE = Path(__file__).parent


def reference_tests() -> Iterator[tuple[str, FunctionType]]:
    """Every test function of the sibling modules, loaded afresh so this test also works when run alone."""
    for path in sorted(HERE.glob("test_*.py")):
        if path.name == Path(__file__).name:
            continue
        spec = importlib.util.spec_from_file_location(f"_reference_coverage.{path.stem}", path)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("test") and function.__module__ == module.__name__:
                yield f"{path.name}::{name}", function


def covered_ids(function: FunctionType) -> set[str]:
    return {
        requirement
        for mark in getattr(function, "pytestmark", [])
        if mark.name == "covers"
        for requirement in mark.args
    }


def test_every_reference_test_declares_the_requirements_it_covers() -> None:
    undeclared = [name for name, function in reference_tests() if not covered_ids(function)]
    assert not undeclared, f"tests without @pytest.mark.covers(...): {undeclared}"


def test_reference_tests_cover_exactly_the_catalog() -> None:
    catalog = set(load_catalog().ids)
    covered = set().union(*(covered_ids(function) for _, function in reference_tests()))
    missing, unknown = sorted(catalog - covered), sorted(covered - catalog)
    assert (missing, unknown) == ([], []), f"requirement IDs not covered: {missing}; unknown IDs cited: {unknown}"
