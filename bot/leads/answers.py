"""Clean the free-text answers of the lead form: name, company, role, use case.

Visitors answer in sentences ("hi, I'm sam lee, thanks!"); these cleaners
strip the conversational padding so the CRM gets just the value, and raise
:class:`InvalidAnswer` with something the bot can say when nothing usable is
left.
"""

from __future__ import annotations

import re

from bot.leads.errors import InvalidAnswer

__all__ = ["authority_of", "clean_company", "clean_free_text", "clean_person_name", "clean_role"]

# A greeting is only padding when punctuated or followed by a lead-in, so
# companies such as "OK Group" survive.
_GREETING = (
    r"^(?:(?:hi|hello|hey|hiya|heya|sure|ok|okay|yes|yeah|yep)(?:\s*[,!.]+\s*"
    r"|\s+(?=(?:i|im|my|it|its|we|this|the|our|name|call)\b)))*"
)
_NAME_LEAD_IN = re.compile(
    _GREETING + r"(?:(?:my (?:full |first )?name(?:'s| is)|name(?:'s| is)|i'm|im|i am|it's|its"
    r"|it is|this is|(?:you can |just )?call me|they call me)\b[\s:,-]*)?",
    re.IGNORECASE,
)
_COMPANY_LEAD_IN = re.compile(
    _GREETING + r"(?:(?:(?:i|we)\s+(?:work|am|are)\s+(?:at|for|with)|i'?m (?:at|with|from)"
    r"|i am (?:at|with|from)|we(?:'re| are)(?: called)?|it's(?: called)?|its|it is(?: called)?"
    r"|(?:the |my |our )?company(?:'s| is)(?: called)?|(?:the |our )?company name is"
    r"|we're from)\b[\s:,-]*)?",
    re.IGNORECASE,
)
# Matched case-sensitively: "at acme" is a lead-in, "At Home Ltd" is a name.
_COMPANY_PREPOSITION = re.compile(r"^(?:at|for)\s+")
_ROLE_LEAD_IN = re.compile(
    _GREETING + r"(?:(?:(?:i'?m|i am) (?:the|a|an)|my (?:job )?(?:role|title|position)(?:'s| is)"
    r"(?: the| a| an)?|i work as(?: the| a| an)?|i'?m|i am|as (?:the|a|an))\b[\s:,-]*)?",
    re.IGNORECASE,
)
_PLEASANTRIES = re.compile(
    r"(?:[\s,.!;:-]+(?:thanks(?: a lot| so much)?|thank you(?: so much)?|thx|ty|cheers|please"
    r"|pls|here)\b|[\s,.!?;:)(-]*"
    r"(?::\)|:-\)|:d|😊|🙂|👍))+[\s.!?,;:]*$",
    re.IGNORECASE,
)
_EDGE = " \t.,!?;:\"'()[]{}<>*_-"
_NOT_A_NAME = re.compile(
    r"(?:hi|hello|hey|hiya|heya|yo|sure|ok|okay|yes|yeah|yep|no|nope|why|what)(?: there)?",
    re.IGNORECASE,
)
# A refusal of something ("no texts thanks", "nope, next question"), not a name; "No
# Yong-ho" and "Nah Li" are names.
_REFUSAL = re.compile(
    r"(?:no|nope|nah)\W+(?:more|thanks?|way|idea|need|next|te?xts?|sms|e-?mails?|calls?"
    r"|messages?|marketing|spam|comment)\b",
    re.IGNORECASE,
)


def _tidy(text: str) -> str:
    return " ".join(text.replace("’", "'").split())


def _strip_padding(text: str, lead_in: re.Pattern[str], edge: str = _EDGE) -> str:
    text = lead_in.sub("", _tidy(text), count=1)
    return _PLEASANTRIES.sub("", text).strip(edge)


# Names have letters, spaces, hyphens, apostrophes and dots ("Dr. Anna Müller", "O'Brien");
# markup, braces or slashes mean the answer is something else.
_NOT_IN_NAMES = re.compile(r"[/\\{}\[\]<>|=_*#$%^~`\"]")


def clean_person_name(text: str) -> str:
    """Return the visitor's name from an answer like "hi, I'm sam lee, thanks".

    All-lower-case answers are title-cased; anything else keeps the visitor's
    own capitalisation ("McDonald", "de la Cruz").
    """
    name = _strip_padding(text, _NAME_LEAD_IN)
    if not any(c.isalpha() for c in name) or _NOT_A_NAME.fullmatch(name) or _REFUSAL.match(name):
        raise InvalidAnswer("I didn't catch your name — what should I call you?")
    if "@" in name:
        raise InvalidAnswer("That looks like an e-mail address — what's your name?")
    if any(c.isdigit() for c in name):
        raise InvalidAnswer("Names don't usually have numbers in them — what should I call you?")
    if _NOT_IN_NAMES.search(name):
        raise InvalidAnswer("That doesn't look like a name — what should I call you?")
    if len(name) > 80 or len(name.split()) > 6:
        raise InvalidAnswer("That's a bit long for a name — could you give me just your name?")
    return name.title() if name == name.lower() else name


