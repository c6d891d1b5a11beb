"""The Jinja2 environments every rendered output shares: HTML (autoescaped) and Markdown."""

from __future__ import annotations

import re

from jinja2 import Environment, PackageLoader, select_autoescape

BODY_SHOWN = 1024
"""Characters of a body (or a curl line) shown in HTML (the JSON keeps up to the client's limit)."""
MARKDOWN_CELL = 300
"""Characters of free text (evidence, statements) kept in one Markdown table cell."""

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")


def _clip(text: str) -> str:
    return text if len(text) <= BODY_SHOWN else f"{text[:BODY_SHOWN]}…"


def _markdown_text(value: object, limit: int = MARKDOWN_CELL) -> str:
    """Free text made safe for one line of Markdown (a table cell, a list item): nothing it holds can
    open a link, a tag, a code span or a new cell, and it stays on one line."""
    text = " ".join(str(value).split())
    if len(text) > limit:
        text = f"{text[: limit - 1]}…"
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


html_templates = Environment(
    loader=PackageLoader("conformance", "templates"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
html_templates.filters["clip"] = _clip
markdown_templates = Environment(
    loader=PackageLoader("conformance", "templates"),
    autoescape=False,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
markdown_templates.filters["md"] = _markdown_text
