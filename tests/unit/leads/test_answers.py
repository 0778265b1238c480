"""Unit tests for bot.leads.answers: name, company, role and free-text cleaners."""

from __future__ import annotations

import pytest

from bot.leads import (
    InvalidAnswer,
    authority_of,
    clean_company,
    clean_free_text,
    clean_person_name,
    clean_role,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sam Lee", "Sam Lee"),
        ("sam lee", "Sam Lee"),
        ("sam", "Sam"),
        ("  sam   lee  ", "Sam Lee"),
        ("my name is sam lee", "Sam Lee"),
        ("My name's Sam", "Sam"),
        ("name's jane", "Jane"),
        ("my full name is Jane Doe", "Jane Doe"),
        ("Hi, I'm Sam Lee, thanks!", "Sam Lee"),
        ("hey i'm jane", "Jane"),
        ("im jane", "Jane"),
        ("I am Priya Patel.", "Priya Patel"),
        ("I’m Jane O'Neil", "Jane O'Neil"),
        ("it's Maria de la Cruz", "Maria de la Cruz"),
        ("this is Ronald McDonald.", "Ronald McDonald"),
        ("call me Al", "Al"),
        ("you can call me Bea :)", "Bea"),
        ("hello, my name is Émilie Dubois 🙂", "Émilie Dubois"),
        ("Sam Lee here", "Sam Lee"),
        ("sam lee, thank you", "Sam Lee"),
        ("jean-luc picard", "Jean-Luc Picard"),
        ("o'neil", "O'Neil"),
        ("JOHN SMITH", "JOHN SMITH"),
        ("Ty", "Ty"),
        ("I'm Ty", "Ty"),
        ("Imogen Poots", "Imogen Poots"),
        ("ok, Sam", "Sam"),
        ("J. R. R. Tolkien", "J. R. R. Tolkien"),
        ("José Álvarez", "José Álvarez"),
        ("Li", "Li"),
    ],
)
def test_clean_person_name(text: str, expected: str) -> None:
    assert clean_person_name(text) == expected


@pytest.mark.parametrize(
    ("text", "reason_fragment"),
    [
        ("", "didn't catch your name"),
        ("   ", "didn't catch your name"),
        ("...", "didn't catch your name"),
        ("hi", "didn't catch your name"),
        ("hello there", "didn't catch your name"),
        ("my name is", "didn't catch your name"),
        ("no texts thanks", "didn't catch your name"),
        ("nope, next question", "didn't catch your name"),
        ("sam123", "numbers"),
        ("R2D2", "numbers"),
        ("jane@acme.com", "e-mail address"),
        ("a b c d e f g", "too long"),
        ("my name is not something I give out to chatbots, sorry", "too long"),
        ("x" * 81, "too long"),
    ],
)
def test_clean_person_name_rejects(text: str, reason_fragment: str) -> None:
    with pytest.raises(InvalidAnswer) as caught:
        clean_person_name(text)
    assert reason_fragment in caught.value.reason.replace("a bit long", "too long")


def test_clean_person_name_accepts_up_to_six_words_and_80_chars() -> None:
    assert clean_person_name("Ana Maria de la Cruz Lopez") == "Ana Maria de la Cruz Lopez"
    assert clean_person_name("A" * 80) == "A" * 80


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Acme", "Acme"),
        ("acme", "acme"),
        ("I work at Acme Corp.", "Acme Corp."),
        ("i work for globex", "globex"),
        ("we work with Initech", "Initech"),
        ("we're Initech", "Initech"),
        ("we are Hooli!", "Hooli"),
        ("it's called Umbrella Inc.", "Umbrella Inc."),
        ("its Pied Piper", "Pied Piper"),
        ("the company is Hooli", "Hooli"),
        ("company is stark industries", "stark industries"),
        ("our company name is Cyberdyne Systems", "Cyberdyne Systems"),
        ("i'm with Wayne Enterprises", "Wayne Enterprises"),
        ("I'm from Soylent", "Soylent"),
        ("at acme", "acme"),
        ("for acme", "acme"),
        ("At Home Ltd", "At Home Ltd"),
        ("OK Group", "OK Group"),
        ("AT&T", "AT&T"),
        ("Acme Inc.", "Acme Inc."),
        ("Acme Co.", "Acme Co."),
        ("acme.io", "acme.io"),
        ("Acme, thanks!", "Acme"),
        ("Acme.", "Acme"),
        ("  ACME   GmbH ", "ACME GmbH"),
        ("hi, I work at eBay", "eBay"),
        ('"Acme"', "Acme"),
    ],
)
def test_clean_company(text: str, expected: str) -> None:
    assert clean_company(text) == expected


@pytest.mark.parametrize(
    ("text", "reason_fragment"),
    [
        ("", "didn't catch the company name"),
        ("!!!", "didn't catch the company name"),
        ("i work at", "didn't catch the company name"),
        ("x" * 121, "a bit long"),
    ],
)
def test_clean_company_rejects(text: str, reason_fragment: str) -> None:
    with pytest.raises(InvalidAnswer) as caught:
        clean_company(text)
    assert reason_fragment in caught.value.reason


