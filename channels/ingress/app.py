"""The ingress's web app: the web chat, the SMS and Telegram webhooks this deployment
opens, and /health.

Each webhook hands the request to its channel's decision (`channels.sms.webhook`,
`channels.telegram.webhook`), records the message that decision names in the inbox (which
wakes the Rasa servers' pickup: `channels.wakeup`), and answers what it says. A failure to
record (the database is down) is a 500, so Twilio and Telegram deliver again later: a
message is acknowledged only once it is stored. The web chat (`channels.webchat.routes`)
records its messages the same way, and its request then waits for the turn's replies.

The web chat is called from pages on other origins: those PARLEY_WEBCHAT_ORIGINS names
(and the API's own, whose demo page embeds the widget) get CORS headers, through
sanic-cors, for the web chat's paths only.
"""

from __future__ import annotations

from typing import Any

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic_cors import CORS

from bot import bootstrap
from bot.settings import Settings
from channels.enabled import SMS, TELEGRAM, ingress_webhooks
from channels.inbound import Verdict
from channels.recorder import Recorder
from channels.sms.webhook import SIGNATURE_HEADER, read_sms
from channels.telegram.webhook import SECRET_HEADER, read_update
from channels.webchat.routes import PREFIX as WEBCHAT_PREFIX
from channels.webchat.routes import webchat_blueprint

APP_NAME = "parley_ingress"
# Webhook requests take milliseconds: a stop need not wait Sanic's default 15 s for them.
GRACEFUL_SHUTDOWN_TIMEOUT_S = 5.0
# Longer than a proxy's or client's idle timeout (nginx 60 s, HTTP clients 15 s or so):
# with Sanic's 5 s, a client reusing a connection the ingress was just closing got a
# broken pipe (once in 6,300 webhooks), and a webhook that is not answered is retried.
KEEP_ALIVE_TIMEOUT_S = 75
# Twilio's and Telegram's webhook bodies are a few KB, a web chat message at most 2,000
# characters; anything far larger is refused (413) before it is read (Sanic's default is
# 100 MB).
MAX_BODY_BYTES = 256 * 1024


def create_app(settings: Settings) -> Sanic:
    # Sanic's own log setup would print every line twice beside the process's.
    app = Sanic(APP_NAME, configure_logging=False)
    app.config.GRACEFUL_SHUTDOWN_TIMEOUT = GRACEFUL_SHUTDOWN_TIMEOUT_S
    app.config.KEEP_ALIVE_TIMEOUT = KEEP_ALIVE_TIMEOUT_S
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES
    webhooks = ingress_webhooks(settings)
    public_url = str(settings.public_url) if settings.public_url else None
    wakeup = bootstrap.inbox_wakeup()
    recorder = Recorder(wakeup)  # one per process: its messages are written in batches

    if SMS in webhooks:
        auth_token = str(settings.twilio_auth_token)

        async def sms(request: Request) -> HTTPResponse:
            query = f"?{request.query_string}" if request.query_string else ""
            verdict = read_sms(
                body=request.body,
                request_url=request.url,
                path_and_query=request.path + query,
                signature=request.headers.get(SIGNATURE_HEADER),
                auth_token=auth_token,
                public_url=public_url,
            )
            return await _answer(verdict, recorder)

        app.add_route(sms, webhooks[SMS], methods=["POST"], name="sms")

    if TELEGRAM in webhooks:
        secret = str(settings.telegram_webhook_secret)

        async def telegram(request: Request) -> HTTPResponse:
            given = request.headers.get(SECRET_HEADER)
            verdict = read_update(body=request.body, given_secret=given, secret=secret)
            return await _answer(verdict, recorder)

        app.add_route(telegram, webhooks[TELEGRAM], methods=["POST"], name="telegram")

    app.blueprint(webchat_blueprint(settings, recorder, wakeup))
    CORS(
        app,
        resources={f"{WEBCHAT_PREFIX}/*": {"origins": list(settings.webchat_allowed_origins)}},
        automatic_options=True,
    )

    @app.get("/health")
    async def health(_: Request) -> HTTPResponse:
        return response.json(
            {"status": "ok", "webhooks": sorted(webhooks.values()), "webchat": WEBCHAT_PREFIX}
        )

    @app.after_server_stop
    async def _close(*_: Any) -> None:
        bootstrap.crm_engine().dispose()
        wakeup.close()

    return app


async def _answer(verdict: Verdict, recorder: Recorder) -> HTTPResponse:
    if verdict.inbound is not None:
        # None for a redelivery: acknowledged all the same.
        await recorder.record(verdict.inbound)
    if isinstance(verdict.body, dict):
        return response.json(verdict.body, status=verdict.status)
    return response.text(verdict.body, status=verdict.status, content_type=verdict.content_type)
