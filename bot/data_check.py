"""`rasa data validate --fail-on-warnings`, aware of responses that forms, actions and
follow-up sequences use, plus the lead scoring rules, segments, follow-up sequences,
the content catalogue and the web chat's triggers.

Rasa 3.6's validator wants every response used in a story or rule, so with
`--fail-on-warnings` it rejects the questions a form asks (`utter_ask_<slot>`) and the
responses custom actions and follow-ups send. This runs the same checks with warnings as
failures, but counts those responses as used: a form's `utter_ask_<slot>` for each
required slot, any response an action module names literally, and any response a
``data/workflows`` file sends. Everything else fails as in Rasa.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import rasa.shared.utils.io
from rasa.shared.core.events import ActionExecuted
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.validator import Validator

from bot.bootstrap import HANDOFF, SCORING_RULES, SEGMENTS, TRIGGERS
from bot.followups.workflows import project_catalogue, validate_workflow_files
from bot.handoff.config import validate_handoff_file
from bot.handoff.queue import HANDOFF_RESPONSES
from bot.model_archive import CONFIG, DATA, DOMAIN, WORKFLOWS_DATA
from bot.nlu import compliance_gate, request_cues
from bot.recommend.content_files import catalogue_ids, validate_content
from bot.scoring import validate_rule_files
from bot.settings import PROJECT_ROOT
from bot.targeting.triggers import validate_trigger_file

ACTIONS_PACKAGE = PROJECT_ROOT / "actions"
RESPONSE_NAME = re.compile(r"[\"'](utter_[a-z0-9_]+)[\"']")
# A workflow step's `response: utter_...`, quoted or not.
WORKFLOW_RESPONSE = re.compile(r"\bresponse:\s*[\"']?(utter_[a-z0-9_]+)")
# Rasa's key for the response a bot message came from, read by actions; not a response.
NOT_RESPONSES = frozenset({"utter_action"})


def responses_named_in(package: Path) -> set[str]:
    return {
        match
        for source in package.rglob("*.py")
        for match in RESPONSE_NAME.findall(source.read_text(encoding="utf-8"))
        if match not in NOT_RESPONSES
    }


def responses_sent_by_workflows(directory: Path) -> set[str]:
    return {
        match
        for source in directory.glob("*.yml")
        for match in WORKFLOW_RESPONSE.findall(source.read_text(encoding="utf-8"))
    }


class ParleyValidator(Validator):
    # Where the custom actions and the follow-up sequences live: the responses they send
    # need no story.
    actions_package: Path = ACTIONS_PACKAGE
    workflows_dir: Path = WORKFLOWS_DATA

    def _non_default_intents(self) -> list[str]:
        # Intents the compliance gate sets by rule have no training examples by design.
        rule_set = compliance_gate.RULE_SET_INTENTS | request_cues.RULE_SET_INTENTS
        return [i for i in super()._non_default_intents() if i not in rule_set]

    def responses_used_outside_stories(self) -> set[str]:
        form_asks = {
            f"utter_ask_{slot}"
            for form in self.domain.forms.values()
            for slot in form.get("required_slots", [])
        }
        # A validation action may request slots beyond its form's own (follow-up questions,
        # its required_slots()): their questions are the slots' utter_ask_<slot>.
        follow_ups = {f"utter_ask_{slot.name}" for slot in self.domain.slots}
        form_asks |= follow_ups & set(self.domain.responses)
        sent = responses_named_in(self.actions_package)
        by_workflows = responses_sent_by_workflows(self.workflows_dir)
        return form_asks | sent | by_workflows | set(HANDOFF_RESPONSES.values())

    def verify_utterances_in_stories(self, ignore_warnings: bool = True) -> bool:
        defined = self._gather_utterance_actions()
        in_stories = {
            event.action_name
            for story in self.story_graph.story_steps
            for event in story.events
            if isinstance(event, ActionExecuted)
            and event.action_name
            and event.action_name.startswith("utter_")
        }
        used = in_stories | self.responses_used_outside_stories()
        all_good = True
        for name in sorted(in_stories - defined):
            rasa.shared.utils.io.raise_warning(
                f"The action '{name}' is used in the stories, but is not a valid response."
            )
            all_good = ignore_warnings
        for name in sorted(defined - used):
            rasa.shared.utils.io.raise_warning(
                f"The response '{name}' is not used in any story, rule, form or action."
            )
            all_good = ignore_warnings
        for name in sorted((used - in_stories) - defined):
            rasa.shared.utils.io.raise_warning(
                f"A form or action uses the response '{name}', but the domain does not define it."
            )
            all_good = ignore_warnings
        return all_good


def marketing_rules_are_valid() -> bool:
    """Lead scoring rules, segments, follow-up sequences, the handoff settings, the
    content catalogue with its settings and the web chat's triggers: every problem
    printed as file:line."""
    workflows = sorted(WORKFLOWS_DATA.glob("*.yml"))
    names = project_catalogue()
    errors = (
        validate_rule_files([SCORING_RULES, SEGMENTS])
        + validate_workflow_files(workflows, catalogue=names)
        + validate_handoff_file(HANDOFF, segments=names.segments, grades=names.grades)
        + validate_content(segments=names.segments)
        + validate_trigger_file(TRIGGERS, segments=names.segments, items=catalogue_ids())
    )
    for error in errors:
        print(error, file=sys.stderr)
    return not errors


def check() -> bool:
    importer = TrainingDataImporter.load_from_config(
        config_path=str(CONFIG), domain_path=str(DOMAIN), training_data_paths=[str(DATA)]
    )
    validator = ParleyValidator.from_importer(importer)
    checks = [
        validator.verify_domain_validity(),
        validator.verify_actions_in_stories_rules(),
        validator.verify_forms_in_stories_rules(),
        validator.verify_form_slots(),
        validator.verify_slot_mappings(),
        validator.verify_nlu(ignore_warnings=False),
        validator.verify_story_structure(ignore_warnings=False),
        marketing_rules_are_valid(),
    ]
    return all(checks)


def main() -> int:
    if check():
        print("Training data, domain and config are valid.")
        return 0
    print("Validation failed: see the warnings above.", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
