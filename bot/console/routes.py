"""The marketers' console under /console: one router made of one module per area."""

from fastapi import APIRouter

from bot.console import (
    conversations_routes,
    data_routes,
    deliveries_routes,
    experiments_routes,
    followups_routes,
    funnel_routes,
    leads_routes,
    login_routes,
    responses_routes,
    scoring_routes,
    training_routes,
    try_routes,
    workflows_routes,
)

router = APIRouter()
for area in (
    login_routes,
    leads_routes,
    funnel_routes,
    followups_routes,
    try_routes,
    experiments_routes,
    deliveries_routes,
    data_routes,
    responses_routes,
    conversations_routes,
    scoring_routes,
    workflows_routes,
    training_routes,
):
    router.include_router(area.router)
