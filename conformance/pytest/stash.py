"""What a run keeps on its pytest config, per process: the keys the plugin's modules share."""

from __future__ import annotations

import secrets
import tempfile
from dataclasses import dataclass

import pytest

from conformance.pytest.settings import RunSettings
from conformance.pytest.sharding import ShardPlan
from conformance.target.client import ApiClient
from conformance.target.facts import RunFacts
from conformance.target.opening import pacer_for
from conformance.target.pacing import Pacer
from conformance.target.redaction import Redactor

SETTINGS = pytest.StashKey[RunSettings]()
REDACTOR = pytest.StashKey[Redactor]()
RUN_ID = pytest.StashKey[str]()
FACTS = pytest.StashKey[RunFacts]()
"""Per process; workers send theirs to the controller."""
SHARD_PLAN = pytest.StashKey[ShardPlan]()
"""Made where the tests are collected (in each xdist worker, the same in all); sent to the controller."""
PACER = pytest.StashKey[Pacer]()
CLIENT = pytest.StashKey[ApiClient]()
"""The session's client, once made: the progress line reads how many requests it sent."""
PACING_DIR = pytest.StashKey[str]()
"""Where the run's processes share their request rate and waiting; made and removed by the controller."""


@dataclass(frozen=True)
class PreparedRun:
    """Handed to pytest.main by `conformance run`: the settings it built, and that it already probed the target,
    so the plugin neither builds them again nor probes twice. Plain pytest builds and probes in the plugin."""

    settings: RunSettings
    probed: bool


def is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def prepared_run(config: pytest.Config) -> PreparedRun | None:
    return next((plugin for plugin in config.pluginmanager.get_plugins() if isinstance(plugin, PreparedRun)), None)


def store_run_state(config: pytest.Config, settings: RunSettings) -> None:
    """A process's run state on its config: settings, redactor, facts, and what it shares with the others."""
    config.stash[SETTINGS] = settings
    config.stash[REDACTOR] = Redactor.for_run(settings.target.token, settings.target.headers)
    config.stash[FACTS] = RunFacts()
    workerinput = getattr(config, "workerinput", {})
    # Shared by the controller and its xdist workers, so the controller can find what a crashed worker made.
    config.stash[RUN_ID] = workerinput.get("conformance_run_id") or secrets.token_hex(4)
    config.stash[PACING_DIR] = workerinput.get("conformance_pacing_dir") or tempfile.mkdtemp(
        prefix="conformance-pacing-"
    )
    config.stash[PACER] = pacer_for(settings.target, config.stash[PACING_DIR])
