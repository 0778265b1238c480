"""How a Rasa server finds the messages another process recorded: the ingress process
records SMS and Telegram messages (the worker follow-ups, the API a rep's messages), the
Rasa server runs their turns.

The pipeline's sweep finds every due conversation, retries and expired leases included,
but it reads every unfinished row (thousands during a storm), so it runs every few
seconds. In between, `NewRows` asks only for the rows recorded since its last look: a
range of the primary key (`bot.crm.inbox.recorded_after`), as cheap with a backlog of
thousands as with none, so it can ask whenever there is news. The recording process's
wake-up (`channels.wakeup`) says when there is, as soon as its transaction commits, and
the pipeline looks every second anyway, for a wake-up that was lost. The look, not the
wake-up, is what finds the rows, so this works on every database, with or without Redis,
and nothing can be missed for good: the sweep still finds whatever a look did not.

On PostgreSQL a row can become visible after one with a higher id (the ingress records on
several threads, and each commits on its own), so a look starts from the highest id seen
more than `overlap_s` ago rather than the highest seen, and hands each row out once. A
row that takes longer than that to commit is left to the sweep.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy.orm import Session

from bot.crm.inbox import last_inbound_id, recorded_after

OVERLAP_S = 1.0


class NewRows:
    """The conversations of one channel with rows recorded since the last look."""

    def __init__(
        self,
        channel: str,
        *,
        overlap_s: float = OVERLAP_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.channel = channel
        self.overlap_s = overlap_s
        self._clock = clock
        self._floor: int | None = None  # every row up to this id was handed out (or left)
        self._seen: dict[int, float] = {}  # rows above the floor handed out, and when

    def look(self, session: Session) -> list[str]:
        """Conversations with rows not handed out before, in order of their first such row.

        The first look hands out nothing: rows recorded before it are the sweep's."""
        if self._floor is None:
            self._floor = last_inbound_id(session)
            return []
        now = self._clock()
        fresh: dict[str, None] = {}
        for row_id, conversation_id in recorded_after(
            session, channel=self.channel, after_id=self._floor
        ):
            if row_id not in self._seen:
                self._seen[row_id] = now
                fresh[conversation_id] = None
        settled = [row_id for row_id, seen in self._seen.items() if now - seen >= self.overlap_s]
        if settled:
            self._floor = max(self._floor, *settled)
            self._seen = {row_id: t for row_id, t in self._seen.items() if row_id > self._floor}
        return list(fresh)
