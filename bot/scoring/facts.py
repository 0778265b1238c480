"""What is known about a lead once a conversation ends, in one immutable value.

`LeadFacts.from_slots` is the single place that reads the lead form's slot values, so
scoring and segmentation never deal with raw slot shapes; anything it does not recognise
is rejected with `ValueError` rather than silently scored as "unknown".
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "AUTHORITIES",
    "CONSENT_PURPOSES",
    "CONSENT_STATES",
    "CONTENT_STAGES",
    "DECLINED",
    "SIGNALS",
    "TIMELINES",
    "UNKNOWN",
    "Consent",
    "LeadFacts",
    "OpenedContent",
    "Signals",
    "Span",
    "is_answered",
]

UNKNOWN = "unknown"
DECLINED = "declined"
AUTHORITIES = ("decision_maker", "influencer", "student", "other")
CONSENT_PURPOSES = ("marketing_email", "marketing_sms")
CONSENT_STATES = ("granted", "denied", "deferred", "withdrawn")
SIGNALS = ("asked_pricing", "asked_product", "handoff_requested")
# The buying stages of the content catalogue's items (data/content, `stage`).
CONTENT_STAGES = ("awareness", "consideration", "decision")
# bot.leads.Timeline's values, repeated because importing bot.leads pulls in the
# phone and e-mail validators that scoring has no use for.
TIMELINES = (
    "now",
    "within_1_month",
    "1_3_months",
    "3_6_months",
    "6_12_months",
    "12_plus_months",
    "no_timeline",
)
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def is_answered(value: object) -> bool:
    """Whether a fact holds a real answer (not missing, "unknown" or "declined")."""
    return value is not None and value not in (UNKNOWN, DECLINED)


def _plain(value: float) -> int | float:
    return int(value) if value == int(value) else value


@dataclass(frozen=True)
class Span:
    """An inclusive amount range with its unit; the slot shape of bot.leads' `Range`."""

    low: float
    high: float
    unit: str  # "people" for company size, an ISO currency code for budgets

    def __post_init__(self) -> None:
        if not (0 <= self.low <= self.high and self.unit):
            raise ValueError(f"invalid range: {self!r}")

    @property
    def midpoint(self) -> float:
        return (self.low + self.high) / 2

    def as_dict(self) -> dict[str, Any]:
        return {"low": _plain(self.low), "high": _plain(self.high), "unit": self.unit}

    def __str__(self) -> str:
        if self.low == self.high == 1 and self.unit == "people":
            return "1 person"
        low, high = f"{_plain(self.low):,}", f"{_plain(self.high):,}"
        return f"{low} {self.unit}" if low == high else f"{low}–{high} {self.unit}"


@dataclass(frozen=True)
class Consent:
    """The current marketing-consent answer per purpose (None: never asked)."""

    marketing_email: str | None = None
    marketing_sms: str | None = None


@dataclass(frozen=True)
class Signals:
    """What the visitor did besides answering the form."""

    asked_pricing: bool = False
    asked_product: bool = False
    handoff_requested: bool = False  # asked for a demo or to talk to sales


@dataclass(frozen=True)
class OpenedContent:
    """A recommended item the lead opened through its signed link, as the catalogue has
    it now (`title` and `stage` None: the item is no longer in the catalogue)."""

    item_id: str
    title: str | None = None
    stage: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"item_id": self.item_id, "title": self.title, "stage": self.stage}


def _opened(stored: Any) -> tuple[OpenedContent, ...]:
    if not isinstance(stored, list | tuple):
        raise ValueError(f"'opened' should be a list of items, got {stored!r}")
    opened = []
    for item in stored:
        if isinstance(item, OpenedContent):
            opened.append(item)
            continue
        shaped = isinstance(item, Mapping) and set(item) == {"item_id", "title", "stage"}
        if not shaped or not isinstance(item["item_id"], str):
            raise ValueError(f"an opened item should have item_id, title and stage: {item!r}")
        stage = item["stage"]
        if stage is not None and stage not in CONTENT_STAGES:
            raise ValueError(f"opened item {item['item_id']!r} has an unknown stage {stage!r}")
        opened.append(OpenedContent(item["item_id"], item["title"], stage))
    return tuple(opened)


def _text(slots: Mapping[str, Any], name: str) -> str | None:
    value = slots.get(name)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"slot {name!r} should be text, got {value!r}")
    return value


def _choice(slots: Mapping[str, Any], name: str, choices: tuple[str, ...]) -> str | None:
    value = _text(slots, name)
    if value is not None and value not in choices:
        raise ValueError(f"slot {name!r} has {value!r}; expected one of {', '.join(choices)}")
    return value


