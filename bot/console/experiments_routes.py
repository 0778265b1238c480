"""The A/B tests page: per response with variants, how each variant converts; then the A/B
test of recommendation strategies, if ``data/content/recommending.yml`` declares one, and
those it declared before.

The message experiments are read from the domain files, so a variant added in the editor
shows up here at once (with no exposures until the bot is retrained). Exposures come from
the CRM's exposure table, conversions from the funnel's lead outcomes, both in the CRM
database. The test of strategies is read from the recommender's settings as the running
processes read them (`bot.bootstrap.content`), its offers and clicks from the content
engagements. Both kinds of test are here, together, because a marketer running a test
looks for its verdict where the tests are; the recommendations page compares the
strategies it cannot assign at random, and links here. The page shows counts, rates and
bot texts only, never a conversation id or anything else about a person, so it needs no
audit entry.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from bot import bootstrap
from bot.api.deps import SessionDep
from bot.console.access import Marketer
from bot.console.pages import page
from bot.crm.engagement_reports import experiment_offers
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
    difference_text,
    experiment_arms,
    experiment_results,
    p_text,
    percent,
)
from bot.insights import strategy_tests
from bot.insights.strategy_tests import StrategyTestResult, strategy_test_results
from bot.recommend.strategies import StrategyExperiment
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


def declared_strategy_test() -> tuple[StrategyExperiment | None, str | None]:
    """The test of strategies the settings declare (None: none), or none and why when the
    settings do not load."""
    try:
        _, config = bootstrap.content()
    except ValueError as error:  # a RulesError names the file and line
        return None, f"The recommender's settings do not load ({error})."
    return config.experiment, None


def strategy_results(session: Session) -> tuple[list[StrategyTestResult], str | None]:
    declared, problem = declared_strategy_test()
    offers = experiment_offers(session)
    offered = sorted({offer.conversation_id for offer in offers})
    return strategy_test_results(declared, offers, conversions(session, offered)), problem


@router.get("/experiments")
def experiments_page(request: Request, session: SessionDep, user: Marketer) -> Response:
    experiments = domain_experiments()
    strategies, settings_problem = strategy_results(session)
    return page(
        request,
        user,
        "experiments.html",
        section="/console/experiments",
        title="A/B tests",
        results=results(session, experiments),
        in_domain={experiment.name for experiment in experiments},
        metrics=METRIC_LABELS,
        strategy_tests=strategies,
        strategy_metrics=strategy_tests.METRIC_LABELS,
        settings_problem=settings_problem,
        percent=percent,
        p_text=p_text,
        difference_text=difference_text,
    )
