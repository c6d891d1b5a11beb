"""The published contract: the OpenAPI document and the requirement catalog agree with CONTRACT.md and the app."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from markupsafe import escape
from openapi_spec_validator import validate

import contracts
from conformance.contract.catalog import Level, load_catalog
from conformance.contract.document import stale_documents
from target_app import create_app
from target_app.openapi import render_contract
from tests.conftest import conformance

CONTRACT_MD = Path(__file__).resolve().parents[2] / "shared" / "CONTRACT.md"
ROW = re.compile(r"^\|\s*([A-Z]+(?:-[A-Z0-9]+)+)\s*\|\s*(MUST|SHOULD)\s*\|", re.MULTILINE)
DOCUMENTED_STATUSES = {
    ("get", "/items"): {"200", "400"},
    ("post", "/items"): {"201", "400", "401", "422"},
    ("get", "/items/{item_id}"): {"200", "400", "404"},
    ("put", "/items/{item_id}"): {"200", "400", "401", "404", "422"},
    ("patch", "/items/{item_id}"): {"200", "400", "401", "404", "422"},
    ("delete", "/items/{item_id}"): {"204", "400", "401", "404"},
}
WRITES = {
    ("post", "/items"),
    ("put", "/items/{item_id}"),
    ("patch", "/items/{item_id}"),
    ("delete", "/items/{item_id}"),
}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return json.loads(contracts.OPENAPI.read_text(encoding="utf-8"))


def contract_rows() -> dict[str, str]:
    if not CONTRACT_MD.exists():
        pytest.skip(f"{CONTRACT_MD} is not beside this checkout")
    return dict(ROW.findall(CONTRACT_MD.read_text(encoding="utf-8")))


def test_the_committed_document_is_what_the_app_serves(document: dict[str, Any]) -> None:
    with TestClient(create_app(tokens=[])) as client:
        served = client.get("/schema/openapi.json")
    assert served.status_code == 200
    assert served.json() == document, "contracts/openapi.json drifted: run `python -m target_app export-contract`"
    assert contracts.OPENAPI.read_text(encoding="utf-8") == render_contract(create_app(tokens=[]))


def test_the_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_each_operation_documents_exactly_the_contract_status_codes(document: dict[str, Any]) -> None:
    found = {
        (method, path): set(operation["responses"])
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }
    assert found == DOCUMENTED_STATUSES


def test_every_documented_body_has_a_schema(document: dict[str, Any]) -> None:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                if status == "204":
                    assert "content" not in response, f"{method} {path} 204 must have no body"
                    continue
                media = response["content"]
                assert "application/json" in media, f"{method} {path} {status}"
                assert all("schema" in entry for entry in media.values()), f"{method} {path} {status}"


def test_errors_are_documented_as_objects_with_a_string_detail(document: dict[str, Any]) -> None:
    error = document["components"]["schemas"]["Error"]
    assert error["type"] == "object"
    assert error["required"] == ["detail"]
    assert error["properties"]["detail"]["type"] == "string"


def test_writes_and_only_writes_require_the_bearer_scheme(document: dict[str, Any]) -> None:
    assert document["components"]["securitySchemes"]["bearerAuth"] == {"type": "http", "scheme": "bearer"}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            secured = operation.get("security") == [{"bearerAuth": []}]
            assert secured == ((method, path) in WRITES), f"{method} {path}"


def test_the_bounds_are_exact(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    for name in ("Item", "ItemCreate", "ItemPatch"):
        members = schemas[name]["properties"]
        assert (members["name"]["minLength"], members["name"]["maxLength"]) == (1, 100), name
        assert (members["price"]["exclusiveMinimum"], members["price"]["maximum"]) == (0, 1_000_000), name
        assert {"maxLength": 1000, "type": "string"} in members["description"]["anyOf"], name
        assert {"type": "null"} in members["description"]["anyOf"], name
    assert schemas["Item"]["properties"]["id"]["minimum"] == 1
    assert set(schemas["Item"]["required"]) == {"id", "name", "price", "description"}
    assert set(schemas["ItemCreate"]["required"]) == {"name", "price"}
    assert "required" not in schemas["ItemPatch"]


def test_request_bodies_forbid_unknown_members(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    for name in ("ItemCreate", "ItemPatch", "Item"):
        assert schemas[name]["additionalProperties"] is False, name
    bodies = {
        (method, path): operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if "requestBody" in operation
    }
    assert bodies == {
        ("post", "/items"): "#/components/schemas/ItemCreate",
        ("put", "/items/{item_id}"): "#/components/schemas/ItemCreate",
        ("patch", "/items/{item_id}"): "#/components/schemas/ItemPatch",
    }


def test_create_links_to_every_item_operation_by_the_new_id(document: dict[str, Any]) -> None:
    links = document["paths"]["/items"]["post"]["responses"]["201"]["links"]
    assert {link["operationId"] for link in links.values()} == {"getItem", "replaceItem", "updateItem", "deleteItem"}
    assert all(link["parameters"] == {"item_id": "$response.body#/id"} for link in links.values())


def test_the_catalog_holds_exactly_the_contract_requirements() -> None:
    rows = contract_rows()
    catalog = load_catalog()
    assert set(catalog.ids) - set(rows) == set(), "catalog IDs that CONTRACT.md does not define"
    assert set(rows) - set(catalog.ids) == set(), "CONTRACT.md IDs missing from the catalog"
    assert len(catalog.ids) == len(set(catalog.ids)), "duplicate IDs in the catalog"


def test_the_catalog_levels_match_the_contract() -> None:
    rows = contract_rows()
    mismatched = {
        rid: (rows[rid], requirement.level.value)
        for rid in rows
        if (requirement := load_catalog()[rid]).level is not Level(rows[rid])
    }
    assert mismatched == {}


def test_every_requirement_has_a_section_and_a_statement() -> None:
    for requirement in load_catalog().requirements:
        assert requirement.statement.strip().endswith("."), requirement.id
        assert requirement.section.title, requirement.id


# --- The contract document for readers (contracts/contract.md and contract.html) --------------------------

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_published_contract_documents_are_up_to_date() -> None:
    assert stale_documents(contracts.HERE) == [], "contracts/contract.* drifted: run `conformance contract`"


def test_every_requirement_is_an_anchor_with_its_level_statement_and_assertions() -> None:
    markdown = contracts.CONTRACT_MD.read_text(encoding="utf-8")
    html = contracts.CONTRACT_HTML.read_text(encoding="utf-8")
    for requirement in load_catalog().requirements:
        rid, level = requirement.id, requirement.level.value
        assert re.search(rf'^\| <a id="{rid}"></a>`{rid}` \| {level} \| .+ \|$', markdown, re.MULTILINE), rid
        row = re.search(rf'<tr id="{rid}">(.*?)</tr>', html)
        assert row is not None, rid
        assert f"<td>{level}</td><td>{escape(requirement.statement)}" in row.group(1)
        # Its assertions, each an anchor too (the reports link a failed assertion to it), under the statement.
        for assertion in requirement.assertions:
            aid = assertion.id
            assert f'- <a id="{aid}"></a>`{aid}`: ' in markdown, aid
            assert f'<li id="{aid}"><a href="#{aid}"><code>{aid}</code></a> {escape(assertion.text)}</li>' in row.group(
                1
            )
    catalog = load_catalog()
    assert markdown.count('<a id="') == len(catalog.ids) + len(catalog.assertions) + len(catalog.sections) + 2


def test_the_document_states_what_openapi_documents(document: dict[str, Any]) -> None:
    markdown = contracts.CONTRACT_MD.read_text(encoding="utf-8")
    for path, item in document["paths"].items():
        for method, operation in item.items():
            codes = ", ".join(sorted(operation["responses"]))
            assert f"| `{method.upper()} {path}` | {codes} |" in markdown
    assert "| `price` | number | > 0, ≤ 1,000,000 | required | optional, never null |" in markdown
    assert "query parameter `limit`: integer, ≥ 1, ≤ 100, default 10" in markdown


def test_the_document_lists_what_the_contract_leaves_out() -> None:
    """Cross-check with the contract outside the repository: as many exclusions as its §8."""
    if not CONTRACT_MD.exists():
        pytest.skip(f"{CONTRACT_MD} is not beside this checkout")
    text = CONTRACT_MD.read_text(encoding="utf-8")
    exclusions = text.split("## 8.", 1)[1]
    assert len(re.findall(r"^- ", exclusions, re.MULTILINE)) == len(load_catalog().outside)
    html = contracts.CONTRACT_HTML.read_text(encoding="utf-8")
    outside = html.split('id="section-outside"', 1)[1]
    assert all(f"<li>{escape(text)}</li>" in outside for text in load_catalog().outside)


@pytest.mark.wholerun
def test_the_contract_command_writes_and_checks_the_documents(tmp_path: Path) -> None:
    code, output = conformance("contract", "--output-dir", str(tmp_path), workdir=tmp_path)
    assert code == 0, output
    for name in ("contract.md", "contract.html"):
        assert (tmp_path / name).read_text(encoding="utf-8") == (contracts.HERE / name).read_text(encoding="utf-8")
    assert conformance("contract", "--check", "--output-dir", str(tmp_path), workdir=tmp_path)[0] == 0
    (tmp_path / "contract.md").write_text("edited by hand\n", encoding="utf-8")
    code, output = conformance("contract", "--check", "--output-dir", str(tmp_path), workdir=tmp_path)
    assert code == 1
    assert output.strip() == f"conformance: {tmp_path / 'contract.md'} is out of date: run `conformance contract`"


def test_the_readme_links_the_contract_inside_the_repository() -> None:
    readme = README.read_text(encoding="utf-8")
    assert "](contracts/contract.md)" in readme
    assert "shared/" not in readme, "a user's checkout has nothing outside the repository"


@pytest.mark.wholerun
def test_an_installed_package_carries_the_contract_documents(tmp_path: Path) -> None:
    """What `pip install` gets: the wheel built from the tracked files holds the documents as package data."""
    root = Path(__file__).resolve().parents[1]
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copyfile(root / name, source / name)
    for name in ("contracts", "conformance", "suites", "target_app"):
        shutil.copytree(root / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"contracts/contract.md", "contracts/contract.html", "conformance/templates/contract.html.j2"} <= names
