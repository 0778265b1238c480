"""Word lists and token regexes behind the structured-entity rules.

Data only: what counts as a number, a currency, a people noun, a head-count
cue, a phone-number piece, and how the tokenizer is told to split amounts.
``span_patterns`` turns these into lexeme flags, ``span_checks`` reads the
context lists, ``structured_spans`` builds the pipeline. Words are compared
lower-cased.
"""

from __future__ import annotations

from bot.leads.currencies import WORDS as CURRENCY_WORDS

# ---------------------------------------------------------------------------
# Word lists (all compared lower-cased)
# ---------------------------------------------------------------------------

# Spelled-out numbers ("a team of twelve", "fifty grand"). Multipliers stay out
# so "ten thousand" reads as number + multiplier.
NUMBER_WORDS: list[str] = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
    "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen",
    "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty",
    "fourty",  # sic: a common misspelling
    "fifty", "sixty", "seventy", "eighty", "ninety", "hundred",
]  # fmt: skip

# Turn a bare number into an amount: "50k", "1.5 million", "50 grand".
MONEY_MULTIPLIERS: list[str] = [
    "k", "m", "mn", "bn", "thousand", "million", "billion", "grand", "lakh", "lakhs", "crore",
]  # fmt: skip

# The subset that makes sense for people: "5k staff", "2 million users".
HEADCOUNT_MULTIPLIERS: list[str] = ["k", "m", "mn", "thousand", "million"]

# Currency before the number: "$50k", "usd 25000", "US$5,000".
CURRENCY_PREFIXES: list[str] = ["$", "€", "£", "us$", *CURRENCY_WORDS]

# Currency after the number: "5000 euros", "50 bucks", "5000€".
CURRENCY_SUFFIXES: list[str] = [*CURRENCY_WORDS, "$", "€", "£"]

# Range connectors usable anywhere: "10-20k", "$10k to $20k", "10–20k".
# ("and" is only a connector right after "between": see
# span_checks._after_between.)
RANGE_CONNECTORS: list[str] = ["-", "–", "—", "to"]

# Nouns that make a number a head-count, with singulars and common typos.
PEOPLE_NOUNS: list[str] = [
    "employees", "employee", "employes", "emplyees", "employess", "people",
    "ppl", "staff", "persons", "person", "folks", "engineers", "engineer",
    "heads", "members", "member", "seats", "seat", "users", "user",
    "marketers", "marketer", "agents", "agent", "reps", "rep",
]  # fmt: skip

# May stand between the number and the people noun: "10 full-time employees",
# "12 team members", "50+ staff", "a 12-person team", "50 odd people".
PEOPLE_FILLERS: list[str] = [
    "full", "part", "time", "fulltime", "parttime", "full-time", "part-time",
    "ft", "pt", "-", "+", "in", "house", "in-house", "inhouse", "remote",
    "onsite", "on-site", "office", "sales", "support", "marketing", "software",
    "tech", "technical", "customer", "service", "active", "paying", "total",
    "team", "permanent", "other", "odd", "ish", "or", "so", "more",
]  # fmt: skip
MAX_PEOPLE_FILLERS = 4

# Cues right before a head-count (hedges may sit in between). Noun cues say
# "people" on their own: "a team of 12 developers" is still a head-count.
HEADCOUNT_NOUN_CUES: list[tuple[str, ...]] = [
    ("team", "of"),  # "a team of 12"
    ("company", "of"),  # "a company of 200"
    ("staff", "of"),  # "a staff of 30"
    ("headcount", "of"),  # "a headcount of 50"
    ("headcount", "is"),  # "our headcount is 50"
    ("head", "count", "is"),  # same, typed as two words
]
# Subject cues only count when the number ends the phrase (see
# HEADCOUNT_SUBJECT_CUE_FOLLOWERS): "we're 40" yes, "we're 2 weeks late" no.
HEADCOUNT_SUBJECT_CUES: list[tuple[str, ...]] = [
    ("we", "are"),  # "we are 40"
    ("we're",),  # contractions stay one token (no tokenizer exceptions)
    ("we’re",),
    ("we", "'re"),  # "we 're"
    ("we", "’re"),
    ("there", "are"),  # "there are 5 of us"
    ("there're",),
    ("there’re",),
]

# Hedges between a cue and the number ("a team of about 12"); never returned.
# Pieces of multi-word hedges count on their own: "up to", "close to", "at
# least", "more than"; "." is the tail of "approx." (no tokenizer exceptions).
HEDGES: list[str] = [
    "about", "around", "roughly", "approximately", "approx", "approx.", ".",
    "~", "nearly", "almost", "over", "under", "like", "maybe", "some", "just",
    "only", "close", "to", "at", "least", "up", "more", "less", "fewer",
    "than", "currently", "now", "probably", "between",
]  # fmt: skip
MAX_HEDGES = 3

