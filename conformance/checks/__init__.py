"""Judging responses: the `verify_…` helpers, violations, item helpers, and the Schemathesis adapter with its
leeway. Never imports the verdict or the reports."""
