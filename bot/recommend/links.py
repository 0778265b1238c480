"""Signed links to recommended content: `/r/<token>` on the API, which records the click
and redirects to the item (`bot.api.content_redirect`).

The token is `[offer id, item id]` signed with the secret key (itsdangerous, its own
salt; no expiry: a link in an old chat must still work). It holds no personal data: the
id of the `offered` row (`bot.crm.engagement_tables`) and the catalogue item's id, so the
link still leads to the item once the person's rows are erased.
"""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeSerializer

from bot.settings import Settings

__all__ = ["PATH_PREFIX", "ContentLinks", "InvalidContentLink"]

PATH_PREFIX = "/r"
_SALT = "parley.content-click"


class InvalidContentLink(Exception):
    """A forged, altered or malformed content link token."""


@dataclass(frozen=True)
class ContentLinks:
    base_url: str  # the redirect's base URL, e.g. https://api.example/r
    signer: URLSafeSerializer

    @classmethod
    def from_settings(cls, settings: Settings, secret: bytes) -> ContentLinks:
        return cls(f"{settings.api_url}{PATH_PREFIX}", URLSafeSerializer(secret, salt=_SALT))

    def token(self, offer_id: int, item_id: str) -> str:
        return str(self.signer.dumps([offer_id, item_id]))

    def link(self, offer_id: int, item_id: str) -> str:
        return f"{self.base_url}/{self.token(offer_id, item_id)}"

    def read(self, token: str) -> tuple[int, str]:
        """(offer id, item id); raises `InvalidContentLink` unless signed by us."""
        try:
            value = self.signer.loads(token)
        except BadSignature as error:
            raise InvalidContentLink from error
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not isinstance(value[0], int)
            or isinstance(value[0], bool)
            or not isinstance(value[1], str)
        ):
            raise InvalidContentLink
        return value[0], value[1]
