"""Recognising an opt-out or an erasure request for certain, whatever the classifier thinks.

Compliance can't depend on a statistical guess: the carrier keywords (STOP, UNSUBSCRIBE,
…) sent alone, first-person requests to stop ("please stop emailing me", "take me off
your list", "unsubscibe me") and to delete ("erase everything you have on me") are acted
on in every channel at every point of a conversation. A message that only contains such
a word — a negation ("don't stop"), another topic ("we want to stop losing leads", "the
delete button on our site"), a company name ("StopGap Software") — is none of these.
"""

from __future__ import annotations

import difflib
import re

# Industry-standard opt-out keywords (CTIA / carrier rules), matched as the whole message.
OPT_OUT_KEYWORDS = frozenset(
    {
        "stop",
        "stopall",
        "stop all",
        "unsubscribe",
        "cancel",
        "end",
        "quit",
        "revoke",
        "optout",
        "opt out",
        "opt-out",
    }
)

# Said around a keyword without changing it: "stop pls", "STOP STOP STOP", "unsub 🙏".
_POLITE = frozenset({"please", "pls", "plz", "now", "thanks", "thx", "ty", "already", "ok"})
# Short forms people send instead of a keyword.
_KEYWORD_FORMS = {"unsub": "unsubscribe", "stopp": "stop", "stahp": "stop"}

