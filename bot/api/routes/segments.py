"""Segments as marketers defined them, with how many leads are in each. Any role: counts
are not personal data."""

from __future__ import annotations

from fastapi import APIRouter

from bot import bootstrap
from bot.api.deps import SessionDep, Viewer
from bot.api.schemas import SegmentOut
from bot.crm.queries import segment_lead_count

router = APIRouter(prefix="/segments", tags=["segments"])


@router.get("", response_model=list[SegmentOut], summary="Segments and their lead counts")
def list_segments(_: Viewer, session: SessionDep) -> list[SegmentOut]:
    return [
        SegmentOut(
            name=segment.name,
            description=segment.description,
            lead_count=segment_lead_count(session, segment.name),
        )
        for segment in bootstrap.segments()
    ]
