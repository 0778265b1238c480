"""`parley`: the command-line entry point (what `make run`, `make test` and the images call)."""

from __future__ import annotations

import argparse
import os
import sys

from bot.api.token_commands import add_token_parser, run_token_command
from bot.crm import upgrade_to_head
from bot.model_archive import current_model_path, ensure_model
from bot.rasa_server import rasa_api_token
from bot.settings import get_settings
from bot.stack import child_environment, run_stack, services
from channels.telegram import commands as telegram_commands

SERVICE_NAMES = ("rasa", "actions", "api", "worker", "ingress")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="parley", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("train", help="train the model if the data, domain or config changed")
    commands.add_parser("run", help="train if needed, then run Rasa, actions and the API")
    serve = commands.add_parser("serve", help="run one process in the foreground (containers)")
    serve.add_argument("service", choices=SERVICE_NAMES)
    commands.add_parser("model", help="print the path of the current model archive")
    commands.add_parser("migrate", help="bring the CRM database schema up to date")
    commands.add_parser(
        "rasa-token", help="print Rasa's API token (for its HTTP API and the REST channel)"
    )
    add_token_parser(commands)
    telegram_commands.register(commands)
    args = parser.parse_args(argv)

    settings = get_settings()
    if args.command == "model":
        print(current_model_path(settings.models_dir))
        return 0
    if args.command == "migrate":
        upgrade_to_head(settings.crm_database_url)
        return 0
    if args.command == "rasa-token":
        print(rasa_api_token(settings))
        return 0
    if args.command == "token":
        return run_token_command(args, settings)
    if args.command == "telegram":
        return telegram_commands.run(args, settings)
    model = ensure_model(settings.models_dir)
    if args.command == "run":
        return run_stack(settings, model)
    if args.command == "serve":
        [service] = [s for s in services(settings, model) if s.name == args.service]
        os.execve(service.command[0], service.command, child_environment(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
