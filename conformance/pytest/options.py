"""The options of a run, declared once for `conformance run` and for plain pytest, and spelled back as a
pytest command line."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from conformance.target.options import DEFAULT_MAX_RETRIES, DEFAULT_MAX_WAIT, DEFAULT_TIMEOUT
from conformance.target.redaction import TOKEN_ENV

BASE_URL_ENV = "CONFORMANCE_BASE_URL"
HEADERS_ENV = "CONFORMANCE_HEADERS"
DEFAULT_SEED = 20261128
DEFAULT_MAX_EXAMPLES = 25
QUICK_MAX_EXAMPLES = 5
SELFTEST_MAX_EXAMPLES = 5
DEFAULT_RUN_TIMEOUT = 1800.0


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
    Option(
        "--deep",
        "nightly budget for the oracle's random histories (suites/test_oracle.py): more and longer histories",
        flag_only=True,
    ),
    Option("--shard", "run part K of N of the tests (e.g. 2/3) on this machine; `conformance merge` joins the parts"),
    Option("--durations-from", "with --shard: balance the parts by the test durations in this (earlier) report"),
    Option(
        "--failed-in",
        "partial run: only the tests that failed or errored in this earlier conformance.json"
        " (`conformance run --last-failed` names the last one in --report-dir)",
    ),
    Option(
        "--requirement",
        "partial run: judge this requirement ID with all of its tests (repeatable)",
        repeated=True,
    ),
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
