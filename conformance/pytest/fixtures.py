"""The session fixtures the suites use: the run's settings, the target, the API client and item helpers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conformance.checks.items import Items
from conformance.pytest.cleanup import clean_up
from conformance.pytest.settings import RunSettings
from conformance.pytest.stash import FACTS, PACER, REDACTOR, RUN_ID, SETTINGS
from conformance.target.client import ApiClient
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


@pytest.fixture(scope="session")
def api(target: OpenTarget, run_tag: str, pytestconfig: pytest.Config) -> Iterator[ApiClient]:
    ledger = Ledger()
    client = run_client(target, pytestconfig.stash[SETTINGS].target, pytestconfig.stash[PACER], ledger)
    # The in-process token is made by open_target: from here on it is masked too.
    pytestconfig.stash[REDACTOR] = client.redactor
    yield client
    facts = pytestconfig.stash[FACTS]
    facts.leftovers = clean_up(Items(client, run_tag), Items.name_prefix(run_tag))
    facts.requests = client.request_count
    facts.created = ledger.created_count
    facts.observe(client.observed)


@pytest.fixture(scope="session")
def items(api: ApiClient, run_tag: str) -> Items:
    """Item helpers. Without a token, or in a --read-only run, their writes make a test not run."""
    return Items(api, run_tag)
