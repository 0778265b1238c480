"""The key that turns identifiers into suppression-list hashes.

Set PARLEY_SECRET_KEY in production (every process must share it). With the embedded
default, the first use generates one and keeps it in `var/secret_key`, readable only by
its owner, so the hashes stay stable across restarts.
"""

from __future__ import annotations

import os
import secrets

from bot.settings import Settings

KEY_FILE = "secret_key"


def secret_key(settings: Settings) -> bytes:
    if settings.secret_key:
        return settings.secret_key.encode()
    path = settings.var_dir / KEY_FILE
    if not path.exists():
        settings.var_dir.mkdir(parents=True, exist_ok=True)
        # Written aside, then linked into place: a process starting at the same moment
        # either wins the link or reads the winner's complete key, never a partial one.
        draft = path.with_name(f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip().encode()
