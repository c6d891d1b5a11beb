"""`python -m target_app`: serve the reference app, or export its contract document.

python -m target_app --host 127.0.0.1 --port 8000 [--token T ...] [--dev-token]
python -m target_app export-contract [--output PATH] [--check]
"""

from __future__ import annotations

import argparse
import secrets
import sys
from pathlib import Path

import contracts
from target_app.auth import TOKENS_ENV, tokens_from_env


def new_dev_token() -> str:
    return f"dev-{secrets.token_urlsafe(18)}"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m target_app", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default: %(default)s)")
    parser.add_argument("--port", type=int, default=8000, help="TCP port (default: %(default)s)")
    parser.add_argument(
        "--token", action="append", default=[], help=f"an accepted bearer token (repeatable; default: ${TOKENS_ENV})"
    )
    parser.add_argument("--dev-token", action="store_true", help="generate a random token for this run and print it")
    parser.add_argument(
        "--fault", action="append", default=[], help="switch on a deliberate bug from target_app/faults/ (repeatable)"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    export = commands.add_parser("export-contract", help="write the OpenAPI document the app serves")
    export.add_argument("--output", type=Path, default=contracts.OPENAPI, help="default: %(default)s")
    export.add_argument("--check", action="store_true", help="only compare; exit 1 when the file differs")
    return parser


def export_contract(output: Path, check: bool) -> int:
    from target_app.app import create_app
    from target_app.openapi import render_contract

    document = render_contract(create_app(tokens=()))
    if check:
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current != document:
            print(f"{output} is out of date: run `python -m target_app export-contract`", file=sys.stderr)
            return 1
        print(f"{output} is up to date")
        return 0
    output.write_text(document, encoding="utf-8")
    print(f"wrote {output}")
    return 0


def serve(host: str, port: int, tokens: list[str], dev_token: bool, faults: list[str]) -> int:
    import uvicorn

    from target_app.app import create_app

    accepted = set(tokens) or set(tokens_from_env())
    if dev_token:
        token = new_dev_token()
        accepted.add(token)
        print(f"development bearer token for this run: {token}", flush=True)
    if not accepted:
        print(
            f"no bearer token configured (--token, --dev-token or ${TOKENS_ENV}): every write will get 401", flush=True
        )
    try:
        app = create_app(tokens=accepted, faults=faults)
    except ValueError as error:
        print(f"target_app: {error}", file=sys.stderr)
        return 2
    if faults:
        print(f"FAULTS SWITCHED ON: {', '.join(faults)} (this server is deliberately wrong)", flush=True)
    print(f"Items API reference app on http://{host}:{port} (contract at /schema/openapi.json)", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "export-contract":
        return export_contract(args.output, args.check)
    return serve(args.host, args.port, args.token, args.dev_token, args.fault)


if __name__ == "__main__":
    sys.exit(main())
