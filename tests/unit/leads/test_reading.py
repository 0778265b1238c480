"""read_message: every field from every message, typed values in their own slots only."""

from __future__ import annotations

from typing import Any

import pytest

from bot.leads.form import AnswerContext
from bot.leads.reading import EntitySpan, Reading, read_message
from bot.nlu.structured_spans import find_structured_spans

US = AnswerContext("US", "USD")
PEOPLE_400 = {"low": 400, "high": 400, "unit": "people"}


def read(
    text: str, pending: str | None, held: dict[str, Any] | None = None, last: str | None = None
) -> Reading:
    spans = [EntitySpan(s.entity, s.text, s.start, s.end) for s in find_structured_spans(text)]
    return read_message(
        text, spans, pending=pending, held=held or {}, last_answered=last, context=US
    )


def test_a_name_and_an_email_in_one_answer_are_both_kept() -> None:
    reading = read("Lee Chen, lee.chen@harbor-goods.com", "name")
    assert reading.values == {"name": "Lee Chen", "email": "lee.chen@harbor-goods.com"}
    assert reading.problem is None


def test_three_answers_volunteered_at_once() -> None:
    reading = read("This is Omar Haddad, omar@sandline.io, we're a 30-person agency", "name")
    assert reading.values == {
        "name": "Omar Haddad",
        "email": "omar@sandline.io",
        "company_size": {"low": 30, "high": 30, "unit": "people"},
    }


def test_an_opener_gives_name_company_and_need() -> None:
    reading = read("Hi, I'm Omar from Sandline, we need a bot to follow up with form leads", None)
    assert reading.values == {
        "name": "Omar",
        "company": "Sandline",
        "use_case": "we need a bot to follow up with form leads",
    }


def test_a_product_question_names_no_company() -> None:
    assert read("does this work for Shopify?", None).values == {}


@pytest.mark.parametrize(
    "company", ["StopGap Software", "Cancel Culture Media", "The Erasure Project", "Stop & Go"]
)
def test_company_names_with_compliance_words_are_companies(company: str) -> None:
    assert read(company, "company").values == {"company": company}


def test_asap_is_a_timeline_never_a_company() -> None:
    reading = read("asap", "company")
    assert reading.values == {"timeline": "now"}


def test_a_sentence_about_a_problem_is_not_a_role() -> None:
    reading = read("our problem is that leads go cold before anyone calls them back", "role")
    assert reading.values == {}
    assert reading.problem is not None


def test_a_local_number_is_a_phone_never_a_head_count() -> None:
    reading = read("07911 123456", "company_size", {"email": "lee@harbor.co.uk"})
    assert reading.values == {"phone": "+447911123456"}


def test_the_email_domain_tells_where_a_local_number_is_from() -> None:
    reading = read("07911 123456", "phone", {"email": "lee@harbor.co.uk"})
    assert reading.values == {"phone": "+447911123456"}


def test_a_correction_names_the_value_it_replaces() -> None:
    reading = read("no, we're 40 people, not 400", "use_case", {"company_size": PEOPLE_400})
    assert reading.values == {"company_size": {"low": 40, "high": 40, "unit": "people"}}
    assert reading.corrected == ["company_size"]


def test_a_typo_fix_corrects_the_last_answer_not_the_pending_one() -> None:
    reading = read("sorry, typo — it's Greenleaf", "role", {"company": "Greenlaef"}, "company")
    assert reading.values == {"company": "Greenleaf"}
    assert reading.corrected == ["company"]


def test_an_answer_in_its_own_part_of_a_mixed_message() -> None:
    reading = read("Fable & Finch — a 30-person agency; I'm the MD", "company")
    assert reading.values["company"] == "Fable & Finch"
    assert reading.values["role"] == "MD"


def test_a_question_is_never_stored_as_a_role() -> None:
    assert "role" not in read("what's included in the Growth plan?", "role").values


def test_unsure_budget_is_not_a_correction() -> None:
    reading = read("sorry, I don't know", "budget", {"timeline": "now"}, "timeline")
    assert reading.values == {"budget": "unknown"}
    assert reading.corrected == []


def test_a_demo_request_is_not_a_need() -> None:
    reading = read("Hi — I'd like to schedule a demo for our sales and marketing folks.", None)
    assert "use_case" not in reading.values


def test_a_need_that_mentions_pricing_is_still_a_need() -> None:
    text = "hi, can I get a demo? we want a bot to answer questions on our pricing page"
    reading = read(text, None)
    assert reading.values == {"use_case": "we want a bot to answer questions on our pricing page"}


def test_asking_to_go_on_is_not_a_use_case() -> None:
    reading = read("don't stop, tell me more", "use_case")
    assert reading.values == {}
    assert reading.problem is not None


