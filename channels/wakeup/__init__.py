"""The wake-up a process sends once it has recorded inbox rows that a Rasa server runs, so
that the Rasa server looks for them at once rather than at its next look.

    writer:  wakeup.on_commit(session, "sms")       # in the transaction that records the row
    reader:  async with wakeup.listening("sms") as woken:
                 while True:
                     woken.clear()                   # from here on, a wake-up means: look again
                     ... look (`channels.pickup`) ...
                     await woken.wait(fallback_s)

The signal goes out only once the writer's transaction commits (nothing if it rolls back),
so a woken Rasa server finds the row. It names the inbox channel, so only that channel's
pipeline looks. It is a hint, not a delivery: a signal lost (Redis down, a Rasa server
restarting, a full socket buffer) costs a wait for the reader's next look, never a
message, because the look at the inbox is what finds the rows. A reader clears its alarm
before each look, so a signal that arrives while a look runs calls for another one.

Which signal a deployment uses (`wakeup_from_settings`, once per process):

- Redis pub/sub when REDIS_URL is set: the channel `parley:inbox`, the inbox channel's
  name as the message, published after the commit.
- PostgreSQL's LISTEN/NOTIFY when the CRM database is PostgreSQL: the NOTIFY is part of the
  writer's transaction, and PostgreSQL delivers it at commit.
- Otherwise (SQLite, every process on one host): a Unix datagram socket per Rasa server in
  `<var>/inbox-wakeup/`, the channel's name as the datagram, sent after the commit to each
  socket there; with none there, nobody is listening and nothing is sent.

The other way round, a Rasa server that kept a turn's replies with its row for a request
waiting in another process (the web chat's, in the ingress) wakes `REPLIED` once that
commits (`channels.webchat.answers`).

A writer whose signal fails carries on (its row is recorded) and says so at most once a
minute. A process that records a message and runs its turn itself (the web chat, the REST
channel) sends nothing: it schedules the turn at once.
"""

from __future__ import annotations

from sqlalchemy.engine import make_url

from bot.settings import Settings
from channels.wakeup.postgres_notify import POSTGRES_CHANNEL, PostgresWakeup
from channels.wakeup.redis_pubsub import REDIS_CHANNEL, RedisWakeup
from channels.wakeup.signal import Alarm, NoWakeup, SentAfterCommit, Wakeup
from channels.wakeup.unix_socket import SOCKET_DIR, SocketWakeup

# The wake-up for the readers of turns' replies kept with their rows.
REPLIED = "replied"

__all__ = [
    "POSTGRES_CHANNEL",
    "REDIS_CHANNEL",
    "REPLIED",
    "SOCKET_DIR",
    "Alarm",
    "NoWakeup",
    "PostgresWakeup",
    "RedisWakeup",
    "SentAfterCommit",
    "SocketWakeup",
    "Wakeup",
    "wakeup_from_settings",
]


def wakeup_from_settings(settings: Settings) -> Wakeup:
    """The deployment's wake-up: Redis if it has one, else PostgreSQL's if the CRM is
    there, else a socket under the var dir."""
    if settings.redis_url:
        return RedisWakeup(settings.redis_url)
    database_url = settings.crm_database_url
    if make_url(database_url).get_backend_name() == "postgresql":
        return PostgresWakeup(database_url)
    return SocketWakeup(settings.var_dir / SOCKET_DIR)
