"""The marketers' console under /console: one router made of one module per area."""

from fastapi import APIRouter

from bot.console import funnel_routes, leads_routes, login_routes, try_routes

router = APIRouter()
for area in (login_routes, leads_routes, funnel_routes, try_routes):
    router.include_router(area.router)
