"""The funnel page: the period and grouping from the query string, charts with tables of
the same numbers, drop-off per question, and clear messages for a bad period."""

from __future__ import annotations

import asyncio
import re

import httpx
import pytest
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from tests.api.conftest import Api
from tests.api.seed import T0, tracker_store
from tests.api.test_console import log_in

DAY = "2026-11-20"  # when tests.api.seed's conversations begin


def cells(response: httpx.Response, row: str) -> list[str]:
    """The numbers in one table row (by its header), each without its share."""
    found = re.search(rf'<th scope="row">{re.escape(row)}</th>(.*?)</tr>', response.text, re.S)
    assert found, response.text
    return re.findall(r'<td class="num">(\d+|—)', found.group(1))


@pytest.fixture
def signed_in(api: Api, lead_ids: dict[str, str]) -> Api:
    log_in(api)
    return api


def test_the_funnel_counts_the_conversations_begun_in_the_period(signed_in: Api) -> None:
    response = signed_in.client.get("/console/funnel", params={"first": DAY, "last": DAY})

    assert response.status_code == 200
    assert 'aria-current="page">Funnel' in response.text
    assert cells(response, "All")[0] == "4"
    assert '<svg role="img" aria-labelledby="total-title"' in response.text
    assert "Conversations started" in response.text
    assert "Where visitors leave the lead form" in response.text


def test_a_day_without_conversations_says_so(signed_in: Api) -> None:
    response = signed_in.client.get(
        "/console/funnel", params={"first": "2026-11-21", "last": "2026-11-21"}
    )

    assert "No conversation began in this period." in response.text


def test_grouping_per_campaign(signed_in: Api) -> None:
    response = signed_in.client.get(
        "/console/funnel", params={"first": DAY, "last": DAY, "group_by": "utm_campaign"}
    )

    assert "<h2>Per UTM campaign</h2>" in response.text
    assert '<option value="utm_campaign" selected>' in response.text
    assert cells(response, "(none)")[0] == "4"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"first": "yesterday"}, "The date &#39;from&#39; is not a date"),
        ({"first": "2026-11-21", "last": DAY}, "the dates were swapped"),
        ({"first": "2020-01-01", "last": DAY}, "A report covers at most 366 days"),
    ],
)
def test_a_bad_period_is_corrected_with_a_message(
    signed_in: Api, params: dict[str, str], message: str
) -> None:
    response = signed_in.client.get("/console/funnel", params=params)

    assert response.status_code == 200
    assert message in response.text


def test_swapped_dates_still_report_the_period(signed_in: Api) -> None:
    response = signed_in.client.get(
        "/console/funnel", params={"first": "2026-11-21", "last": "2026-11-19"}
    )

    assert "2026-11-19 to 2026-11-21" in response.text
    assert cells(response, "All")[0] == "4"


def test_the_funnel_needs_a_login(api: Api) -> None:
    response = api.client.get("/console/funnel", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/console/login"


def greeted(sender_id: str, trigger: str) -> DialogueStateTracker:
    """A web chat visitor the trigger's greeting opened, on the seed's day."""
    source = {"channel": "webchat", "trigger": trigger}
    message = UserUttered(
        "hello",
        {"name": "greet"},
        input_channel="webchat",
        metadata={"source": source},
        timestamp=T0.timestamp() + 5,
    )
    return DialogueStateTracker.from_events(sender_id, [message])


def test_grouping_per_web_chat_trigger(signed_in: Api, database_url: str) -> None:
    store = tracker_store(database_url)
    for number in range(2):
        asyncio.run(store.save(greeted(f"webchat-greeted-{number}", "pricing-page")))
    store.engine.dispose()

    response = signed_in.client.get(
        "/console/funnel", params={"first": DAY, "last": DAY, "group_by": "trigger"}
    )

    assert response.status_code == 200
    assert "<h2>Per web chat trigger</h2>" in response.text
    assert '<option value="trigger" selected>Web chat trigger</option>' in response.text
    assert '<th scope="col">Web chat trigger</th>' in response.text
    assert cells(response, "pricing-page")[0] == "2"
    assert cells(response, "(none)")[0] == "4"  # the seed's conversations, not greeted
    assert "counts the conversations the default greeting opened" in response.text
    assert "before the funnel kept their trigger" not in response.text


def test_an_unknown_grouping_is_per_channel(signed_in: Api) -> None:
    response = signed_in.client.get(
        "/console/funnel", params={"first": DAY, "last": DAY, "group_by": "referrer"}
    )

    assert "<h2>Per channel</h2>" in response.text
