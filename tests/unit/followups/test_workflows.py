"""Unit tests for bot.followups.workflows: the follow-up sequence files, loaded and checked.

The shipped file loads; a file that is fine becomes exactly the expected dataclasses; each
rule of the format reports its mistake at its line (with "did you mean" where it helps),
all mistakes of a file at once; sequence names are unique across files.
"""

from __future__ import annotations

import datetime
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest

from bot.followups.workflows import (
    Branch,
    Catalogue,
    InSegment,
    Notify,
    Replied,
    Send,
    Sequence,
    Stop,
    Trigger,
    Update,
    WaitFor,
    WaitUntil,
    load_workflows,
    project_catalogue,
    validate_workflow_files,
)
from bot.model_archive import WORKFLOWS_DATA
from bot.scoring import Comparison, RulesError
from bot.settings import PROJECT_ROOT
from tests.unit.editor.conftest import copy_project

CATALOGUE = Catalogue(
    responses=frozenset({"utter_nudge", "utter_email"}),
    segments=frozenset({"hot_enterprise", "nurture"}),
    grades=frozenset({"A", "B", "C", "D"}),
    questions=("name", "email", "budget"),
)

# Line numbers in the tests below refer to this file (the first line is line 1).
WORKFLOW = textwrap.dedent(
    """\
    version: 1
    sequences:
      - name: finish_the_form
        description: Left the form at the budget question.
        trigger:
          form_left: {after: 2h, at: budget}
        exit_when: [replied]
        steps:
          - send: {channel: sms, response: utter_nudge, resume_form: true}
            id: first_nudge
          - wait: 1d
          - wait: {until: {days: [mon, fri], time: "10:00"}}
          - branch: {when: {replied: true}, goto: stop}
          - branch: {when: {segment: hot_enterprise}, goto: tell_sales}
          - branch: {when: {field: score, op: gte, value: 60}, goto: tell_sales}
          - send: {channel: email, response: utter_email, subject: "Half done"}
          - update: {score: -10, status: nurture}
          - notify: {message: "Went quiet"}
            id: tell_sales
          - stop: {}
      - name: grade_c
        trigger:
          lead_grade: {grade: C}
        steps:
          - wait: {until: {time: "09:30"}}
    """
)

