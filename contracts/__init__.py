"""The published contract: the OpenAPI document, the requirement catalog and the contract document for
readers (generated from both by `conformance contract`), as package data."""

from pathlib import Path

HERE = Path(__file__).resolve().parent
OPENAPI = HERE / "openapi.json"
REQUIREMENTS = HERE / "requirements.toml"
REPORT_SCHEMA = HERE / "conformance-report.schema.json"
CONTRACT_MD = HERE / "contract.md"
CONTRACT_HTML = HERE / "contract.html"
FREEDOMS = HERE / "freedoms.toml"
