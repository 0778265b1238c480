"""A visitor's question for content, read from their words: "do you have a case study for
retail?", "anything I can read about abandoned carts", "got any webinrs on sms?".

`read_question` finds the kind asked for (a catalogue kind: "customer stories" and
"examples" are case studies, an e-book is a guide), the industry named ("retailers",
"a dental clinic") and the topic in the visitor's own words ("abandoned carts"). A word
one or two letters off a kind's or an industry's word counts as that word ("casestudy",
"webinr", "retial"). The classifier says *that* content is asked for; this says *what*:
the lead form's entities come from rules, not from the classifier, and so do these.

`describe` says what was asked in a few words, for the honest "I don't have a case study
for retail" when nothing fits.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from difflib import get_close_matches
from functools import lru_cache

from bot.recommend.catalogue import ANY

__all__ = ["ContentQuestion", "asks_for_content", "describe", "read_question"]

# What each catalogue kind (bot.recommend.catalogue.KINDS) is called, as a pattern over
# lower-case text whose misspelt words were put right.
_KIND_PATTERNS = {
    "case_study": r"case ?stud(?:y|ies)|(?:customer|client|success|user) stor(?:y|ies)"
    r"|testimonials?|references?|examples?|(?:customers?|clients?|companies|teams?|brands?)"
    r" (?:like (?:us|mine|ours)|similar to (?:us|ours))|who (?:else )?uses",
    "guide": r"guides?|e-?books?|white ?papers?|playbooks?|checklists?|how-?tos?|articles?"
    r"|blog posts?|tutorials?",
    "webinar": r"webinars?|webcasts?|videos?|recordings?|recorded (?:talks?|sessions?)"
    r"|live sessions?",
    "plan": r"plans?|packages?|tiers?|editions?|subscriptions?",
    "integration": r"integrations?|integrate|connectors?|plug-?ins?|add-?ons?|apps?",
}
_KINDS = {kind: re.compile(rf"\b(?:{pattern})\b") for kind, pattern in _KIND_PATTERNS.items()}
# Content asked for without a kind: "anything I can read", "resources", "some material".
_ANY_CONTENT = re.compile(
    r"\b(?:resources?|content|materials?|reading|docs|documentation|literature|collateral"
    r"|(?:something|anything|stuff|things?) (?:i|we) (?:can|could) (?:read|watch|look at|share)"
    r"|(?:something|anything|stuff) to (?:read|watch)|read up|write-?ups?|written up"
    r"|(?:have|got) anything (?:about|on))\b"
)
# How a request to us for content starts, after a greeting or a filler: "any …", "do u hav
# …", "send me …", "where can I read …", "I'd love …".
_ASKED_OF_US = re.compile(
    r"^\W*(?:(?:hi|hey|hello|hiya|oh|ok(?:ay)?|so|also|and|btw|by the way|wait|quick question"
    r"|sorry|great|thanks|cool)\W+)*"
    r"(?:any(?:thing)?|something|got any|(?:do|did) (?:you|u|ya) (?:guys )?(?:have|hav|got)"
    r"|(?:have|hav) (?:you|u) got"
    r"|is there|are there|r there|(?:can|could|may) (?:i|we) (?:get|see|have|read|find)"
    r"|(?:please\s+)?(?:send|share|show|give) (?:me|us)|where (?:can|could|do) (?:i|we)"
    r"|i'?d (?:like|love)|i would (?:like|love)|i want|we'?d (?:like|love)|looking for"
    r"|what|which|(?:can|could) (?:you|u) (?:send|share|recommend|point))\b"
)
# "for example", "e.g.": a way of speaking, not a request for examples.
_IDIOMS = re.compile(r"\b(?:for (?:example|instance)|as an example|e\.g\.)", re.IGNORECASE)

# Words for each industry of the catalogue; an industry not listed here is matched by its
# own name ("logistics", "real_estate" as "real estate").
_INDUSTRY_PATTERNS = {
    "retail": r"retail(?:ers?)?|shops?|stores?|e-?commerce|online (?:shops?|stores?)"
    r"|shopify|fashion|clothing|apparel|d2c|dtc",
    "healthcare": r"health ?care|health|clinics?|dental|dentists?|medical|hospitals?|patients?"
    r"|vets?|veterinary|physio(?:therapy)?|pharmac(?:y|ies)|doctors?",
    "financial_services": r"fintech|finance|financial(?: services)?|banks?|banking|insurance"
    r"|insurers?|lending|lenders?|wealth management",
    "saas": r"saas|software(?: companies| company| vendors?)?|b2b software|tech start-?ups?",
    "real_estate": r"real estate|property|properties|estate agen(?:ts?|cy|cies)|realtors?"
    r"|lettings?|letting agents?|brokerages?",
    "education": r"education|universit(?:y|ies)|schools?|colleges?|students?|edtech"
    r"|admissions",
    "hospitality": r"hospitality|hotels?|restaurants?|travel|tourism|resorts?|guest ?houses?",
    "agency": r"agenc(?:y|ies)|marketing agenc(?:y|ies)",
    "professional_services": r"professional services|law firms?|lawyers?|legal|consult(?:ing"
    r"|ancy|ants?)|accountants?|accounting firms?",
}

# Words to put misspellings right against: the single words of the kinds and industries,
# five letters or more (a short word one letter off is too often another word).
_MORE_WORDS = """
    study studies casestudy casestudies stories examples example guides webinar webinars
    integration integrations retail retailers clinics hotels restaurants universities
    ebooks whitepaper