EVERY_DAY = frozenset(range(7))
TRIGGER_KINDS = "form_left, lead_segment, lead_grade, handoff_unanswered, no_reply, outcome"
STEP_KINDS = "send, wait, branch, update, notify, stop"


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def edited(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def errors_in(tmp_path: Path, text: str) -> list[str]:
    path = write(tmp_path, "sequences.yml", text)
    prefix = f"{path}:"
    errors = [str(error) for error in validate_workflow_files([path], catalogue=CATALOGUE)]
    assert all(error.startswith(prefix) for error in errors), errors
    return [error.removeprefix(prefix) for error in errors]


def test_the_shipped_file_loads_with_the_projects_names() -> None:
    sequences = load_workflows(WORKFLOWS_DATA, catalogue=project_catalogue())

    shipped = "data/workflows/follow_ups.yml"
    assert [s.name for s in sequences] == ["finish_the_form", "nurture_later", "handoff_waiting"]
    assert {s.file for s in sequences} == {shipped}
    finish, nurture, handoff = sequences
    assert finish.trigger == Trigger("form_left", timedelta(hours=2), None)
    assert finish.exit_when == frozenset({"replied", "converted"})
    assert finish.steps == (
        Send("sms", "utter_followup_finish_form", resume_form=True),
        WaitFor(timedelta(days=1)),
        Branch(Replied(True), "stop"),
        Send(
            "email",
            "utter_followup_email_finish_form",
            subject="Your enquiry with Parley — a minute to finish",
        ),
        WaitFor(timedelta(days=3)),
        Notify("Left the form and did not answer two follow-ups"),
    )
    assert nurture.trigger == Trigger("lead_grade", timedelta(days=1), "C")
    assert nurture.steps == (
        WaitUntil(frozenset({1, 2, 3}), datetime.time(10, 0)),
        Send("email", "utter_followup_email_nurture", subject="Planning your setup with Parley"),
        WaitFor(timedelta(weeks=1)),
        Send("sms", "utter_followup_still_interested"),
        Stop(),
    )
    assert handoff.trigger == Trigger("handoff_unanswered", timedelta(minutes=30), None)
    assert handoff.steps == (
        Send("sms", "utter_followup_handoff_delay"),
        Notify("Handoff not picked up within 30 minutes"),
    )


def test_the_catalogue_is_read_from_the_project_at_the_given_root(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    segments = project / "data" / "scoring" / "segments.yml"
    segments.write_text(
        segments.read_text(encoding="utf-8").replace("name: students", "name: learners"),
        encoding="utf-8",
    )

    catalogue = project_catalogue(project)

    assert "learners" in catalogue.segments and "students" not in catalogue.segments
    assert "students" in project_catalogue().segments
    assert catalogue.grades == frozenset({"A", "B", "C", "D"})
    assert catalogue.questions[:2] == ("name", "email") and "budget" in catalogue.questions
    assert {"utter_followup_finish_form", "utter_greet"} <= catalogue.responses


def test_a_file_that_is_fine_loads_into_exactly_these_sequences(tmp_path: Path) -> None:
    path = write(tmp_path / "workflows", "sequences.yml", WORKFLOW)

    finish, grade_c = load_workflows(path.parent, catalogue=CATALOGUE)

    assert finish == Sequence(
        name="finish_the_form",
        description="Left the form at the budget question.",
        trigger=Trigger("form_left", timedelta(hours=2), "budget"),
        exit_when=frozenset({"replied"}),
        steps=(
            Send("sms", "utter_nudge", None, True),
            WaitFor(timedelta(days=1)),
            WaitUntil(frozenset({0, 4}), datetime.time(10, 0)),
            Branch(Replied(True), "stop"),
            Branch(InSegment("hot_enterprise"), "tell_sales"),
            Branch(Comparison("score", "gte", 60), "tell_sales"),
            Send("email", "utter_email", "Half done", False),
            Update(score=-10, status="nurture"),
            Notify("Went quiet"),
            Stop(),
        ),
        step_ids=(
            "first_nudge",
            *(f"step_{n}" for n in range(2, 9)),
            "tell_sales",
            "step_10",
        ),
        file=str(path),
    )
    assert finish.index_of("tell_sales") == 8 and finish.index_of("step_2") == 1
    with pytest.raises(KeyError):
        finish.index_of("nowhere")
    assert grade_c == Sequence(
        name="grade_c",
        description="",
        trigger=Trigger("lead_grade", timedelta(0), "C"),
        exit_when=frozenset({"replied", "converted"}),
        steps=(WaitUntil(EVERY_DAY, datetime.time(9, 30)),),
        step_ids=("step_1",),
        file=str(path),
    )


def test_an_empty_or_missing_directory_has_no_sequences(tmp_path: Path) -> None:
    assert load_workflows(tmp_path / "missing", catalogue=CATALOGUE) == ()
    assert load_workflows(tmp_path, catalogue=CATALOGUE) == ()


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param("lead_grade: {grade: C}", "lead_grade: {grade: C, after: 0m}", id="after 0m"),
        pytest.param("form_left: {after: 2h, at: budget}", "form_left: {after: 2h}", id="any q"),
        pytest.param("- stop: {}", "- stop:", id="stop without braces"),
        pytest.param("exit_when: [replied]", "exit_when: []", id="no exits"),
    ],
)
def test_these_variations_are_fine(tmp_path: Path, old: str, new: str) -> None:
    assert errors_in(tmp_path, edited(WORKFLOW, old, new)) == []


