"""Keeps the run's secrets (the bearer token, --header values) out of everything the suite prints or writes."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

MASK = "***"
TOKEN_ENV = "CONFORMANCE_TOKEN"
SHELL_TOKEN = "${" + TOKEN_ENV + "}"
"""What a reproduction command shows instead of the token: the reader's shell fills it in."""
MIN_MASKED = 4
"""Shorter strings are not masked: a token of one to three characters is no secret, and replacing every "T" or
"ab" in the reports and curl lines would make them unreadable and the commands wrong."""


def header_variable(name: str) -> str:
    """The environment variable a reproduction command names for a --header value: X-Gateway-Key gives
    CONFORMANCE_HEADER_X_GATEWAY_KEY."""
    return "CONFORMANCE_HEADER_" + re.sub(r"[^A-Z0-9]", "_", name.upper())


class Redactor:
    """Replaces every known secret with a mask, wherever it appears (headers, bodies echoed back, messages).

    Only real secrets are masked: the deliberately wrong credentials the auth tests send stay
    visible, because they are the evidence.
    """

    def __init__(self, secrets: Iterable[str] = (), variables: Mapping[str, str] | None = None) -> None:
        """`secrets` are shown in shell commands as ${CONFORMANCE_TOKEN}; `variables` maps further secrets
        to the environment variable named in their place."""
        named = {secret: TOKEN_ENV for secret in secrets} | dict(variables or {})
        # Longest first, so a secret that contains another is masked whole.
        masked = ((s, v) for s, v in named.items() if len(s) >= MIN_MASKED)
        self._variables = dict(sorted(masked, key=lambda pair: -len(pair[0])))

    @classmethod
    def for_run(cls, token: str | None, headers: Iterable[tuple[str, str]] = ()) -> Redactor:
        """The token, --header values, and the bent forms of the token the auth tests send that give it away
        (cut short, in the other case): a shell command spells those as bash expansions of the token's variable."""
        variables = {value: header_variable(name) for name, value in headers}
        if token:
            variables[token[:-1]] = f"{TOKEN_ENV}%?"
            if token.swapcase() != token:
                variables[token.swapcase()] = f"{TOKEN_ENV}~~"
        return cls([token] if token else [], variables)

    def text(self, value: str, mask: str = MASK) -> str:
        for secret in self._variables:
            value = value.replace(secret, mask)
        return value

    def shell(self, value: str) -> str:
        """For a command to paste into a shell: each secret becomes its environment variable, ${NAME}."""
        for secret, variable in self._variables.items():
            value = value.replace(secret, "${" + variable + "}")
        return value
