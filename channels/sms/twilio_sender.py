"""Sending SMS through the twilio SDK without blocking the event loop.

The SDK's async path is `Client(http_client=AsyncTwilioHttpClient())` with
`client.messages.create_async(...)`, over one aiohttp session. Whatever goes wrong
becomes an `SmsSendError` saying whether trying again may help:

    TwilioRestException 429 or 5xx           SmsSendError(retryable=True)
    TwilioRestException other 4xx            SmsSendError(retryable=False)
    aiohttp.ClientError, timeout             SmsSendError(retryable=True)
    2xx without a message SID                SmsSendError(retryable=False)
"""

from __future__ import annotations

import asyncio

import aiohttp
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

# The SDK passes timeout=None to aiohttp, which turns off aiohttp's own default timeout.
DEFAULT_TIMEOUT_SECONDS = 15.0


class SmsSendError(Exception):
    """An SMS Twilio did not accept; `status` and `code` are Twilio's, when it answered."""

    def __init__(
        self, message: str, retryable: bool, *, status: int | None = None, code: int | None = None
    ) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.status = status
        self.code = code


class TwilioSender:
    """Sends SMS from one number of one Twilio account."""

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        from_number: str,
        api_base_url: str | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> None:
        if not (account_sid and auth_token and from_number):
            raise ValueError("a Twilio account SID, auth token and sender number are required")
        self._credentials = (account_sid, auth_token)
        self._from_number = from_number
        self._api_base_url = api_base_url
        self._timeout = timeout
        self._client: Client | None = None
        self._http: AsyncTwilioHttpClient | None = None

    async def send(self, to: str, body: str) -> str:
        """Sends one SMS and returns its message SID, or raises SmsSendError."""
        messages = self._messages_client().messages
        try:
            message = await asyncio.wait_for(
                messages.create_async(to=to, from_=self._from_number, body=body), self._timeout
            )
        except TwilioRestException as exc:
            retryable = exc.status == 429 or exc.status >= 500
            raise SmsSendError(
                f"Twilio refused the SMS (HTTP {exc.status}, code {exc.code}): {exc.msg}",
                retryable,
                status=exc.status,
                code=exc.code,
            ) from exc
        except asyncio.TimeoutError as exc:
            # Twilio may have queued it; the caller decides whether a duplicate is worse.
            raise SmsSendError(f"no answer from Twilio in {self._timeout}s", True) from exc
        except aiohttp.ClientError as exc:
            raise SmsSendError(
                f"could not reach Twilio: {type(exc).__name__}: {exc}", True
            ) from exc
        except (TwilioException, ValueError) as exc:
            # ValueError: a 2xx whose body is not JSON; it was accepted, so don't resend.
            raise SmsSendError(f"unreadable answer from Twilio: {exc}", False) from exc
        if not message.sid:
            raise SmsSendError("Twilio accepted the SMS but returned no message SID", False)
        return str(message.sid)

    async def close(self) -> None:
        """Closes the HTTP session; a later send opens a new one."""
        if self._http is not None:
            await self._http.close()
        self._client = self._http = None

    def _messages_client(self) -> Client:
        # Built on first use, inside the running loop that aiohttp's session belongs to.
        if self._client is None:
            self._http = AsyncTwilioHttpClient()  # its timeout argument is never used
            client = Client(*self._credentials, http_client=self._http)
            # The SDK would otherwise read TWILIO_EDGE / TWILIO_REGION from os.environ and
            # rewrite the API host; Parley's settings are the only configuration.
            client.edge = client.region = None
            if self._api_base_url:
                client.api.base_url = self._api_base_url.rstrip("/")
            self._client = client
        return self._client
