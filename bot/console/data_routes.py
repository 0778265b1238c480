"""The training-data overview and the intents editor: list and filter intents, add or
remove an intent's examples, create a new intent (NLU example, domain entry and the rule
that answers it, in one save). Saving goes through `bot.console.editing.save`."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.api.deps import SessionDep
from bot.console.access import Marketer
from bot.console.auth import ConsoleUser
from bot.console.editing import (
    Field,
    Version,
    data_page,
    editable_files,
    found,
    link,
    project_root,
    save,
    version_of,
)
from bot.console.pages import clean_text
from bot.editor import Edit, Intent, Problem, add_example, intents, paths, remove_example, responses
from bot.editor import rules as all_rules
from bot.editor import stories as all_stories
from bot.editor.new_intents import create_intent
from bot.followups.workflows import sequence_names_in
from bot.recommend.content_files import catalogue_ids
from bot.scoring import load_scoring_rules, load_segments
from bot.targeting.triggers import load_triggers

router = APIRouter(prefix="/console", include_in_schema=False)
NLU_DIR = "data/nlu"


@router.get("/data")
def overview(request: Request, user: Marketer) -> Response:
    root = project_root()
    found_intents, found_responses = intents(root), responses(root)
    counts = {
        "intents": len(found_intents),
        "examples": sum(len(intent.examples) for intent in found_intents),
        "responses": len(found_responses),
        "variations": sum(len(response.variations) for response in found_responses),
        "stories": len(all_stories(root)),
        "rules": len(all_rules(root)),
        "grades": len(load_scoring_rules(root / paths.SCORING_DIR / "rules.yml").grades),
        "segments": len(load_segments(root / paths.SCORING_DIR / "segments.yml")),
        "sequences": sum(len(sequence_names_in(path)) for path in paths.workflow_files(root)),
        "triggers": len(load_triggers(root / paths.TARGETING_FILE)),
        "items": len(catalogue_ids(root / paths.CONTENT_DIR)),
    }
    return data_page(request, user, "data.html", counts=counts)


def _intents_page(
    request: Request,
    user: ConsoleUser,
    *,
    name: str = "",
    new: dict[str, str] | None = None,
    version: str | None = None,
    problems: list[Problem] | None = None,
    status: int = 200,
) -> Response:
    root = project_root()
    wanted = name.casefold()
    nlu_files = sorted(f for f in editable_files(root) if f.startswith(f"{NLU_DIR}/"))
    return data_page(
        request,
        user,
        "data_intents.html",
        status,
        name_filter=name,
        rows=[intent for intent in intents(root) if wanted in intent.name.casefold()],
        new=new or {},
        nlu_files=nlu_files,
        response_names=[response.name for response in responses(root)],
        version=version or version_of(root, editable_files(root)),
        problems=problems or [],
    )


@router.get("/data/intents")
def intent_list(request: Request, user: Marketer, name: str | None = None) -> Response:
    return _intents_page(request, user, name=clean_text(name))


@router.post("/data/intents")
def new_intent(
    request: Request,
    session: SessionDep,
    user: Marketer,
    version: Version = "",
    intent: Field = "",
    example: Field = "",
    nlu_file: Field = "",
    answer: Field = "",
) -> Response:
    name = intent.strip()
    new = {"intent": name, "example": example, "nlu_file": nlu_file, "answer": answer}

    def form_again(problems: list[Problem], status: int) -> Response:
        return _intents_page(
            request, user, new=new, version=version, problems=problems, status=status
        )

    def propose(root: Path) -> list[Edit]:
        return create_intent(
            root, intent=name, example=example, nlu_file=nlu_file, answer=answer, dry_run=True
        )

    return save(
        request,
        session,
        user,
        version=version,
        based_on=editable_files(project_root()),
        propose=propose,
        form_again=form_again,
        kind="intent.created",
        back=link("intents", name),
    )


def _find(name: str) -> Intent:
    return found(next((i for i in intents(project_root()) if i.name == name), None), "intent")


def _intent_page(
    request: Request,
    user: ConsoleUser,
    intent: Intent,
    *,
    example: str = "",
    version: str | None = None,
    problems: list[Problem] | None = None,
    status: int = 200,
) -> Response:
    return data_page(
        request,
        user,
        "data_intent.html",
        status,
        intent=intent,
        example=example,
        version=version or version_of(project_root(), [intent.file]),
        problems=problems or [],
    )


@router.get("/data/intents/{name}")
def intent_page(name: str, request: Request, user: Marketer) -> Response:
    return _intent_page(request, user, _find(name))


@router.post("/data/intents/{name}/examples")
def add_intent_example(
    name: str,
    request: Request,
    session: SessionDep,
    user: Marketer,
    version: Version = "",
    example: Field = "",
) -> Response:
    return _change_example(request, session, user, name, version, example, remove=False)


@router.post("/data/intents/{name}/examples/remove")
def remove_intent_example(
    name: str,
    request: Request,
    session: SessionDep,
    user: Marketer,
    version: Version = "",
    example: Field = "",
) -> Response:
    return _change_example(request, session, user, name, version, example, remove=True)


def _change_example(
    request: Request,
    session: SessionDep,
    user: ConsoleUser,
    name: str,
    version: str,
    example: str,
    *,
    remove: bool,
) -> Response:
    intent = _find(name)
    change = remove_example if remove else add_example

    def form_again(problems: list[Problem], status: int) -> Response:
        kept = "" if remove else example
        return _intent_page(
            request, user, intent, example=kept, version=version, problems=problems, status=status
        )

    return save(
        request,
        session,
        user,
        version=version,
        based_on=[intent.file],
        propose=lambda root: [change(root, intent=name, text=example, dry_run=True)],
        form_again=form_again,
        kind="intent.example_removed" if remove else "intent.example_added",
        back=link("intents", name),
    )
