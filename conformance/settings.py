"""The options of a run, declared once for `conformance run` and for plain pytest, checked before any request."""

from __future__ import annotations

import os
import re
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from conformance.catalog import Level, load_catalog
from conformance.expectations import Expectations, ExpectationsError, load_expectations
from conformance.pacing import RateLimit
from conformance.redaction import TOKEN_ENV
from conformance.report_files import ReportError
from conformance.sharding import Shard, read_durations
from conformance.tls import ssl_context

BASE_URL_ENV = "CONFORMANCE_BASE_URL"
HEADERS_ENV = "CONFORMANCE_HEADERS"
DEFAULT_SEED = 20261128
DEFAULT_MAX_EXAMPLES = 25
QUICK_MAX_EXAMPLES = 5
SELFTEST_MAX_EXAMPLES = 5
DEFAULT_TIMEOUT = 10.0
DEFAULT_RUN_TIMEOUT = 1800.0
DEFAULT_MAX_RETRIES = 5
DEFAULT_MAX_WAIT = 300.0
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_HEADER_VALUE = re.compile(r"^[\x20-\x7e\t]+$")
SUITE_HEADERS = {"content-type", "content-length", "transfer-encoding"}
"""Headers the suite sets per request: one sent with every request would change what is judged."""


class SettingsError(ValueError):
    """Options that cannot make a run; the message says which and why."""


@dataclass(frozen=True)
class Option:
    flag: str
    help: str
    default: str | None = None
    flag_only: bool = False
    short: str | None = None
    repeated: bool = False

    @property
    def dest(self) -> str:
        return self.flag.removeprefix("--").replace("-", "_")


OPTIONS = (
    Option("--base-url", f"server to test (default: ${BASE_URL_ENV}; else the reference app, in-process)"),
    Option("--token", f"bearer token for the writes (default: ${TOKEN_ENV})"),
    Option("--level", "gate on 'must' (default) or also on 'should' requirements", "must"),
    Option("--seed", "seed of the generated cases (default: %(default)s)", str(DEFAULT_SEED)),
    Option(
        "--max-examples",
        f"generated cases per operation (default: {DEFAULT_MAX_EXAMPLES}; {QUICK_MAX_EXAMPLES} with --quick)",
    ),
    Option("--request-timeout", "seconds one request may take (default: %(default)s)", str(DEFAULT_TIMEOUT)),
    Option("--run-timeout", "seconds the whole run may take (default: %(default)s)", str(DEFAULT_RUN_TIMEOUT)),
    Option("--report-dir", "where the reports go (default: %(default)s)", "reports"),
    Option("--fault", "in-process only: inject named faults into the reference app, comma-separated (self-test)"),
    Option("--read-only", "send no POST, PUT, PATCH or DELETE: judge what reads can show", flag_only=True),
    Option(
        "--quick", "pre-commit profile: MUST requirements only, fewer generated cases, no workflows", flag_only=True
    ),
    Option("--shard", "run part K of N of the tests (e.g. 2/3) on this machine; `conformance merge` joins the parts"),
    Option("--durations-from", "with --shard: balance the parts by the test durations in this (earlier) report"),
    Option("--expect", "TOML file of known failures: the gate passes when every failure is expected (exit 0)"),
    Option("--strict-expect", "with --expect: expected failures that now pass fail the gate too", flag_only=True),
    Option(
        "--header",
        f"'Name: value' sent with every request, e.g. a gateway's key (repeatable; also ${HEADERS_ENV}, one a line);"
        " the value is kept secret like the token",
        short="-H",
        repeated=True,
    ),
    Option("--rate-limit", "at most this many requests, all workers together: e.g. 40/s, 1000/m, 5000/h"),
    Option(
        "--max-retries",
        "times one request is sent again after 429 or 503 with Retry-After (default: %(default)s)",
        str(DEFAULT_MAX_RETRIES),
    ),
    Option(
        "--max-wait",
        "seconds the whole run may wait as Retry-After asks; past this or --max-retries it stops as could not judge"
        " (default: %(default)s)",
        str(int(DEFAULT_MAX_WAIT)),
    ),
    Option("--ca-cert", "PEM bundle of the CAs to trust for an https --base-url (instead of the default ones)"),
    Option("--client-cert", "PEM client certificate for mutual TLS (with its key, or see --client-key)"),
    Option("--client-key", "PEM private key of --client-cert, when it is in a file of its own"),
    Option("--insecure", "do not verify the target's TLS certificate (every report says so)", flag_only=True),
)


