"""Text shortened for a one-line place (a test list, a failure's headline)."""

from __future__ import annotations


def first_line(text: str, limit: int = 300) -> str:
    """The first line that is not blank, stripped, cut with an ellipsis past `limit` characters."""
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return line if len(line) <= limit else f"{line[: limit - 1]}…"
