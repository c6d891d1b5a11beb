"""A run's settings, built once per process from its options (keyed by `Option.dest`) and the environment,
every value checked before any request."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from conformance.contract.catalog import Level, load_catalog
from conformance.pytest.options import (
    BASE_URL_ENV,
    DEFAULT_MAX_EXAMPLES,
    DEFAULT_RUN_TIMEOUT,
    DEFAULT_SEED,
    HEADERS_ENV,
    QUICK_MAX_EXAMPLES,
)
from conformance.pytest.rerun import Selection, failed_in, for_requirements
from conformance.pytest.sharding import Shard, read_durations
from conformance.reports.files import ReportError
from conformance.target.options import DEFAULT_MAX_RETRIES, DEFAULT_MAX_WAIT, DEFAULT_TIMEOUT, TargetOptions
from conformance.target.pacing import RateLimit
from conformance.target.redaction import TOKEN_ENV
from conformance.target.reference import known_faults
from conformance.target.tls import ssl_context
from conformance.verdict.expectations import Expectations, ExpectationsError, load_expectations

_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_HEADER_VALUE = re.compile(r"^[\x20-\x7e\t]+$")
SUITE_HEADERS = {"content-type", "content-length", "transfer-encoding"}
"""Headers the suite sets per request: one sent with every request would change what is judged."""


class SettingsError(ValueError):
    """Options that cannot make a run; the message says which and why."""


@dataclass(frozen=True)
class RunSettings:
    target: TargetOptions
    level: Level
    seed: int
    max_examples: int
    run_timeout: float
    report_dir: str
    quick: bool = False
    deep: bool = False
    """The oracle's nightly budget: more and longer histories (suites/test_oracle.py)."""
    expectations: Expectations | None = None
    strict_expect: bool = False
    shard: Shard | None = None
    selection: Selection | None = None
    """A partial run (--failed-in, --requirement): only these tests."""


def _base_url(value: str | None) -> str | None:
    if not value:
        return None
    parts = urlsplit(value)
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise SettingsError(f"--base-url has an invalid port: {value!r}") from None
    if parts.scheme not in {"http", "https"} or not parts.hostname or " " in value:
        raise SettingsError(f"--base-url must be an http(s) URL with a host, got {value!r}")
    if parts.query or parts.fragment:
        raise SettingsError(f"--base-url must not carry a query or fragment, got {value!r}")
    return value.rstrip("/")


def _integer(name: str, value: object, minimum: int) -> int:
    try:
        number = int(str(value))
    except ValueError:
        raise SettingsError(f"{name} must be an integer, got {value!r}") from None
    if number < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, got {number}")
    return number


def _seconds(name: str, value: object, maximum: float, zero: bool = False) -> float:
    try:
        seconds = float(str(value))
    except ValueError:
        raise SettingsError(f"{name} must be a number of seconds, got {value!r}") from None
    lowest_ok = seconds >= 0 if zero else seconds > 0
    if not lowest_ok or seconds > maximum:
        raise SettingsError(f"{name} must be between 0 and {maximum:g} seconds, got {seconds:g}")
    return seconds


def _shard(value: object, durations_from: object) -> Shard | None:
    if not value:
        if durations_from:
            raise SettingsError("--durations-from balances the parts of a sharded run: give --shard K/N too")
        return None
    parts = re.fullmatch(r"(\d+)/(\d+)", str(value), re.ASCII)
    if parts is None or not 1 <= int(parts[1]) <= int(parts[2]):
        raise SettingsError(f"--shard must be K/N with 1 <= K <= N (e.g. 2/3), got {value!r}")
    try:
        durations = read_durations(Path(str(durations_from))) if durations_from else ()
    except ReportError as error:
        raise SettingsError(f"--durations-from: {error}") from None
    return Shard(int(parts[1]), int(parts[2]), durations)


def _selection(values: Mapping[str, Any]) -> Selection | None:
    report, requirements = values.get("failed_in") or None, values.get("requirement") or None
    if report and requirements:
        raise SettingsError("--last-failed and --requirement are two partial runs: give one of them")
    if (report or requirements) and values.get("shard"):
        raise SettingsError("a partial run (--last-failed, --requirement) is not sharded: leave out --shard")
    if requirements:
        try:
            return for_requirements(requirements, load_catalog().ids)
        except ValueError as error:
            raise SettingsError(str(error)) from None
    if report:
        try:
            return failed_in(str(report))
        except ReportError as error:
            raise SettingsError(f"--last-failed: {error}") from None
    return None


def expectations_option(path: str | None, strict: bool) -> Expectations | None:
    """--expect FILE (and --strict-expect) checked, for `conformance run` and `conformance merge`."""
    if strict and not path:
        raise SettingsError("--strict-expect needs --expect FILE")
    if not path:
        return None
    try:
        return load_expectations(path, load_catalog().ids)
    except ExpectationsError as error:
        raise SettingsError(f"--expect {path}: {error}") from None