def add_options(add: Callable[..., Any]) -> None:
    """Declares every option with `add` (argparse's add_argument or pytest's addoption)."""
    for option in OPTIONS:
        flags = [option.short, option.flag] if option.short else [option.flag]
        if option.flag_only:
            add(*flags, dest=option.dest, action="store_true", default=False, help=option.help)
        elif option.repeated:
            add(*flags, dest=option.dest, action="append", default=None, help=option.help)
        else:
            add(*flags, dest=option.dest, default=option.default, help=option.help)


def option_arguments(values: Mapping[str, Any]) -> list[str]:
    """The same options spelled for a pytest command line."""
    arguments = []
    for option in OPTIONS:
        value = values.get(option.dest)
        if option.flag_only:
            arguments += [option.flag] if value else []
        elif option.repeated:
            arguments += [f"{option.flag}={each}" for each in value or []]
        elif value is not None:
            arguments.append(f"{option.flag}={value}")
    return arguments


@dataclass(frozen=True)
class RunSettings:
    base_url: str | None
    token: str | None
    level: Level
    seed: int
    max_examples: int
    request_timeout: float
    run_timeout: float
    report_dir: str
    fault: str | None
    read_only: bool
    quick: bool
    expectations: Expectations | None = None
    strict_expect: bool = False
    shard: Shard | None = None
    headers: tuple[tuple[str, str], ...] = ()
    rate_limit: RateLimit | None = None
    max_retries: int = DEFAULT_MAX_RETRIES
    max_wait: float = DEFAULT_MAX_WAIT
    ca_cert: str | None = None
    client_cert: str | None = None
    client_key: str | None = None
    insecure: bool = False

    @property
    def in_process(self) -> bool:
        return self.base_url is None

    def tls_verify(self) -> ssl.SSLContext | bool:
        """httpx's `verify` for this run: an SSL context, or False with --insecure."""
        return ssl_context(self.ca_cert, self.client_cert, self.client_key, self.insecure)

    @property
    def faults(self) -> tuple[str, ...]:
        return tuple(self.fault.split(",")) if self.fault else ()

    @property
    def target_label(self) -> str:
        if self.base_url is None:
            return "reference app, in-process" + (f" (fault: {self.fault})" if self.fault else "")
        return self.base_url


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
    fault = values.get("fault") or None
    read_only = bool(values.get("read_only"))
    if fault and url is not None:
        raise SettingsError("--fault applies to the in-process reference app, not to --base-url")
    if fault:
        from target_app.faults import FAULTS

        names = [name.strip() for name in fault.split(",")]
        for name in names:
            if name not in FAULTS:
                raise SettingsError(f"unknown --fault {name!r}; known faults: {', '.join(sorted(FAULTS))}")
        fault = ",".join(names)
    if url is not None and token is None and not read_only:
        raise SettingsError(
            f"the write tests need a bearer token: --token or ${TOKEN_ENV} (or --read-only to judge reads only)"
        )
    return RunSettings(
        base_url=url,
        token=token,
        level=level,
        seed=_integer("--seed", values.get("seed", DEFAULT_SEED), 0),
        max_examples=_integer(
            "--max-examples",
            values.get("max_examples") or (QUICK_MAX_EXAMPLES if values.get("quick") else DEFAULT_MAX_EXAMPLES),
            1,
        ),
        request_timeout=_seconds("--request-timeout", values.get("request_timeout", DEFAULT_TIMEOUT), 600),
        run_timeout=_seconds("--run-timeout", values.get("run_timeout", DEFAULT_RUN_TIMEOUT), 86_400),
        report_dir=str(values.get("report_dir") or "reports"),
        fault=fault,
        read_only=read_only,
        quick=bool(values.get("quick")),
        shard=_shard(values.get("shard"), values.get("durations_from")),
        expectations=expectations_option(values.get("expect") or None, bool(values.get("strict_expect"))),
        strict_expect=bool(values.get("strict_expect")),
        headers=_headers(values.get("header")),
        rate_limit=_rate_limit(values.get("rate_limit"), url),
        max_retries=_integer("--max-retries", values.get("max_retries", DEFAULT_MAX_RETRIES), 0),
        max_wait=_seconds("--max-wait", values.get("max_wait", DEFAULT_MAX_WAIT), 86_400, zero=True),
        **_tls(values, url),
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
