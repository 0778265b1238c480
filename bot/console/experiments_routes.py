"""The A/B tests page: per response with variants, how each variant converts.

The experiments are read from the domain files, so a variant added in the editor shows up
here at once (with no exposures until the bot is retrained). Exposures come from the
CRM's exposure table, conversions from the funnel's lead outcomes, both in the CRM
database. The page shows counts, rates and bot texts only, never a conversation id or
anything else about a person, so it needs no audit entry.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from bot.api.deps import SessionDep
from bot.console.access import Marketer
from bot.console.pages import page
from bot.crm.exposures import exposed_conversations
from bot.crm.funnel import conversions
from bot.editor.responses import Response as DomainResponse
from bot.editor.responses import responses
from bot.experiments import CONTROL
from bot.experiments.results import (
    METRIC_LABELS,
    Experiment,
    ExperimentResult,
    Variant,
    experiment_arms,
    experiment_results,
    p_text,
    percent,
)
from bot.settings import PROJECT_ROOT

router = APIRouter(prefix="/console", include_in_schema=False)


def domain_experiments() -> list[Experiment]:
    """The responses in the domain files that name variants, in file order."""
    return [
        experiment
        for response in responses(PROJECT_ROOT)
        if (experiment := _experiment(response)) is not None
    ]


def _experiment(response: DomainResponse) -> Experiment | None:
    arms = experiment_arms((v.variant for v in response.variations), control=CONTROL)
    if not arms:
        return None
    texts = {arm: tuple(v.text for v in response.variations if v.variant == arm) for arm in arms}
    return Experiment(response.name, tuple(Variant(arm, texts[arm]) for arm in arms))


def results(session: Session, experiments: list[Experiment]) -> list[ExperimentResult]:
    """The experiments' results, then those of experiments no longer in the domain."""
    exposed = exposed_conversations(session)
    known = {experiment.name for experiment in experiments}
    ended = [
        Experiment(
            name, tuple(Variant(arm) for arm in experiment_arms(exposed[name], control=CONTROL))
        )
        for name in sorted(exposed)
        if name not in known
    ]
    exposed_ids = sorted({key for arms in exposed.values() for ids in arms.values() for key in ids})
    return experiment_results([*experiments, *ended], exposed, conversions(session, exposed_ids))


@router.get("/experiments")
def experiments_page(request: Request, session: SessionDep, user: Marketer) -> Response:
    experiments = domain_experiments()
    return page(
        request,
        user,
        "experiments.html",
        section="/console/experiments",
        title="A/B tests",
        results=results(session, experiments),
        in_domain={experiment.name for experiment in experiments},
        metrics=METRIC_LABELS,
        percent=percent,
        p_text=p_text,
    )
