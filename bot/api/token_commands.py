"""`parley token create|list|revoke`: manage the CRM API's bearer tokens from a shell.

`create` prints the token alone on stdout (so `TOKEN=$(parley token create …)` works) and
says on stderr that it will not be shown again.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import Any

from bot import bootstrap
from bot.crm.database import session_scope
from bot.crm.migrate import upgrade_to_head
from bot.crm.tables import API_ROLES
from bot.crm.tokens import TokenNameTaken, create_token, list_tokens, revoke_token
from bot.settings import Settings


def add_token_parser(commands: Any) -> None:
    """Add `token` to the `parley` subcommands (`commands` is argparse's subparsers)."""
    token = commands.add_parser("token", help="manage API tokens")
    actions = token.add_subparsers(dest="token_command", required=True)
    create = actions.add_parser("create", help="create a token and print it (only this once)")
    create.add_argument("--name", required=True)
    create.add_argument("--role", required=True, choices=API_ROLES)
    actions.add_parser("list", help="list tokens (never the tokens themselves)")
    revoke = actions.add_parser("revoke", help="revoke a token by name")
    revoke.add_argument("name")


def _when(moment: datetime | None) -> str:
    return "-" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")


def run_token_command(args: argparse.Namespace, settings: Settings) -> int:
    # Both idempotent: they make the command work on a fresh install before the first start.
    if settings.database_url is None:
        settings.var_dir.mkdir(parents=True, exist_ok=True)
    upgrade_to_head(settings.crm_database_url)
    with session_scope(bootstrap.crm_engine()) as session:
        if args.token_command == "create":
            try:
                _, raw = create_token(session, name=args.name, role=args.role)
            except (TokenNameTaken, ValueError) as error:
                print(f"parley token create: {error}", file=sys.stderr)
                return 1
            print(raw)
            print(
                "Keep this token now: it is not stored and cannot be shown again.", file=sys.stderr
            )
        elif args.token_command == "list":
            print(f"{'NAME':<24} {'ROLE':<9} {'CREATED':<21} {'LAST USED':<21} REVOKED")
            for token in list_tokens(session):
                print(
                    f"{token.name:<24} {token.role:<9} {_when(token.created_at):<21} "
                    f"{_when(token.last_used_at):<21} {_when(token.revoked_at)}"
                )
        else:
            try:
                revoke_token(session, name=args.name)
            except LookupError as error:
                print(f"parley token revoke: {error.args[0]}", file=sys.stderr)
                return 1
            print(f"revoked {args.name}")
    return 0