"""
_PATTERN_WORDS = {
    word
    for pattern in (*_KIND_PATTERNS.values(), *_INDUSTRY_PATTERNS.values())
    for word in re.findall(r"[a-z]{5,}", pattern.replace("(?:", " ").replace("?", " "))
}
_VOCABULARY = sorted(
    (_PATTERN_WORDS | set(_MORE_WORDS.split()))
    # Near-misses of these are usually other words: "plant" is no plan, "wealth" no health.
    - {"plans", "editions", "tiers", "health", "story", "stores", "shops"}
)
_WORD = re.compile(r"[a-z][a-z'-]*")

# What is left of a question once its kind and industry are taken out, when it carries no
# topic: asking words, fillers, the kind's own words.
_ASKING_WORDS = """
    a about admit after all also an and another any anything are around available b4 be
    been before best big bigger boss brands business businesses by can case cases ceo
    cmo co-founder cofounder colleague colleagues companies company cool could covering
    cto cud did director do does else employees field firms first fit fits folks for
    from get give gonna got great growing guys hav have hello here hey hi hmm how i i'd
    i'm if in industry instead interested is it just kind know large larger later like
    link links looking love manager managers market may maybe me mind more much my need
    now of oh ok okay on one ones or other our partner partners people person please pls
    plz possibly r read regarding related relevant right sector send share show similar
    small smaller so some something sort space staff stud studies study stuff suit suits
    sure team teams thank thanks that the then there these this those though thx to too
    topic type u um up ur us useful vertical wait wanna want wat we well what what's
    whats where which with work worked working would wud wut y'all ya yall yes you
    you've your yours
"""
_ASKING = frozenset(_ASKING_WORDS.split())
# Where a topic starts: "… for retail", "… about abandoned carts", "… on sms marketing".
_TOPIC_START = re.compile(
    r"\b(?:about|on|for|from|regarding|covering|around|in|with|using)\s+(?!(?:me|us|you|it)\b)",
    re.IGNORECASE,
)
_CLAUSES = re.compile(r"[,.;:!?()]+|\s[—–-]+\s")
# "I'm from End of Story Books", "we're in Leeds": who they are, not what to read about.
_WHO = re.compile(
    r"\b(?:(?:i'?m|i am|we'?re|we are|this is)(?:\s+[a-z]+)?|i work|we work|here|calling"
    r"|writing)\s*$"
)
# Where a topic after "about" ends: "… on lead scoring before I answer that".
_CLAUSE_END = re.compile(
    r"\s+(?:before|b4|so|because|cause|cuz|coz|as|since|while|until|when|if|but|i|we)\b.*$"
)
_LIKE = re.compile(r"\s*\b(?:just )?like\b.*$")
_TRAILING = re.compile(
    r"(?:[\s,;:.!?—–-]+(?:please|pls|plz|thanks|thank you|thx|if any|if you have (?:any|one)"
    r"|at all|maybe|perhaps|too|as well|then|by any chance|\?|!|\.))+\s*$"
    r"|[\s?!.…]+$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ContentQuestion:
    """What a visitor asked for; None and "" mean they did not say."""

    kind: str | None = None  # one of catalogue.KINDS
    industry: str | None = None  # a catalogue industry name
    topic: str = ""  # what it should be about, in their words, lower-case ("abandoned carts")


def _corrected(text: str) -> str:
    """Lower-case `text` with each word a letter or two off a kind's or industry's word
    replaced by that word."""

    return _WORD.sub(lambda match: _spelt_right(match.group()), _IDIOMS.sub(" ", text.lower()))


@lru_cache(maxsize=8192)
def _spelt_right(word: str) -> str:
    """`word`, or the kind's or industry's word it is a letter or two off. Most messages
    are read here (`asks_for_content`), so a word's comparison (about 0.1 ms) is kept."""
    if len(word) < 5 or word in _VOCABULARY:
        return word
    close = get_close_matches(word, _VOCABULARY, n=1, cutoff=0.8)
    return close[0] if close else word


