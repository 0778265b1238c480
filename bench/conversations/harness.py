"""Runs a crowd of personas against a running stack and checks each one in the CRM.

This is the entry point for tests too: given the Rasa server's base URL (its REST channel),
the API's URL and a token with the admin role, `run_personas` talks with every persona
(a few at a time, each under a sender id of its own) and returns one `Outcome` each:

    from bench.conversations import admin_token, load_personas, run_personas
    outcomes = run_personas(rasa_url, api_url, admin_token(settings.var_dir), personas[:5])
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.conversations.checks import Outcome, outcome_of
from bench.conversations.crm import Crm
from bench.conversations.personas import Persona
from bench.conversations.talk import Conversation, converse

DEFAULT_CONCURRENCY = 4


def talk_to_all(
    rest_url: str,
    rest_token: str,
    personas: Sequence[Persona],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    progress: bool = False,
) -> list[Conversation]:
    """Every persona's conversation, in the personas' order."""

    def one(persona: Persona) -> Conversation:
        conversation = converse(rest_url, rest_token, persona)
        if progress:
            t = conversation.tally
            print(
                f"  {persona.key:<26} {t.turns:>2} turns, {t.fallbacks} fallback(s), "
                f"ended: {t.ended or '?'} ({conversation.seconds:.0f} s)",
                flush=True,
            )
        return conversation

    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        return list(pool.map(one, personas))


def write_transcripts(conversations: Sequence[Conversation], directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for conversation in conversations:
        path = directory / f"{conversation.persona.key}.txt"
        path.write_text(conversation.transcript(), encoding="utf-8")


def check_all(api_url: str, api_token: str, conversations: Sequence[Conversation]) -> list[Outcome]:
    """Each conversation's outcome, read from the CRM API."""
    with Crm(api_url, api_token) as crm:
        leads = crm.leads_by_conversation({c.sender for c in conversations})
        return [outcome_of(crm, c, leads.get(c.sender)) for c in conversations]


def run_personas(
    rest_url: str,
    rest_token: str,
    api_url: str,
    api_token: str,
    personas: Sequence[Persona],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    transcripts: Path | None = None,
    progress: bool = False,
) -> list[Outcome]:
    """Talks with every persona, then checks each one's lead and opt-outs in the CRM."""
    conversations = talk_to_all(
        rest_url, rest_token, personas, concurrency=concurrency, progress=progress
    )
    if transcripts is not None:
        write_transcripts(conversations, transcripts)
    return check_all(api_url, api_token, conversations)
