"""Signed content links: what the token carries, and that only ours are read."""

from __future__ import annotations

import pytest
from itsdangerous import URLSafeSerializer

from bot.recommend.links import ContentLinks, InvalidContentLink

SECRET = b"s" * 40


def links(secret: bytes = SECRET) -> ContentLinks:
    return ContentLinks(
        "https://api.example/r", URLSafeSerializer(secret, salt="parley.content-click")
    )


def test_a_link_reads_back_as_the_offer_and_the_item() -> None:
    link = links().link(42, "guide-sms-consent-tcpa")
    assert link.startswith("https://api.example/r/")
    assert links().read(link.rsplit("/", 1)[1]) == (42, "guide-sms-consent-tcpa")


def test_the_token_holds_only_the_offer_and_the_item() -> None:
    token = links().token(7, "cs-harbor-dental-bookings")
    payload = URLSafeSerializer(SECRET, salt="parley.content-click").loads(token)
    assert payload == [7, "cs-harbor-dental-bookings"]


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        "",
        links(b"another key, another signature!!").token(7, "item"),  # forged
        URLSafeSerializer(SECRET, salt="parley.followup-unsubscribe").dumps("contact-id"),
        links().token(7, "item")[:-2] + "xx",  # altered
    ],
)
def test_a_forged_or_altered_token_is_refused(token: str) -> None:
    with pytest.raises(InvalidContentLink):
        links().read(token)


@pytest.mark.parametrize("payload", ["item", [1], [True, "item"], ["1", "item"], [1, 2], {"a": 1}])
def test_a_token_signed_by_us_but_of_another_shape_is_refused(payload: object) -> None:
    token = URLSafeSerializer(SECRET, salt="parley.content-click").dumps(payload)
    with pytest.raises(InvalidContentLink):
        links().read(token)