def test_clean_company_accepts_120_chars() -> None:
    assert clean_company("A" * 120) == "A" * 120


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CTO", "CTO"),
        ("I'm the CTO", "CTO"),
        ("i'm the cto", "cto"),
        ("i am a product manager", "product manager"),
        ("I am the founder", "founder"),
        ("i'm a student", "student"),
        ("Im an engineer", "engineer"),
        ("im analyst", "analyst"),
        ("my role is head of growth", "head of growth"),
        ("My title is VP Sales", "VP Sales"),
        ("my job title is Senior Marketing Manager", "Senior Marketing Manager"),
        ("I work as a data analyst", "data analyst"),
        ("i work as freelance designer", "freelance designer"),
        ("as a founder", "founder"),
        ("I'm CMO at Acme", "CMO"),
        ("Head of Marketing.", "Head of Marketing"),
        ("co-founder & CEO, thanks", "co-founder & CEO"),
    ],
)
def test_clean_role(text: str, expected: str) -> None:
    assert clean_role(text) == expected


@pytest.mark.parametrize(
    ("text", "reason_fragment"),
    [("", "didn't catch your role"), ("i'm the", "didn't catch your role"), ("x" * 101, "long")],
)
def test_clean_role_rejects(text: str, reason_fragment: str) -> None:
    with pytest.raises(InvalidAnswer) as caught:
        clean_role(text)
    assert reason_fragment in caught.value.reason


@pytest.mark.parametrize(
    ("role", "authority"),
    [
        ("CEO", "decision_maker"),
        ("cto", "decision_maker"),
        ("CMO", "decision_maker"),
        ("COO", "decision_maker"),
        ("cfo", "decision_maker"),
        ("Founder", "decision_maker"),
        ("Co-founder", "decision_maker"),
        ("cofounder & CEO", "decision_maker"),
        ("owner", "decision_maker"),
        ("business owner", "decision_maker"),
        ("President", "decision_maker"),
        ("VP of Marketing", "decision_maker"),
        ("SVP Sales", "decision_maker"),
        ("vice president sales", "decision_maker"),
        ("Head of Growth", "decision_maker"),
        ("Head of Learning", "decision_maker"),
        ("Marketing Director", "decision_maker"),
        ("Associate Director", "decision_maker"),
        ("Chief Revenue Officer", "decision_maker"),
        ("partner", "decision_maker"),
        ("Managing Partner", "decision_maker"),
        ("GM", "decision_maker"),
        ("general manager", "decision_maker"),
        ("Marketing Manager", "influencer"),
        ("Assistant Manager", "influencer"),
        ("Learning & Development Manager", "influencer"),
        ("team lead", "influencer"),
        ("Team Leader", "influencer"),
        ("Senior Developer", "influencer"),
        ("sr. engineer", "influencer"),
        ("Principal Engineer", "influencer"),
        ("product owner", "influencer"),
        ("partner manager", "influencer"),
        ("student", "student"),
        ("PhD student", "student"),
        ("marketing intern", "student"),
        ("learning", "student"),
        ("still learning", "student"),
        ("trainee", "student"),
        ("developer", "other"),
        ("designer", "other"),
        ("Machine Learning Engineer", "other"),
        ("Executive Assistant to the CEO", "other"),
        ("assistant to the founder", "other"),
        ("freelance consultant", "other"),
        ("internal comms", "other"),
        ("", "other"),
    ],
)
def test_authority_of(role: str, authority: str) -> None:
    assert authority_of(role) == authority


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  we need   a bot\n for leads ", "we need a bot for leads"),
        (
            "Qualify inbound leads on our pricing page 🚀",
            "Qualify inbound leads on our pricing page 🚀",
        ),
        ("ok", "ok"),
        ("FAQ", "FAQ"),
    ],
)
def test_clean_free_text(text: str, expected: str) -> None:
    assert clean_free_text(text) == expected


@pytest.mark.parametrize(
    ("text", "reason_fragment"),
    [
        ("", "a little more"),
        ("   ", "a little more"),
        ("a", "a little more"),
        ("!!!", "couldn't find any words"),
        ("🙂🙂", "couldn't find any words"),
        ("?", "couldn't find any words"),
        ("x" * 1001, "under 1000 characters"),
    ],
)
def test_clean_free_text_rejects(text: str, reason_fragment: str) -> None:
    with pytest.raises(InvalidAnswer) as caught:
        clean_free_text(text)
    assert reason_fragment in caught.value.reason


def test_clean_free_text_limits_are_configurable() -> None:
    assert clean_free_text("chatbot", min_chars=5, max_chars=7) == "chatbot"
    with pytest.raises(InvalidAnswer):
        clean_free_text("bot", min_chars=5)
    with pytest.raises(InvalidAnswer, match="under 5 characters"):
        clean_free_text("chatbot", max_chars=5)


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("operations manager there", "operations manager"),
        ("one of the co-owners", "co-owner"),
        ("partner at the studio", "partner"),
        ("Head of Growth at Acme Labs", "Head of Growth"),
        ("I own the place", "owner"),
    ],
)
def test_where_a_title_is_held_is_not_part_of_it(text: str, role: str) -> None:
    assert clean_role(text) == role
