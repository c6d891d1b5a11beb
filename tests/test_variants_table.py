"""suites/README.md, the table of variants per requirement, stays true to the suites it describes."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from conformance.contract.catalog import load_catalog

SUITES = Path(__file__).resolve().parents[1] / "suites"
TABLE = SUITES / "README.md"
NAMED_TEST = re.compile(r"`(test_\w+\.py)::(test_\w+)`")
ROW_REQUIREMENT = re.compile(r"^\| ([A-Z]+(?:-[A-Z0-9]+)+) \|", re.MULTILINE)


def suite_tests() -> set[tuple[str, str]]:
    found = set()
    for module in SUITES.glob("test_*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        found |= {(module.name, node.name) for node in tree.body if isinstance(node, ast.FunctionDef)}
    return {(module, name) for module, name in found if name.startswith("test_")}


@pytest.fixture(scope="module")
def table() -> str:
    return TABLE.read_text(encoding="utf-8")


def test_every_test_the_table_names_exists(table: str) -> None:
    named = set(NAMED_TEST.findall(table))
    assert named, "the table names no tests: has its format changed?"
    assert named - suite_tests() == set()


def test_every_suite_test_is_in_some_row(table: str) -> None:
    assert suite_tests() - set(NAMED_TEST.findall(table)) == set()


def test_every_requirement_has_a_row(table: str) -> None:
    assert set(load_catalog().ids) - set(ROW_REQUIREMENT.findall(table)) == set()
