"""The conversation review: what real visitors said that the bot misread, and turning
those messages into training examples (the backend of the console's review queue).

- `messages`: a conversation's visitor messages as Rasa read them (intent, confidence,
  runners-up, entities, channel) and what the bot did next, fallbacks included.
- `outcomes`: each conversation's tags (`fell_back`, `low_confidence`, `left_form`,
  `opted_out`, `handed_off`, `became_lead`) and `list_conversations`, newest first,
  filtered by channel, time and tags, paged.
- `placeholders`: a message with its personal data replaced by neutral stand-ins, the
  only form in which it may become training data.
- `reviews`: a message marked `fine`, the reviews listed, and how many messages that
  need a look have none (`unreviewed_count`).
- `filing`: `file_example` saves the message's placeholder text as an intent's example
  through the training-data editor (validated, atomic, audited) and returns the diff.

The events come from Rasa's tracker store (`bot.stores.conversation_events`), which may
be another database than the CRM's: every function takes it as an Engine or a
Connection, and the CRM as a Session, and never joins across the two.

Errors::

    ValueError
     └── EditError           (bot.editor)
          └── ReviewRefused  a review refused, with its `problems` (file and line)
"""

from bot.review.filing import FiledExample, NewIntent, file_example
from bot.review.messages import ConversationMessages, Entity, VisitorMessage
from bot.review.outcomes import (
    TAGS,
    ConversationPage,
    ConversationSummary,
    fallback_threshold,
    list_conversations,
)
from bot.review.placeholders import (
    Replacement,
    placeholder_text,
    replacements,
    suggested_example,
)
from bot.review.reviews import (
    ReviewPage,
    ReviewRefused,
    list_reviews,
    mark_fine,
    messages_needing_review,
    unreviewed_count,
)

__all__ = [
    "TAGS",
    "ConversationMessages",
    "ConversationPage",
    "ConversationSummary",
    "Entity",
    "FiledExample",
    "NewIntent",
    "Replacement",
    "ReviewPage",
    "ReviewRefused",
    "VisitorMessage",
    "fallback_threshold",
    "file_example",
    "list_conversations",
    "list_reviews",
    "mark_fine",
    "messages_needing_review",
    "placeholder_text",
    "replacements",
    "suggested_example",
    "unreviewed_count",
]
