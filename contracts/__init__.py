"""The published contract: the OpenAPI document and the requirement catalog, as package data."""

from pathlib import Path

HERE = Path(__file__).resolve().parent
OPENAPI = HERE / "openapi.json"
REQUIREMENTS = HERE / "requirements.toml"
REPORT_SCHEMA = HERE / "conformance-report.schema.json"
