"""The session fixtures the suites use: the run's settings, the target, the API client and item helpers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conformance.checks.items import Items
from conformance.pytest.cleanup import clean_up, delete_open_input, measure, take_snapshot
from conformance.pytest.settings import RunSettings
from conformance.pytest.stash import CLIENT, FACTS, PACER, REDACTOR, RUN_ID, SETTINGS, is_worker
from conformance.target.client import ApiClient
from conformance.target.facts import RunFacts
from conformance.target.ledger import Ledger
from conformance.target.opening import OpenTarget, open_target, run_client


@pytest.fixture(scope="session")
def run_settings(pytestconfig: pytest.Config) -> RunSettings:
    return pytestconfig.stash[SETTINGS]


@pytest.fixture(scope="session")
def target(run_settings: RunSettings) -> Iterator[OpenTarget]:
    with open_target(run_settings.target) as opened:
        yield opened


@pytest.fixture(scope="session")
def run_tag(pytestconfig: pytest.Config) -> str:
    """Unique to this run and worker: every item the suite creates carries it in its name."""
    worker = getattr(pytestconfig, "workerinput", {}).get("workerid", "main")
    return f"{pytestconfig.stash[RUN_ID]}-{worker}"


def measured_here(config: pytest.Config) -> bool:
    """Whether this process measures what the run left: each in-process worker has a reference app of its own;
    a shared server is measured once, by the xdist controller, before its workers start and after they end."""
    return config.stash[SETTINGS].target.in_process or not is_worker(config)


@pytest.fixture(scope="session")
def api(target: OpenTarget, run_tag: str, pytestconfig: pytest.Config) -> Iterator[ApiClient]:
    ledger = Ledger()
    client = run_client(target, pytestconfig.stash[SETTINGS].target, pytestconfig.stash[PACER], ledger)
    # The in-process token is made by open_target: from here on it is masked too.
    pytestconfig.stash[REDACTOR] = client.redactor
    pytestconfig.stash[CLIENT] = client
    items = Items(client, run_tag)
    start = take_snapshot(items) if measured_here(pytestconfig) else None
    yield client
    left = clean_up(items, Items.name_prefix(run_tag))
    facts = pytestconfig.stash[FACTS]
    if start is not None:
        facts.merge(measure(items, start, ledger.known(), Items.run_prefix(run_tag), left))
    else:
        facts.merge(RunFacts(leftovers=left, known_ids=sorted(ledger.known())))
    facts.requests = client.request_count
    facts.created = ledger.created_count
    facts.deleted = ledger.deleted_count
    facts.observe(client.observed)


@pytest.fixture(autouse=True)
def _open_input_deleted(request: pytest.FixtureRequest) -> Iterator[None]:
    """Right after each test, the items it filled with input the contract leaves open (§8) are deleted."""
    yield
    if "api" in request.fixturenames:
        delete_open_input(request.getfixturevalue("api"))


@pytest.fixture(scope="session")
def items(api: ApiClient, run_tag: str) -> Items:
    """Item helpers. Without a token, or in a --read-only run, their writes make a test not run."""
    return Items(api, run_tag)