def _industry_patterns(industries: Collection[str]) -> dict[str, re.Pattern[str]]:
    patterns = dict(_INDUSTRY_PATTERNS)
    for name in industries:
        if name == ANY:  # an item for every industry: no industry's name
            continue
        patterns.setdefault(name, re.escape(name.replace("_", " ")))
    return {name: re.compile(rf"\b(?:{pattern})\b") for name, pattern in patterns.items()}


def _kind(text: str) -> str | None:
    """The kind named first in `text`, if any."""
    found = [
        (match.start(), kind)
        for kind, pattern in _KINDS.items()
        for match in [pattern.search(text)]
        if match
    ]
    return min(found)[1] if found else None


def _content_named(text: str) -> re.Match[str] | None:
    """The first words of `text` that name content (a kind, "anything I can read")."""
    found = [m for p in (*_KINDS.values(), _ANY_CONTENT) for m in [p.search(text)] if m]
    return min(found, key=lambda match: match.start()) if found else None


def _topic(corrected: str, after: int, industry: re.Pattern[str] | None) -> str:
    """The visitor's words on what the content should be about, without the asking, the
    kind and the industry: the phrase after "about", "for", "on" … following the words
    that name the content (they end at `after`), up to the end of its clause; or else the
    words right before those ("any abandoned cart case studies?", but nothing of "wait, do
    u have any case studies?" or "anything to read before I fill this in")."""
    starts = [
        m for m in _TOPIC_START.finditer(corrected) if not _WHO.search(corrected[: m.start()])
    ]
    chosen = next((m for m in starts if m.start() >= after), starts[0] if starts else None)
    if chosen is not None:
        span = _CLAUSES.split(corrected[chosen.end() :], maxsplit=1)[0]
        span = _CLAUSE_END.sub("", span)
    else:
        clauses = _CLAUSES.split(corrected)
        clause = next((c for c in clauses if _content_named(c) is not None), "")
        named = _content_named(clause)
        before = clause[: named.start()] if named is not None else ""
        # The words right before it that say what about ("sms marketing webinars").
        words = _WORD.findall(before)
        modifiers: list[str] = []
        for word in reversed(words):
            if word in _ASKING:
                break
            modifiers.insert(0, word)
        span = " ".join(modifiers)
    # "… for a fintech like Ledgerline": the company named is no topic.
    span = _LIKE.sub("", _TRAILING.sub("", span))
    for pattern in (*_KINDS.values(), _ANY_CONTENT):
        span = pattern.sub(" ", span)
    span = " ".join(span.split()).strip(" ,;:-—–")
    rest = industry.sub(" ", span) if industry is not None else span
    kept = [word for word in _WORD.findall(rest) if word not in _ASKING]
    if not kept:
        return ""
    if chosen is None or len(span.split()) > 8:
        return " ".join(kept)
    # A phrase after "about" or "for" is kept whole ("abandoned carts at night").
    return re.sub(r"^(?:(?:the|a|an|your|our|any|some)\s+)+", "", span)


def read_question(text: str, industries: Collection[str] = ()) -> ContentQuestion:
    """What `text` asks for: a kind, an industry and a topic, each if said. `industries`
    are the catalogue's, so that a new one is found by its name."""
    corrected = _corrected(text)
    kind = _kind(corrected)
    named = _content_named(corrected)
    after = named.end() if named is not None else 0
    industry, industry_pattern = None, None
    found = [
        (match.start(), name, pattern)
        for name, pattern in _industry_patterns(industries).items()
        for match in [pattern.search(corrected)]
        if match
    ]
    if found:
        _, industry, industry_pattern = min(found, key=lambda entry: entry[0])
    return ContentQuestion(kind, industry, _topic(corrected, after, industry_pattern))


def asks_for_content(text: str) -> bool:
    """Whether `text` asks us for content: it names some (a case study, a guide, "anything
    I can read") and is shaped as a question or a request ("send me …", "any …",
    "do u hav …"), whatever else it says. "Case Study Labs" answers a question."""
    corrected = _corrected(text)
    if _content_named(corrected) is None:
        return False
    return "?" in text or _ASKED_OF_US.search(corrected) is not None


_LABELS = {
    "case_study": "a case study",
    "guide": "a guide",
    "webinar": "a webinar",
    "plan": "a plan",
    "integration": "an integration",
}


def describe(question: ContentQuestion) -> str:
    """What was asked, in a few words: "a case study for retail", "a guide about
    abandoned carts", "anything about churn"."""
    what = _LABELS.get(question.kind or "", "anything")
    if question.topic:
        about = "with" if question.kind == "integration" else "about"
        return f"{what} {about} {question.topic}"
    if question.industry:
        return f"{what} for {question.industry.replace('_', ' ')}"
    return "anything like that" if question.kind is None else what