def test_a_job_title_at_the_company_question_is_a_role() -> None:
    reading = read("Head of Growth", "company")
    assert reading.values == {"role": "Head of Growth"}


def test_a_timeline_at_another_question_answers_only_the_timeline() -> None:
    reading = read("next quarter", "role")
    assert set(reading.values) == {"timeline"}


@pytest.mark.parametrize(
    ("text", "company"),
    [
        ("jo@millbrook.io, we're Millbrook Dairy, about 60 of us", "Millbrook Dairy"),
        ("Hi! We're a 12-person studio called Fennel & Rye.", "Fennel & Rye"),
        ("Jo Park, Operations Manager at Quarry Hill Homes", "Quarry Hill Homes"),
    ],
)
def test_companies_named_in_an_introduction(text: str, company: str) -> None:
    assert read(text, "name").values["company"] == company


def test_a_title_before_the_company_is_the_role() -> None:
    reading = read("Jo Park, Operations Manager at Quarry Hill Homes", "name")
    assert reading.values["role"] == "Operations Manager"


@pytest.mark.parametrize("text", ["We're Interested in a demo", "We're looking for a bot"])
def test_we_are_followed_by_other_words_names_no_company(text: str) -> None:
    assert "company" not in read(text, None).values


@pytest.mark.parametrize(
    ("text", "role"), [("lol — ops manager", "ops manager"), ("um, founder", "founder")]
)
def test_what_is_said_before_the_answer_is_not_part_of_it(text: str, role: str) -> None:
    assert read(text, "role").values == {"role": role}


def test_a_wish_is_not_a_role() -> None:
    reading = read("stop asking me questions, I want a person", "role")
    assert reading.values == {}


def test_in_a_list_the_first_part_answers_the_question() -> None:
    text = "Ada Brook, ada@brookbakes.com, Brook Bakes, I'm the owner"
    reading = read(text, "name")
    assert reading.values["name"] == "Ada Brook"
    assert reading.values["email"] == "ada@brookbakes.com"
    assert reading.values["role"] == "owner"


def test_a_laughed_off_typo_is_corrected() -> None:
    reading = read("typo lol — ops manager", "company_size", {"role": "ops managr"}, "role")
    assert reading.values == {"role": "ops manager"}


def test_a_company_left_over_in_a_list_is_a_guess_to_confirm() -> None:
    reading = read("Ada Brook, ada@brookbakes.com, Brook Bakes, I'm the owner", "name")
    assert "company" not in reading.values
    assert reading.company_guess == "Brook Bakes"
    assert read("Ada Brook, ada@brookbakes.com, Cheers!", "name").company_guess is None


@pytest.mark.parametrize(
    "text",
    [
        "I want to get started with it",
        "we'd like to try it out this week",
        "I need to think it over",
    ],
)
def test_a_step_the_visitor_takes_is_not_a_need(text: str) -> None:
    assert "use_case" not in read(text, None).values


def test_the_words_around_a_correction_answer_nothing() -> None:
    held = {"email": "jo@fullstopdesign.com"}
    reading = read("sorry typo, it's jo.park@fullstopdesign.com", "company", held, "email")
    assert reading.values == {"email": "jo.park@fullstopdesign.com"}


@pytest.mark.parametrize(
    ("text", "name", "company"),
    [
        ("I'm Jo Park from StopGap Retail", "Jo Park", "StopGap Retail"),
        ("Jo Park from StopGap Retail", "Jo Park", "StopGap Retail"),
        ("Mia Stop, from Stop & Go", "Mia Stop", "Stop & Go"),
        ("Dana Whitfield, with Northwind Tea", "Dana Whitfield", "Northwind Tea"),
        ("hi — Sam Ortiz at Quitman Logistics", "Sam Ortiz", "Quitman Logistics"),
    ],
)
def test_the_name_answer_may_name_the_company_too(text: str, name: str, company: str) -> None:
    assert read(text, "name").values == {"name": name, "company": company}


def test_a_company_named_outside_an_introduction_is_not_taken() -> None:
    assert "company" not in read("we sell to teams at Harbor Goods", "use_case").values


def test_a_name_given_with_its_cue_answers_the_name_question() -> None:
    held = {"company": "StopGap Retail"}
    reading = read("oops, my name is Jo Parks", "name", held, "company")
    assert reading.values == {"name": "Jo Parks"}
    assert reading.corrected == []