def clean_company(text: str) -> str:
    """Return the company name from an answer like "I work at Acme Corp."."""
    company = _strip_padding(text, _COMPANY_LEAD_IN, edge=_EDGE.replace(".", ""))
    company = _COMPANY_PREPOSITION.sub("", company).strip(_EDGE.replace(".", ""))
    # A final dot is usually the end of the sentence, but "Inc." and "Co." keep theirs.
    if company.endswith(".") and not re.search(r"\b(?:inc|co|corp|ltd|llc|bros)\.$", company, re.I):
        company = company.rstrip(".").rstrip()
    if not any(c.isalnum() for c in company):
        raise InvalidAnswer("I didn't catch the company name — what's it called?")
    if len(company) > 120:
        raise InvalidAnswer("That's a bit long for a company name — could you shorten it?")
    return company


# Where the visitor holds the title, said after it: "partner at the studio", "… there".
_ROLE_PLACE = re.compile(
    r"\s+(?:there|here|at (?:the|our|my) \w+|at [A-Z][\w&'.-]*(?: [A-Z][\w&'.-]*)*)$"
)
# "one of the co-owners": one of them.
_ONE_OF = re.compile(r"^one of (?:the|our|two|three|several) (?P<title>.+?)s$", re.IGNORECASE)
# "I own the place": the owner.
_OWNS_IT = re.compile(
    r"^i (?:own|co-?own) (?:it|the (?:place|business|company|shop|firm|studio)|this place)$",
    re.IGNORECASE,
)


def clean_role(text: str) -> str:
    """Return the job title from an answer like "I'm the head of marketing"."""
    if _OWNS_IT.match(_tidy(text).strip(_EDGE)):
        return "owner"
    role = _ROLE_PLACE.sub("", _strip_padding(text, _ROLE_LEAD_IN))
    one_of = _ONE_OF.match(role)
    role = one_of["title"] if one_of else role
    if not any(c.isalnum() for c in role):
        raise InvalidAnswer(
            "I didn't catch your role — something like “founder” or “marketing lead”?"
        )
    if len(role) > 100:
        raise InvalidAnswer("That's a bit long for a job title — could you shorten it?")
    return role


_NOT_AUTHORITY = re.compile(
    r"\b(?:machine|deep|reinforcement|e-?)[- ]?learning\b|\bassistant to\b.*|\b(?:ea|pa) to\b.*"
    r"|\b(?:executive|personal|administrative) assistant\b.*"
    r"|\bpartner (?=manager|success|marketing|sales|account)"
)
_AUTHORITY = (
    # A Scrum product owner shapes the backlog but rarely signs the contract.
    ("influencer", re.compile(r"\bproduct owner\b")),
    (
        "decision_maker",
        re.compile(
            r"\b(?:c[a-z]o|ciso|co-?founder|founder|owner|proprietor|president|vp|[saev]vp|chief"
            r"|head|director|partner|gm|general manager|managing director)\b"
        ),
    ),
    ("influencer", re.compile(r"\b(?:manager|mgr|lead|leader|senior|sr|principal)\b")),
    (
        "student",
        re.compile(
            r"\b(?:student|intern|internship|trainee|apprentice|phd|studying)\b"
            r"|^(?:still |just |currently )?learning\b"
        ),
    ),
)


def authority_of(role: str) -> str:
    """Classify a job title as "decision_maker", "influencer", "student" or "other"."""
    # Titles that merely mention an executive or a buzzword must not look senior.
    title = _NOT_AUTHORITY.sub(" ", _tidy(role).lower()).strip()
    for authority, pattern in _AUTHORITY:
        if pattern.search(title):
            return authority
    return "other"


def clean_free_text(text: str, *, min_chars: int = 2, max_chars: int = 1000) -> str:
    """Return a tidied free-text answer (e.g. the visitor's use case)."""
    cleaned = _tidy(text)
    if cleaned and not any(c.isalnum() for c in cleaned):
        raise InvalidAnswer(
            "I couldn't find any words there — could you describe it in a sentence?"
        )
    if len(cleaned) < min_chars:
        raise InvalidAnswer("Could you tell me a little more about it?")
    if len(cleaned) > max_chars:
        raise InvalidAnswer(f"That's a bit long — could you keep it under {max_chars} characters?")
    return cleaned
