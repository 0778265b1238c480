"""The first admin token, so an embedded install's API is usable without a setup step.

With the embedded default (no DATABASE_URL) and no API token at all yet, the API's start
creates an `admin` token and writes it to `var/admin_token`, readable only by its owner.
The log says where the token is, never the token. With DATABASE_URL set (a deployment,
maybe several API replicas) nothing is created: `parley token create` makes the first one.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from bot.crm.database import session_scope
from bot.crm.tables import ApiToken
from bot.crm.tokens import count_tokens, create_token
from bot.settings import Settings

logger = logging.getLogger(__name__)

ADMIN_TOKEN_FILE = "admin_token"
ADMIN_TOKEN_NAME = "admin"


def write_private(path: Path, text: str) -> None:
    """Write `text` to `path` with mode 600, replacing it whole (never half-written)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(text + "\n")
    os.chmod(draft, 0o600)  # whatever the umask did
    os.replace(draft, path)


def ensure_admin_token(settings: Settings, engine: Engine) -> Path | None:
    """Create the first admin token if none exists (embedded default only).

    Returns the file the new token was written to, or None when nothing was created.
    """
    if not inspect(engine).has_table(ApiToken.__tablename__):
        logger.warning("The CRM schema is not up to date: run `parley migrate`.")
        return None
    path = settings.var_dir / ADMIN_TOKEN_FILE
    try:
        with session_scope(engine) as session:
            if count_tokens(session):
                return None
            if settings.database_url is not None:
                logger.warning(
                    "No API token exists: create one with "
                    "`parley token create --name NAME --role admin`."
                )
                return None
            _, raw = create_token(session, name=ADMIN_TOKEN_NAME, role="admin")
            # Written before the commit: if writing fails, no token exists that nobody has.
            write_private(path, raw)
    except IntegrityError:
        # Another API process starting at the same moment created it first.
        logger.info("Another process created the first API token.")
        return None
    except OperationalError:
        # The API can still serve its pages; the token commands remain to fix this.
        logger.exception("Could not create the first API token.")
        return None
    logger.warning("Created the first API token (role admin); it is in %s", path)
    return path
