"""The stories and rules editor: list them, edit one as its YAML text. The edited text
replaces exactly that story's or rule's lines in its file (`replace_conversation`), after
Rasa's validator has accepted the result. Saving goes through `bot.console.editing.save`."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.api.deps import SessionDep
from bot.console.access import Marketer
from bot.console.auth import ConsoleUser
from bot.console.editing import (
    Version,
    YamlText,
    data_page,
    form_text,
    found,
    link,
    project_root,
    save,
    text_editor,
    version_of,
)
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
def conversation_list(request: Request, user: Marketer) -> Response:
    root = project_root()
    return data_page(
        request, user, "data_conversations.html", stories=stories(root), rules=rules(root)
    )


def _editor(
    request: Request,
    user: ConsoleUser,
    section: str,
    current: ConversationText,
    *,
    text: str | None = None,
    version: str | None = None,
    problems: list[Problem] | None = None,
    status: int = 200,
) -> Response:
    conversation = current.conversation
    kind = conversation.kind
    return text_editor(
        request,
        user,
        title=f"{kind.capitalize()}: {conversation.name}",
        crumbs=[(link(), "Training data"), (link("conversations"), "Stories and rules")],
        where=f"{conversation.file}:{conversation.line}",
        label=f"The {kind}, in YAML",
        hint=HINT.format(kind=kind),
        text=current.text if text is None else text,
        action=link(section, conversation.name),
        version=version or version_of(project_root(), [conversation.file]),
        problems=problems,
        status=status,
    )


def _lookup(section: str, name: str) -> ConversationText:
    kind = KINDS[section]
    try:
        text = conversation_text(project_root(), kind=kind, name=name)
    except EditError:
        text = None
    return found(text, kind)


def _show(request: Request, user: ConsoleUser, section: str, name: str) -> Response:
    return _editor(request, user, section, _lookup(section, name))


def _save(
    request: Request,
    session: SessionDep,
    user: ConsoleUser,
    section: str,
    name: str,
    version: str,
    yaml: str,
) -> Response:
    current = _lookup(section, name)
    text = form_text(yaml)
    kind = current.conversation.kind
    return save(
        request,
        session,
        user,
        version=version,
        based_on=[current.conversation.file],
        propose=lambda root: [
            replace_conversation(root, kind=kind, name=name, text=text, dry_run=True)
        ],
        form_again=lambda problems, status: _editor(
            request,
            user,
            section,
            current,
            text=text,
            version=version,
            problems=problems,
            status=status,
        ),
        kind=f"{kind}.edited",
        back=link("conversations"),
    )


@router.get("/data/stories/{name:path}")
def story_page(name: str, request: Request, user: Marketer) -> Response:
    return _show(request, user, "stories", name)


@router.post("/data/stories/{name:path}")
def save_story(
    name: str,
    request: Request,
    session: SessionDep,
    user: Marketer,
    version: Version = "",
    yaml: YamlText = "",
) -> Response:
    return _save(request, session, user, "stories", name, version, yaml)


@router.get("/data/rules/{name:path}")
def rule_page(name: str, request: Request, user: Marketer) -> Response:
    return _show(request, user, "rules", name)


@router.post("/data/rules/{name:path}")
def save_rule(
    name: str,
    request: Request,
    session: SessionDep,
    user: Marketer,
    version: Version = "",
    yaml: YamlText = "",
) -> Response:
    return _save(request, session, user, "rules", name, version, yaml)
