"""The follow-ups page: each shipped sequence with its counts for the period, each step
with what it sent and why sends were deferred or skipped."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import httpx

from bot.crm import session_scope
from bot.crm.followup_tables import FollowupLog
from tests.api.conftest import Api
from tests.api.test_console import log_in

AT = datetime(2026, 11, 20, 15, 0, tzinfo=timezone.utc)


def section(response: httpx.Response, sequence: str) -> str:
    found = re.search(
        rf'<section aria-labelledby="seq-{sequence}">(.*?)</section>', response.text, re.S
    )
    assert found, response.text
    return found.group(1)


def test_the_page_counts_what_each_sequence_and_step_did(api: Api) -> None:
    logged = [
        ("entered", None, None),
        ("entered", None, None),
        ("deferred", "step_1", "quiet hours"),
        ("sent", "step_1", None),
        ("skipped", "step_1", "no consent"),
        ("replied", None, None),
        ("resumed", None, None),
        ("opted_out", None, None),
    ]
    with session_scope(api.engine) as session:
        for kind, step, reason in logged:
            session.add(
                FollowupLog(
                    sequence="finish_the_form", step_id=step, kind=kind, reason=reason, at=AT
                )
            )
        # Another day: outside the period asked for.
        session.add(FollowupLog(sequence="finish_the_form", kind="entered", at=AT.replace(day=1)))
    log_in(api)
    response = api.client.get(
        "/console/followups", params={"first": "2026-11-20", "last": "2026-11-20"}
    )
    assert response.status_code == 200
    assert 'aria-current="page">Follow-ups' in response.text
    finishing = section(response, "finish_the_form")
    people = re.findall(r'<td class="num">(\d+)</td>', finishing.split("Steps of")[0])
    # entered, sent, replied, resumed, converted, opted out, erased, finished
    assert people == ["2", "1", "1", "1", "0", "1", "0", "0"]
    first_step = re.search(r'<th scope="row">step_1</th>(.*?)</tr>', finishing, re.S)
    assert first_step is not None
    assert "send by sms: utter_followup_finish_form" in first_step.group(1)
    assert "1 × quiet hours" in first_step.group(1) and "1 × no consent" in first_step.group(1)
    assert "handoff_waiting" in response.text  # every shipped sequence is listed
