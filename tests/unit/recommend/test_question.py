"""Reading a visitor's question for content: the kind asked for, the industry and the
topic, from the words as people type them."""

from __future__ import annotations

import pytest

from bot.recommend.question import ContentQuestion, asks_for_content, describe, read_question


@pytest.mark.parametrize(
    ("text", "kind", "industry", "topic"),
    [
        ("do you have a case study for retail?", "case_study", "retail", ""),
        ("do you work with retailers — any examples?", "case_study", "retail", ""),
        ("customer stories?", "case_study", None, ""),
        ("any success stories from hotels", "case_study", "hospitality", ""),
        ("case studies in the dental space", "case_study", "healthcare", ""),
        ("anything I can read about abandoned carts", None, None, "abandoned carts"),
        ("any ebooks on lead qualification pls", "guide", None, "lead qualification"),
        ("is there a whitepaper on GDPR consent?", "guide", None, "gdpr consent"),
        ("looking for a guide on abandoned carts", "guide", None, "abandoned carts"),
        ("sms marketing webinars", "webinar", None, "sms marketing"),
        ("what integrations do you have?", "integration", None, ""),
        ("which plan fits a small team", "plan", None, ""),
        ("resources for real estate agents?", None, "real_estate", "real estate agents"),
        ("churn resources?", None, None, "churn"),
        ("wait do u hav any case studys i could look at?", "case_study", None, ""),
        ("anything I can read before I fill this in?", None, None, ""),
        ("got any guides on lead scoring b4 I answer that", "guide", None, "lead scoring"),
        ("any guides on sms? we're a retailer", "guide", "retail", "sms"),
        ("examples of customers like us using sms?", "case_study", None, "sms"),
        ("I'm from End of Story Books, do you have case studies?", "case_study", None, ""),
        (
            "Hi, I'm Jo from Stop & Go. Anything I could read about routing leads to reps?",
            None,
            None,
            "routing leads to reps",
        ),
    ],
)
def test_the_kind_industry_and_topic_asked_for(
    text: str, kind: str | None, industry: str | None, topic: str
) -> None:
    assert read_question(text) == ContentQuestion(kind, industry, topic)


@pytest.mark.parametrize(
    ("text", "kind", "industry"),
    [
        ("can u send me a casestudy for retial", "case_study", "retail"),
        ("do u have any case studdies", "case_study", None),
        ("got any webinrs on sms?", "webinar", None),
        ("any intergrations with hubspot", "integration", None),
        ("exmaples from clinics?", "case_study", "healthcare"),
    ],
)
def test_a_word_a_letter_or_two_off_counts(text: str, kind: str, industry: str | None) -> None:
    question = read_question(text)
    assert (question.kind, question.industry) == (kind, industry)


def test_a_company_named_is_no_topic() -> None:
    # "Stop & Go" is a company: not a topic, and (for the rules) no opt-out either.
    asked = read_question("Do you have case studies for companies like Stop & Go?")
    assert asked == ContentQuestion("case_study", None, "")
    asked = read_question("Stop & Go Logistics here, any customer stories from logistics?")
    assert (asked.kind, asked.topic) == ("case_study", "logistics")


def test_a_near_miss_of_a_word_that_is_usually_another_is_left_alone() -> None:
    assert read_question("do you have anything about plants?").kind is None
    assert read_question("any guides on wealth management?").industry == "financial_services"


def test_an_industry_of_the_catalogue_is_found_by_its_name() -> None:
    assert read_question("case studies for logistics?").industry is None
    assert read_question("case studies for logistics?", ["logistics"]).industry == "logistics"
    # "any" in the catalogue means every industry: "any case studies?" names none.
    assert read_question("any case studies for retail?", ["any", "retail"]).industry == "retail"
    assert read_question("any case studies?", ["any"]).industry is None


def test_for_example_is_a_way_of_speaking() -> None:
    assert not asks_for_content("we need, for example, abandoned cart reminders")
    assert read_question("we need, for example, abandoned cart reminders").kind is None


@pytest.mark.parametrize(
    "text",
    [
        "do you have a case study for retail?",
        "anything I can read about lead scoring",
        "got any resources?",
        "is there an ebook",
        "do you have anything on lead scoring?",
        "any write-ups of shops like ours?",
        "wait do u hav any case studys i could look at",
        "send me your playbook",
    ],
)
def test_asking_for_content(text: str) -> None:
    assert asks_for_content(text)


@pytest.mark.parametrize(
    "text",
    [
        "Northwind Traders",
        "how much does it cost?",
        "we sell plants online",
        "sam lee",
        "Case Study Labs",
        "we want to share case studies with leads who ask for them",
    ],
)
def test_not_asking_for_content(text: str) -> None:
    assert not asks_for_content(text)


@pytest.mark.parametrize(
    ("question", "said"),
    [
        (ContentQuestion("case_study", "retail", ""), "a case study for retail"),
        (ContentQuestion("guide", None, "abandoned carts"), "a guide about abandoned carts"),
        (ContentQuestion("integration", None, "hubspot"), "an integration with hubspot"),
        (ContentQuestion(None, "real_estate", ""), "anything for real estate"),
        (ContentQuestion("webinar", None, ""), "a webinar"),
        (ContentQuestion(), "anything like that"),
    ],
)
def test_describe_says_what_was_asked(question: ContentQuestion, said: str) -> None:
    assert describe(question) == said
