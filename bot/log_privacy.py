"""Phone numbers and e-mail addresses never reach a log line whole.

Logs are read by more people, kept longer and copied to more places than the CRM, and an
SMS conversation's id is its sender's number (`sms:+14155550100`). `install()` masks both
in every log record the process makes, whoever logs it (Parley, Rasa, Sanic, uvicorn): the
message and its string arguments, when the record is made. A number keeps its first two and
last two digits (`+1••••••••00`), an address its first letter and domain (`j•••@acme.io`),
enough to tell records apart, not enough to reach anyone.
"""

from __future__ import annotations

import logging
import re
from typing import Any

_PHONE = re.compile(r"\+\d{7,15}\b")
_EMAIL = re.compile(r"\b([A-Za-z0-9])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
_DOT = "•"


def _masked_phone(match: re.Match[str]) -> str:
    digits = match.group()
    return digits[:2] + _DOT * (len(digits) - 4) + digits[-2:]


def mask(text: str) -> str:
    """`text` with its phone numbers (E.164) and e-mail addresses masked."""
    if "@" in text:
        text = _EMAIL.sub(lambda m: f"{m[1]}{_DOT * 3}@{m[2]}", text)
    if "+" in text:
        text = _PHONE.sub(_masked_phone, text)
    return text


def _masked(value: Any) -> Any:
    return mask(value) if isinstance(value, str) else value


def install() -> None:
    """Masks every log record this process makes from now on (once, however often called)."""
    make_record = logging.getLogRecordFactory()
    if getattr(make_record, "masks_personal_data", False):
        return

    def masking_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        record.msg = _masked(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_masked(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _masked(value) for key, value in record.args.items()}
        return record

    masking_factory.masks_personal_data = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(masking_factory)