@pytest.mark.parametrize("text", ["oops, my name is Jo Parks", "sorry, typo — I'm Jo Parks"])
def test_a_correction_with_its_cue_corrects_that_answer_not_the_last(text: str) -> None:
    held = {"name": "Jo Park", "company": "StopGap Retail"}
    reading = read(text, "email", held, "company")
    assert reading.values == {"name": "Jo Parks"}
    assert reading.corrected == ["name"]


def test_a_company_correction_says_which_answer_it_corrects() -> None:
    held = {"name": "Jo Park", "company": "Harbour Goods"}
    reading = read("wait, the company is actually Harbor Goods", "email", held, "name")
    assert reading.values == {"company": "Harbor Goods"}
    assert reading.corrected == ["company"]


def test_a_cued_answer_already_held_is_not_a_correction_unless_it_says_so() -> None:
    held = {"name": "Jo Park"}
    assert read("I'm Sam, Jo's colleague — jo@stopgap.com", "email", held, "name").values == {
        "email": "jo@stopgap.com"
    }


def test_a_title_after_the_company_without_an_article_is_the_role() -> None:
    reading = read("Halcyon Sleep, I'm head of growth there", "company")
    assert reading.values == {"company": "Halcyon Sleep", "role": "head of growth"}


@pytest.mark.parametrize(
    ("text", "pending", "field", "value"),
    [
        ("ugh, fat fingers. Remedy Removals", "role", "company", "Remedy Removals"),
        (
            "Oh no, I spelled my own name wrong before. It's Katarina. Katarina Olsen.",
            "budget",
            "name",
            "Katarina Olsen",
        ),
    ],
)
def test_a_retyped_name_or_company_corrects_it_whatever_was_asked(
    text: str, pending: str, field: str, value: str
) -> None:
    held = {"name": "Katrina Olsen", "company": "Remdey Removals"}
    reading = read(text, pending, held, "email")
    assert reading.values == {field: value}
    assert reading.corrected == [field]


def test_a_correction_ending_in_the_new_value_takes_only_that() -> None:
    text = "Wait, the company: that's our old name. We're Pellucid Health now, not Clearview."
    reading = read(text, "timeline", {"company": "Clearview"}, "budget")
    assert reading.values == {"company": "Pellucid Health"}


def test_words_around_a_correction_do_not_answer_the_question() -> None:
    held = {"email": "sam@quitaqueoutfiters.com"}
    reading = read("hold on, missed a t. sam@quitaqueoutfitters.com", "role", held, "email")
    assert reading.values == {"email": "sam@quitaqueoutfitters.com"}


def test_each_sentence_answers_its_own_question() -> None:
    text = (
        "answer questions about our tours. Budget's around 400 AUD a month and no rush on our end"
    )
    reading = read(text, "use_case")
    assert reading.values["use_case"] == "answer questions about our tours"
    assert reading.values["timeline"] == "no_timeline"
    assert reading.values["budget"]["unit"] == "AUD"


def test_a_time_of_day_is_not_a_company() -> None:
    text = "We're a haulage firm and our quote requests come in at 2am. Need something for them."
    assert "company" not in read(text, None).values


def test_a_company_the_visitor_runs_is_named_with_the_name() -> None:
    reading = read("hey — Ravi Menon here, I run East End Vets", "name")
    assert reading.values == {"name": "Ravi Menon", "company": "East End Vets"}


def test_a_company_after_the_name_without_a_cue_is_a_guess_without_its_town() -> None:
    reading = read("Brodie McAllister, Endeavour Reef Tours up in Cairns", "name")
    assert reading.values == {"name": "Brodie McAllister"}
    assert reading.company_guess == "Endeavour Reef Tours"


def test_a_company_said_in_a_sentence_is_the_name_after_its_cue() -> None:
    text = "the company is literally called Unsubscribe, it's a newsletter design studio"
    assert read(text, "company").values == {"company": "Unsubscribe"}


@pytest.mark.parametrize(("text", "low"), [("8 000 NOK a month", 8000), ("12 500 euros", 12500)])
def test_thousands_grouped_with_spaces_are_one_amount(text: str, low: int) -> None:
    assert read(text, "budget").values["budget"]["low"] == low


@pytest.mark.parametrize(
    "text",
    [
        "our front desk is drowning in calls asking whether we have appointments open",
        "we keep losing leads because nobody answers the chat at night",
    ],
)
def test_a_problem_with_what_comes_in_is_a_need(text: str) -> None:
    assert read(text, None).values == {"use_case": text}


def test_too_many_of_anything_else_is_not_a_need() -> None:
    assert "use_case" not in read("way too many to count lol", "company_size").values


def test_make_that_corrects_the_last_answer() -> None:
    held = {"company_size": {"low": 5, "high": 5, "unit": "people"}}
    reading = read("actually make that 6, just hired someone", "use_case", held, "company_size")
    assert reading.values == {"company_size": {"low": 6, "high": 6, "unit": "people"}}
    assert reading.corrected == ["company_size"]


