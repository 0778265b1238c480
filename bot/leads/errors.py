"""The single error type the lead cleaners raise for answers they cannot use.

Its ``reason`` is written for the visitor, so the dialogue layer can say it
verbatim instead of inventing its own wording for every failure.
"""

from __future__ import annotations


class InvalidAnswer(ValueError):
    """A visitor's answer could not be turned into a clean value."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def __repr__(self) -> str:
        return f"InvalidAnswer({self.reason!r})"


class NeedsCountry(InvalidAnswer):
    """A phone number typed without a country code that is no number of the region we
    assumed but is one elsewhere: which country it is from decides."""

    def __init__(self, reason: str, digits: str) -> None:
        super().__init__(reason)
        self.digits = digits
