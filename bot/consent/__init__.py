"""Marketing consent policy: purposes, what an opt-out names, and the proof of each answer."""

from bot.consent.proof import ConsentAnswer, ConsentRecord, consent_record
from bot.consent.purposes import CONSENT_SLOTS, Purpose, purposes_named_in

__all__ = [
    "CONSENT_SLOTS",
    "ConsentAnswer",
    "ConsentRecord",
    "Purpose",
    "consent_record",
    "purposes_named_in",
]