_CONTACT_VERB = (
    r"(?:e-?mail(?:ing)?|te?xt(?:ing)?|txting|msg(?:ing)?|messag(?:e|ing)|contact(?:ing)?"
    r"|send(?:ing)?|spam(?:ming)?|call(?:ing)?|sms(?:ing)?|ping(?:ing)?)"
)
# What marketing arrives as: "stop the daily texts", "no more promo emails", "end all messages".
_CONTACT_NOUN = (
    r"(?:e-?mails?|te?xts?|txts?|msgs?|messages?|sms|spam|newsletters?|marketing|promos?"
    r"|promotions?|offers|communications?|notifications?|calls)"
)
# The message starts with the request, or the speaker asks for it for themselves.
_MINE = (
    r"(?:^\s*(?:please\s+|pls\s+|ok\s+|actually,?\s+)*"
    r"|\b(?:i\s+(?:want|wish|would\s+like|need|have)\s+to|i'?d\s+like\s+to|let\s+me"
    r"|how\s+do\s+i|can\s+i|i'?ll|i)\s+)"
)
# What may follow "unsubscribe" / "opt out" in a request; "Opt Out Outdoors" is a name.
_ENDS_REQUEST = (
    r"(?=\s*(?:$|[.,;!?]|\S+@\S+"
    r"|(?:of|from|me|please|pls|now|thanks|thank|right|asap|immediately)\b))"
)
_REQUESTS = [
    # "stop emailing me", "please stop sending me texts", "quit texting me"
    rf"\b(?:stop|quit|cease)\s+{_CONTACT_VERB}\s+(?:\w+\s+){{0,3}}?(?:me|this\s+number)\b",
    # "don't email me again", "do not contact me", "please dont text this number again"
    rf"\b(?:don'?t|dont|do\s+not|never)\s+{_CONTACT_VERB}\s+(?:me|this\s+number)\b",
    # "wrong number, stop texting"
    rf"\b(?:stop|quit)\s+{_CONTACT_VERB}\s*(?:$|[.!])",
    # "stop all texts", "end all messages", "stop with the emails", "cancel these texts"
    rf"^\s*(?:please\s+|pls\s+)?(?:stop|end|cancel|quit|cease)\s+(?:with\s+)?"
    rf"(?:(?:the|all|these|those|your|any|this|ur)\s+)?(?:\w+\s+){{0,2}}?{_CONTACT_NOUN}\b",
    # "no more promo texts", "I don't want these texts anymore", "rather not get any emails"
    rf"^\s*(?:(?:yes|yeah|yea|yep|ok|okay)\W+)?(?:please\s+|pls\s+)?no\s+more\s+"
    rf"(?:\w+\s+){{0,2}}?{_CONTACT_NOUN}\b",
    # "no marketing emails pls": the whole sentence refuses marketing
    rf"^\s*(?:please\s+|pls\s+)?no\s+(?:marketing|promo(?:tional)?|sales|spam(?:my)?)\s+"
    rf"{_CONTACT_NOUN}(?:\s+(?:please|pls|plz|thanks|thx|ty))?\W*$",
    rf"\b(?:i\s+(?:don'?t|dont|do\s+not|no\s+longer)\s+(?:want|wish)|i'?d\s+rather\s+not)"
    rf"\s+(?:to\s+)?(?:(?:receive|get)\s+)?(?:(?:any|these|your|the)\s+)?(?:more\s+)?"
    rf"(?:\w+\s+){{0,2}}?{_CONTACT_NOUN}\b",
    # "unsubscribe me", "please unsubscribe", "i want to unsubscribe"
    r"\bunsubscribe\s+me\b",
    rf"{_MINE}unsubscribe{_ENDS_REQUEST}",
    # "opt me out", "i'd like to opt out"
    r"\bopt\s+me\s+out\b",
    rf"{_MINE}opt\s*-?\s*out{_ENDS_REQUEST}",
    # "take me off your list", "remove my number from your mailing list", "remove me."
    r"\b(?:take|taking|remove|removing|delete|drop)\s+me\s+(?:off|from|frm)\b",
    r"\b(?:take|remove|delete|drop)\s+my\s+(?:\w+\s+){0,2}?(?:number|e-?mail|address)"
    r"\s+(?:off|from|frm)\s+(?:\w+\s+){0,2}?list\b",
    r"\b(?:be|get)\s+(?:taken|removed)\s+(?:off|from)\s+(?:\w+\s+){0,2}?list\b",
    r"\bremove\s+me\s*(?:$|[.!])",
    r"\bdo[\s-]+not[\s-]+(?:contact|call|text|e-?mail)\s+list\b",
    r"^\s*(?:please\s+|pls\s+|just\s+)?leave\s+me\s+alone\b",
    r"\b(?:withdraw|revoke)\s+my\s+consent\b",
]
_REQUEST = re.compile("|".join(f"(?:{p})" for p in _REQUESTS), re.IGNORECASE)
_ERASE = r"(?:delete|delet|deleat|dlt|erase|wipe|purge|scrub|destroy|nuke|get\s+rid\s+of)"
_MY_DATA = (
    r"(?:all\s+(?:of\s+)?)?(?:my|our)\s+(?:\w+\s+){0,2}?(?:data|details|info(?:rmation)?"
    r"|account|profile|records?|number|e-?mail|phone|history)"
)
_ALL_ON_ME = (
    r"(?:everything|all|anything|(?:any|all)\s+(?:\w+\s+)?(?:data|info(?:rmation)?))"
    r"(?:\s+(?:you|u|ya)\s+\w+)?\s+(?:on|about|relating\s+to)\s+me"
)
_ERASURE_REQUESTS = [
    # "delete my data", "please erase my number from ur system", "remove my account"
    rf"\b(?:{_ERASE}|remove)\s+(?:all\s+(?:of\s+)?)?(?:my|our)\s+"
    r"(?:personal\s+|contact\s+)?(?:data|details|information|info|account|profile|records?)\b",
    rf"\b{_ERASE}\s+{_MY_DATA}\b",
    # "erase everything you have on me", "destroy any personal data you hold on me"
    rf"\b(?:{_ERASE}|remove|forget)\s+{_ALL_ON_ME}\b",
    # "I want my data deleted", "I want everything about me deleted"
    r"\b(?:my\s+(?:personal\s+)?(?:data|information|info|details)|everything\s+about\s+me)"
    r"\s+(?:deleted|erased|removed)\b",
    # "delete all records of me", "delete this chat and everything you stored about me"
    rf"\b{_ERASE}\s+(?:all\s+)?records\s+of\s+me\b",
    r"\beverything\s+(?:you|u)\s+(?:\w+\s+)?(?:about|on)\s+me\b",
    # "I request erasure of my personal data", "data deletion request for me@x.com"
    r"\b(?:erasure|deletion)\s+of\s+(?:all\s+)?my\b",
    r"\bdata\s+(?:deletion|erasure)\s+request\s+for\b",
    r"\bforget\s+(?:about\s+)?me\b(?!\s+not)|\bforget\s+my\s+(?:\w+\s+)?(?:data|info)",
    r"\bright\s+to\s+(?:be\s+forgotten|erasure)\b",
]
_ERASURE = re.compile("|".join(f"(?:{p})" for p in _ERASURE_REQUESTS), re.IGNORECASE)
# "I don't want you storing my info. Delete it.": what "it" is was said before.
_ERASE_IT = re.compile(rf"\b{_ERASE}\s+(?:it|them|everything)\s*(?:$|[.!])", re.IGNORECASE)
_MENTIONS_MY_DATA = re.compile(
    r"\bmy\s+(?:\w+\s+)?(?:data|info(?:rmation)?|details)\b|\b(?:me|system|records)\b",
    re.IGNORECASE,
)
# "don't stop", "no need to delete anything", "never unsubscribe": the request is denied.
_NEGATED = re.compile(
    r"\b(?:don'?t|do\s+not|dont|never|no\s+need\s+to|not)\s+(?:\w+\s+)?"
    r"(?:stop|unsubscribe|delete|erase|remove|cancel|opt|quit|end|forget)\b",
    re.IGNORECASE,
)
# A sentence asking about the subject, not asking for it: "why would I unsubscribe?",
# "how does your platform handle the right to be forgotten?".
_ASKS_ABOUT = re.compile(
    r"^\s*(?:why|what|does|is\s+there|are\s+there"
    r"|how\s+(?:does|do\s+(?:you|your|they|we)|would|will|is|are|can\s+(?:we|our|my\s+\w+)))\b",
    re.IGNORECASE,
)
_SENTENCES = re.compile(r"[^.!?\n]+[.!?]*")
_CLAUSES = re.compile(r"[,;:—–]|\s-\s")
# Long keywords are often mistyped ("unsubscibe", "unsuscribe"); short ones are words.
_MISTYPED_KEYWORDS = ("unsubscribe",)
_WORD = re.compile(r"[A-Za-z]{8,}")
_EDGE = " \t\n.!?,;:'\"()"


