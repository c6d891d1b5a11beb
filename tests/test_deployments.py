"""A correct server deployed the way staging servers are (under a path prefix, behind a rate limit, behind a
gateway that wants its own header, over TLS from a private CA or with client certificates) is judged fully
conformant; what stands in the way of judging it ends the run with one line and exit 2, never as failed
requirements. Each test starts the reference behind its own fronts (tests/servers/gateway.py) on 127.0.0.1."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import trustme

from conformance.pytest.settings import build_settings
from conformance.target.opening import curl_options
from tests.conftest import RunResult, run_conformance
from tests.servers import gateway, hostile
from tests.servers.running import free_port, serve

pytestmark = pytest.mark.deployments

TOKEN = "Deployed-Token-5d2e-never-printed"
KEY = "Gateway-Key-9c41-never-printed"
KEY_HEADER = f"X-Gateway-Key: {KEY}"
PREFIX = "/api/v1"
QUICK = ("--max-examples", "5")
SECRETS = (TOKEN, KEY)


@dataclass(frozen=True)
class Certificates:
    ca: Path
    server: Path
    client: Path
    """The client's certificate and key in one PEM file."""


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    """A private CA, a server certificate for 127.0.0.1 and a client certificate, all signed by it."""
    folder = tmp_path_factory.mktemp("tls")
    ca = trustme.CA()
    files = Certificates(folder / "ca.pem", folder / "server.pem", folder / "client.pem")
    ca.cert_pem.write_to_path(str(files.ca))
    ca.issue_cert("127.0.0.1").private_key_and_cert_chain_pem.write_to_path(str(files.server))
    ca.issue_cert("conformance-client@example.test").private_key_and_cert_chain_pem.write_to_path(str(files.client))
    return files


def served_over_tls(certificates: Certificates, mutual: bool = False) -> list[str]:
    options = ["--certfile", str(certificates.server), "--keyfile", str(certificates.server)]
    return options + (["--client-ca", str(certificates.ca)] if mutual else [])


def https(url: str) -> str:
    return url.replace("http://", "https://", 1)


def judge(url: str, tmp_path: Path, *options: str, env: dict[str, str] | None = None) -> RunResult:
    arguments = ["--base-url", url, "--token", TOKEN, "--level", "should", *options]
    return run_conformance(*arguments, workdir=tmp_path, env=env)


def assert_fully_conformant(result: RunResult) -> None:
    assert result.exit_code == 0, result.output[-3000:]
    assert result.summary["verdict"] == "fully-conformant", result.summary["reason"]


def assert_secrets_kept(result: RunResult) -> None:
    written = result.everything_written()
    for secret in SECRETS:
        assert secret not in written


def one_line(result: RunResult) -> str:
    lines = result.output.strip().splitlines()
    assert result.exit_code == 2
    assert len(lines) == 1, result.output[-3000:]
    assert lines[0].startswith("conformance: ")
    return lines[0]


# --- Each front on its own --------------------------------------------------------------------------------


def test_a_server_under_a_path_prefix_is_fully_conformant(tmp_path: Path) -> None:
    """The default budget: the generated negative cases that failed under a prefix (an unknown query
    parameter the contract says is ignored) are among them."""
    with gateway.running(TOKEN, "--prefix", PREFIX) as server:
        result = judge(server.url + PREFIX, tmp_path)
    assert_fully_conformant(result)
    assert result.summary["manifest"]["max_examples"] == 25


@pytest.mark.parametrize("form", ["absolute", "relative"])
def test_a_location_under_the_prefix_resolves_in_any_form(form: str, tmp_path: Path) -> None:
    with gateway.running(TOKEN, "--prefix", PREFIX, "--location", form) as server:
        result = judge(server.url + PREFIX, tmp_path, "--", "-k", "location")
    assert result.statuses()["CREATE-LOCATION"] == "passed", result.output[-3000:]


def test_a_rate_limited_gateway_is_waited_out_and_the_server_fully_conformant(tmp_path: Path) -> None:
    """100 requests a second (the suite sends several hundred over loopback), then 429 with Retry-After as
    an HTTP date."""
    with gateway.running(TOKEN, "--rate", "100", "--retry-after", "date") as server:
        result = judge(server.url, tmp_path, *QUICK)
    assert_fully_conformant(result)
    throttling = result.summary["manifest"]["throttling"]
    assert throttling["retries"] > 0
    assert throttling["waited_s"] > 0
    assert f"{throttling['retries']} retries" in result.output


def test_a_header_guarded_gateway_gets_its_header_and_never_shows_it(tmp_path: Path) -> None:
    with gateway.running(TOKEN, "--key-header", KEY_HEADER) as server:
        result = judge(server.url, tmp_path, *QUICK, "-H", KEY_HEADER)
    assert_fully_conformant(result)
    assert result.summary["manifest"]["headers"] == ["X-Gateway-Key"]
    assert_secrets_kept(result)


