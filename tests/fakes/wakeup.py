"""A wake-up that keeps what it would have sent, for tests of writers."""

from __future__ import annotations

from collections.abc import Collection

from channels.wakeup import SentAfterCommit


class Sent(SentAfterCommit):
    """Each commit's channels, sorted, in the order the commits came."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[list[str]] = []

    def send(self, channels: Collection[str]) -> None:
        self.sent.append(sorted(channels))
