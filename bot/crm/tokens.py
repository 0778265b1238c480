"""API tokens: create (the raw token is returned once), verify, list and revoke.

Keyword-only functions within a caller's Session, like `bot.crm.repository`; none commits.
A token is `parley_` plus 256 random bits; the table keeps only its SHA-256, so a leaked
database or backup hands out no working credentials. A plain (unkeyed, unsalted) hash is
enough here, unlike for passwords: the token is random and long, so nobody can guess it
back from the hash. Names stay unique after revocation, so an audit entry's actor always
names one token. Roles are ordered by trust: each may do all that the ones before it may.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bot.crm.database import NO_WAIT, read_scope, session_scope, utcnow
from bot.crm.tables import API_ROLES, ApiToken

TOKEN_PREFIX = "parley_"
# Letters, digits and a little punctuation: names appear in logs and the audit log.
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}")
# `last_used_at` is a hint for spotting idle tokens, not a log: updating it at most once a
# minute spares the database a write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenNameTaken(ValueError):
    """A token (live or revoked) already has this name."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_name(name: str) -> str:
    if not NAME_PATTERN.fullmatch(name):
        raise ValueError(
            "a token name is 1-64 letters, digits, '_', '.', '@' or '-', "
            "starting with a letter or digit"
        )
    return name


def check_role(role: str) -> str:
    if role not in API_ROLES:
        raise ValueError(f"unknown role {role!r}: one of {', '.join(API_ROLES)}")
    return role


def role_allows(role: str, needed: str) -> bool:
    """Whether `role` may do what `needed` may (roles are ordered by trust)."""
    return API_ROLES.index(role) >= API_ROLES.index(needed)


def create_token(session: Session, *, name: str, role: str) -> tuple[ApiToken, str]:
    """A new token and its raw value, which is not kept anywhere: show it once.

    Raises TokenNameTaken if the name is used, ValueError for a bad name or role.
    """
    check_name(name)
    check_role(role)
    if session.execute(select(ApiToken.id).where(ApiToken.name == name)).first() is not None:
        raise TokenNameTaken(f"a token named {name!r} already exists")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(name=name, role=role, token_hash=token_hash(raw))
    session.add(token)
    session.flush()
    return token, raw


@dataclass(frozen=True)
class TokenHolder:
    """Who holds a live token: its name (the audit log's actor) and its role."""

    name: str
    role: str


def authenticate(engine: Engine, *, token: str) -> TokenHolder | None:
    """The holder of the live token with this value, or None (unknown or revoked).

    Looked up in a read-only unit of work, so an unknown token never queues for SQLite's
    write lock (a flood of bogus tokens cannot hold up the channels' writes); a live one
    then notes its use, at most once per LAST_USED_RESOLUTION and never waiting for the
    lock. Looked up by hash:
    comparing hashes in the database leaks nothing useful about the token through
    timing, since an attacker cannot choose a token with a given hash.
    """
    with read_scope(engine) as session:
        found = session.execute(
            select(ApiToken).where(ApiToken.token_hash == token_hash(token))
        ).scalar_one_or_none()
        if found is None or found.revoked_at is not None:
            return None
        holder = TokenHolder(found.name, found.role)
        used, token_id = found.last_used_at, found.id
    now = utcnow()
    if used is None or now - used >= LAST_USED_RESOLUTION:
        _note_use(engine, token_id, now)
    return holder


def _note_use(engine: Engine, token_id: int, now: datetime) -> None:
    """Notes when the token was used, unless another writer holds SQLite's write lock: the
    time is a convenience, and checking a token must never wait for the lock."""
    try:
        with session_scope(engine.execution_options(**{NO_WAIT: True})) as session:
            session.execute(
                update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now)
            )
    except (sqlite3.OperationalError, OperationalError):
        pass  # the next use notes it


def list_tokens(session: Session) -> list[ApiToken]:
    return list(
        session.execute(select(ApiToken).order_by(ApiToken.created_at, ApiToken.id)).scalars()
    )


def count_tokens(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(ApiToken)).scalar_one())


def revoke_token(session: Session, *, name: str) -> ApiToken:
    """Revoke the named token (again is a no-op); raises LookupError for an unknown name."""
    found = session.execute(select(ApiToken).where(ApiToken.name == name)).scalar_one_or_none()
    if found is None:
        raise LookupError(f"no token named {name!r}")
    if found.revoked_at is None:
        found.revoked_at = utcnow()
        session.flush()
    return found