def test_a_private_ca_is_trusted_with_ca_cert(certificates: Certificates, tmp_path: Path) -> None:
    with gateway.running(TOKEN, *served_over_tls(certificates)) as server:
        result = judge(https(server.url), tmp_path, *QUICK, "--ca-cert", str(certificates.ca))
    assert_fully_conformant(result)
    assert result.summary["manifest"]["tls"] == {"verify": True, "ca_cert": str(certificates.ca), "client_cert": False}
    assert result.summary["warnings"] == []


def test_a_mutual_tls_gateway_gets_the_client_certificate(certificates: Certificates, tmp_path: Path) -> None:
    options = ["--ca-cert", str(certificates.ca), "--client-cert", str(certificates.client)]
    with gateway.running(TOKEN, *served_over_tls(certificates, mutual=True)) as server:
        result = judge(https(server.url), tmp_path, *QUICK, *options)
        (tmp_path / "without").mkdir()
        refused = judge(https(server.url), tmp_path / "without", "--ca-cert", str(certificates.ca))
    assert_fully_conformant(result)
    assert result.summary["manifest"]["tls"]["client_cert"] is True
    assert "cannot reach https://127.0.0.1" in one_line(refused)


def test_insecure_is_stated_in_the_console_and_every_report(certificates: Certificates, tmp_path: Path) -> None:
    with gateway.running(TOKEN, *served_over_tls(certificates)) as server:
        result = judge(https(server.url), tmp_path, *QUICK, "--insecure")
    assert result.exit_code == 0, result.output[-3000:]
    assert "WARNING: TLS certificates were NOT verified (--insecure)" in result.output
    assert result.summary["manifest"]["tls"]["verify"] is False
    assert any("NOT verified" in warning for warning in result.summary["warnings"])
    html = (result.report_dir / "conformance.html").read_text(encoding="utf-8")
    assert '<p class="warning">⚠ TLS certificates were NOT verified' in html
    junit = (result.report_dir / "junit.xml").read_text(encoding="utf-8")
    assert '<property name="warning" value="TLS certificates were NOT verified' in junit


def test_the_https_proxy_variables_are_honoured(tmp_path: Path) -> None:
    """The target's host does not even resolve: every request can only have gone through the proxy."""
    record = tmp_path / "proxied.log"
    with hostile.running("pass", TOKEN, "--record", str(record)) as proxy:
        result = judge("http://items-api.invalid", tmp_path, *QUICK, env={"HTTP_PROXY": proxy.url})
    assert_fully_conformant(result)
    proxied = [line for line in record.read_text(encoding="utf-8").splitlines() if " http://items-api.invalid/" in line]
    assert len(proxied) >= result.summary["manifest"]["requests"]


# --- All of them at once ------------------------------------------------------------------------------------


def test_all_fronts_combined_still_give_fully_conformant(certificates: Certificates, tmp_path: Path) -> None:
    fronts = ["--prefix", PREFIX, "--rate", "40", "--key-header", KEY_HEADER, "--location", "absolute"]
    options = ["--ca-cert", str(certificates.ca), "--client-cert", str(certificates.client), "-H", KEY_HEADER]
    with gateway.running(TOKEN, *fronts, *served_over_tls(certificates, mutual=True)) as server:
        result = judge(https(server.url) + PREFIX, tmp_path, *QUICK, *options)
    assert_fully_conformant(result)
    assert result.summary["manifest"]["throttling"]["retries"] > 0
    assert_secrets_kept(result)


def test_xdist_workers_share_one_rate_limit(tmp_path: Path) -> None:
    """80 requests a second for the run; the gateway allows 100, and --max-retries 0 stops the run at the
    first 429. Two workers pacing themselves separately would send up to 160."""
    with gateway.running(TOKEN, "--rate", "100") as server:
        result = judge(server.url, tmp_path, *QUICK, "--rate-limit", "80/s", "--max-retries", "0", "-n", "2")
    assert_fully_conformant(result)
    assert result.summary["manifest"]["workers"] == 2
    assert result.summary["manifest"]["throttling"]["retries"] == 0


# --- What cannot be judged, and what can ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fronts", "options", "reason"),
    [
        (["--throttle-after", "20"], ["--max-retries", "2"], "kept answering 429 to"),
        (["--throttle-after", "20", "--throttle-status", "503"], ["--max-wait", "3"], "past the --max-wait of 3 s"),
    ],
    ids=["429-past-max-retries", "503-past-max-wait"],
)
def test_a_target_that_keeps_saying_later_could_not_be_judged(
    fronts: list[str], options: list[str], reason: str, tmp_path: Path
) -> None:
    with gateway.running(TOKEN, *fronts) as server:
        result = judge(server.url, tmp_path, *QUICK, *options)
    assert result.exit_code == 2, result.output[-3000:]
    assert result.summary["verdict"] == "error"
    assert reason in result.summary["reason"]
    assert result.failed() == set()
    assert "Traceback" not in result.output


