"""What the SMS storm prints: acknowledgement latency, processing, the stack's errors."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

TWILIO_TIMEOUT_S = 15.0  # Twilio gives up on a webhook that has not answered by then
_LOG_TROUBLE = re.compile(r"\b(ERROR|CRITICAL|Traceback)\b|Exception|Error:")

if TYPE_CHECKING:
    from bench.sms_storm import Answer, InboxRow


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)), 1) - 1]


def report_acks(answers: list[Answer]) -> float:
    """Prints how the webhook answered; returns the p99 latency of all answers, in ms."""
    acked = sum(answer.acked for answer in answers)
    refused = Counter(a.status for a in answers if a.status is not None and not a.acked)
    unanswered = Counter(answer.error for answer in answers if answer.error)
    latencies = [answer.latency_ms for answer in answers if answer.status is not None]
    p50, p95, p99 = (percentile(latencies, share) for share in (0.50, 0.95, 0.99))
    print(f"Acknowledged {acked}/{len(answers)} calls; non-2xx {sum(refused.values())}")
    if refused or unanswered:
        print(f"  non-2xx by status: {dict(refused)}; no answer: {dict(unanswered)}")
    print(
        f"Ack latency ms (all answers): p50 {p50:.1f}  p95 {p95:.1f}  p99 {p99:.1f}  "
        f"max {max(latencies, default=0):.1f}; over Twilio's {TWILIO_TIMEOUT_S:g} s: "
        f"{sum(ms > TWILIO_TIMEOUT_S * 1000 for ms in latencies)}; "
        f"load process late by up to {max(a.lag_ms for a in answers):.1f} ms"
    )
    return p99


def report_processing(
    messages: set[str],
    acked_sids: set[str],
    inbox: dict[str, InboxRow],
    turns: dict[str, list[str]],
) -> tuple[set[str], set[str]]:
    """Prints what became of the messages; returns the lost ones and the duplicated ones.

    Lost: acknowledged, but not in the inbox, not processed, or processed without a user
    event in the tracker. Duplicated: more than one user event for one MessageSid.
    """
    in_inbox = acked_sids & inbox.keys()
    status = Counter(inbox[sid].status for sid in in_inbox)
    missing = acked_sids - in_inbox
    unprocessed = {sid for sid in in_inbox if inbox[sid].status != "processed"}
    user_events = Counter(sid for sids in turns.values() for sid in sids)
    no_turn = {sid for sid in in_inbox - unprocessed if user_events[sid] == 0}
    duplicated = {sid for sid in messages if user_events[sid] > 1}
    # The pipeline promises arrival order per conversation, which is the inbox's row order.
    out_of_order = [
        sender
        for sender, sids in turns.items()
        if sids != sorted(sids, key=lambda sid: inbox[sid].id if sid in inbox else -1)
    ]
    print(
        f"Inbox: {dict(status)}; {len(missing)} acknowledged but missing; "
        f"{sum(inbox[sid].attempts > 1 for sid in in_inbox)} took more than one attempt; "
        f"{len(acked_sids)}/{len(messages)} messages acknowledged at least once"
    )
    for sid in sorted(unprocessed)[:5]:
        print(f"  {inbox[sid].status} {sid}: {inbox[sid].last_error}")
    print(
        f"Tracker: {sum(user_events[sid] for sid in messages)} user events for "
        f"{len(messages)} messages; {len(no_turn)} processed without a user event, "
        f"{len(duplicated)} with more than one, {len(out_of_order)} conversations out of "
        "arrival order"
    )
    for sid in sorted(duplicated)[:5]:
        print(f"  duplicated {sid}: {user_events[sid]} user events")
    return missing | unprocessed | no_turn, duplicated


def report_log(log_path: Path, limit: int = 10) -> None:
    """Prints how many lines of the stack's output look like errors, and the first ones."""
    lines = log_path.read_text(errors="replace").splitlines() if log_path.exists() else []
    trouble = [line for line in lines if _LOG_TROUBLE.search(line)]
    print(f"Stack output: {len(trouble)} lines that look like errors ({log_path})")
    for line in list(dict.fromkeys(line[:240] for line in trouble))[:limit]:
        print(f"  {line}")
