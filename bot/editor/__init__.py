"""The training-data editor behind the marketers' console: no YAML needed to edit the bot.

- `intents`, `responses`, `conversations`: list intents, responses, stories and rules; add
  or remove an intent's examples, add or reword a response's variations, replace one story
  or rule with edited YAML text. Each edit changes only its own lines and returns an
  `Edit` (with `dry_run=True`, without writing).
- `new_intents`, `domain_intents`: a new intent with its first example, its domain entry
  and a rule answering it, which Rasa needs before it accepts the intent.
- `blocks`: where a sequence item (a story, a rule, a list entry) starts and ends as text.
- `validation`: `validate_change` runs the YAML, Rasa and lead scoring checks on a
  project copy with the proposed files and returns `Problem`s with file and line. It
  loads Rasa (and TensorFlow), so it is imported from `bot.editor.validation` where it
  is used, never from here: the API process starts without Rasa.
- `yaml_files`: ruamel round-trip loading and atomic writing that reproduce every
  project file byte for byte.

Errors::

    ValueError
     └── EditError      an edit refused (empty or duplicate example, unknown name, ...)
"""

from bot.editor.conversations import (
    Conversation,
    ConversationText,
    conversation_text,
    replace_conversation,
    rules,
    stories,
)
from bot.editor.edits import Edit, EditError, Problem
from bot.editor.intents import Intent, add_example, intents, remove_example
from bot.editor.new_intents import create_intent
from bot.editor.responses import Response, Variation, add_variation, responses, update_variation

__all__ = [
    "Conversation",
    "ConversationText",
    "Edit",
    "EditError",
    "Intent",
    "Problem",
    "Response",
    "Variation",
    "add_example",
    "add_variation",
    "conversation_text",
    "create_intent",
    "intents",
    "remove_example",
    "replace_conversation",
    "responses",
    "rules",
    "stories",
    "update_variation",
]