def _span(slots: Mapping[str, Any], name: str, *, money: bool) -> Span | str | None:
    value = slots.get(name)
    if value is None or value in (UNKNOWN, DECLINED):
        return value
    if isinstance(value, Mapping) and set(value) == {"low", "high", "unit"}:
        low, high, unit = value["low"], value["high"], value["unit"]
        # bool is an int subclass, but True is never an amount.
        numbers = all(isinstance(n, int | float) and not isinstance(n, bool) for n in (low, high))
        unit_ok = isinstance(unit, str) and (_CURRENCY.match(unit) if money else unit == "people")
        if numbers and unit_ok and 0 <= low <= high:
            return Span(float(low), float(high), unit)
    raise ValueError(f"slot {name!r} is not a range, 'unknown' or 'declined': {value!r}")


def _phone(slots: Mapping[str, Any]) -> str | None:
    value = _text(slots, "phone")
    if is_answered(value) and not _E164.match(value or ""):
        raise ValueError(f"slot 'phone' is not an E.164 number: {value!r}")
    return value


def _consent(slots: Mapping[str, Any]) -> Consent:
    # The domain keeps one slot per purpose (consent_email, consent_sms); stored
    # facts keep them together under "consent". Both shapes are read.
    given = slots.get("consent")
    if given is None:
        given = {
            "marketing_email": slots.get("consent_email"),
            "marketing_sms": slots.get("consent_sms"),
        }
    if not isinstance(given, Mapping) or not set(given) <= set(CONSENT_PURPOSES):
        raise ValueError(f"slot 'consent' should map {CONSENT_PURPOSES} to answers: {given!r}")
    states = {p: _choice(given, p, CONSENT_STATES) for p in CONSENT_PURPOSES}
    return Consent(**states)


def _signals(signals: Mapping[str, bool]) -> Signals:
    unknown = sorted(set(signals) - set(SIGNALS))
    if unknown:
        raise ValueError(f"unknown signals {unknown}; expected some of {', '.join(SIGNALS)}")
    for name, value in signals.items():
        if not isinstance(value, bool):
            raise ValueError(f"signal {name!r} should be true or false, got {value!r}")
    return Signals(**signals)


@dataclass(frozen=True)
class LeadFacts:
    """Everything scoring and segmentation may look at for one lead."""

    channel: str
    name: str | None = None
    email: str | None = None
    company: str | None = None
    role: str | None = None
    authority: str | None = None
    company_size: Span | str | None = None  # str: "unknown" or "declined"
    budget: Span | str | None = None
    timeline: str | None = None
    use_case: str | None = None
    phone: str | None = None
    consent: Consent = field(default_factory=Consent)
    signals: Signals = field(default_factory=Signals)
    opened: tuple[OpenedContent, ...] = ()  # in the order first opened

    @classmethod
    def from_slots(
        cls,
        slots: Mapping[str, Any],
        *,
        channel: str,
        signals: Mapping[str, bool],
        opened: Sequence[OpenedContent] = (),
    ) -> LeadFacts:
        """Read the lead form's slot values; raises `ValueError` for an unexpected shape.
        `opened` is the recommended content the conversation opened (not a slot: the CRM
        knows it)."""
        if not isinstance(channel, str) or not channel:
            raise ValueError(f"channel should be a non-empty name, got {channel!r}")
        return cls(
            channel=channel,
            name=_text(slots, "name"),
            email=_text(slots, "email"),
            company=_text(slots, "company"),
            role=_text(slots, "role"),
            authority=_choice(slots, "authority", AUTHORITIES),
            company_size=_span(slots, "company_size", money=False),
            budget=_span(slots, "budget", money=True),
            timeline=_choice(slots, "timeline", (*TIMELINES, UNKNOWN, DECLINED)),
            use_case=_text(slots, "use_case"),
            phone=_phone(slots),
            consent=_consent(slots),
            signals=_signals(signals),
            opened=_opened(list(opened)),
        )

    @classmethod
    def from_dict(cls, stored: Mapping[str, Any]) -> LeadFacts:
        """Rebuild facts from `as_dict` output (facts stored before content was scored
        have no "opened")."""
        return cls.from_slots(
            stored,
            channel=stored.get("channel", ""),
            signals=stored["signals"],
            opened=_opened(stored.get("opened") or []),
        )

    @property
    def email_domain(self) -> str | None:
        """The lower-cased part after the @, when an address was given."""
        if not is_answered(self.email) or "@" not in (self.email or ""):
            return None
        return (self.email or "").rsplit("@", 1)[1].strip().lower() or None

    def as_dict(self) -> dict[str, Any]:
        """A JSON-friendly dict in the slot shapes, for storage next to the lead."""

        def stored(value: Span | str | None) -> Any:
            return value.as_dict() if isinstance(value, Span) else value

        return {
            "name": self.name,
            "email": self.email,
            "company": self.company,
            "role": self.role,
            "authority": self.authority,
            "company_size": stored(self.company_size),
            "budget": stored(self.budget),
            "timeline": self.timeline,
            "use_case": self.use_case,
            "phone": self.phone,
            "consent": {p: getattr(self.consent, p) for p in CONSENT_PURPOSES},
            "channel": self.channel,
            "signals": {s: getattr(self.signals, s) for s in SIGNALS},
            "opened": [item.as_dict() for item in self.opened],
        }
