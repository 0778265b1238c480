"""The currencies a budget may be given in, as people write them: code -> spellings.

Shared by the NLU's money spans (bot/nlu/span_vocabulary.py) and the budget reader
(bot/leads/quantities.py), so a currency one knows the other reads.
"""

from __future__ import annotations

SPELLINGS: dict[str, tuple[str, ...]] = {
    "USD": ("us$", "$", "usd", "dollars", "dollar", "bucks", "buck"),
    "EUR": ("€", "eur", "euros", "euro"),
    "GBP": ("£", "gbp", "pounds", "pound", "quid", "sterling"),
    "CAD": ("c$", "ca$", "cad", "canadian dollars"),
    "AUD": ("a$", "au$", "aud", "australian dollars"),
    "NZD": ("nz$", "nzd"),
    "CHF": ("chf", "swiss francs"),
    "NOK": ("nok", "kroner"),
    "SEK": ("sek", "kronor"),
    "DKK": ("dkk",),
    "SGD": ("s$", "sgd"),
    "JPY": ("¥", "jpy", "yen"),
    "INR": ("₹", "inr", "rupees"),
    "ZAR": ("zar", "rand", "rands"),
    "BRL": ("r$", "brl", "reais"),
}
# One word each, for a tokenizer: "400 AUD", "usd 25000".
WORDS: tuple[str, ...] = tuple(
    spelling for spellings in SPELLINGS.values() for spelling in spellings if spelling.isalpha()
)
