"""Conformance suite for the Items API contract: pytest plugin, target client, verdict and CLI."""

__version__ = "0.1.0"
