"""What every Parley process does first: its logs mask phone numbers and e-mail addresses
(`bot.log_privacy`), and the files it makes — SQLite databases and their journals, the
inbox, keys — are readable by its own user only."""

from __future__ import annotations

import os

from bot import log_privacy

PRIVATE_FILES = 0o077  # the umask: no access for group or others


def prepare_process() -> None:
    log_privacy.install()
    os.umask(PRIVATE_FILES)
