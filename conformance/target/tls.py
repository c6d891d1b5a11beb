"""How the run verifies the target's certificate and proves its own (mutual TLS)."""

from __future__ import annotations

import ssl

import httpx


def ssl_context(
    ca_cert: str | None, client_cert: str | None, client_key: str | None, insecure: bool
) -> ssl.SSLContext | bool:
    """What httpx takes as `verify`. ValueError, naming the option, when a file cannot be used.

    --ca-cert replaces the default trust store (as curl's --cacert does); without it httpx's default
    applies (certifi, or $SSL_CERT_FILE / $SSL_CERT_DIR).
    """
    if insecure and client_cert is None:
        return False
    try:
        context = ssl.create_default_context(cafile=ca_cert) if ca_cert else httpx.create_ssl_context()
    except (OSError, ssl.SSLError) as error:
        raise ValueError(f"--ca-cert {ca_cert!r} is not a readable PEM bundle: {error}") from None
    if insecure:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    if client_cert is not None:
        try:
            # An empty password: an encrypted key fails here instead of prompting on the terminal.
            context.load_cert_chain(client_cert, client_key, password=lambda: b"")
        except (OSError, ssl.SSLError) as error:
            which = "--client-cert/--client-key" if client_key else "--client-cert"
            raise ValueError(f"{which} cannot be loaded (a PEM certificate and its unencrypted key): {error}") from None
    return context
