"""What the bot's messages of one turn ask of the visitor, read from their words alone.

The simulated visitor never sees intents, slots or response names: like a person, it reads
the bot's text and works out whether it asks for one of the form's answers, for a yes/no
marketing consent (e-mail or SMS), for a confirmation ("Just to check — ...?", "Is that
right?"), offers to qualify, asks which country a phone number is from, says goodbye, or
did not understand (a fallback). Keyword heuristics, written from the bot's visible
responses; the last question of a turn is the one that is answered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# The form's questions, in the storage's names.
FIELDS = (
    "name",
    "email",
    "company",
    "role",
    "company_size",
    "use_case",
    "budget",
    "timeline",
    "phone",
)

# Order matters: the first pattern that matches a message names its field.
_FIELD_PATTERNS: tuple[tuple[str, str], ...] = (
    ("phone", r"phone number|\bthe digits\b|area code|country code|number we can reach|\bphone\b"),
    ("company_size", r"how many people|team size|people work|head-?count|number of people|how big"),
    ("email", r"e-?mail address|work e-?mail|your e-?mail|an address"),
    ("name", r"your name|call you|first name|\bname\b"),
    ("use_case", r"chatbot to do|bot to do|what would you like|use case|describe it|little more"),
    ("budget", r"budget|an amount|how much .*spend"),
    ("timeline", r"\blive\b|timeline|rough time|how soon|when are you|when do you|when would"),
    ("role", r"your role|job title|role there|\brole\b|position|what do you do"),
    ("company", r"which company|company are you|company name|what's it called|\bcompany\b"),
)
_FIELD_RES = tuple((name, re.compile(pattern)) for name, pattern in _FIELD_PATTERNS)
# What the bot calls an answer when it says one back ("your company size: 40 people"),
# most specific first: "company size" before "company".
_LABELS: tuple[tuple[str, str], ...] = (
    ("company_size", r"company size|team size|head-?count|\bpeople\b|\bemployees\b"),
    ("phone", r"phone|number"),
    ("email", r"e-?mail|@"),
    ("budget", r"budget|usd|gbp|eur|[$£€]"),
    ("timeline", r"timeline|months?\b|right away|\blive\b"),
    ("use_case", r"what you need|use case|chatbot to do"),
    ("role", r"\brole\b|title"),
    ("company", r"company"),
    ("name", r"\bname\b"),
)
_LABEL_RES = tuple((name, re.compile(pattern)) for name, pattern in _LABELS)

_FALLBACK = re.compile(
    r"not sure i understood|lost the thread|outside what i can help|still not following"
    r"|didn'?t (?:quite )?(?:get|understand|catch) that|i don'?t understand"
)
_GOODBYE = re.compile(r"\bbye\b|goodbye|have a (?:great|good|nice) day|take care")
_INVALID = re.compile(r"couldn'?t use that|doesn'?t look right|i need (?:a|an) ")
_LEAD_DONE = re.compile(r"that'?s everything i need|all i need|we'?re all set|you'?re all set")
_OFFER = re.compile(
    r"would you like to see whether|fits your team|shall we (?:start|begin|get started)"
    r"|want to (?:get started|start)|a few (?:quick )?questions\?"
)
_CONSENT_EMAIL = re.compile(
    r"(?:may|can) we (?:send|e-?mail).*(?:e-?mails?\b)|marketing e-?mails\?"
)
_CONSENT_SMS = re.compile(r"(?:may|can) we (?:send|text).*(?:text messages|\bsms\b)")
_CONSENT_UNCLEAR = re.compile(r"clear answer|yes, no,? or not now")
_CHECK_OPT_OUT = re.compile(r"do you want us to stop|stop sending you marketing\?")
_CHECK_ERASURE = re.compile(r"do you want us to delete|delete the personal data we hold")
# "if you'd like us to stop ..., reply STOP. Otherwise, let's carry on": nothing to answer.
_CARRY_ON = re.compile(r"otherwise,? let'?s carry on|let'?s carry on")
_CONFIRM = re.compile(
    r"is that right|is that correct|did you mean|have i got that right|\bcorrect\?|right\?$"
    r"|^just to check"
)
_COUNTRY = re.compile(r"\b(?:which|what) country\b|country is (?:that|it|the number) from")
_OPTED_OUT = re.compile(r"won'?t get marketing|won'?t send you any marketing any more|opted out")
_ERASURE_DONE = re.compile(r"request to delete your personal data")


def _plain(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("‘", "'").lower().split())


@dataclass(frozen=True)
class Ask:
    """What a bot message asks: `kind` and, for a form question or a check, the field."""

    kind: str  # field | consent_email | consent_sms | consent_unclear | check_opt_out |
    # check_erasure | confirm | country | offer
    field: str | None = None
    text: str = ""


@dataclass
class BotTurn:
    """The bot's messages after one visitor message, as the visitor understands them."""

    texts: list[str] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)  # (title, payload)
    ask: Ask | None = None
    fallback: bool = False
    goodbye: bool = False
    invalid: bool = False
    lead_done: bool = False
    carry_on: bool = False
    opted_out: bool = False
    erasure_recorded: bool = False

    @property
    def text(self) -> str:
        return "\n".join(self.texts)


