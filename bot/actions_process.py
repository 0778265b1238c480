"""`python -m bot.actions_process …`: the action server (rasa_sdk's own command line), with
phone numbers and e-mail addresses masked in its logs and its files private
(bot.process_start)."""

from __future__ import annotations

from bot.process_start import prepare_process


def main() -> None:
    prepare_process()
    from rasa_sdk.__main__ import main as rasa_sdk_main

    rasa_sdk_main()


if __name__ == "__main__":
    main()
