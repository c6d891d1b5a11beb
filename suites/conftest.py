"""Loads the conformance plugin for `pytest suites` (and `pytest --pyargs suites`) as for `conformance run`."""

pytest_plugins = ["conformance.pytest.plugin"]
