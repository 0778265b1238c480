"""The simulated visitors: facts about each one and how they talk, loaded from personas.yml.

A persona's *facts* are the truth the CRM should end up with, in the storage's format
(head-counts and budgets as ranges, timelines as buckets, phones in E.164, "declined" for
an optional question they won't answer, "unknown" for one they can't). Its *habits* are
how it says things: the opener, its own answer to each question, answers it volunteers
before being asked, a correction, digressions, sloppy typing, consent answers, an opt-out
and a goodbye. `load_personas()` reads and checks the file; `coverage()` counts habits.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bench.conversations.prompts import FIELDS

PERSONAS_FILE = Path(__file__).with_name("personas.yml")
OPTIONAL = frozenset({"company_size", "budget", "timeline", "phone"})
NOT_GIVEN = frozenset({"declined", "unknown"})
OPENS = frozenset({"need", "question", "demo", "greeting"})
OPT_OUTS = frozenset({"email", "sms", "all", "erase"})
CURRENCY_SIGNS = {"USD": "$", "GBP": "£", "EUR": "€", "CAD": "C$", "AUD": "A$"}


@dataclass(frozen=True)
class Facts:
    name: str
    email: str
    company: str
    role: str
    company_size: tuple[int, int] | str  # (low, high) people, or "declined"/"unknown"
    use_case: str
    budget: tuple[float, float] | str  # (low, high) in `currency`, or "declined"/"unknown"
    currency: str
    timeline: str  # a bucket (bot.leads.timeline.Timeline value), or "declined"/"unknown"
    phone: str  # E.164, or "declined"
    country: str  # where the phone number is from, as the visitor names it

    def value(self, name: str) -> Any:
        return getattr(self, name)


@dataclass(frozen=True)
class Correction:
    """Answer `field` with `first` (a slip), then send `fix` after the bot's next reply."""

    field: str
    first: str
    fix: str


@dataclass(frozen=True)
class Persona:
    key: str
    opens: str  # need | question | demo | greeting
    opener: tuple[str, ...]
    facts: Facts
    say: Mapping[str, str]  # the persona's own answer to each question
    gives: Mapping[str, tuple[str, ...]]  # question -> other fields its answer also gives
    opener_gives: tuple[str, ...]
    retry: Mapping[str, str]  # a second try after "I couldn't use that"
    corrections: tuple[Correction, ...]
    digress: Mapping[str, tuple[str, ...]]  # question -> what they say before answering it
    accept: str  # to "would you like to see whether ... fits?"
    consent: Mapping[str, tuple[str, str]]  # email/sms -> (intent yes|no|later, wording)
    end: tuple[str, ...]  # said once the form and consent are done (an opt-out, ...)
    opt_out: str | None  # what `end` really asks for: email | sms | all | erase
    confirm: str  # "yes" to the bot's "Just to check — do you want us to stop ...?"
    keep: str  # "no" to that check when they never asked
    nudges: tuple[str, ...]  # when the bot lost the thread
    bye: str | None
    sloppy: bool = False
    tags: frozenset[str] = field(default_factory=frozenset)

    def answer(self, name: str) -> str:
        return self.say.get(name) or plain_answer(self.facts, name)


def plain_answer(facts: Facts, name: str, attempt: int = 0) -> str:
    """A plain, unambiguous answer from the facts: what a visitor types when asked again."""
    value = facts.value(name)
    if value == "declined":
        return ("rather not say", "I'd prefer not to share that")[attempt % 2]
    if value == "unknown":
        return ("not sure yet", "honestly I don't know yet")[attempt % 2]
    if name == "company_size":
        low, high = value
        figure = f"{low}" if low == high else f"{low}-{high}"
        return (f"{figure} people", f"about {figure} people")[attempt % 2]
    if name == "budget":
        low, high = value
        sign = CURRENCY_SIGNS.get(facts.currency, "")
        figure = f"{sign}{low:,.0f}" if low == high else f"{sign}{low:,.0f}-{sign}{high:,.0f}"
        code = "" if sign else f" {facts.currency}"
        return (f"{figure}{code}", f"about {figure}{code}")[attempt % 2]
    if name == "timeline":
        return TIMELINE_WORDS[value][attempt % 2]
    leads = {
        "company": "the company is called ",
        "role": "I'm the ",
        "name": "my name is ",
        "use_case": "basically, I want it to ",
    }
    return str(value) if attempt % 2 == 0 else leads.get(name, "it's ") + str(value)


