"""The CRM API's routers, one small module per resource, all mounted under /api."""

from __future__ import annotations

from fastapi import APIRouter

from bot.api.errors import ERROR_RESPONSES
from bot.api.routes import (
    consents,
    contacts,
    leads,
    outbox,
    outcomes,
    segments,
    subjects,
    suppression,
    tokens,
)


def api_router() -> APIRouter:
    router = APIRouter(prefix="/api", responses=ERROR_RESPONSES)
    for module in (
        leads,
        contacts,
        consents,
        segments,
        suppression,
        outbox,
        outcomes,
        subjects,
        tokens,
    ):
        router.include_router(module.router)
    return router
