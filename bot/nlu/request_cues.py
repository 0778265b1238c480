"""Requests that their words make certain, whatever the classifier thought.

The classifier reads a message as one intent; a visitor's message often carries two
("Hi, I'd love a demo. We're a 40-person fintech called Ledgerline", "thanks so much,
bye"), and the classifier then picks the one its training examples look most like — the
details, not the request — or, torn between two, none. Where the words leave no doubt,
the request wins:

- a request for a demo or for a person ("can I get a demo for my team", "put me through to
  sales") becomes `request_demo` / `request_human`;
- a short closing that says goodbye ("thanks so much, bye!") becomes `goodbye`, and a bare
  yes or no however spelt ("ya", "aye, go on", "nah") `affirm` or `deny`;
- a stated need the classifier could not place ("looking for a bot to answer pricing
  questions on our site") becomes `inform`: the visitor is telling us what they want,
  which starts the lead form with that need taken;
- a question or request for content, typos and all ("any exmaples from b2b software
  companys?", "do u hav a casestudy for retail"), becomes `ask_content`: the classifier
  learnt the words spelt right (`bot.recommend.question`);
- "can we carry on?", "what's next?" — asking to go on with the questions — becomes
  `express_interest`, which starts the lead form again where it stands;
- "I'd like to change my role", "can you update my budget to 30k?" — naming an answer to
  change — becomes `inform`, even from a question's reading: the lead form asks that
  question again, or takes the new value given (`bot.leads.corrections.change_asked`);
- "forget it", "never mind", "let's leave it there" — the whole message calls off what is
  under way — becomes `call_off`, an intent only this rule sets (the lead form stops and
  keeps nothing; outside it the bot says no problem).

Only readings that are not requests of their own are replaced: a pricing question, an
opt-out or a refusal stays what the classifier said (ComplianceGate runs after this).
"""

from __future__ import annotations

import re

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import INTENT
from rasa.shared.nlu.training_data.message import Message

from bot.leads.corrections import change_asked
from bot.leads.digressions import (
    asks_for_demo,
    asks_for_person,
    asks_to_carry_on,
    is_closing,
    is_declining,
)
from bot.leads.volunteered import find_need
from bot.nlu.text_rules import TextRule, override_intent
from bot.recommend.question import asks_for_content

CALL_OFF_INTENT = "call_off"
# Set only here, never trained.
RULE_SET_INTENTS = frozenset({CALL_OFF_INTENT})
_CALL_OFF = re.compile(
    r"^\W*(?:(?:oh|ah|ok|okay|actually|um+|hmm+)\W+)*"
    r"(?:forget (?:it|about it|this|that)|never\s?mind|nvm|nevermind"
    r"|let'?s (?:stop|leave it|forget it)(?: (?:here|there|for now))?|i'?ll (?:leave it|pass)"
    r"|i(?:'?ve)? changed my mind|i'?m not interested any\s?more|i'?m done(?: here)?"
    r"|that'?s enough(?: questions)?|no more questions|skip (?:all )?(?:this|the rest))"
    r"(?:\W+(?:thanks?|thx|sorry|bye|please|pls))*\W*$",
    re.IGNORECASE,
)
# Readings a stated need overrules: the classifier could not place the message. Interest,
# a greeting or "not now" already say what the visitor wants.
UNPLACED = frozenset(
    {DEFAULT_NLU_FALLBACK_INTENT_NAME, "decline_to_answer", "out_of_scope", "deny"}
)
# A bare yes or no, however it is spelt ("ya", "yup", "nah"): short words the classifier
# has the fewest letters to go on for.
_YES = re.compile(
    r"^\W*(?:y|ya|yah|yea|yeah|yep|yup|yes+|aye|sure|ok|okay|k|kk|absolutely|definitely"
    r"|of course|sounds good|let'?s (?:go|do it)|go ahead|why not)"
    r"(?:\W+(?:please|pls|sure|thanks|thx|ok|go on|go ahead|go for it|do it|please do"
    # the yes restating what it agrees to ("yes, wipe it all", "yep delete everything")
    r"|(?:delete|erase|wipe|remove|clear)(?: (?:it|them|that|everything|all|my data))*))*\W*$",
    re.IGNORECASE,
)
_NO = re.compile(r"^\W*(?:n|no+|nope|nah|no thanks?|no thank you|not really)\W*$", re.IGNORECASE)
# Requests a change of an answer does not overrule: an opt-out, an erasure, a person.
_ABOVE_A_CHANGE = frozenset({"withdraw_consent", "request_erasure", "request_human"})
# Readings that say nothing the visitor asks of us, so words may replace them.
REPLACEABLE = frozenset(
    {
        DEFAULT_NLU_FALLBACK_INTENT_NAME,
        "inform",
        "greet",
        "affirm",
        "deny",
        "thank",
        "goodbye",
        "express_interest",
        "decline_to_answer",
        "not_now",
        "out_of_scope",
    }
)


def cued_intent(predicted: str | None, text: str) -> str | None:
    """The intent the words of `text` make certain, where they overrule `predicted`."""
    if _CALL_OFF.match(text):
        return CALL_OFF_INTENT
    if change_asked(text) is not None and predicted not in _ABOVE_A_CHANGE:
        return "inform"
    if predicted not in REPLACEABLE:
        return None
    if _YES.match(text):
        return "affirm"
    if _NO.match(text):
        return "deny"
    if asks_for_demo(text):
        return "request_demo"
    if asks_for_person(text):
        return "request_human"
    if is_closing(text):
        return "goodbye"
    if asks_to_carry_on(text):
        return "express_interest"
    if asks_for_content(text):
        return "ask_content"
    stated_need = find_need(text) is not None and not is_declining("decline_to_answer", text)
    return "inform" if predicted in UNPLACED and stated_need else None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class RequestCues(TextRule):
    def apply(self, message: Message, text: str) -> None:
        predicted = (message.get(INTENT) or {}).get("name")
        intent = cued_intent(predicted, text)
        if intent is not None and intent != predicted:
            override_intent(message, intent)