# What may follow the number after a subject cue (besides punctuation, the end
# of the text or a people noun), so "we are 10 minutes away", "there are 3
# options" and "we're one of the best" are not head-counts.
HEADCOUNT_SUBJECT_CUE_FOLLOWERS: list[tuple[str, ...]] = [
    ("of", "us"),  # "there are 5 of us"
    ("in", "total"),  # "we are 40 in total"
    ("in", "the", "team"),  # "we're 12 in the team"
    ("altogether",),
    ("now",),  # "we're 40 now"
    ("today",),
    ("currently",),
    ("right", "now"),
    ("at", "the", "moment"),
    ("strong",),  # "we're 40 strong"
    ("and", "growing"),
    ("or", "so"),  # "we are 40 or so"
    ("or", "thereabouts"),
    ("give", "or", "take"),  # "we're 100 give or take"
    ("more", "or", "less"),
    ("roughly",),
    ("approx",),
    ("tops",),  # "we're 20 tops"
    ("max",),
    ("at", "most"),
    ("ish",),
    ("+",),  # "we're 50+"
    ("plus",),
    ("including",),  # "we are 12 including the founders"
]

# Units after a noun cue that show the number is not people: "a team of 10
# years", "headcount is 20%".
NOT_PEOPLE_UNITS: list[str] = [
    "%", "percent", "/", "years", "year", "yrs", "months", "month", "weeks",
    "week", "days", "day", "hours", "hour", "minutes", "mins", "times", "x",
]  # fmt: skip

# Hosts without scheme or "www." must end in a known TLD, so "report.pdf",
# "node.js" or "ok.thanks" are not URLs. spaCy's own list (used by LIKE_URL)
# predates the new gTLDs, hence these additions.
EXTRA_URL_TLDS: list[str] = [
    "app", "dev", "tech", "agency", "marketing", "digital", "studio", "design",
    "shop", "store", "online", "site", "club", "cloud", "ai", "io", "co",
    "so", "ly", "me", "tv", "email", "media", "solutions", "company", "group",
]  # fmt: skip

# ---------------------------------------------------------------------------
# Token-level regexes (each applies to ONE token)
# ---------------------------------------------------------------------------

# "50", "1.5", "5,000", "1,200.50"
NUMBER_RE = r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$"

# "twelve", "twenty-five" (kept one token by the tokenizer's token_match)
_NUMBER_WORD_ALT = "|".join(NUMBER_WORDS)
NUMBER_WORD_RE = rf"^(?:{_NUMBER_WORD_ALT})(?:-(?:{_NUMBER_WORD_ALT}))*$"

# local@domain.tld without empty labels; broken addresses are left to the
# form validation downstream.
EMAIL_RE = (
    r"^[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}$"
)

# Phone numbers as the tokenizer leaves them: "+44", "(", "415", ")", "555",
# "-", "0132"; "415.555.0132" and "+14155550132" stay one token.
_DOTTED_DIGITS = r"\d{2,4}(?:\.\d{2,4}){2,4}"
PHONE_WHOLE_RE = rf"^(?:\+?\d{{7,15}}|{_DOTTED_DIGITS})$"  # one-token number
PHONE_FIRST_RE = rf"^(?:\+?\d{{1,15}}|{_DOTTED_DIGITS}|\()$"  # can open a number
PHONE_PIECE_RE = rf"^(?:\d{{1,15}}|{_DOTTED_DIGITS}|[-.()–])$"  # can continue one
PHONE_LAST_RE = rf"^(?:\d{{1,15}}|{_DOTTED_DIGITS})$"  # can close one

# Extra tokenizer infixes so that amounts always split into their parts.
EXTRA_INFIXES: list[str] = [
    # multiplier glued to a number: "50k" -> "50" "k", also inside "50k-100k";
    # only before an edge/dash/currency so "john2k@x.io" stays whole
    r"(?<=[0-9])(?:mn|bn|MN|BN|Mn|Bn|k|K|m|M)(?=$|[-–—/+~)$€£])",
    # dash right after a multiplier: "50k-100k", "1.5m–2m"
    r"(?<=[kKmMnN])[-–—](?=[$€£]?[0-9])",
    # en/em dash between digits ("10–20"); spaCy's defaults only split "-"
    r"(?<=[0-9])[–—](?=[0-9$€£])",
    # currency symbol inside a chunk: "$10k-$20k", "US$5"
    r"[$€£](?=[0-9])",
    # ")555" in "(415)555-0132", "(0" in "+44(0)20"
    r"(?<=[0-9])[()](?=[0-9])",
    # currency code glued to the number: "usd25000", "25000usd"
    r"(?<=(?i:usd|eur|gbp))(?=[0-9])",
    r"(?<=[0-9])(?=(?i:usd|eur|gbp)$)",
]

# Extra tokenizer prefixes: "~50k", "≈50k" (the default rules only split "~"
# before a currency symbol).
EXTRA_PREFIXES: list[str] = [r"[~≈](?=[0-9])"]
