"""The marketers' console under /console: one router made of one module per area, and
`install`, which puts it on the API app with the handlers that answer its refusals.

Every area's routes need a signed-in user and get the CSRF check on their POSTs
(`bot.console.access.checked_csrf`); only `login_routes.open_router` (the login form,
logging in, the static files) goes without. Each page names its own least role.
"""

from fastapi import APIRouter, Depends, FastAPI

from bot.console import (
    audit_routes,
    content_routes,
    conversations_routes,
    data_routes,
    deliveries_routes,
    experiments_routes,
    followups_routes,
    funnel_routes,
    inbox_routes,
    leads_routes,
    login_routes,
    recommendations_routes,
    responses_routes,
    review_routes,
    scoring_routes,
    training_routes,
    try_routes,
    workflows_routes,
)
from bot.console.access import HANDLERS, checked_csrf

router = APIRouter()
router.include_router(login_routes.open_router)
for area in (
    login_routes,
    inbox_routes,
    leads_routes,
    funnel_routes,
    followups_routes,
    review_routes,
    try_routes,
    experiments_routes,
    recommendations_routes,
    audit_routes,
    deliveries_routes,
    data_routes,
    responses_routes,
    conversations_routes,
    scoring_routes,
    workflows_routes,
    content_routes,
    training_routes,
):
    router.include_router(area.router, dependencies=[Depends(checked_csrf)])


def install(app: FastAPI) -> None:
    """Serve the console on `app`, and answer what its dependencies raise (not signed in,
    not allowed, no CSRF token, no such thing) with its own pages. The handlers are for
    the console's exceptions only, so the API's JSON errors (`bot.api.errors`) are as
    they were."""
    app.include_router(router)
    for error, handler in HANDLERS.items():
        app.add_exception_handler(error, handler)