TIMELINE_WORDS = {
    "now": ("right away", "asap"),
    "within_1_month": ("within a month", "in the next few weeks"),
    "1_3_months": ("within 3 months", "in 2 to 3 months"),
    "3_6_months": ("in about 6 months", "within 6 months"),
    "6_12_months": ("within 12 months", "by the end of the year"),
    "12_plus_months": ("in more than a year", "not for over a year"),
    "no_timeline": ("no set timeline, just exploring", "no rush, just exploring"),
}


def _range(value: Any, what: str) -> tuple[Any, Any] | str:
    if isinstance(value, str):
        if value not in NOT_GIVEN:
            raise ValueError(f"{what}: {value!r} is neither a figure nor declined/unknown")
        return value
    if isinstance(value, int | float):
        return (value, value)
    low, high = value
    return (low, high)


def _facts(raw: Mapping[str, Any]) -> Facts:
    return Facts(
        name=raw["name"],
        email=raw["email"],
        company=raw["company"],
        role=raw["role"],
        company_size=_range(raw["size"], "size"),  # type: ignore[arg-type]
        use_case=raw["use_case"],
        budget=_range(raw.get("budget", "declined"), "budget"),
        currency=raw.get("currency", "USD"),
        timeline=raw["timeline"],
        phone=str(raw.get("phone", "declined")),
        country=raw.get("country", "the US"),
    )


def _persona(raw: Mapping[str, Any]) -> Persona:
    key = raw["key"]
    opener = raw["opener"]
    consent = raw.get("consent", {})
    persona = Persona(
        key=key,
        opens=raw["opens"],
        opener=tuple(opener) if isinstance(opener, list) else (opener,),
        facts=_facts(raw["facts"]),
        say=dict(raw.get("say", {})),
        gives={k: tuple(v) for k, v in raw.get("gives", {}).items()},
        opener_gives=tuple(raw.get("opener_gives", ())),
        retry=dict(raw.get("retry", {})),
        corrections=tuple(Correction(**c) for c in raw.get("corrections", ())),
        digress={
            k: tuple(v) if isinstance(v, list) else (v,) for k, v in raw.get("digress", {}).items()
        },
        accept=raw.get("accept", "yes"),
        consent={k: (v[0], v[1]) for k, v in consent.items()},
        end=tuple(raw.get("end", ())),
        opt_out=raw.get("opt_out"),
        confirm=raw.get("confirm", "yes"),
        keep=raw.get("keep", "no, carry on"),
        nudges=tuple(raw.get("nudges", ())),
        bye=raw.get("bye"),
        sloppy=bool(raw.get("sloppy", False)),
        tags=frozenset(raw.get("tags", ())),
    )
    _check(persona)
    return persona


def _check(p: Persona) -> None:
    problems = []
    if p.opens not in OPENS:
        problems.append(f"opens {p.opens!r}")
    if p.opt_out is not None and p.opt_out not in OPT_OUTS:
        problems.append(f"opt_out {p.opt_out!r}")
    if p.opt_out is not None and not p.end:
        problems.append("opt_out without an `end` message")
    named = [*p.say, *p.retry, *p.gives, *p.digress, *p.opener_gives]
    named += [g for gives in p.gives.values() for g in gives] + [c.field for c in p.corrections]
    problems += [f"unknown field {n!r}" for n in named if n not in FIELDS]
    for name in FIELDS:
        if p.facts.value(name) == "declined" and name not in OPTIONAL:
            problems.append(f"{name} is not optional")
    if p.facts.phone == "declined" and "sms" in p.consent:
        problems.append("an SMS consent answer without a phone")
    if problems:
        raise ValueError(f"persona {p.key}: " + "; ".join(problems))


def load_personas(path: Path = PERSONAS_FILE) -> list[Persona]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    personas = [_persona(entry) for entry in raw]
    keys = Counter(p.key for p in personas)
    emails = Counter(p.facts.email.lower() for p in personas)
    duplicated = [k for k, n in (keys + emails).items() if n > 1]
    if duplicated:
        raise ValueError(f"duplicated persona keys or e-mails: {duplicated}")
    return personas


def habits(p: Persona) -> set[str]:
    """The habits a persona shows, named for the coverage summary."""
    found = {f"opens_{p.opens}", *p.tags}
    rules = {
        "volunteers": bool(p.gives or p.opener_gives),
        "corrects": bool(p.corrections),
        "digresses": bool(p.digress),
        "sloppy": p.sloppy,
        "declines": any(p.facts.value(n) == "declined" for n in OPTIONAL),
        "non_usd": p.facts.currency != "USD" and p.facts.budget not in NOT_GIVEN,
        "opts_out": p.opt_out is not None,
        "says_bye": p.bye is not None,
    }
    return found | {name for name, shown in rules.items() if shown}


def coverage(personas: Sequence[Persona]) -> Counter[str]:
    return Counter(h for p in personas for h in habits(p))
