"""Process facts a benchmark reports: resident memory, and waiting for a first answer."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

PAGE_KB = 1024


def rss_mb(pid: int) -> float:
    """Resident memory of one process (VmRSS), in MB; 0 if it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / PAGE_KB, 1)
    return 0.0


def rest_params(token: str | None) -> dict[str, str]:
    """The query of a REST channel call: Parley's needs Rasa's API token, stock Rasa's none."""
    return {"token": token} if token else {}


def wait_for_first_answer(
    url: str, message: str, timeout_s: float = 300.0, token: str | None = None
) -> float:
    """Seconds until the REST channel at `url` answers `message` with a reply."""
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        try:
            response = httpx.post(
                f"{url}/webhooks/rest/webhook",
                json={"sender": "bench-first-answer", "message": message},
                params=rest_params(token),
                timeout=30.0,
            )
            if response.status_code == 200 and response.json():
                return time.monotonic() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{url} gave no answer within {timeout_s:.0f} s")
