"""Whether a message in the lead form steps aside from the question or answers it.

The classifier reads "Northstar Analytics" as a product question and "no thanks" as a
refusal; inside the form the pending question decides. A message steps aside only when
its intent is a digression *and* its words say so: a pricing question names a price, a
request for a person names one, a question is shaped like a question. Everything else is
read as an answer (bot.leads.reading).
"""

from __future__ import annotations

import re

from bot.recommend.question import asks_for_content

_QUESTION = re.compile(
    r"\?|^\W*(?:what|how|why|when|where|who|which|can|could|do|does|is|are|will|would|should"
    r"|may|tell me|explain)\b",
    re.IGNORECASE,
)
# The words each digression cannot be made without.
_CUES = {
    "ask_pricing": r"\b(?:price[sd]?|pricing|cost[s]?|how much|plans?|trial|pay|fees?|expensive"
    r"|cheap|quote|\$|£|€)",
    "ask_product": r"\b(?:what (?:does|do|is|can)|what's|how (?:does|do|would)|features?"
    r"|integrat\w*|works? with|support[s]?|does it|can it|do you)\b",
    "ask_why": r"\bwhy\b|\bwhat (?:is (?:it|that|this) )?for\b|\bwhat's (?:it|that|this) for\b",
    "bot_challenge": r"\b(?:bot|robot|human|real person|ai|machine|automated)\b",
    "request_human": r"\b(?:person|human|someone|somebody|sales|agent|rep|representative|real"
    r"|speak|talk|call me)\b",
    "request_demo": r"\bdemo\b|\bwalk ?through\b|\bshow (?:me|us)\b",
    "out_of_scope": r"\w",
}
_CUE_PATTERNS = {intent: re.compile(cue, re.IGNORECASE) for intent, cue in _CUES.items()}
# Asked of the bot whether or not shaped as a question ("a demo please", "why?").
_ASKED_ANYHOW = frozenset({"request_demo", "ask_why"})
# "can I get a demo", "I'd love a quick demo", "book us a demo", "demo please": asked of
# us, not said of what the visitor's bot should do ("a bot that books demos").
_DEMO_REQUEST = re.compile(
    r"(?:^\W*|\b(?:i|we)(?:\s+(?:want|would\s+like|need)|'d\s+like)\s+to\s+|\bplease\s+"
    r"|\b(?:can|could|may)\s+(?:i|we|you)\s+)(?:book|schedule|set\s+up|arrange|get|have|see"
    r"|organi[sz]e)\s+(?:me\s+|us\s+)?(?:a|an)\s+(?:\w+\s+)?demo\b"
    r"|\b(?:i|we)(?:'d|\s+would)\s+(?:love|like)\s+(?:to\s+(?:see|get|book|have)\s+)?"
    r"(?:a|an)\s+(?:\w+\s+)?demo\b"
    r"|\b(?:i|we)\s+(?:want|need)\s+(?:a|an)\s+(?:\w+\s+)?demo\b"
    r"|^\W*(?:a\s+)?demo(?:\s+(?:please|pls))?\W*$",
    re.IGNORECASE,
)
# "talk to sales please", "connect me with a person": a request without a question mark.
_HUMAN_REQUEST = re.compile(
    r"(?:\b(?:talk|speak|chat|connect|put)\w*\s+(?:me\s+)?(?:to|with|through to)\s+"
    r"|\b(?:i|we)\s+(?:want|need|would like)\s+|\bi'?d like\s+|\b(?:get|give)\s+me\s+)"
    r"(?:a |an |some |your |the )?(?:real |actual )?"
    r"(?:person|human|someone|somebody|sales|agent|rep)\b",
    re.IGNORECASE,
)
_DECLINE_PHRASE = (
    r"(?:no(?:pe|ne)?|nah|skip(?: it| that| this(?: one| question)?)?|pass|n/?a"
    r"|next(?: one| question| please)?|(?:let'?s )?move on|no thanks?|no thank you"
    r"|(?:i'?d )?rather not(?: say| share| tell)?|(?:i'?d )?prefer not to(?: say| share)?"
    r"|not telling|none|don'?t have one|i don'?t have one|not (?:now|today)"
    r"|no (?:phone|number|mobile|cell|budget|e-?mail)(?: number| yet)?)"
)
# One decline, or two ("nope, next question", "no thanks, skip it").
_DECLINE = re.compile(
    rf"^\W*{_DECLINE_PHRASE}(?:\W+{_DECLINE_PHRASE})?\W*(?:thanks?|thx|sorry)?\W*$",
    re.IGNORECASE,
)


