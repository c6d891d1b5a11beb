"""Keeps the bearer token out of everything the suite prints or writes."""

from __future__ import annotations

MASK = "***"
TOKEN_ENV = "CONFORMANCE_TOKEN"
SHELL_TOKEN = "${" + TOKEN_ENV + "}"
"""What a reproduction command shows instead of the token: the reader's shell fills it in."""


class Redactor:
    """Replaces every known secret with a mask, wherever it appears (headers, bodies echoed back, messages).

    Only real secrets are masked: the deliberately wrong credentials the auth tests send stay
    visible, because they are the evidence.
    """

    def __init__(self, secrets: list[str] | None = None) -> None:
        # Longest first, so a secret that contains another is masked whole.
        self._secrets = sorted({secret for secret in secrets or [] if secret}, key=len, reverse=True)

    def text(self, value: str, mask: str = MASK) -> str:
        for secret in self._secrets:
            value = value.replace(secret, mask)
        return value
