"""`conformance run` refuses what cannot make a run with one clear line and exit 2, before any request."""

from __future__ import annotations

from pathlib import Path

import pytest

import contracts
from tests.conftest import run_conformance
from tests.servers.running import free_port

BAD_OPTIONS = {
    "level": (["--level", "maybe"], "--level must be 'must' or 'should'"),
    "seed": (["--seed", "abc"], "--seed must be an integer"),
    "max-examples": (["--max-examples", "0"], "--max-examples must be at least 1"),
    "url-scheme": (["--base-url", "ftp://example.test"], "--base-url must be an http(s) URL"),
    "url-garbage": (["--base-url", "not a url"], "--base-url must be an http(s) URL"),
    "timeout": (["--request-timeout", "soon"], "--request-timeout must be a number"),
    "fault-over-http": (["--fault", "validation-400", "--base-url", "http://127.0.0.1:9"], "--fault applies"),
    "unknown-fault": (["--fault", "no-such-fault"], "unknown --fault 'no-such-fault'"),
    "no-token-for-writes": (["--base-url", "http://127.0.0.1:9"], "the write tests need a bearer token"),
    "url-bad-port": (["--base-url", "http://127.0.0.1:notaport"], "--base-url has an invalid port"),
    "run-timeout": (["--run-timeout", "0"], "--run-timeout must be between 0"),
    "shard-not-k-of-n": (["--shard", "2"], "--shard must be K/N with 1 <= K <= N (e.g. 2/3), got '2'"),
    "shard-zero": (["--shard", "0/3"], "--shard must be K/N"),
    "shard-past-n": (["--shard", "4/3"], "--shard must be K/N"),
    "shard-words": (["--shard", "one/two"], "--shard must be K/N"),
    "durations-without-shard": (["--durations-from", "reports"], "--durations-from balances the parts"),
    "durations-missing": (
        ["--shard", "1/2", "--durations-from", "nowhere.json"],
        "--durations-from: no such file or folder: nowhere.json",
    ),
    "durations-not-a-report": (
        ["--shard", "1/2", "--durations-from", str(contracts.OPENAPI)],
        "not a conformance report",
    ),
    "header-syntax": (["-H", "no-colon-value-7f3a"], "--header must look like 'Name: value'"),
    "header-name": (["-H", "Bad Name: v"], "--header must look like 'Name: value'"),
    "header-value": (["--header", "X-Key:"], "--header X-Key needs a value of printable ASCII"),
    "header-authorization": (["-H", "Authorization: Bearer abc"], "--header Authorization is not allowed: give"),
    "header-content-type": (["-H", "content-type: text/plain"], "the suite sets it for each request"),
    "rate-limit-syntax": (["--base-url", "http://127.0.0.1:9", "--token", "t", "--rate-limit", "fast"], "40/s"),
    "rate-limit-zero": (["--base-url", "http://127.0.0.1:9", "--token", "t", "--rate-limit", "0/s"], "at least 1"),
    "rate-limit-in-process": (["--rate-limit", "10/s"], "--rate-limit applies to --base-url"),
    "max-retries": (["--max-retries", "-1"], "--max-retries must be at least 0"),
    "max-wait": (["--max-wait", "soon"], "--max-wait must be a number of seconds"),
    "ca-cert-over-http": (
        ["--base-url", "http://127.0.0.1:9", "--token", "t", "--ca-cert", "ca.pem"],
        "--ca-cert applies to an https --base-url",
    ),
    "insecure-in-process": (["--insecure"], "--insecure applies to an https --base-url"),
    "ca-cert-missing": (
        ["--base-url", "https://127.0.0.1:9", "--token", "t", "--ca-cert", "no-such-ca.pem"],
        "--ca-cert 'no-such-ca.pem' is not a readable PEM bundle",
    ),
    "insecure-and-ca-cert": (
        ["--base-url", "https://127.0.0.1:9", "--token", "t", "--insecure", "--ca-cert", "ca.pem"],
        "--insecure and --ca-cert contradict each other",
    ),
    "client-key-alone": (
        ["--base-url", "https://127.0.0.1:9", "--token", "t", "--client-key", "key.pem"],
        "--client-key needs --client-cert",
    ),
    "client-cert-missing": (
        ["--base-url", "https://127.0.0.1:9", "--token", "t", "--client-cert", "no-such-cert.pem"],
        "--client-cert cannot be loaded",
    ),
    "stray-words": (["touch", "pwned"], "unexpected argument 'touch': pytest's arguments go after --"),
}


@pytest.mark.parametrize(("args", "message"), BAD_OPTIONS.values(), ids=BAD_OPTIONS.keys())
def test_a_bad_option_is_one_line_and_exit_2(args: list[str], message: str, tmp_path: Path) -> None:
    result = run_conformance(*args, workdir=tmp_path)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("conformance: ")
    assert message in lines[0]
    assert not result.report_dir.exists()
    assert "7f3a" not in result.output  # a --header that cannot be read may still hold a secret


def test_a_bad_header_in_the_environment_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = run_conformance(workdir=tmp_path, env={"CONFORMANCE_HEADERS": "X-Ok: 1\nAuthorization: Basic eA=="})
    assert result.exit_code == 2
    assert result.output.strip() == (
        "conformance: --header Authorization is not allowed: give the bearer token with --token"
    )


def test_an_unreachable_target_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = run_conformance(
        "--base-url", f"http://127.0.0.1:{free_port()}", "--token", "t", workdir=tmp_path, timeout=60
    )
    assert result.exit_code == 2
    assert "cannot reach http://127.0.0.1" in result.output
    assert "passed" not in result.output
    assert "failed" not in result.output
    assert len(result.output.strip().splitlines()) == 1
