"""Phone numbers and e-mail addresses are masked in every log record; files are private."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import log_privacy
from bot.process_start import prepare_process


@pytest.fixture
def masking() -> Iterator[None]:
    original = logging.getLogRecordFactory()
    log_privacy.install()
    yield
    logging.setLogRecordFactory(original)


def test_numbers_and_addresses_are_masked() -> None:
    line = log_privacy.mask("SMS to sms:+14155550100 failed; jane.doe@acme.io wrote")
    assert line == "SMS to sms:+1••••••••00 failed; j•••@acme.io wrote"


def test_other_numbers_are_left_alone() -> None:
    assert log_privacy.mask("outbox row 18, attempt 2, +3 retries") == (
        "outbox row 18, attempt 2, +3 retries"
    )


def test_every_record_is_masked_whoever_logs_it(
    masking: None, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        logging.getLogger("sanic.root").info("Not sent to %s", "telegram:1 / +447911123456")
        logging.getLogger("rasa.core").info("from %(who)s", {"who": "bob@example.com"})
        logging.getLogger("parley").info("reached +14155550100 at %d", 3)
    assert caplog.messages == [
        "Not sent to telegram:1 / +4•••••••••56",
        "from b•••@example.com",
        "reached +1••••••••00 at 3",
    ]


def test_installing_twice_masks_once(masking: None, caplog: pytest.LogCaptureFixture) -> None:
    log_privacy.install()
    with caplog.at_level(logging.INFO):
        logging.getLogger("parley").info("%s", "+14155550100")
    assert caplog.messages == ["+1••••••••00"]


def test_a_parley_process_makes_private_files(tmp_path: Path, masking: None) -> None:
    before = os.umask(0o022)
    try:
        prepare_process()
        (tmp_path / "crm.db").write_text("")
    finally:
        os.umask(before)
    assert stat.S_IMODE((tmp_path / "crm.db").stat().st_mode) == 0o600
