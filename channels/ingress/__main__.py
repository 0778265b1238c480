"""`python -m channels.ingress`: serve the web chat and the SMS and Telegram webhooks until
SIGTERM or Ctrl-C."""

from __future__ import annotations

import logging
import sys

from bot.process_start import prepare_process
from bot.settings import get_settings
from channels.enabled import ingress_webhooks
from channels.ingress.app import create_app

logger = logging.getLogger("channels.ingress")

# Connections waiting to be accepted. Sanic's default of 100 overflows when a storm opens
# connections faster than they are accepted, and the kernel then drops the new ones,
# which retry after 1, 3, 7 … seconds: measured at 200 webhooks a second, p50 2 s
# against 5 ms with this (the kernel caps it at net.core.somaxconn).
LISTEN_BACKLOG = 1024


def main() -> int:
    settings = get_settings()
    prepare_process()
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    paths = sorted(ingress_webhooks(settings).values())
    logger.info(
        "Ingress on %s:%s serving the web chat and %s",
        settings.host,
        settings.ingress_port,
        ", ".join(paths) or "no webhook (no channel has its secrets)",
    )
    app = create_app(settings)
    # No access log: a storm's thousands of lines would cost more than the requests
    # (errors are still logged).
    app.run(
        host=settings.host,
        port=settings.ingress_port,
        access_log=False,
        motd=False,
        backlog=LISTEN_BACKLOG,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
