"""The conformance suites, one module per contract section. Run with `conformance run` or `pytest suites`."""
