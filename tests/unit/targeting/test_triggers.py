"""The web chat's triggers file: the shipped one, its typed form, every mistake at its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.bootstrap import TRIGGERS
from bot.recommend.content_files import catalogue_ids
from bot.scoring import RulesError
from bot.targeting.triggers import is_name, load_triggers, validate_trigger_file
from tests.unit.scoring.validation_builders import edited, write

SEGMENTS = {"hot_enterprise", "nurture"}
ITEMS = {"plan-growth", "webinar-sales-handoff"}
TRIGGERS_YAML = """\
triggers:
  - name: pricing-page
    when:
      path: [/pricing, /pricing/*]
      after_s: 20
    greeting: >
      Comparing plans?
      I can help.
    offer: plan-growth
  - name: webinar
    when:
      utm_campaign: [Webinar-Dec, webinar-jan]
      referrer: "*.google.*"
      returning: false
      segment: nurture
    greeting: Thanks for joining the webinar!
  - name: everyone
    greeting: Hi there
"""


def errors_in(tmp_path: Path, text: str) -> list[str]:
    path = write(tmp_path, "triggers.yml", text)
    return [str(e) for e in validate_trigger_file(path, segments=SEGMENTS, items=ITEMS)]


def test_the_shipped_triggers_are_valid() -> None:
    from bot.followups.workflows import project_catalogue

    segments = project_catalogue().segments
    assert validate_trigger_file(TRIGGERS, segments=segments, items=catalogue_ids()) == []
    names = [trigger.name for trigger in load_triggers(TRIGGERS)]
    assert {"pricing-page", "webinar-december"} <= set(names)


def test_the_file_loads_into_typed_triggers_in_order(tmp_path: Path) -> None:
    assert errors_in(tmp_path, TRIGGERS_YAML) == []
    pricing, webinar, everyone = load_triggers(write(tmp_path, "t.yml", TRIGGERS_YAML))
    assert pricing.when.paths == ("/pricing", "/pricing/*") and pricing.after_s == 20.0
    assert pricing.greeting == "Comparing plans? I can help." and pricing.offer == "plan-growth"
    assert pricing.source.endswith("t.yml:2")
    # Campaigns, sources and referrers compare without case; segments and paths as written.
    assert webinar.when.utm_campaigns == ("webinar-dec", "webinar-jan")
    assert webinar.when.referrers == ("*.google.*",) and webinar.when.returning is False
    assert webinar.when.segments == ("nurture",) and webinar.after_s is None
    assert everyone.when.paths == () and everyone.when.returning is None
    assert everyone.offer is None


@pytest.mark.parametrize(
    ("old", "new", "line", "text"),
    [
        ("offer: plan-growth", "offer: plan-grwth", 9, "unknown content item 'plan-grwth'"),
        ("segment: nurture", "segment: nurtur", 15, "unknown segment 'nurtur'"),
        ("path: [/pricing, /pricing/*]", "path: pricing", 4, "path 'pricing' must start"),
        ("after_s: 20", "after_s: 900", 5, "can't be more than 600"),
        ("- name: everyone", "- name: Everyone Else", 17, "name"),
        ("- name: everyone", "- name: webinar", 17, "duplicate name 'webinar'"),
        ("returning: false", "returning: sometimes", 14, "true or false"),
        ("      referrer:", "      referer:", 13, "referer"),
        ("    greeting: Hi there", "    greeting: ''", 18, "greeting"),
    ],
)
def test_mistakes_are_reported_at_their_line(
    tmp_path: Path, old: str, new: str, line: int, text: str
) -> None:
    found = errors_in(tmp_path, edited(TRIGGERS_YAML, old, new))
    assert len(found) == 1, found
    assert f"triggers.yml:{line}: " in found[0] and text in found[0], found


def test_a_typo_in_an_offer_suggests_the_item(tmp_path: Path) -> None:
    (found,) = errors_in(tmp_path, edited(TRIGGERS_YAML, "offer: plan-growth", "offer: plan-grwth"))
    assert "did you mean 'plan-growth'?" in found


def test_a_greeting_longer_than_300_characters_is_refused(tmp_path: Path) -> None:
    long = "word " * 70
    (found,) = errors_in(tmp_path, edited(TRIGGERS_YAML, "greeting: Hi there", f"greeting: {long}"))
    assert "triggers.yml:18:" in found


def test_loading_a_file_with_a_mistake_raises_it(tmp_path: Path) -> None:
    path = write(tmp_path, "t.yml", "triggers:\n  - name: x\n")
    with pytest.raises(RulesError, match="greeting"):
        load_triggers(path)


def test_an_empty_list_of_triggers_is_valid(tmp_path: Path) -> None:
    assert load_triggers(write(tmp_path, "t.yml", "triggers: []\n")) == ()


def test_a_trigger_name_is_what_the_widget_may_send_back() -> None:
    assert is_name("pricing-page") and is_name("q4")
    assert not is_name("Pricing") and not is_name("a b") and not is_name("-x")
    assert not is_name("x" * 65) and not is_name("")
