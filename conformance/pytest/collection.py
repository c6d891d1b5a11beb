"""Which tests a run has: every one cites catalog requirements; --quick and --shard K/N select among them."""

from __future__ import annotations

import pytest

from conformance.checks.cases import ASSERTS
from conformance.contract.catalog import Level, load_catalog
from conformance.pytest.rerun import Selection
from conformance.pytest.settings import RunSettings
from conformance.pytest.sharding import Shard, plan
from conformance.pytest.stash import SHARD_PLAN

MARK = "requirement"
THOROUGH = "thorough"


def requirement_ids(item: pytest.Item) -> tuple[str, ...]:
    return tuple(dict.fromkeys(rid for mark in item.iter_markers(MARK) for rid in mark.args))


def assertion_ids(item: pytest.Item) -> tuple[str, ...]:
    """The assertions a test case checks: its function's and, for a parametrised case, its parameters' marks."""
    return tuple(dict.fromkeys(aid for mark in item.iter_markers(ASSERTS) for aid in mark.args))


def record_citations(item: pytest.Item) -> None:
    """Shown per test case in JUnit XML, so CI systems list the requirements and assertions a test checks; the
    report of the test carries them (from an xdist worker too)."""
    if not any(name == "requirements" for name, _ in item.user_properties):
        item.user_properties.append(("requirements", " ".join(requirement_ids(item))))
        item.user_properties.append(("assertions", " ".join(assertion_ids(item))))


def test_id(item: pytest.Item) -> str:
    """The item's node id with its parameters: pytest 9 leaves a Schemathesis item's operation out of its node
    id, so all six operations of a property test would share one id in the reports, JUnit and the shards."""
    return f"{item.parent.nodeid}::{item.name}" if item.parent is not None else item.nodeid


def check_citations(items: list[pytest.Item]) -> None:
    catalog = load_catalog()
    known = set(catalog.ids)
    assertions = {assertion.id: assertion for assertion in catalog.assertions}
    problems = []
    for item in items:
        cited = requirement_ids(item)
        if not cited:
            problems.append(f"{item.nodeid}: cites no requirement (@pytest.mark.{MARK}(...))")
        problems += [f"{item.nodeid}: unknown requirement {rid!r}" for rid in cited if rid not in known]
        for aid in assertion_ids(item):
            if aid not in assertions:
                problems.append(f"{item.nodeid}: unknown assertion {aid!r}")
            elif assertions[aid].requirement not in cited:
                # An assertion is judged under its requirement: the test must cite that too.
                problems.append(f"{item.nodeid}: asserts {aid} without citing {assertions[aid].requirement}")
    if problems:
        raise pytest.UsageError("suite tests must cite catalog requirements:\n" + "\n".join(problems))


def keep_quick(config: pytest.Config, items: list[pytest.Item]) -> None:
    """--quick: only tests of MUST requirements that are not marked thorough."""
    catalog = load_catalog()
    kept, dropped = [], []
    for item in items:
        must = any(catalog[rid].level is Level.MUST for rid in requirement_ids(item))
        (kept if must and item.get_closest_marker(THOROUGH) is None else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


class ShardSelection:
    """Keeps this shard's part of the tests, after every other selection (-k, --quick) has been made."""

    def __init__(self, config: pytest.Config, shard: Shard) -> None:
        self.config = config
        self.shard = shard

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        shard_plan = plan(self.shard, [(test_id(item), requirement_ids(item)) for item in items])
        self.config.stash[SHARD_PLAN] = shard_plan
        kept = set(shard_plan.assigned)
        others = [item for position, item in enumerate(items) if position not in kept]
        if others:
            self.config.hook.pytest_deselected(items=others)
            items[:] = [item for position, item in enumerate(items) if position in kept]


class PartialSelection:
    """Keeps a partial run's tests (--failed-in, --requirement), where the tests are collected (in each xdist
    worker), before a shard would be dealt."""

    def __init__(self, config: pytest.Config, selection: Selection) -> None:
        self.config = config
        self.selection = selection

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        keeps = [self.selection.keeps(test_id(item), requirement_ids(item)) for item in items]
        if not all(keeps):
            self.config.hook.pytest_deselected(
                items=[item for item, kept in zip(items, keeps, strict=True) if not kept]
            )
            items[:] = [item for item, kept in zip(items, keeps, strict=True) if kept]


def register_selections(config: pytest.Config, settings: RunSettings) -> None:
    """The selections the settings ask for, beyond -k and --quick: a partial run's, a shard's."""
    if settings.selection is not None:
        config.pluginmanager.register(PartialSelection(config, settings.selection), "conformance-partial")
    if settings.shard is not None:
        config.pluginmanager.register(ShardSelection(config, settings.shard), "conformance-shard")


def declare_markers(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{MARK}(*ids): the contract requirement IDs a test checks")
    config.addinivalue_line("markers", f"{ASSERTS}(*ids): the contract assertions (REQUIREMENT.key) a test checks")
    config.addinivalue_line("markers", f"{THOROUGH}: a long test that the --quick profile leaves out")
