"""Turn a visitor's free-text lead-form answers into clean, storable values.

Pure domain code (no Rasa, no database): each cleaner takes the raw reply
and returns a normalised value, or raises :class:`InvalidAnswer` whose
``reason`` the bot can say back to the visitor.
"""

from bot.leads.answers import (
    authority_of,
    clean_company,
    clean_free_text,
    clean_person_name,
    clean_role,
)
from bot.leads.contact import normalise_email, normalise_phone
from bot.leads.errors import InvalidAnswer
from bot.leads.quantities import Range, is_unsure, parse_headcount, parse_money
from bot.leads.timeline import Timeline, parse_timeline

__all__ = [
    "InvalidAnswer",
    "Range",
    "Timeline",
    "authority_of",
    "clean_company",
    "clean_free_text",
    "clean_person_name",
    "clean_role",
    "is_unsure",
    "normalise_email",
    "normalise_phone",
    "parse_headcount",
    "parse_money",
    "parse_timeline",
]
