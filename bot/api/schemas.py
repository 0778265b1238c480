"""The CRM API's response and request bodies (pydantic v1 models, shown in /docs).

Only what a route returns is modelled here; turning ORM rows into these models is
`bot.api.views`' job.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, constr, validator

from bot.crm.tokens import check_name

Role = Literal["viewer", "agent", "marketer", "admin"]


def _declare_nullable(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """Mark optional fields as nullable in the JSON schema: pydantic v1 leaves `null` out,
    so /docs (and clients generated from it) would promise a value that may be missing."""
    for field in model.__fields__.values():
        declared = schema.get("properties", {}).get(field.alias)
        if field.allow_none and declared and declared != {}:
            title = declared.pop("title", None)
            nullable = {"anyOf": [declared, {"type": "null"}]}
            schema["properties"][field.alias] = nullable | ({"title": title} if title else {})


class ApiModel(BaseModel):
    class Config:
        schema_extra = staticmethod(_declare_nullable)


class ErrorBody(ApiModel):
    error: str = Field(..., description="A short code, e.g. not_found or forbidden.")
    detail: Any = Field(None, description="What went wrong, when there is more to say.")


class ContactOut(ApiModel):
    id: str
    email: str | None
    phone: str | None
    telegram_user_id: str | None
    name: str | None
    company: str | None
    created_at: datetime
    updated_at: datetime


class LeadSummary(ApiModel):
    id: str
    contact_id: str
    name: str | None
    email: str | None
    company: str | None
    channel: str
    score: int
    grade: str
    segments: list[str]
    status: str
    created_at: datetime
    updated_at: datetime


class LeadPage(ApiModel):
    items: list[LeadSummary]
    total: int
    limit: int
    offset: int


class ConsentEventOut(ApiModel):
    id: int
    purpose: str
    answer: str
    granted: bool
    wording: str | None
    notice_version: str
    reply_text: str
    message_id: str | None
    channel: str | None
    conversation_id: str
    recorded_at: datetime


class ConsentState(ApiModel):
    purpose: str
    answer: str = Field(..., description="The latest answer for this purpose.")
    granted: bool
    recorded_at: datetime
    proof: list[ConsentEventOut] = Field(..., description="Every answer, newest first.")


class LeadPrediction(ApiModel):
    probability: float = Field(..., description="Chance of a win, learned from past outcomes.")


class NoPrediction(ApiModel):
    status: Literal["too_little_data", "no_facts"]
    reason: str


class LeadDetail(LeadSummary):
    version: int
    role: str | None
    authority: str | None
    source: dict[str, Any]
    answers: dict[str, Any]
    score_breakdown: list[dict[str, Any]]
    contact: ContactOut
    consent: list[ConsentState]
    transcript_url: str
    predictive: LeadPrediction | NoPrediction | None = Field(None, description="Beside `score`.")


class TranscriptLine(ApiModel):
    sender: Literal["user", "bot"]
    text: str | None
    timestamp: datetime | None
    agent: str | None = Field(
        None, description="The sales rep who wrote this message in the bot's place, if one did."
    )


class Transcript(ApiModel):
    lead_id: str
    conversation_id: str
    messages: list[TranscriptLine]


class ContactPage(ApiModel):
    items: list[ContactOut]
    total: int
    limit: int
    offset: int


class ContactDetail(ContactOut):
    leads: list[LeadSummary]
    consent: list[ConsentState]


class ConsentLedger(ApiModel):
    current: list[ConsentState]
    events: list[ConsentEventOut] = Field(..., description="The whole ledger, newest first.")


class SegmentOut(ApiModel):
    name: str
    description: str
    lead_count: int


class SuppressionEntry(ApiModel):
    identifier_hash: str
    kind: str
    reason: str
    created_at: datetime


class SuppressionList(ApiModel):
    count: int
    items: list[SuppressionEntry]
    limit: int
    offset: int


class SuppressionCheck(ApiModel):
    kind: str
    suppressed: bool


class OutboxItem(ApiModel):
    id: int
    lead_id: str | None  # None: a message about a contact (a double opt-in request)
    lead_version: int | None
    sink: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
    payload: dict[str, Any]


class OutboxPage(ApiModel):
    items: list[OutboxItem]
    total: int
    limit: int
    offset: int


class OutboxCounts(ApiModel):
    counts: dict[str, int] = Field(..., description="Rows per status.")
    total: int


class SubjectExport(ApiModel):
    exported_at: datetime
    identifier: dict[str, str]
    contacts: list[dict[str, Any]]
    leads: list[dict[str, Any]]
    consent_events: list[dict[str, Any]]
    outbox: list[dict[str, Any]]
    consent_confirmations: list[dict[str, Any]]
    outcomes: list[dict[str, Any]]
    inbound_messages: list[dict[str, Any]]
    suppressions: list[dict[str, Any]]
    experiment_exposures: list[dict[str, Any]]
    followup_enrollments: list[dict[str, Any]]
    followup_steps: list[dict[str, Any]]
    message_reviews: list[dict[str, Any]]
    handoffs: list[dict[str, Any]]
    content_engagements: list[dict[str, Any]]
    conversation_events: list[dict[str, Any]]


class ErasureReport(ApiModel):
    erased: dict[str, int] = Field(..., description="Rows erased per table.")
    suppressed: list[str] = Field(..., description="Kinds of identifier now suppressed.")
    notified: list[str] = Field(
        ...,
        description="Sinks that were sent the person's leads and are now sent a "
        "`subject.erased` notice (through the outbox, with retries).",
    )


class TokenOut(ApiModel):
    name: str
    role: str
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class TokenCreated(TokenOut):
    token: str = Field(..., description="The token itself: shown this once, never again.")


class TokenCreate(ApiModel):
    name: constr(min_length=1, max_length=64, regex=r"^[A-Za-z0-9][A-Za-z0-9_.@-]*$")  # type: ignore[valid-type]
    role: Role

    @validator("name")
    def _whole_name(cls, value: str) -> str:
        # The regex's `$` lets a trailing newline through; the repository's check does not.
        return check_name(value)
