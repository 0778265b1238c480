"""`python -m bot.rasa_process run …`: Rasa's own command line, with the fixes in
`bot.rasa_speedups` applied first, the custom actions run in this process unless
PARLEY_ACTIONS=server (`bot.in_process_actions`), a failed custom action failing its turn
(`bot.action_failures`), its logs masked and its files private (`bot.process_start`). The
stack starts the Rasa server this way, and `make stories` tests the model this way
(`… test core`). With `--enable-api`, the API token is the settings'
(`bot.rasa_server.rasa_api_token`), added here so that it is never on a command line where
`ps` would show it."""

from __future__ import annotations

import sys

import bot.rasa_speedups  # first: it keeps JAX out only if imported before TensorFlow
from bot import action_failures
from bot.process_start import prepare_process


def main() -> None:
    bot.rasa_speedups.install()
    action_failures.install()
    prepare_process()
    from bot.settings import get_settings

    if sys.argv[1:2] == ["run"] and get_settings().actions == "in-process":
        from bot import in_process_actions
        from bot.rasa_speedups import registry

        registry.install([in_process_actions.PATCH])
    if "--enable-api" in sys.argv and "--auth-token" not in sys.argv:
        from bot.rasa_server import rasa_api_token

        sys.argv += ["--auth-token", rasa_api_token(get_settings())]
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