MISTAKES = [
    pytest.param(
        "version: 1",
        "version: 2",
        "1: version is 2; it must be 1",
        id="version other than 1",
    ),
    pytest.param(
        "version: 1\n",
        "version: 1\nsequence: []\n",
        "2: unknown field 'sequence' in the file; did you mean 'sequences'?",
        id="unknown top-level key",
    ),
    pytest.param(
        "name: finish_the_form",
        "name: Finish form",
        "3: sequences[0].name is 'Finish form', which is not a snake_case name such as "
        "finish_the_form",
        id="name spelling",
    ),
    pytest.param(
        "name: grade_c",
        "name: finish_the_form",
        "21: duplicate sequence name 'finish_the_form' (first defined at line 3)",
        id="duplicate name in the file",
    ),
    pytest.param(
        "form_left: {after: 2h, at: budget}",
        "form_left: {after: 2h}\n      no_reply: {after: 3d}",
        f"5: a trigger is exactly one of: {TRIGGER_KINDS}; it has form_left and no_reply",
        id="two triggers",
    ),
    pytest.param(
        "form_left: {after",
        "form_lef: {after",
        "6: unknown field 'form_lef' in sequences[0].trigger; did you mean 'form_left'?",
        id="misspelt trigger",
    ),
    pytest.param(
        "after: 2h,",
        "after: 2 hours,",
        "6: sequences[0].trigger.form_left.after is '2 hours', which is not a duration such "
        "as 30m, 2h, 3d or 1w (minutes, hours, days, weeks)",
        id="duration spelling",
    ),
    pytest.param(
        "at: budget",
        "at: budgett",
        "6: 'budgett' is not a question of the lead form; did you mean 'budget'?",
        id="unknown question",
    ),
    pytest.param(
        "form_left: {after: 2h, at: budget}",
        "handoff_unanswered: {}",
        "6: sequences[0].trigger.handoff_unanswered is missing 'after'",
        id="after required",
    ),
    pytest.param(
        "form_left: {after: 2h, at: budget}",
        "outcome: {outcome: draw}",
        "6: sequences[0].trigger.outcome.outcome is 'draw'; expected one of: won, lost",
        id="unknown outcome",
    ),
    pytest.param(
        "form_left: {after: 2h, at: budget}",
        "lead_segment: {segment: hot_enterprize}",
        "6: unknown segment 'hot_enterprize'; did you mean 'hot_enterprise'?",
        id="unknown trigger segment",
    ),
    pytest.param(
        "exit_when: [replied]",
        "exit_when: [replied, opted_out]",
        "7: sequences[0].exit_when[1] is 'opted_out'; expected one of: replied, converted",
        id="exit that cannot be listed",
    ),
    pytest.param(
        "exit_when: [replied]",
        "exit_when: [replied, replied]",
        "7: 'replied' is listed twice in exit_when",
        id="exit listed twice",
    ),
    pytest.param(
        "channel: sms",
        "channel: fax",
        "9: sequences[0].steps[0].send.channel is 'fax'; expected one of: sms, telegram, email",
        id="unknown channel",
    ),
    pytest.param(
        "response: utter_nudge",
        "response: utter_nudg",
        "9: unknown response 'utter_nudg'; did you mean 'utter_nudge'?",
        id="unknown response",
    ),
    pytest.param(
        "resume_form: true}",
        "resume_form: true, subject: Hi}",
        "9: only an email has a subject, not a message by sms",
        id="subject on a text message",
    ),
    pytest.param(
        "resume_form: true}",
        "resume_form: yes}",
        "9: sequences[0].steps[0].send.resume_form should be true or false, not 'yes'",
        id="resume_form not a yes or no",
    ),
    pytest.param(
        'subject: "Half done"}',
        'subject: "Half done", resume_form: false}',
        "16: resume_form is for sms and telegram only",
        id="resume_form on an email",
    ),
    pytest.param(
        ', subject: "Half done"}',
        "}",
        "16: an email needs a subject",
        id="email without subject",
    ),
    pytest.param(
        '"Half done"',
        '""',
        "16: sequences[0].steps[6].send.subject is ''; it needs at least 1 character(s)",
        id="empty subject",
    ),
    pytest.param(
        '"Half done"',
        "x" * 151,
        f"16: sequences[0].steps[6].send.subject is '{'x' * 151}'; it can have at most 150 "
        "character(s)",
        id="subject too long",
    ),
    pytest.param(
        "id: first_nudge",
        "id: First",
        "10: sequences[0].steps[0].id is 'First', which is not a snake_case step id such as "
        "first_nudge",
        id="step id spelling",
    ),
    pytest.param(
        "- wait: 1d\n",
        "- wait: 1d\n        id: first_nudge\n",
        "12: step id 'first_nudge' is used twice (first at line 9)",
        id="step id twice",
    ),
    pytest.param(
        "- wait: 1d\n",
        "- wait: 1d\n        id: step_3\n",
        "12: step id 'step_3' is the automatic id of step 3 (line 13); choose another",
        id="step id of another step",
    ),
    pytest.param(
        "wait: 1d",
        "wait: 0m",
        "11: wait 0m waits for nothing; give a duration longer than 0",
        id="wait of nothing",
    ),
    pytest.param(
        "wait: 1d",
        "wait: 1 day",
        "11: sequences[0].steps[1].wait is '1 day', which is not a duration such as 30m, 2h, "
        "3d or 1w (minutes, hours, days, weeks)",
        id="wait duration spelling",
    ),
    pytest.param(
        '"10:00"',
        '"24:00"',
        "12: sequences[0].steps[2].wait.until.time is '24:00', which is not a time of day from "
        '"00:00" to "23:59", such as "10:00"',
        id="time out of range",
    ),
    pytest.param(
        "[mon, fri]",
        "[mon, fry]",
        "12: sequences[0].steps[2].wait.until.days[1] is 'fry'; did you mean 'fri'?",
        id="unknown day",
    ),
    pytest.param(
        "[mon, fri]",
        "[mon, mon]",
        "12: 'mon' is listed twice in days",
        id="day listed twice",
    ),
    pytest.param(
        "{segment: hot_enterprise}",
        "{segment: hot_enterprse}",
        "14: unknown segment 'hot_enterprse'; did you mean 'hot_enterprise'?",
        id="unknown branch segment",
    ),
    pytest.param(
        "value: 60}, goto: tell_sales}",
        "value: 60}, goto: first_nudge}",
        "15: goto 'first_nudge' goes back to step 1; a branch can only go forward, to a later "
        "step, or to stop",
        id="goto backwards",
    ),
    pytest.param(
        "value: 60}, goto: tell_sales}",
        "value: 60}, goto: tel_sales}",
        "15: goto 'tel_sales' is not the id of a later step; did you mean 'tell_sales'?",
        id="goto unknown",
    ),
    pytest.param(
        "field: score,",
        "field: scor,",
        "15: unknown field 'scor'; did you mean 'score'?",
        id="condition field",
    ),
    pytest.param(
        "{field: score, op: gte, value: 60}",
        "{field: grade, op: eq, value: Z}",
        "15: 'Z' is not a grade in the rules (A, B, C, D)",
        id="condition on a grade that does not exist",
    ),
    pytest.param(
        "status: nurture}",
        "status: nurtured}",
        "17: sequences[0].steps[7].update.status is 'nurtured'; did you mean 'nurture'?",
        id="unknown status",
    ),
    pytest.param(
        "{score: -10, status: nurture}",
        "{}",
        "17: an update needs a score, a status or both",
        id="empty update",
    ),
    pytest.param(
        "score: -10",
        "score: 0",
        "17: score 0 changes nothing; give the points to add, such as 10 or -10",
        id="update by nothing",
    ),
    pytest.param(
        '"Went quiet"',
        '""',
        "18: sequences[0].steps[8].notify.message is ''; it needs at least 1 character(s)",
        id="empty notification",
    ),
    pytest.param(
        '"Went quiet"',
        "y" * 501,
        f"18: sequences[0].steps[8].notify.message is '{'y' * 501}'; it can have at most 500 "
        "character(s)",
        id="notification too long",
    ),
    pytest.param(
        "- stop: {}",
        "- {stop: {}, notify: {message: x}}",
        f"20: a step is exactly one of: {STEP_KINDS}; it has stop and notify",
        id="step doing two things",
    ),
    pytest.param(
        "- stop: {}",
        "- id: the_end",
        f"20: a step is exactly one of: {STEP_KINDS}; it has none",
        id="step doing nothing",
    ),
    pytest.param(
        "- stop: {}",
        "- stp: {}",
        "20: unknown field 'stp' in sequences[0].steps[9]; did you mean 'stop'?",
        id="misspelt step",
    ),
    pytest.param(
        "- stop: {}",
        "- stop: {now: true}",
        "20: stop takes nothing: write 'stop: {}'",
        id="stop with a value",
    ),
    pytest.param(
        "grade: C",
        "grade: E",
        "23: unknown grade 'E'; expected one of: A, B, C, D",
        id="unknown grade",
    ),
    pytest.param(
        '      - wait: {until: {time: "09:30"}}\n',
        "      - wait: {until: {days: [mon]}}\n",
        "25: sequences[1].steps[0].wait.until is missing 'time'",
        id="until without a time",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), MISTAKES)
