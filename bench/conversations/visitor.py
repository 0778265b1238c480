"""A simulated website visitor: reads each bot turn and answers as its persona would.

The visitor knows only what the bot's text says (`bench.conversations.prompts`) and its
persona's facts and habits. It answers the question asked, in the persona's words; slips
and corrects itself; digresses when its persona does; volunteers answers; never types a
button title it was not shown; and never re-types an answer it already volunteered unless
the bot asks for it again, which it counts as a re-asked volunteered answer. Once the form
and consent are done it says what its persona came to say at the end (an opt-out, say),
then goodbye. A conversation is cut at `MAX_TURNS` visitor messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bench.conversations.personas import Persona, plain_answer
from bench.conversations.prompts import Ask, BotTurn
from bot.leads.presenting import describe_answer

MAX_TURNS = 30
MAX_STUCK = 6  # turns in a row with nothing to answer before the visitor gives up
MAX_ASKED = 5  # the same question this many times: the visitor gives up on the bot
_DEFAULT_NUDGES = (
    "ok, so what's next?",
    "can we carry on with the questions?",
    "I'd like to see if Parley fits my team",
)
_SALES_BUTTON = re.compile(r"sales|demo|person|human", re.IGNORECASE)


@dataclass
class Tally:
    """What the visitor noticed about the conversation."""

    fallbacks: int = 0
    reasked: int = 0  # questions about an answer it had volunteered before being asked
    reasked_fields: list[str] = field(default_factory=list)
    turns: int = 0
    lead_done_at: int | None = None  # visitor turn after which the bot said it had all
    ended: str = ""  # why the visitor stopped: bye | goodbye | turn limit | stuck | ...
    opt_out_texts: list[str] = field(default_factory=list)  # what it said to opt out


def _squash(text: str) -> str:
    """Text compared without case, spaces, commas or dashes ("1,000–2,000 EUR")."""
    return re.sub(r"[\s,\-–—]+", "", text.lower())


def sloppify(text: str) -> str:
    """How a sloppy typist sends it: lower case, no apostrophes, no final punctuation."""
    return re.sub(r"[.!?]+$", "", text.lower().replace("'", "").replace("’", "")).strip()


class Visitor:
    def __init__(self, persona: Persona) -> None:
        self.p = persona
        self.tally = Tally()
        self.given: set[str] = set()  # fields the visitor has said, asked or not
        self.volunteered: set[str] = set()  # given before being asked for
        self.answers_sent: dict[str, int] = {}  # times each question was answered
        self.corrections = {c.field: c for c in persona.corrections}
        self.fix_due: list[str] = []  # corrections to send after the bot's next reply
        self.digressed: set[str] = set()
        self.pending: str | None = None  # the question last asked and not yet answered
        self.lead_done = False
        self.consent_done: set[str] = set()
        self.end_script = list(persona.end)
        self.opting_out = False
        self.stuck = 0
        self.opener_left = list(persona.opener)

    # ---- the conversation --------------------------------------------------------

    def first(self) -> str:
        self.opener_left.pop(0)
        self._volunteer(self.p.opener_gives)
        return self._send(self.p.opener[0])

    def next(self, turn: BotTurn) -> str | None:
        """The visitor's next message after `turn`, or None when it leaves."""
        if turn.fallback:
            self.tally.fallbacks += 1
        if turn.lead_done and not self.lead_done:
            self.lead_done = True
            self.tally.lead_done_at = self.tally.turns
        if self.tally.turns >= MAX_TURNS:
            self.tally.ended = "turn limit"
            return None
        reply = self._reply(turn)
        if reply is None:
            return None
        self.stuck = 0 if turn.ask is not None else self.stuck
        return self._send(reply)

    def _reply(self, turn: BotTurn) -> str | None:
        ask = turn.ask
        if self.fix_due and (ask is None or ask.kind == "field"):
            self.pending = ask.field if ask is not None else self.pending
            return self.fix_due.pop(0)
        if self.opener_left and (ask is None or ask.kind == "offer"):
            return self.opener_left.pop(0)
        if ask is not None:
            return self._answer(ask, turn)
        if turn.goodbye and self.tally.ended == "bye":
            return None
        if self.pending is not None and turn.carry_on:
            return self._field(self.pending, turn)
        if self.lead_done or self.consent_done:
            return self._ending(turn)
        return self._unstick(turn)

    # ---- answers -------------------------------------------------------------------

    def _answer(self, ask: Ask, turn: BotTurn) -> str | None:
        if ask.kind == "field" and ask.field is not None:
            if self.answers_sent.get(ask.field, 0) >= MAX_ASKED - 1:
                self.tally.ended = f"gave up: asked for {ask.field} {MAX_ASKED} times"
                return None
            return self._field(ask.field, turn)
        if ask.kind in ("consent_email", "consent_sms"):
            purpose = "email" if ask.kind == "consent_email" else "sms"
            self.consent_done.add(purpose)
            return self.p.consent.get(purpose, ("no", "no"))[1]
        if ask.kind == "consent_unclear":
            purposes = sorted(self.consent_done) or ["email"]
            intent = self.p.consent.get(purposes[-1], ("no", "no"))[0]
            return {"yes": "yes", "no": "no", "later": "not now"}.get(intent, "no")
        if ask.kind in ("check_opt_out", "check_erasure"):
            if self.opting_out:
                self.tally.opt_out_texts.append(self.p.confirm)
                return self.p.confirm
            return self.p.keep
        if ask.kind == "confirm":
            return self._confirm(ask)
        if ask.kind == "country":
            return self.p.facts.country
        if ask.kind == "offer":
            if self.lead_done:
                return self._ending(turn)
            return self.p.accept
        return self._unstick(turn)

    def _field(self, name: str, turn: BotTurn) -> str:
        """The answer to a question about `name`, in the persona's way."""
        self.pending = None
        if name in self.p.digress and name not in self.digressed:
            self.digressed.add(name)
            self.pending = name
            return self.p.digress[name][0]
        sent = self.answers_sent.get(name, 0)
        if name in self.volunteered:
            # Asked for something said unprompted: count it, then say it again.
            self.tally.reasked += 1
            self.tally.reasked_fields.append(name)
            self.volunteered.discard(name)
            self.answers_sent[name] = sent + 1
            return plain_answer(self.p.facts, name)
        self.answers_sent[name] = sent + 1
        self.given.add(name)
        if sent == 0:
            if name in self.corrections:
                self.fix_due.append(self.corrections[name].fix)
                return self.corrections[name].first
            self._volunteer(self.p.gives.get(name, ()))
            return self.p.answer(name)
        # Asked again: a plainer answer each time (the persona's own retry first).
        tries = [self.p.retry[name]] if name in self.p.retry else []
        tries += [plain_answer(self.p.facts, name), plain_answer(self.p.facts, name, 1)]
        return tries[min(sent - 1, len(tries) - 1)]

    def _volunteer(self, names: tuple[str, ...]) -> None:
        for name in names:
            if name not in self.given:
                self.given.add(name)
                self.volunteered.add(name)

    def _confirm(self, ask: Ask) -> str:
        """Yes when the value said back is the persona's, else a correction."""
        name = ask.field
        if name is None:
            return "yes"
        value = self.p.facts.value(name)
        candidates = [plain_answer(self.p.facts, name), str(value)]
        if isinstance(value, tuple):
            unit = "people" if name == "company_size" else self.p.facts.currency
            slot: object = {"low": value[0], "high": value[1], "unit": unit}
            candidates.append(describe_answer(name, slot)["value"])
        elif value not in ("declined", "unknown"):
            candidates.append(describe_answer(name, value)["value"])
        shown = _squash(ask.text)
        if any(_squash(c) in shown for c in candidates if _squash(c)):
            return "yes"
        return f"no, it's {plain_answer(self.p.facts, name)}"

    # ---- the end, and getting unstuck --------------------------------------------------

    def _ending(self, turn: BotTurn) -> str | None:
        if self.end_script:
            text = self.end_script.pop(0)
            if self.p.opt_out is not None:
                self.opting_out = True
                self.tally.opt_out_texts.append(text)
            return text
        if self.p.bye is not None and self.tally.ended != "bye":
            self.tally.ended = "bye"
            return self.p.bye
        self.tally.ended = self.tally.ended or "done"
        return None

    def _unstick(self, turn: BotTurn) -> str | None:
        self.stuck += 1
        if self.stuck > MAX_STUCK:
            self.tally.ended = "stuck"
            return None
        if self.pending is not None and self.stuck == 1:
            return self._field(self.pending, turn)
        if self.stuck % 3 == 0:
            title = next((t for t, _ in turn.buttons if _SALES_BUTTON.search(t)), None)
            if title is not None:
                return title  # a button it was shown, typed as its title
        nudges = self.p.nudges or _DEFAULT_NUDGES
        return nudges[(self.stuck - 1) % len(nudges)]

    def _send(self, text: str) -> str:
        self.tally.turns += 1
        return sloppify(text) if self.p.sloppy else text
