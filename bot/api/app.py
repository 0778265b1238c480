"""The API process: health, the CRM API under /api (OpenAPI at /docs), the web chat widget's
files and the demo page at `/` (see `bot.api.webchat_assets`), the privacy notice, and the
marketers' console under `/console` (see `bot.console`).

Built by `create_app()` (uvicorn's `--factory`), so importing the module connects to nothing;
the first admin token is made at start-up (see `bot.api.admin_token`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from html import escape

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from bot import bootstrap
from bot.api.admin_token import ensure_admin_token
from bot.api.body_limit import BodySizeLimit
from bot.api.confirmation import router as confirmation_router
from bot.api.content_redirect import router as content_redirect_router
from bot.api.errors import install_error_handlers
from bot.api.form_limit import FormFieldLimit
from bot.api.html_page import page
from bot.api.routes import api_router
from bot.api.unsubscribe import router as unsubscribe_router
from bot.api.webchat_assets import webchat_router
from bot.console.routes import install as install_console
from bot.process_start import prepare_process
from bot.settings import Settings, get_settings


def privacy(settings: Settings) -> HTMLResponse:
    brand = escape(settings.brand_name)
    version = escape(settings.privacy_notice_version)
    return page(
        f"{settings.brand_name} privacy notice",
        f"""<h1>{brand} privacy notice</h1>
<p><strong>Version {version}</strong></p>
<p>When you chat with the {brand} assistant we keep your messages and the answers you
give (name, work e-mail, company, role, company size, needs, budget, timeline and,
if you give it, your phone number) to answer your enquiry and follow up on it.</p>
<p>We send marketing e-mails or text messages only if you say yes to each of them in the
conversation; we record that answer, the wording you saw and this notice's version.
Say "unsubscribe" or "stop" in the chat, or reply STOP to a text, to opt out at any time.
Say "delete my data" to have your personal data erased.</p>
<p>The chat keeps two things in your browser only: the id of your conversation, so it
survives a reload or a later visit, and how many times this browser has visited, so the
chat can greet a returning visitor. It sends the page you are on, the site you came from
and the campaign in the link with its first request, to choose its greeting, and keeps
them with your conversation. It never recognises you on another browser or device.
Clearing this site's data in your browser removes both.</p>
<p>When you come back to the same conversation (in the same browser, from the same phone
number by text, or in the same Telegram chat), the assistant picks up its questions where
you left them and checks the answers you gave before ("Still at your company?") instead
of asking them again. It never carries your answers from one browser, number or chat to
another.</p>""",
    )


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    ensure_admin_token(get_settings(), bootstrap.crm_engine())
    yield


def create_app() -> FastAPI:
    prepare_process()
    settings = get_settings()
    app = FastAPI(title=f"{settings.brand_name} API", version="0.1.0", lifespan=lifespan)
    install_error_handlers(app)
    app.add_middleware(FormFieldLimit)  # inside the size limit: it reads the body whole
    app.add_middleware(BodySizeLimit)
    app.include_router(api_router())
    app.include_router(webchat_router(settings))
    install_console(app)
    app.include_router(confirmation_router)
    app.include_router(unsubscribe_router)
    app.include_router(content_redirect_router)

    @app.get("/api/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/privacy", response_class=HTMLResponse, include_in_schema=False)
    def privacy_notice() -> HTMLResponse:
        return privacy(settings)

    return app
