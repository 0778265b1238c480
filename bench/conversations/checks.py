"""Each persona's outcome: its lead and stored answers against its facts, and opt-outs.

A field is right when the stored answer is the persona's fact in the storage's format
(ranges for head-counts and money with the currency, a timeline bucket, E.164 phones;
"declined" or nothing for a question the persona declined); names, companies and roles
compare without case and edge punctuation, the use case by its words. A withdrawal,
suppression or erasure request for a persona who never asked is wrongful; a real opt-out
is honoured when every purpose it names is withdrawn in the ledger and the identifier is
on the suppression list (for "delete my data", also an erasure request waits).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bench.conversations.crm import ConsentEvent, Crm
from bench.conversations.personas import Facts, Persona
from bench.conversations.prompts import FIELDS
from bench.conversations.talk import Conversation

_STOPWORDS = frozenset(
    re.findall(
        r"\w+",
        "a an the and or to for of in on our we us i my me it is are be that this with who "
        "so can from at by as your their them they something some want need would like",
    )
)


@dataclass
class FieldCheck:
    expected: Any
    stored: Any
    right: bool


@dataclass
class Outcome:
    key: str
    sender: str
    lead_id: str | None = None
    status: str | None = None
    fields: dict[str, FieldCheck] = field(default_factory=dict)
    wrongful: list[str] = field(default_factory=list)
    opt_out: str | None = None  # what the persona really asked for, if anything
    honoured: bool | None = None
    opt_out_said: bool = False  # whether the conversation got as far as saying it
    fallbacks: int = 0
    reasked: int = 0
    reasked_fields: list[str] = field(default_factory=list)
    turns: int = 0
    ended: str = ""
    error: str | None = None

    @property
    def completed(self) -> bool:
        return self.lead_id is not None

    @property
    def fields_right(self) -> int:
        return sum(check.right for check in self.fields.values())


def _norm(text: Any) -> str:
    plain = str(text).replace("’", "'").casefold()
    return " ".join(plain.split()).strip(" .,!?;:'\"()-")


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9']+", text.casefold()) if w not in _STOPWORDS}


def _same_use_case(stored: Any, persona: Persona) -> bool:
    if not isinstance(stored, str) or stored in ("", "unknown", "declined"):
        return False
    said = [persona.facts.use_case, persona.say.get("use_case", "")]
    if persona.opens == "need":
        said.append(persona.opener[0])
    got = _words(stored)
    for text in filter(None, said):
        wanted = _words(text)
        if wanted and len(wanted & got) / len(wanted) >= 0.5:
            return True
    return False


def _range_is(stored: Any, expected: tuple[Any, Any], unit: str) -> bool:
    if not isinstance(stored, dict):
        return False
    try:
        low, high = float(stored["low"]), float(stored["high"])
    except (KeyError, TypeError, ValueError):
        return False
    return (low, high) == (float(expected[0]), float(expected[1])) and stored.get("unit") == unit


def field_right(name: str, facts: Facts, stored: Any, persona: Persona) -> bool:
    expected = facts.value(name)
    if expected == "declined":
        return stored in (None, "", "declined")
    if expected == "unknown":
        return stored == "unknown"
    if name == "use_case":
        return _same_use_case(stored, persona)
    if name == "company_size":
        return _range_is(stored, expected, "people")
    if name == "budget":
        return _range_is(stored, expected, facts.currency)
    if name in ("timeline", "phone"):
        return stored == expected
    if name == "role":
        article = re.compile(r"^(?:the|a|an) ")
        return article.sub("", _norm(stored)) == article.sub("", _norm(expected))
    return stored is not None and _norm(stored) == _norm(expected)


def _identifiers(persona: Persona, lead: dict[str, Any] | None) -> list[tuple[str, str]]:
    contact = (lead or {}).get("contact") or {}
    found = [("email", persona.facts.email), ("email", contact.get("email"))]
    found += [("phone", persona.facts.phone), ("phone", contact.get("phone"))]
    usable = [(k, str(v)) for k, v in found if v and v not in ("declined", "unknown")]
    return list(dict.fromkeys(usable))


def _ledger(crm: Crm, ids: list[tuple[str, str]], sender: str) -> list[ConsentEvent]:
    events = {
        (e.purpose, e.answer, e.message_id, e.reply_text): e
        for kind, value in ids
        for e in crm.consent_events(kind, value)
        if e.conversation_id == sender
    }
    return list(events.values())


def _erasure_requested(crm: Crm, ids: list[tuple[str, str]]) -> bool:
    mine = {(k, _norm(v)) for k, v in ids}
    return any(
        ("email", _norm(r.get("email") or "")) in mine
        or ("phone", _norm(r.get("phone") or "")) in mine
        for r in crm.erasure_requests()
    )


def _opt_outs(outcome: Outcome, persona: Persona, crm: Crm, conv: Conversation, lead: Any) -> None:
    ids = _identifiers(persona, lead)
    asked = {_norm(t) for t in conv.tally.opt_out_texts}
    outcome.opt_out_said = bool(asked)
    withdrawn = [e for e in _ledger(crm, ids, conv.sender) if e.answer == "withdrawn"]
    for event in withdrawn:
        if _norm(event.reply_text) not in asked:
            outcome.wrongful.append(f"{event.purpose} withdrawn on {event.reply_text!r}")
    erasure = _erasure_requested(crm, ids)
    if erasure and persona.opt_out != "erase":
        outcome.wrongful.append("erasure request")
    suppressed = {kind for kind, value in ids if crm.suppressed(kind, value)}
    if persona.opt_out is None and suppressed and not outcome.wrongful:
        outcome.wrongful.append(f"suppressed ({', '.join(sorted(suppressed))})")
    if persona.opt_out is None:
        return
    honoured = {e.purpose for e in withdrawn if _norm(e.reply_text) in asked}
    has_phone = persona.facts.phone != "declined"
    needed = {
        "email": {"marketing_email"},
        "sms": {"marketing_sms"},
        "all": {"marketing_email"} | ({"marketing_sms"} if has_phone else set()),
        "erase": set(),
    }[persona.opt_out]
    kinds = {"marketing_email": "email", "marketing_sms": "phone"}
    suppression_ok = all(kinds[p] in suppressed for p in needed)
    if persona.opt_out == "erase":
        outcome.honoured = erasure and bool(suppressed)
    else:
        outcome.honoured = bool(asked) and needed <= honoured and suppression_ok


def outcome_of(crm: Crm, conv: Conversation, lead_id: str | None) -> Outcome:
    persona = conv.persona
    outcome = Outcome(
        key=persona.key,
        sender=conv.sender,
        lead_id=lead_id,
        opt_out=persona.opt_out,
        fallbacks=conv.tally.fallbacks,
        reasked=conv.tally.reasked,
        reasked_fields=list(conv.tally.reasked_fields),
        turns=conv.tally.turns,
        ended=conv.tally.ended,
        error=conv.error,
    )
    lead = crm.lead(lead_id) if lead_id is not None else None
    if lead is not None:
        outcome.status = lead.get("status")
        answers = lead.get("answers") or {}
        for name in FIELDS:
            stored = answers.get(name)
            right = field_right(name, persona.facts, stored, persona)
            outcome.fields[name] = FieldCheck(persona.facts.value(name), stored, right)
    _opt_outs(outcome, persona, crm, conv, lead)
    return outcome
