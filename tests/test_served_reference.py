"""`python -m target_app` for real: uvicorn on a free 127.0.0.1 port, driven over HTTP, then stopped."""

from __future__ import annotations

import subprocess
import sys

import httpx

from tests.servers.running import REFERENCE_TOKEN, Server, free_port, serve


def test_a_create_read_delete_round_trip_over_a_real_socket(reference_server: Server) -> None:
    auth = {"Authorization": f"Bearer {REFERENCE_TOKEN}"}
    with httpx.Client(base_url=reference_server.url, timeout=5) as client:
        created = client.post("/items", json={"name": "socket 😀", "price": 2.5}, headers=auth)
        assert created.status_code == 201, created.text
        item = created.json()
        assert created.headers["location"] == f"/items/{item['id']}"
        assert client.get(f"/items/{item['id']}").json() == item
        assert client.delete(f"/items/{item['id']}", headers=auth).status_code == 204
        assert client.get(f"/items/{item['id']}").status_code == 404


def test_the_served_app_refuses_writes_with_an_unconfigured_token(reference_server: Server) -> None:
    response = httpx.post(
        f"{reference_server.url}/items",
        json={"name": "x", "price": 1},
        headers={"Authorization": "Bearer not-configured"},
        timeout=5,
    )
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_the_served_app_publishes_the_committed_contract(reference_server: Server) -> None:
    import contracts

    served = httpx.get(f"{reference_server.url}/schema/openapi.json", timeout=5)
    assert served.text == contracts.OPENAPI.read_text(encoding="utf-8")


def test_a_dev_token_is_made_only_on_request_and_printed() -> None:
    port = free_port()
    command = [sys.executable, "-m", "target_app", "--port", str(port), "--dev-token"]
    with serve(command, port, env={"ITEMS_API_TOKENS": ""}) as server:
        server.process.terminate()
        output, _ = server.process.communicate(timeout=10)
    token = next(line.rsplit(" ", 1)[-1] for line in output.splitlines() if "development bearer token" in line)
    assert token.startswith("dev-")
    assert len(token) > 20


def test_without_any_token_every_write_is_refused_and_the_operator_is_told() -> None:
    port = free_port()
    command = [sys.executable, "-m", "target_app", "--port", str(port)]
    with serve(command, port, env={"ITEMS_API_TOKENS": ""}) as server:
        refused = httpx.post(
            f"{server.url}/items", json={"name": "x", "price": 1}, headers={"Authorization": "Bearer"}, timeout=5
        )
        server.process.terminate()
        output, _ = server.process.communicate(timeout=10)
    assert refused.status_code == 401
    assert "no bearer token configured" in output


def test_export_contract_check_reports_drift(tmp_path: object) -> None:
    from pathlib import Path

    stale = Path(str(tmp_path)) / "openapi.json"
    stale.write_text("{}", encoding="utf-8")
    command = [sys.executable, "-m", "target_app", "export-contract", "--output", str(stale), "--check"]
    checked = subprocess.run(command, capture_output=True, text=True, check=False)
    assert checked.returncode == 1
    assert "out of date" in checked.stderr
    written = subprocess.run(command[:-1], capture_output=True, text=True, check=False)
    assert written.returncode == 0
    assert subprocess.run(command, capture_output=True, text=True, check=False).returncode == 0
