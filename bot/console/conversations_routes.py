"""The stories and rules editor: list them, edit one as its YAML text. The edited text
replaces exactly that story's or rule's lines in its file (`replace_conversation`), after
Rasa's validator has accepted the result. Saving goes through `bot.console.editing.save`."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.api.deps import SessionDep
from bot.console.auth import ConsoleUser, current_user
from bot.console.editing import (
    Csrf,
    Version,
    YamlText,
    data_page,
    form_text,
    link,
    project_root,
    save,
    signed_in_with,
    text_editor,
    version_of,
)
from bot.console.pages import to_login
from bot.editor import EditError, Problem, rules, stories
from bot.editor.conversations import ConversationText, conversation_text, replace_conversation

router = APIRouter(prefix="/console", include_in_schema=False)
KINDS = {"stories": "story", "rules": "rule"}
HINT = (
    "One {kind} in YAML: '- {kind}: <name>', then its steps, each '- intent: <name>' (what "
    "the visitor means) or '- action: <name>' (what the bot does), indented by two spaces. "
    "It is checked with Rasa's validator before it is saved."
)


@router.get("/data/conversations")
def conversation_list(request: Request, session: SessionDep) -> Response:
    user = current_user(request, session)
    if user is None:
        return to_login()
    root = project_root()
    return data_page(
        request, user, "data_conversations.html", stories=stories(root), rules=rules(root)
    )


def _editor(
    request: Request,
    user: ConsoleUser,
    section: str,
    found: ConversationText,
    *,
    text: str | None = None,
    version: str | None = None,
    problems: list[Problem] | None = None,
    status: int = 200,
) -> Response:
    conversation = found.conversation
    kind = conversation.kind
    return text_editor(
        request,
        user,
        title=f"{kind.capitalize()}: {conversation.name}",
        crumbs=[(link(), "Training data"), (link("conversations"), "Stories and rules")],
        where=f"{conversation.file}:{conversation.line}",
        label=f"The {kind}, in YAML",
        hint=HINT.format(kind=kind),
        text=found.text if text is None else text,
        action=link(section, conversation.name),
        version=version or version_of(project_root(), [conversation.file]),
        problems=problems,
        status=status,
    )


def _lookup(
    request: Request, session: SessionDep, section: str, name: str
) -> tuple[ConsoleUser, ConversationText] | Response:
    kind = KINDS[section]

    def find() -> ConversationText | None:
        try:
            return conversation_text(project_root(), kind=kind, name=name)
        except EditError:
            return None

    return signed_in_with(request, session, find, kind)


def _show(request: Request, session: SessionDep, section: str, name: str) -> Response:
    looked_up = _lookup(request, session, section, name)
    if isinstance(looked_up, Response):
        return looked_up
    user, found = looked_up
    return _editor(request, user, section, found)


def _save(
    request: Request,
    session: SessionDep,
    section: str,
    name: str,
    csrf: str,
    version: str,
    yaml: str,
) -> Response:
    looked_up = _lookup(request, session, section, name)
    if isinstance(looked_up, Response):
        return looked_up
    user, found = looked_up
    text = form_text(yaml)
    kind = found.conversation.kind
    return save(
        request,
        session,
        user,
        csrf=csrf,
        version=version,
        based_on=[found.conversation.file],
        propose=lambda root: [
            replace_conversation(root, kind=kind, name=name, text=text, dry_run=True)
        ],
        form_again=lambda problems, status: _editor(
            request,
            user,
            section,
            found,
            text=text,
            version=version,
            problems=problems,
            status=status,
        ),
        kind=f"{kind}.edited",
        back=link("conversations"),
    )


@router.get("/data/stories/{name:path}")
def story_page(name: str, request: Request, session: SessionDep) -> Response:
    return _show(request, session, "stories", name)


@router.post("/data/stories/{name:path}")
def save_story(
    name: str,
    request: Request,
    session: SessionDep,
    csrf: Csrf = "",
    version: Version = "",
    yaml: YamlText = "",
) -> Response:
    return _save(request, session, "stories", name, csrf, version, yaml)


@router.get("/data/rules/{name:path}")
def rule_page(name: str, request: Request, session: SessionDep) -> Response:
    return _show(request, session, "rules", name)


@router.post("/data/rules/{name:path}")
def save_rule(
    name: str,
    request: Request,
    session: SessionDep,
    csrf: Csrf = "",
    version: Version = "",
    yaml: YamlText = "",
) -> Response:
    return _save(request, session, "rules", name, csrf, version, yaml)
