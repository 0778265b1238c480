"""ValidateLeadForm: answers read from free text, specific re-asks, then moving on."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.lead_form import ValidateLeadForm
from bot.leads.form import DECLINED, QUESTIONS, UNKNOWN


async def validate(
    tracker: Any, domain: dict[str, Any]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await ValidateLeadForm().run(dispatcher, tracker, domain)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    return slots, dispatcher.messages


def asking(slot: str, text: str, tracker_for: Any, **kwargs: Any) -> Any:
    return tracker_for(
        text,
        slots={"requested_slot": slot, **kwargs.pop("slots", {})},
        active_loop="lead_form",
        **kwargs,
    )


async def test_email_is_normalised_and_marks_contact_known(tracker_for: Any, domain: dict) -> None:
    tracker = asking("email", "sure, it's Sam.Lee@Northwind.IO", tracker_for)
    slots, messages = await validate(tracker, domain)
    assert slots["email"] == "Sam.Lee@northwind.io"
    assert slots["contact_known"] is True
    assert messages == []


async def test_email_from_the_structured_entity_is_preferred(
    tracker_for: Any, domain: dict
) -> None:
    entity = {"entity": "email", "value": "jo@acme.io", "start": 9, "end": 19}
    tracker = asking("email", "email is jo@acme.io ok", tracker_for, entities=[entity])
    slots, _ = await validate(tracker, domain)
    assert slots["email"] == "jo@acme.io"


async def test_invalid_email_is_reasked_twice_then_marked_unknown(
    tracker_for: Any, domain: dict
) -> None:
    first = asking("email", "sam at acme", tracker_for)
    slots, messages = await validate(first, domain)
    assert slots.get("email") is None
    assert slots["validation_failures"] == {"email": 1}
    assert messages[0]["response"] == "utter_invalid_answer"
    assert messages[0]["reason"]

    second = asking("email", "sam@", tracker_for, slots={"validation_failures": {"email": 1}})
    slots, messages = await validate(second, domain)
    assert slots.get("email") is None
    assert slots["validation_failures"] == {"email": 2}
    assert messages[0]["response"] == "utter_invalid_answer"

    third = asking("email", "nope", tracker_for, slots={"validation_failures": {"email": 2}})
    slots, messages = await validate(third, domain)
    assert slots["email"] == UNKNOWN
    assert slots["validation_failures"] == {}
    assert [m["response"] for m in messages] == ["utter_moving_on"]
    assert "contact_known" not in slots


async def test_phone_is_stored_in_e164(tracker_for: Any, domain: dict) -> None:
    slots, _ = await validate(asking("phone", "call me on (415) 555-0132", tracker_for), domain)
    assert slots["phone"] == "+14155550132"
    assert slots["contact_known"] is True


async def test_declining_an_optional_question_is_accepted(tracker_for: Any, domain: dict) -> None:
    tracker = tracker_for(
        "i'd rather not say",
        slots={"requested_slot": "phone"},
        active_loop="lead_form",
        intent="decline_to_answer",
    )
    slots, messages = await validate(tracker, domain)
    assert slots["phone"] == DECLINED
    assert messages == []


async def test_declining_a_required_question_explains_and_asks_again(
    tracker_for: Any, domain: dict
) -> None:
    tracker = tracker_for(
        "rather not say",
        slots={"requested_slot": "company"},
        active_loop="lead_form",
        intent="decline_to_answer",
    )
    slots, messages = await validate(tracker, domain)
    assert slots.get("company") is None
    assert [m["response"] for m in messages] == ["utter_required_answer"]


async def test_money_and_headcount_become_ranges(tracker_for: Any, domain: dict) -> None:
    slots, _ = await validate(
        asking("budget", "between 10 and 20 thousand dollars", tracker_for), domain
    )
    assert slots["budget"] == {"low": 10000, "high": 20000, "unit": "USD"}
    slots, _ = await validate(asking("company_size", "1,200 employees", tracker_for), domain)
    assert slots["company_size"] == {"low": 1200, "high": 1200, "unit": "people"}


async def test_unsure_budget_is_recorded_without_reasking(tracker_for: Any, domain: dict) -> None:
    slots, messages = await validate(asking("budget", "no idea yet tbh", tracker_for), domain)
    assert slots["budget"] == UNKNOWN
    assert messages == []


async def test_role_sets_authority(tracker_for: Any, domain: dict) -> None:
    slots, _ = await validate(asking("role", "i'm the head of marketing", tracker_for), domain)
    assert slots["role"] == "head of marketing"
    assert slots["authority"] == "decision_maker"


async def test_timeline_becomes_a_bucket(tracker_for: Any, domain: dict) -> None:
    slots, _ = await validate(asking("timeline", "within 3 months", tracker_for), domain)
    assert slots["timeline"] == "1_3_months"


async def test_intent_syntax_prefix_never_reaches_the_answer(
    tracker_for: Any, domain: dict
) -> None:
    tracker = asking("name", '/inform{"name": "x"}', tracker_for)
    slots, messages = await validate(tracker, domain)
    assert slots.get("name") is None
    assert messages[0]["response"] == "utter_invalid_answer"


async def test_a_phone_known_before_the_form_is_kept_whatever_the_visitor_says(
    tracker_for: Any, domain: dict
) -> None:
    # The SMS channel fills the phone slot from the sender's number at session start;
    # the form validates it when it activates, on the visitor's "yeah sure".
    tracker = tracker_for(
        "yeah sure", candidates={"phone": "+14155550132"}, active_loop="lead_form"
    )
    slots, messages = await validate(tracker, domain)
    assert slots["phone"] == "+14155550132"
    assert messages == []


async def test_a_one_word_name_is_followed_by_the_last_name_question(
    tracker_for: Any, domain: dict
) -> None:
    slots, _ = await validate(asking("name", "Hannah", tracker_for), domain)
    assert slots["name"] == "Hannah"
    assert slots["requested_slot"] == "last_name"


async def test_a_full_name_is_not_asked_for_a_last_name(tracker_for: Any, domain: dict) -> None:
    slots, _ = await validate(asking("name", "Hannah Lee", tracker_for), domain)
    assert slots.get("requested_slot") is None  # Rasa asks the form's next question


async def test_the_last_name_completes_the_name(tracker_for: Any, domain: dict) -> None:
    for reply in ("lee", "Hannah Lee"):
        tracker = asking("last_name", reply, tracker_for, slots={"name": "Hannah"})
        slots, _ = await validate(tracker, domain)
        assert slots["name"] == "Hannah Lee"
        assert slots.get("requested_slot") is None


async def test_the_last_name_is_asked_once(tracker_for: Any, domain: dict) -> None:
    for reply in ("skip", "hannah@lee.studio"):
        tracker = asking("last_name", reply, tracker_for, slots={"name": "Hannah"})
        slots, _ = await validate(tracker, domain)
        assert slots["last_name"] == DECLINED
        assert "name" not in slots
        assert slots.get("requested_slot") is None
    email = {"entity": "email", "value": "hannah@lee.studio", "start": 0, "end": 17}
    tracker = asking(
        "last_name", "hannah@lee.studio", tracker_for, slots={"name": "Hannah"}, entities=[email]
    )
    slots, _ = await validate(tracker, domain)
    assert slots["email"] == "hannah@lee.studio"


async def test_a_foreign_local_number_asks_its_country_once(tracker_for: Any, domain: dict) -> None:
    answered = {q: "x y" for q in QUESTIONS if q != "phone"}
    tracker = asking("phone", "07911 123456", tracker_for, slots=answered)
    slots, messages = await validate(tracker, domain)
    assert "phone" not in slots
    assert slots["phone_unplaced"] == "07911 123456"
    assert slots["requested_slot"] == "phone_country"
    assert messages == []

    unplaced = {"phone_unplaced": "07911 123456"}
    tracker = asking("phone_country", "it's a UK number", tracker_for, slots=unplaced)
    slots, _ = await validate(tracker, domain)
    assert slots["phone"] == "+447911123456"

    tracker = asking("phone_country", "hmm not sure", tracker_for, slots=unplaced)
    slots, messages = await validate(tracker, domain)
    assert slots["phone_unplaced"] == ""
    assert [m["response"] for m in messages] == ["utter_invalid_answer"]
    tracker = asking("phone", "07911 123456", tracker_for, slots={"phone_unplaced": ""})
    slots, messages = await validate(tracker, domain)
    assert [m["response"] for m in messages] == ["utter_invalid_answer"]


async def test_a_probable_company_is_confirmed_not_asked_again(
    tracker_for: Any, domain: dict
) -> None:
    email = {"entity": "email", "value": "ada@brookbakes.com", "start": 11, "end": 29}
    text = "Ada Brook, ada@brookbakes.com, Brook Bakes, I'm the owner"
    slots, _ = await validate(asking("name", text, tracker_for, entities=[email]), domain)
    assert slots["company_guess"] == "Brook Bakes"
    assert slots["requested_slot"] == "company_check"

    held = {"name": "Ada Brook", "email": "ada@brookbakes.com", "company_guess": "Brook Bakes"}
    for reply, company in (
        ("yes", "Brook Bakes"),
        ("no", None),
        ("Brook Bakes Ltd", "Brook Bakes Ltd"),
    ):
        tracker = asking("company_check", reply, tracker_for, slots=held)
        slots, _ = await validate(tracker, domain)
        assert slots.get("company") == company
        assert slots["company_guess"] is None


async def test_answers_stored_before_are_not_read_again_when_the_form_restarts(
    tracker_for: Any, domain: dict
) -> None:
    answered = {"timeline": "within_1_month", "budget": {"low": 200, "high": 200, "unit": "USD"}}
    # The form starts again after it was done: Rasa sets its filled slots once more.
    tracker = restarted("we also run a shop on Shopify", tracker_for, answered)
    slots, messages = await validate(tracker, domain)
    assert "timeline" not in slots and "budget" not in slots
    assert messages == []


async def test_asking_to_carry_on_asks_the_question_again_without_a_failure(
    tracker_for: Any, domain: dict
) -> None:
    tracker = asking("timeline", "ok, can we carry on?", tracker_for, intent="express_interest")
    slots, messages = await validate(tracker, domain)
    assert "timeline" not in slots
    assert slots["validation_failures"] == {}
    assert messages == []


async def test_a_number_not_valid_in_the_country_named_says_so(
    tracker_for: Any, domain: dict
) -> None:
    unplaced = {"phone_unplaced": "07700 900412"}
    tracker = asking("phone_country", "the UK", tracker_for, slots=unplaced)
    slots, messages = await validate(tracker, domain)
    assert "phone" not in slots
    assert slots["phone_unplaced"] == ""
    assert "United Kingdom" in messages[0]["reason"]


async def test_an_opener_asking_whether_we_can_help_gets_a_yes_before_the_questions(
    tracker_for: Any, domain: dict
) -> None:
    text = "we run a dental clinic and miss loads of calls after 5pm. can your bot help?"
    slots, messages = await validate(tracker_for(text, active_loop="lead_form"), domain)
    assert [m["response"] for m in messages] == ["utter_we_can_help"]
    assert "miss loads of calls" in slots["use_case"]


async def test_an_answer_to_another_question_is_kept_and_said_so(
    tracker_for: Any, domain: dict
) -> None:
    """An e-mail address at the name question: kept, acknowledged, the name asked again."""
    entity = {"entity": "email", "value": "dana@stopgo.com", "start": 0, "end": 15}
    tracker = asking("name", "dana@stopgo.com", tracker_for, entities=[entity])
    slots, messages = await validate(tracker, domain)
    assert slots["email"] == "dana@stopgo.com" and slots.get("name") is None
    assert [m["response"] for m in messages] == ["utter_answers_noted"]
    assert messages[0]["fields"] == "your e-mail address"


async def test_an_introduction_before_the_first_question_fills_the_name(
    tracker_for: Any, domain: dict
) -> None:
    text = "Dana Whitfield from Stop & Go Outfitters, I'm the ecommerce manager"
    tracker = tracker_for(text, active_loop="lead_form")
    slots, messages = await validate(tracker, domain)
    assert slots["name"] == "Dana Whitfield"
    assert slots["company"] == "Stop & Go Outfitters"
    assert slots["role"] == "ecommerce manager"
    assert messages == []


def restarted(text: str, tracker_for: Any, answered: dict[str, Any]) -> Any:
    """The form started again over the answers it stored (a captured lead's correction)."""
    tracker = tracker_for(text, candidates=answered, active_loop="lead_form")
    tracker.events[:0] = [{"event": "slot", "name": k, "value": v} for k, v in answered.items()]
    return tracker


async def test_asking_to_change_an_answer_clears_it_and_asks_its_question(
    tracker_for: Any, domain: dict
) -> None:
    """Not a need ("I want to …"), and not the need's new value."""
    answered = {"use_case": "qualify leads on our pricing page", "budget": BUDGET}
    tracker = restarted("actually I want to update my budget", tracker_for, answered)
    slots, messages = await validate(tracker, domain)
    assert slots["budget"] is None
    assert "use_case" not in slots
    assert [(m["response"], m["field"]) for m in messages] == [("utter_change_answer", "budget")]


async def test_a_change_that_gives_the_new_value_takes_it(tracker_for: Any, domain: dict) -> None:
    tracker = restarted("can I change my budget to 20k?", tracker_for, {"budget": BUDGET})
    slots, messages = await validate(tracker, domain)
    assert slots["budget"] == {"low": 20000, "high": 20000, "unit": "USD"}
    assert [m["response"] for m in messages] == ["utter_answer_corrected"]


async def test_a_change_asked_mid_form_comes_before_the_question_pending(
    tracker_for: Any, domain: dict
) -> None:
    held = {"email": "sam@northwind.io"}
    tracker = asking("company", "wait, the email I gave is wrong", tracker_for, slots=held)
    slots, messages = await validate(tracker, domain)
    assert slots["email"] is None and "company" not in slots
    assert [m["field"] for m in messages] == ["e-mail address"]


BUDGET = {"low": 10000, "high": 10000, "unit": "USD"}