def _headers(given: list[str] | None) -> tuple[tuple[str, str], ...]:
    """$CONFORMANCE_HEADERS, then -H (a name given twice takes the later value). Values are never echoed."""
    lines = [line for line in os.environ.get(HEADERS_ENV, "").splitlines() if line.strip()] + list(given or [])
    headers: dict[str, tuple[str, str]] = {}
    for line in lines:
        name, colon, value = line.partition(":")
        name, value = name.strip(), value.strip()
        if not colon or not _HEADER_NAME.match(name):
            raise SettingsError("--header must look like 'Name: value' (what was given is not shown: it may be secret)")
        if not _HEADER_VALUE.match(value):
            raise SettingsError(f"--header {name} needs a value of printable ASCII characters")
        if name.lower() == "authorization":
            raise SettingsError("--header Authorization is not allowed: give the bearer token with --token")
        if name.lower() in SUITE_HEADERS:
            raise SettingsError(f"--header {name} is not allowed: the suite sets it for each request")
        headers[name.lower()] = (name, value)
    return tuple(headers.values())


def _tls(values: Mapping[str, Any], url: str | None) -> dict[str, Any]:
    tls = {
        "ca_cert": values.get("ca_cert") or None,
        "client_cert": values.get("client_cert") or None,
        "client_key": values.get("client_key") or None,
        "insecure": bool(values.get("insecure")),
    }
    given = [f"--{name.replace('_', '-')}" for name, value in tls.items() if value]
    if given and (url is None or urlsplit(url).scheme != "https"):
        raise SettingsError(f"{given[0]} applies to an https --base-url")
    if tls["insecure"] and tls["ca_cert"]:
        raise SettingsError("--insecure and --ca-cert contradict each other: verify with the CA, or not at all")
    if tls["client_key"] and not tls["client_cert"]:
        raise SettingsError("--client-key needs --client-cert")
    try:
        ssl_context(**tls)
    except ValueError as error:
        raise SettingsError(str(error)) from None
    return tls


def _rate_limit(value: object, url: str | None) -> RateLimit | None:
    if not value:
        return None
    if url is None:
        raise SettingsError("--rate-limit applies to --base-url, not to the in-process reference app")
    try:
        return RateLimit.parse(str(value))
    except ValueError as error:
        raise SettingsError(str(error)) from None


def build_settings(values: Mapping[str, Any]) -> RunSettings:
    """Options (keyed by `Option.dest`) win over the environment; every value is checked here, once."""
    try:
        level = Level(str(values.get("level") or "must").upper())
    except ValueError:
        raise SettingsError(f"--level must be 'must' or 'should', got {values.get('level')!r}") from None
    base_url = values.get("base_url")
    url = _base_url(base_url if base_url is not None else os.environ.get(BASE_URL_ENV))
    token = values.get("token")
    token = token if token is not None else os.environ.get(TOKEN_ENV) or None
    read_only = bool(values.get("read_only"))
    faults = _faults(values.get("fault") or None, url)
    if url is not None and token is None and not read_only:
        raise SettingsError(
            f"the write tests need a bearer token: --token or ${TOKEN_ENV} (or --read-only to judge reads only)"
        )
    target = TargetOptions(
        base_url=url,
        token=token,
        read_only=read_only,
        faults=faults,
        request_timeout=_seconds("--request-timeout", values.get("request_timeout", DEFAULT_TIMEOUT), 600),
        headers=_headers(values.get("header")),
        rate_limit=_rate_limit(values.get("rate_limit"), url),
        max_retries=_integer("--max-retries", values.get("max_retries", DEFAULT_MAX_RETRIES), 0),
        max_wait=_seconds("--max-wait", values.get("max_wait", DEFAULT_MAX_WAIT), 86_400, zero=True),
        **_tls(values, url),
    )
    return RunSettings(
        target=target,
        level=level,
        seed=_integer("--seed", values.get("seed", DEFAULT_SEED), 0),
        max_examples=_integer(
            "--max-examples",
            values.get("max_examples") or (QUICK_MAX_EXAMPLES if values.get("quick") else DEFAULT_MAX_EXAMPLES),
            1,
        ),
        run_timeout=_seconds("--run-timeout", values.get("run_timeout", DEFAULT_RUN_TIMEOUT), 86_400),
        report_dir=str(values.get("report_dir") or "reports"),
        quick=bool(values.get("quick")),
        deep=bool(values.get("deep")),
        shard=_shard(values.get("shard"), values.get("durations_from")),
        expectations=expectations_option(values.get("expect") or None, bool(values.get("strict_expect"))),
        strict_expect=bool(values.get("strict_expect")),
        selection=_selection(values),
    )


def _faults(value: str | None, url: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    if url is not None:
        raise SettingsError("--fault applies to the in-process reference app, not to --base-url")
    known = known_faults()
    names = tuple(name.strip() for name in value.split(","))
    for name in names:
        if name not in known:
            raise SettingsError(f"unknown --fault {name!r}; known faults: {', '.join(sorted(known))}")
    return names
