"""The inbox wake-up through a Unix datagram socket per Rasa server (the embedded default:
SQLite, every process on one host)."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import threading
from collections.abc import Collection
from contextlib import suppress
from pathlib import Path

from channels.wakeup.signal import Complaint, SentAfterCommit, as_text

logger = logging.getLogger(__name__)
SOCKET_DIR = "inbox-wakeup"
SOCKET_SUFFIX = ".sock"


class SocketWakeup(SentAfterCommit):
    """A Unix datagram socket per Rasa server in `directory`; a writer sends the channel's
    name to each socket there after the commit."""

    def __init__(self, directory: Path) -> None:
        super().__init__()
        self.directory = directory
        self._sender: socket.socket | None = None
        self._guard = threading.Lock()
        self._complain = Complaint("The inbox wake-up through a socket")

    def send(self, channels: Collection[str]) -> None:
        try:
            names = [n for n in os.listdir(self.directory) if n.endswith(SOCKET_SUFFIX)]
        except FileNotFoundError:
            return  # no Rasa server ever listened here
        except OSError as error:
            self._complain(error)
            return
        sender = self._socket()
        for name in names:
            for channel in channels:
                try:
                    sender.sendto(channel.encode(), str(self.directory / name))
                except (FileNotFoundError, ConnectionRefusedError):
                    break  # gone, or left behind by a Rasa server that stopped
                except BlockingIOError:
                    break  # its queue is full: it has wake-ups to read already
                except OSError as error:
                    self._complain(error)

    def _socket(self) -> socket.socket:
        with self._guard:
            if self._sender is None:
                sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                sender.setblocking(False)  # a writer never waits for a reader
                self._sender = sender
            return self._sender

    def close(self) -> None:
        with self._guard:
            if self._sender is not None:
                self._sender.close()
                self._sender = None

    async def _receive(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            receiver = self._bind()
        except OSError as error:
            logger.warning(
                "No inbox wake-ups at %s (%s): this process looks for new messages on its own",
                self.directory,
                error,
            )
            await asyncio.Future()
        path = receiver.getsockname()
        try:
            self._wake_all()  # a row recorded before the socket was there woke nobody
            while True:
                self._wake(as_text(await loop.sock_recv(receiver, 256)))
        finally:
            receiver.close()
            with suppress(FileNotFoundError):
                os.unlink(path)

    def _bind(self) -> socket.socket:
        self.directory.mkdir(parents=True, exist_ok=True)
        _remove_stale(self.directory)
        path = self.directory / f"{os.getpid()}-{secrets.token_hex(4)}{SOCKET_SUFFIX}"
        receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            receiver.bind(str(path))
        except OSError:
            receiver.close()
            raise
        receiver.setblocking(False)
        return receiver


def _remove_stale(directory: Path) -> None:
    """Removes the sockets of Rasa servers that stopped without removing theirs (killed):
    nothing is bound to them any more. A live one gets an empty datagram, ignored."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as probe:
        probe.setblocking(False)
        for path in directory.glob(f"*{SOCKET_SUFFIX}"):
            try:
                probe.sendto(b"", str(path))
            except ConnectionRefusedError:
                with suppress(FileNotFoundError):
                    path.unlink()
            except OSError:
                pass
