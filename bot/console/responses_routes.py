"""The responses editor: list the bot's responses, show one with its variations (text,
buttons, A/B variant), reword a variation, add one, optionally to a named A/B variant.
Saving goes through `bot.console.editing.save`."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.api.deps import SessionDep
from bot.console.auth import ConsoleUser, current_user
from bot.console.editing import (
    Csrf,
    Field,
    Version,
    data_page,
    form_text,
    link,
    project_root,
    save,
    signed_in_with,
    version_of,
)
from bot.console.pages import to_login
from bot.editor import Problem, add_variation, responses, update_variation
from bot.editor import Response as BotResponse

router = APIRouter(prefix="/console", include_in_schema=False)


@router.get("/data/responses")
def response_list(request: Request, session: SessionDep) -> Response:
    user = current_user(request, session)
    if user is None:
        return to_login()
    return data_page(request, user, "data_responses.html", rows=responses(project_root()))


def _find(name: str) -> BotResponse | None:
    return next((found for found in responses(project_root()) if found.name == name), None)


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


def _lookup(
    request: Request, session: SessionDep, name: str
) -> tuple[ConsoleUser, BotResponse] | Response:
    return signed_in_with(request, session, lambda: _find(name), "response")


@router.get("/data/responses/{name}")
def response_page(name: str, request: Request, session: SessionDep) -> Response:
    looked_up = _lookup(request, session, name)
    if isinstance(looked_up, Response):
        return looked_up
    user, found = looked_up
    return _response_page(request, user, found)


@router.post("/data/responses/{name}/variations")
def add_response_variation(
    name: str,
    request: Request,
    session: SessionDep,
    csrf: Csrf = "",
    version: Version = "",
    text: Field = "",
    variant: Field = "",
) -> Response:
    looked_up = _lookup(request, session, name)
    if isinstance(looked_up, Response):
        return looked_up
    user, found = looked_up
    entered = {"text": form_text(text), "variant": variant.strip()}
    return save(
        request,
        session,
        user,
        csrf=csrf,
        version=version,
        based_on=[found.file],
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
            found,
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
    csrf: Csrf = "",
    version: Version = "",
    text: Field = "",
) -> Response:
    looked_up = _lookup(request, session, name)
    if isinstance(looked_up, Response):
        return looked_up
    user, found = looked_up
    field = f"text-{number}"
    return save(
        request,
        session,
        user,
        csrf=csrf,
        version=version,
        based_on=[found.file],
        propose=lambda root: [
            update_variation(
                root, response=name, index=number - 1, text=form_text(text), dry_run=True
            )
        ],
        form_again=lambda problems, status: _response_page(
            request,
            user,
            found,
            entered={field: form_text(text)},
            field=field,
            version=version,
            problems=problems,
            status=status,
        ),
        kind="response.variation_reworded",
        back=link("responses", name),
    )