def _retyped(text: str) -> str:
    def fix(word: re.Match[str]) -> str:
        close = difflib.get_close_matches(
            word.group().lower(), _MISTYPED_KEYWORDS, n=1, cutoff=0.82
        )
        return close[0] if close else word.group()

    return _WORD.sub(fix, text)


# The words that make a classifier think of an opt-out or an erasure.
_COMPLIANCE_WORD = re.compile(
    r"^(?:stop|quit|end|cancel|unsub|opt|delet|eras|remov|forget)", re.IGNORECASE
)
_NAME_TOKEN = re.compile(r"[^\s,;:!?().\"]+")
# Small words inside a name: "End of Story Books", "Stop and Go".
_NAME_JOINS = frozenset({"&", "of", "and", "the", "de", "n", "'n'"})
# Capitalised words that join a sentence, not a name: "Stop It", "Please Stop Now".
_NOT_NAME_WORDS = frozenset(
    {"I", "It", "Me", "Now", "Please", "This", "That", "All", "Them", "Us", "You", "Your",
     "My", "Our", "Just", "Already", "Ok", "Okay", "Thanks", "Asking", "Messaging"}
)  # fmt: skip


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and not (len(word) > 1 and word.isupper())


def _in_a_name(tokens: list[str], at: int) -> bool:
    """Whether tokens[at] is part of a capitalised name: "Mia Stop", "Stop & Go"."""
    if not _capitalised(tokens[at]):
        return False
    for step in (-1, 1):
        near = at + step
        while 0 <= near < len(tokens) and tokens[near].lower() in _NAME_JOINS:
            near += step
        if 0 <= near < len(tokens):
            word = tokens[near]
            if _capitalised(word) and word not in _NOT_NAME_WORDS:
                return True
    return False


def names_it_only(text: str) -> bool:
    """Whether every opt-out or erasure word in the message is part of a name ("Mia Stop,
    from Stop & Go", "Cancel Culture Media"), so the message asks for nothing."""
    tokens = _NAME_TOKEN.findall(text)
    found = [at for at, token in enumerate(tokens) if _COMPLIANCE_WORD.match(token)]
    return bool(found) and all(_in_a_name(tokens, at) for at in found)


def is_negated(text: str) -> bool:
    """Whether the message denies a stop or delete ("don't stop, tell me more")."""
    return _NEGATED.search(text) is not None


def _as_keyword(text: str) -> str | None:
    """The keyword a message or clause is, said politely or more than once, if it is one."""
    words = [
        _KEYWORD_FORMS.get(w, w)
        for w in re.sub(r"[^\w\s'-]", " ", _retyped(text).lower()).split()
        if w not in _POLITE
    ]
    if not words:
        return None
    once = " ".join(words)
    if once in OPT_OUT_KEYWORDS:
        return once
    if len(set(words)) == 1 and words[0] in OPT_OUT_KEYWORDS:  # "STOP STOP STOP"
        return words[0]
    return None


def is_opt_out_keyword(text: str) -> bool:
    """Whether the whole message is an opt-out keyword ("STOP", " unsubscribe. ", "stop pls")."""
    return _as_keyword(text) is not None


def _requests(text: str, pattern: re.Pattern[str]) -> bool:
    """Whether a sentence of `text` that asks for something matches `pattern`."""
    return any(
        pattern.search(sentence) and not _ASKS_ABOUT.match(sentence)
        for sentence in _SENTENCES.findall(_retyped(text))
    )


def _ends_with_keyword(text: str) -> bool:
    """ "u keep texting me, stop", "I didn't sign up for this. Unsubscribe.", "STOP. I've
    asked twice": a whole sentence, or the last clause, is a keyword."""
    sentences = [s for s in _SENTENCES.findall(text) if s.strip(_EDGE)]
    if any(_as_keyword(s) for s in sentences):
        return True
    clauses = _CLAUSES.split(sentences[-1]) if sentences else []
    return len(clauses) > 1 and _as_keyword(clauses[-1]) is not None


def is_opt_out(text: str) -> bool:
    """Whether the message is an opt-out keyword or a first-person request to stop."""
    if is_opt_out_keyword(text):
        return True
    if is_negated(text):
        return False
    return _ends_with_keyword(text) or _requests(text, _REQUEST)


def is_erasure_request(text: str) -> bool:
    """Whether the message asks, in the first person, to delete the visitor's data."""
    if is_negated(text):
        return False
    if _ERASE_IT.search(text) and _MENTIONS_MY_DATA.search(text):
        return True
    return _requests(text, _ERASURE)