def test_a_gateway_that_refuses_the_suite_is_one_line_naming_it(tmp_path: Path) -> None:
    with gateway.running(TOKEN, "--key-header", KEY_HEADER) as server:
        result = judge(server.url, tmp_path)
    line = one_line(result)
    assert "answered 403 without the token and 403 with it" in line
    assert "--header 'Name: value'" in line
    assert "answered by server: test-gateway/1.0" in line
    assert not result.report_dir.exists()


def test_an_api_that_needs_the_token_to_read_is_judged(tmp_path: Path) -> None:
    port = free_port()
    command = [sys.executable, "-m", "target_app", "--port", str(port), "--token", TOKEN, "--fault", "auth-on-reads"]
    with serve(command, port, items=False) as server:
        result = judge(server.url, tmp_path, *QUICK)
    assert result.exit_code == 1, result.output[-3000:]
    assert "AUTH-READ-OPEN" in result.failed()


def test_a_list_of_the_wrong_shape_is_judged_and_the_header_stays_secret(tmp_path: Path) -> None:
    """The header comes from the environment here; the curl lines name a variable in its place."""
    with gateway.running(TOKEN, "--bare-list", "--key-header", KEY_HEADER) as server:
        result = judge(server.url, tmp_path, *QUICK, env={"CONFORMANCE_HEADERS": KEY_HEADER})
    assert result.exit_code == 1, result.output[-3000:]
    assert result.summary["verdict"] == "non-conformant"
    assert "LIST-200" in result.failed()
    assert_secrets_kept(result)
    curl_lines = [
        violation["exchange"]["curl"]
        for entry in result.summary["requirements"]
        for failure in entry["failures"]
        for violation in failure["violations"]
        if violation.get("exchange")
    ]
    assert curl_lines
    # httpx sends header names in lower case, and curl lines show what was sent.
    assert all('-H "x-gateway-key: ${CONFORMANCE_HEADER_X_GATEWAY_KEY}"' in line for line in curl_lines)


# --- A server with data and settings of its own ---------------------------------------------------------


def whole_list(url: str) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = []
    with httpx.Client(base_url=url) as client:
        while page := client.get("/items", params={"limit": 100, "offset": len(listed)}).json()["items"]:
            listed += page
    return listed


@pytest.mark.parametrize("new_ids", ["highest", "any-unused"])
def test_a_server_full_of_other_data_is_judged_and_left_as_it_was(new_ids: str, tmp_path: Path) -> None:
    """Staging holds other clients' items (5000, with gaps where some were deleted), and a server may give a
    new item any id it never used, not the highest: the verdict is the same, and every other item is still
    there, unchanged (the list read whole before and after the run)."""
    options = ["--other-items", "5000", *(["--any-unused-ids"] if new_ids == "any-unused" else [])]
    with gateway.running(TOKEN, *options) as server:
        before = whole_list(server.url)
        result = judge(server.url, tmp_path)
        after = whole_list(server.url)
    assert_fully_conformant(result)
    assert len(before) > 4000
    assert after == before
    assert result.summary["leftovers"] == []


def test_a_one_character_token_is_judged_and_the_reports_stay_readable(tmp_path: Path) -> None:
    """A token too short to mask is not masked (every "T" of the reports would be), and its form cut short,
    the empty token, is sent as HTTP allows it: "Bearer" without the trailing space."""
    with gateway.running("T") as server:
        result = run_conformance("--base-url", server.url, "--token", "T", "--", "-k", "auth", workdir=tmp_path)
    assert result.exit_code == 0, result.output[-3000:]
    assert result.summary["counts"]["tests"]["error"] == 0
    assert "***" not in result.everything_written()
    assert "Authentication" in result.output


def test_the_manifest_of_an_unthrottled_run_says_so(reference_run: RunResult) -> None:
    throttling = reference_run.summary["manifest"]["throttling"]
    assert throttling == {"rate_limit": None, "max_retries": 5, "max_wait_s": 300.0, "retries": 0, "waited_s": 0.0}
    assert reference_run.summary["manifest"]["headers"] == []


def test_curl_lines_reach_the_target_with_the_runs_tls(certificates: Certificates) -> None:
    settings = build_settings(
        {
            "base_url": "https://gw.example/api",
            "token": TOKEN,
            "ca_cert": str(certificates.ca),
            "client_cert": str(certificates.client),
        }
    )
    assert curl_options(settings.target) == ["--cacert", str(certificates.ca), "--cert", str(certificates.client)]