@pytest.mark.parametrize(
    ("text", "low", "high", "unit"),
    [
        ("£250-£400 pcm", 250, 400, "GBP"),
        ("c$1,200 a month", 1200, 1200, "CAD"),
        ("roughly four hundred and fifty pounds a month", 450, 450, "GBP"),
        ("2 lakh rupees per year", 200_000, 200_000, "INR"),
        ("$1,000–1,500 a month", 1000, 1500, "USD"),
        ("£5k–£10k for the year", 5000, 10000, "GBP"),
    ],
)
def test_a_budget_is_read_from_its_whole_part(text: str, low: int, high: int, unit: str) -> None:
    assert read(text, "budget").values["budget"] == {"low": low, "high": high, "unit": unit}


def test_a_budget_without_a_currency_is_in_the_visitors_own() -> None:
    held = {"email": "hamish@glenrowan.co.uk"}
    assert read("8 grand a year", "budget", held).values["budget"]["unit"] == "GBP"
    assert read("$8k a year", "budget", held).values["budget"]["unit"] == "USD"


def test_an_introduction_with_here_names_the_visitor_and_the_company() -> None:
    text = "Hi, Ayesha from Meridian Physio here. We're three clinics, about 40 staff."
    reading = read(text, None)
    assert reading.values["name"] == "Ayesha"
    assert reading.values["company"] == "Meridian Physio"


def test_a_title_in_a_list_of_answers_is_the_role() -> None:
    reading = read("Harriet Vance, growth lead, harriet@genie.com", "name")
    assert reading.values == {
        "name": "Harriet Vance",
        "role": "growth lead",
        "email": "harriet@genie.com",
    }


def test_a_need_that_points_back_keeps_what_it_points_to() -> None:
    text = "Half our quote requests come in at 2am. Need something to catch them."
    assert read(text, None).values["use_case"] == text


def test_a_company_then_what_it_does_is_the_company() -> None:
    assert read("Crumb Club, we do cookie subscription boxes", "company").values == {
        "company": "Crumb Club"
    }


def test_not_just_names_the_value_replaced() -> None:
    text = "a correction: the company's full name is Casa Verde Inmobiliaria, not just Casa Verde"
    reading = read(text, "use_case", {"company": "Casa Verde"}, "role")
    assert reading.values == {"company": "Casa Verde Inmobiliaria"}


def test_a_name_retyped_after_a_colon_corrects_it() -> None:
    held = {"name": "Beatrix Hollway"}
    reading = read("Holloway, sorry, two o's: Beatrix Holloway", "email", held, "name")
    assert reading.values == {"name": "Beatrix Holloway"}


def test_the_value_a_correction_replaces_answers_nothing() -> None:
    held = {"email": "dwayne@pruittroofng.com"}
    text = "oops roofing not roofng. dwayne@pruittroofing.com"
    assert read(text, "company", held, "email").values == {"email": "dwayne@pruittroofing.com"}


def test_wanting_it_live_in_some_weeks_is_a_timeline() -> None:
    text = "say $300 a month, and we'd want it live in like 3 weeks"
    assert read(text, "budget").values["timeline"] == "within_1_month"


def test_a_figure_said_again_then_its_new_value_corrects_it() -> None:
    held = {"company_size": {"low": 25, "high": 25, "unit": "people"}}
    text = "Sorry, going back a step: I said 25 people earlier, it's actually 35 now."
    reading = read(text, "budget", held, "use_case")
    assert reading.values == {"company_size": {"low": 35, "high": 35, "unit": "people"}}
    assert reading.corrected == ["company_size"]
    # The same figure beside another answer corrects nothing.
    reading = read("actually, we are 25 people and budget is 5k", "budget", held, "use_case")
    assert reading.values == {"budget": {"low": 5000, "high": 5000, "unit": "USD"}}


def test_a_near_name_with_more_than_a_slip_is_no_correction() -> None:
    held = {"name": "Valentina Cancellieri"}
    reading = read("Cantina Cancellieri, it's the family winery", "company", held, "email")
    assert reading.values == {"company": "Cantina Cancellieri"}


def test_how_a_slip_was_spelt_answers_nothing() -> None:
    held = {"email": "tobias@fjalsport.se"}
    reading = read("oops tobias@fjallsport.se, two l", "company", held, "email")
    assert reading.values == {"email": "tobias@fjallsport.se"}


def test_a_currency_code_says_which_dollars() -> None:
    assert read("$800 AUD a month", "budget").values["budget"]["unit"] == "AUD"