def field_asked(text: str) -> str | None:
    """The form field a question is about, or None."""
    plain = _plain(text)
    for name, pattern in _FIELD_RES:
        if pattern.search(plain):
            return name
    return None


def field_named(text: str) -> str | None:
    """The field a bot message says back to the visitor ("your budget: 5,000 GBP"), or None."""
    plain = _plain(text)
    for name, pattern in _LABEL_RES:
        if pattern.search(plain):
            return name
    return None


def _ask_of(text: str) -> Ask | None:
    """What one bot message asks, or None when it asks nothing."""
    plain = _plain(text)
    if _CHECK_ERASURE.search(plain):
        return Ask("check_erasure", text=text)
    if _CHECK_OPT_OUT.search(plain):
        return Ask("check_opt_out", text=text)
    if _CARRY_ON.search(plain) and "?" not in plain:
        return None
    if _CONSENT_UNCLEAR.search(plain):
        return Ask("consent_unclear", text=text)
    if _CONSENT_SMS.search(plain):
        return Ask("consent_sms", text=text)
    if _CONSENT_EMAIL.search(plain):
        return Ask("consent_email", text=text)
    if _COUNTRY.search(plain):
        return Ask("country", "phone", text=text)
    if _CONFIRM.search(plain):
        return Ask("confirm", field_named(plain), text)
    if _OFFER.search(plain):
        return Ask("offer", text=text)
    if "?" in plain or re.search(r"\bsay \"?skip\"?|\bplease (?:type|tell|give)", plain):
        asked = field_asked(plain)
        if asked is not None:
            return Ask("field", asked, text)
    return None


def read_turn(messages: list[dict[str, object]]) -> BotTurn:
    """The visitor's reading of the bot's REST messages for one turn."""
    turn = BotTurn()
    for message in messages:
        text = str(message.get("text") or "")
        buttons = message.get("buttons") or []
        if isinstance(buttons, list):
            for button in buttons:
                if isinstance(button, dict):
                    title = str(button.get("title", ""))
                    turn.buttons.append((title, str(button.get("payload", title))))
        if not text:
            continue
        turn.texts.append(text)
        plain = _plain(text)
        turn.fallback |= bool(_FALLBACK.search(plain))
        turn.goodbye |= bool(_GOODBYE.search(plain))
        turn.invalid |= bool(_INVALID.search(plain)) and not _CONSENT_UNCLEAR.search(plain)
        turn.lead_done |= bool(_LEAD_DONE.search(plain))
        turn.carry_on |= bool(_CARRY_ON.search(plain))
        turn.opted_out |= bool(_OPTED_OUT.search(plain))
        turn.erasure_recorded |= bool(_ERASURE_DONE.search(plain))
        asked = _ask_of(text)
        if asked is not None:
            turn.ask = asked  # the last question of the turn is the one to answer
    return turn


def is_fallback(text: str) -> bool:
    return bool(_FALLBACK.search(_plain(text)))