def test_each_mistake_is_reported_at_its_line(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    text = edited(WORKFLOW, old, new)

    assert errors_in(tmp_path, text) == [expected]
    with pytest.raises(RulesError, match=f"^{tmp_path / 'sequences.yml'}:"):
        load_workflows(tmp_path, catalogue=CATALOGUE)


def test_an_empty_list_of_sequences_is_a_mistake(tmp_path: Path) -> None:
    assert errors_in(tmp_path, "version: 1\nsequences: []\n") == [
        "2: sequences is []; list at least 1 item(s)"
    ]


def test_every_mistake_of_a_file_is_reported_at_once_in_line_order(tmp_path: Path) -> None:
    text = edited(WORKFLOW, "grade: C", "grade: E")
    text = edited(text, "response: utter_nudge", "response: utter_nudg")
    text = edited(text, "version: 1", "version: 3")

    assert errors_in(tmp_path, text) == [
        "1: version is 3; it must be 1",
        "9: unknown response 'utter_nudg'; did you mean 'utter_nudge'?",
        "23: unknown grade 'E'; expected one of: A, B, C, D",
    ]


def test_names_that_could_not_be_read_are_not_checked(tmp_path: Path) -> None:
    # An empty set: the file defining them has a mistake, which its own check reports.
    nothing_read = Catalogue(frozenset(), frozenset(), frozenset(), ())
    text = edited(
        WORKFLOW, "{field: score, op: gte, value: 60}", "{field: grade, op: eq, value: Z}"
    )
    path = write(tmp_path, "sequences.yml", text)

    assert validate_workflow_files([path], catalogue=nothing_read) == []


def test_a_sequence_name_is_unique_across_files(tmp_path: Path) -> None:
    first = write(tmp_path, "a.yml", WORKFLOW)
    second = write(tmp_path, "b.yml", edited(WORKFLOW, "name: grade_c", "name: other"))

    errors = validate_workflow_files([first, second], catalogue=CATALOGUE)

    assert [str(error) for error in errors] == [
        f"{second}:3: duplicate sequence name 'finish_the_form' (first defined at {first}:3)"
    ]
    with pytest.raises(RulesError, match="duplicate sequence name 'finish_the_form'"):
        load_workflows(tmp_path, catalogue=CATALOGUE)


def test_files_load_in_name_order(tmp_path: Path) -> None:
    write(tmp_path, "b.yml", edited(WORKFLOW, "name: grade_c", "name: from_b"))
    later = edited(WORKFLOW, "name: grade_c", "name: from_a")
    write(tmp_path, "a.yml", edited(later, "name: finish_the_form", "name: first"))

    names = [sequence.name for sequence in load_workflows(tmp_path, catalogue=CATALOGUE)]

    assert names == ["first", "from_a", "finish_the_form", "from_b"]


def test_a_file_that_is_not_yaml_is_reported_with_its_line(tmp_path: Path) -> None:
    errors = errors_in(tmp_path, edited(WORKFLOW, "- wait: 1d", "- wait: [1d"))
    assert errors == ["12: not valid YAML: expected ',' or ']', but got ':'"]


def test_files_in_the_project_are_named_from_its_root() -> None:
    shipped = PROJECT_ROOT / "data" / "workflows" / "follow_ups.yml"
    assert validate_workflow_files([shipped], catalogue=project_catalogue()) == []
    errors = validate_workflow_files([shipped], catalogue=CATALOGUE)
    assert errors and all(error.file == "data/workflows/follow_ups.yml" for error in errors)