def digression_of(intent: str | None, text: str) -> str | None:
    """The digression (an intent name) `text` makes, or None when it may be an answer."""
    if intent == "ask_content":
        # "Case Study Labs" at the company question is a company.
        return intent if asks_for_content(text) else None
    cue = _CUE_PATTERNS.get(intent or "")
    if cue is None or not cue.search(text):
        return None
    if intent in _ASKED_ANYHOW or _QUESTION.search(text):
        return intent
    if intent == "request_human" and _HUMAN_REQUEST.search(text):
        return intent
    return None


def asks_for_demo(text: str) -> bool:
    """Whether the visitor asks us for a demo ("hi, can I get a demo for my team?")."""
    return _DEMO_REQUEST.search(text) is not None


def asks_for_person(text: str) -> bool:
    """Whether the visitor asks to talk to a person ("connect me with sales")."""
    return _HUMAN_REQUEST.search(text) is not None


# "can we carry on?", "ok, so what's next?", "back to the questions": the visitor asks to
# go on with the questions, wherever the conversation stands.
_CARRY_ON = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|so|well|right|alright|and|anyway|anyways)\W+)*"
    r"(?:(?:can|could|shall|should)\s+(?:we|i|you)\s+|let'?s\s+|please\s+|pls\s+"
    r"|i'?d like to\s+|i want to\s+)?"
    r"(?:carry on|continue|keep going|go on|resume|get back to (?:it|the questions)"
    r"|pick up where we left off|back to the questions|what'?s next|what now|next steps?"
    r"|where were we|what (?:else )?do you need(?: from me)?)"
    r"(?:\s+(?:with\s+)?(?:the\s+|your\s+|those\s+|these\s+)?(?:questions?|form|it|this))?"
    r"(?:\W+(?:then|please|pls|thanks|now))*\W*$",
    re.IGNORECASE,
)


# "… miss loads of calls after 5pm. can your bot help?": whether we can help, asked with
# the need that started the questions.
_CAN_YOU_HELP = re.compile(
    r"\b(?:can|could|would|will)\s+(?:you|u|your\s+(?:bot|chatbot|product|tool|platform|thing)"
    r"|it|parley|this|that)\s+(?:help|do (?:that|this)|handle (?:that|this|it|them)"
    r"|work for (?:us|me)|fix (?:that|this)|solve (?:that|this))\b"
    r"|\bis (?:this|that) something (?:you|parley) (?:can|could) help with\b",
    re.IGNORECASE,
)


def asks_if_we_can_help(text: str) -> bool:
    """Whether the message asks if Parley can help with what it describes."""
    return _CAN_YOU_HELP.search(text) is not None


def asks_to_carry_on(text: str) -> bool:
    """Whether the whole message asks to go on with the questions."""
    return _CARRY_ON.match(text) is not None


_CLOSING = re.compile(
    r"\b(?:bye|goodbye|good-?bye|bye-?bye|cya|see (?:you|ya)|take care"
    r"|have a (?:good|nice|great|lovely) (?:day|one|evening|weekend))\b",
    re.IGNORECASE,
)
_MAX_CLOSING_WORDS = 8


def is_closing(text: str) -> bool:
    """Whether the message takes leave ("thanks so much, bye!"), and is no more than that."""
    return (
        _CLOSING.search(text) is not None
        and "?" not in text
        and len(text.split()) <= _MAX_CLOSING_WORDS
    )


# How a longer refusal says so ("I'd prefer not to share our budget yet").
_DECLINE_CUE = re.compile(
    r"\b(?:rather not|prefer not|not (?:telling|sharing|comfortable|willing)|skip|pass on"
    r"|none of your|don'?t want to (?:say|share|tell)|keep (?:it|that|this|my \w+) to myself"
    r"|(?:it'?s|that'?s) private)\b",
    re.IGNORECASE,
)


def is_declining(intent: str | None, text: str) -> bool:
    """Whether the visitor declines to answer ("rather not say", "skip", "no thanks")."""
    if _DECLINE.match(text):
        return True
    return intent == "decline_to_answer" and _DECLINE_CUE.search(text) is not None
