"""Reference implementation of the Items API contract (see contracts/)."""

from target_app.app import create_app

__all__ = ["create_app"]
