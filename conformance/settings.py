"""The options of a run, from the command line or the environment, checked before any request."""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlsplit

from conformance.catalog import Level
from conformance.redaction import TOKEN_ENV

BASE_URL_ENV = "CONFORMANCE_BASE_URL"
DEFAULT_SEED = 20261128
DEFAULT_MAX_EXAMPLES = 25
DEFAULT_TIMEOUT = 10.0


class SettingsError(ValueError):
    """Options that cannot make a run; the message says which and why."""


@dataclass(frozen=True)
class RunSettings:
    base_url: str | None
    token: str | None
    level: Level
    seed: int
    max_examples: int
    request_timeout: float
    report_dir: str
    fault: str | None

    @property
    def in_process(self) -> bool:
        return self.base_url is None

    @property
    def target_label(self) -> str:
        if self.base_url is None:
            return "reference app, in-process" + (f" (fault: {self.fault})" if self.fault else "")
        return self.base_url


def _base_url(value: str | None) -> str | None:
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise SettingsError(f"--base-url must be an http(s) URL with a host, got {value!r}")
    if parts.query or parts.fragment:
        raise SettingsError(f"--base-url must not carry a query or fragment, got {value!r}")
    return value.rstrip("/")


def _positive_int(name: str, value: object, minimum: int) -> int:
    try:
        number = int(str(value))
    except ValueError:
        raise SettingsError(f"{name} must be an integer, got {value!r}") from None
    if number < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, got {number}")
    return number


def build_settings(
    *,
    base_url: str | None,
    token: str | None,
    level: str,
    seed: object,
    max_examples: object,
    request_timeout: object,
    report_dir: str,
    fault: str | None,
) -> RunSettings:
    """Options win over the environment; every value is checked here, once."""
    try:
        parsed_level = Level(level.upper())
    except ValueError:
        raise SettingsError(f"--level must be 'must' or 'should', got {level!r}") from None
    try:
        timeout = float(str(request_timeout))
    except ValueError:
        raise SettingsError(f"--request-timeout must be a number of seconds, got {request_timeout!r}") from None
    if not 0 < timeout <= 600:
        raise SettingsError(f"--request-timeout must be between 0 and 600 seconds, got {timeout}")
    url = _base_url(base_url if base_url is not None else os.environ.get(BASE_URL_ENV))
    if fault and url is not None:
        raise SettingsError("--fault applies to the in-process reference app, not to --base-url")
    if fault:
        from target_app.faults import FAULTS

        if fault not in FAULTS:
            raise SettingsError(f"unknown --fault {fault!r}; known faults: {', '.join(sorted(FAULTS))}")
    return RunSettings(
        base_url=url,
        token=token if token is not None else os.environ.get(TOKEN_ENV) or None,
        level=parsed_level,
        seed=_positive_int("--seed", seed, 0),
        max_examples=_positive_int("--max-examples", max_examples, 1),
        request_timeout=timeout,
        report_dir=report_dir,
        fault=fault or None,
    )


_active: RunSettings | None = None


def activate(settings: RunSettings) -> None:
    """Makes the run's settings visible to code that runs at collection, before any fixture exists.

    Schemathesis parametrizes property tests when their module is imported, and those tests need
    the seed and the example budget then.
    """
    global _active
    _active = settings


def active() -> RunSettings:
    if _active is None:
        raise RuntimeError("no conformance run is active: load the plugin (-p conformance.plugin)")
    return _active
