"""The responses editor: list the bot's responses, show one with its variations (text,
buttons, A/B variant), reword a variation, add one, optionally to a named A/B variant.
Saving goes through `bot.console.editing.save`."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.api.deps import SessionDep
from bot.console.access import Marketer
from bot.console.auth import ConsoleUser
from bot.console.editing import (
    Field,
    Version,
    data_page,
    form_text,
    found,
    link,
    project_root,
    save,
    version_of,
)
from bot.editor import Problem, add_variation, responses, update_variation
from bot.editor import Response as BotResponse

router = APIRouter(prefix="/console", include_in_schema=False)


@router.get("/data/responses")
def response_list(request: Request, user: Marketer) -> Response:
    return data_page(request, user, "data_responses.html", rows=responses(project_root()))


def _find(name: str) -> BotResponse:
    return found(next((r for r in responses(project_root()) if r.name == name), None), "response")


def _response_page(
    request: Request,
    user: ConsoleUser,
    response: BotResponse,
    *,
    entered: dict[str, str] | None = None,
    field: str = "text",
    version: str | None = None,
    problems: list[Problem] | None = None,
    status: int = 200,
) -> Response:
    return data_page(
        request,
        user,
        "data_response.html",
        status,
        response=response,
        entered=entered or {},
        field=field,
        version=version or version_of(project_root(), [response.file]),
        problems=problems or [],
    )


@router.get("/data/responses/{name}")
def response_page(name: str, request: Request, user: Marketer) -> Response:
    return _response_page(request, user, _find(name))


@router.post("/data/responses/{name}/variations")
def add_response_variation(
    name: str,
    request: Request,
    session: SessionDep,
    user: Marketer,
    version: Version = "",
    text: Field = "",
    variant: Field = "",
) -> Response:
    response = _find(name)
    entered = {"text": form_text(text), "variant": variant.strip()}
    return save(
        request,
        session,
        user,
        version=version,
        based_on=[response.file],
        propose=lambda root: [
            add_variation(
                root,
                response=name,
                text=entered["text"],
                variant=entered["variant"] or None,
                dry_run=True,
            )
        ],
        form_again=lambda problems, status: _response_page(
            request,
            user,
            response,
            entered=entered,
            version=version,
            problems=problems,
            status=status,
        ),
        kind="response.variation_added",
        back=link("responses", name),
    )


@router.post("/data/responses/{name}/variations/{number}")
def reword_response_variation(
    name: str,
    number: int,
    request: Request,
    session: SessionDep,
    user: Marketer,
    version: Version = "",
    text: Field = "",
) -> Response:
    response = _find(name)
    field = f"text-{number}"
    return save(
        request,
        session,
        user,
        version=version,
        based_on=[response.file],
        propose=lambda root: [
            update_variation(
                root, response=name, index=number - 1, text=form_text(text), dry_run=True
            )
        ],
        form_again=lambda problems, status: _response_page(
            request,
            user,
            response,
            entered={field: form_text(text)},
            field=field,
            version=version,
            problems=problems,
            status=status,
        ),
        kind="response.variation_reworded",
        back=link("responses", name),
    )
