"""The training-data editor behind the marketers' console: no YAML needed to edit the bot.

- `intents`, `responses`, `conversations`: list intents, responses, stories and rules; add
  or remove an intent's examples, add or reword a response's variations. Each edit changes
  only its own lines and returns an `Edit` (with `dry_run=True`, without writing).
- `validation`: `validate_change` runs the YAML, Rasa and lead scoring checks on a
  project copy with the proposed files and returns `Problem`s with file and line.
- `yaml_files`: ruamel round-trip loading and atomic writing that reproduce every
  project file byte for byte.

Errors::

    ValueError
     └── EditError      an edit refused (empty or duplicate example, unknown name, ...)
"""

from bot.editor.conversations import Conversation, rules, stories
from bot.editor.edits import Edit, EditError
from bot.editor.intents import Intent, add_example, intents, remove_example
from bot.editor.responses import Response, Variation, add_variation, responses, update_variation
from bot.editor.validation import Problem, validate_change

__all__ = [
    "Conversation",
    "Edit",
    "EditError",
    "Intent",
    "Problem",
    "Response",
    "Variation",
    "add_example",
    "add_variation",
    "intents",
    "remove_example",
    "responses",
    "rules",
    "stories",
    "update_variation",
    "validate_change",
]
