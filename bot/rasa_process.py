"""`python -m bot.rasa_process run …`: Rasa's own command line, with the fixes in
`bot.rasa_speedups` applied first. The stack starts the Rasa server this way, and
`make stories` tests the model this way (`… test core`)."""

from __future__ import annotations

from bot.rasa_speedups import install


def main() -> None:
    install()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
