"""The try-it panel reads each message's intent, confidence, runners-up and entities, and
the bot's replies, from the events Rasa recorded."""

from __future__ import annotations

from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered

from bot.console.try_routes import turns_of


def test_turns_pair_each_message_with_its_reading_and_replies() -> None:
    parse = {
        "intent": {"name": "ask_pricing", "confidence": 0.91},
        "intent_ranking": [
            {"name": "ask_pricing", "confidence": 0.91},
            {"name": "ask_product", "confidence": 0.05},
            {"name": "greet", "confidence": 0.02},
            {"name": "inform", "confidence": 0.01},
        ],
        "entities": [{"entity": "company_size", "value": "50", "start": 9, "end": 11}],
    }
    events = [
        SessionStarted().as_dict(),
        ActionExecuted("action_listen").as_dict(),
        BotUttered("Hi there!").as_dict(),  # before any message: not a reply to one
        UserUttered("price for 50 seats?", parse["intent"], parse["entities"], parse).as_dict(),
        BotUttered("Plans start at $49.", {"buttons": [{"title": "Tell me more"}]}).as_dict(),
        BotUttered("Anything else?").as_dict(),
    ]

    [turn] = turns_of(events)

    assert turn.text == "price for 50 seats?"
    assert (turn.intent, turn.confidence) == ("ask_pricing", 0.91)
    assert turn.runners_up == [("ask_product", 0.05), ("greet", 0.02)]
    assert [(e["entity"], e["value"]) for e in turn.entities] == [("company_size", "50")]
    assert [reply["text"] for reply in turn.replies] == ["Plans start at $49.", "Anything else?"]
    assert turn.replies[0]["buttons"] == [{"title": "Tell me more"}]


def test_a_message_without_parse_data_has_no_reading() -> None:
    [turn] = turns_of([UserUttered("hello").as_dict()])

    assert (turn.intent, turn.confidence, turn.entities, turn.runners_up) == (None, None, [], [])
