"""The catalogue and its settings: the shipped files, and every mistake at its file:line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.recommend import load_catalogue, load_config, load_content, validate_catalogue_files
from bot.recommend.__main__ import main
from bot.recommend.catalogue import KINDS, STAGES
from bot.recommend.config import RecommenderConfig, validate_config_file
from bot.recommend.content_files import catalogue_files, validate_content
from bot.scoring import RulesError
from tests.unit.recommend.recommend_builders import CATALOGUE, SETTINGS
from tests.unit.scoring.validation_builders import edited, write

SEGMENTS = {"hot_enterprise", "nurture"}


def errors_in(tmp_path: Path, text: str, name: str = "content.yml") -> list[str]:
    path = write(tmp_path, name, text)
    return [str(error) for error in validate_catalogue_files([path], segments=SEGMENTS)]


def test_the_shipped_catalogue_and_settings_are_valid_and_realistic() -> None:
    assert validate_content(segments={"hot_enterprise"}) == []
    catalogue, config = load_content(segments={"hot_enterprise"})
    assert len(catalogue) >= 24
    assert {item.kind for item in catalogue.items} == set(KINDS)
    assert {item.stage for item in catalogue.items} == set(STAGES)
    assert len(catalogue.by_id()) == len(catalogue)
    assert config.top_k == 3
    assert "recommending.yml" not in [path.name for path in catalogue_files()]


def test_the_template_loads_into_typed_items(tmp_path: Path) -> None:
    assert errors_in(tmp_path, CATALOGUE) == []
    first, second = load_catalogue([write(tmp_path, "content.yml", CATALOGUE)]).items
    assert first.id == "cart-guide" and first.valid_until == date(2027, 3, 31)
    assert first.size_bands == ("1-10", "11-50") and first.regions == ("any",)
    assert second.regions == ("na", "uk") and second.gated and second.valid_until is None
    assert second.segments == ("hot_enterprise",)
    assert second.size_bands[-1] == "1000+"  # all bands when none are listed
    assert first.source.endswith("content.yml:2")
    with pytest.raises(AttributeError):
        first.id = "changed"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "stage: awareness",
            "stage: awarness",
            "3:7: content[0].stage is 'awarness'; did you mean 'awareness'?",
        ),
        (
            "kind: guide",
            "kind: ebook",
            "3:6: content[0].kind is 'ebook'; expected one of: case_study",
        ),
        (
            "url: https://example.com/cart",
            "url: example.com/cart",
            "3:4: url 'example.com/cart' is not a web address",
        ),
        (
            "url: https://example.com/cart",
            "url: https://exa mple.com",
            "3:4: url 'https://exa mple.com' is not a web address",
        ),
        (
            "valid_until: 2027-03-31",
            "valid_until: 2027-02-30",
            "3:12: 2027-02-30 is not a date that exists (day is out of range for month)",
        ),
        (
            "valid_until: 2027-03-31",
            "valid_until: next spring",
            "3:12: valid_until 'next spring' is not a date",
        ),
        (
            "size_bands: [1-10, 11-50]",
            "size_bands: [1-10, 10-50]",
            "3:9: content[0].size_bands[1] is '10-50'",
        ),
        (
            "regions: any",
            "regions: everywhere",
            "3:11: content[0].regions is 'everywhere', which is not 'any' or a list of regions",
        ),
        ("regions: [na, uk]", "regions: [na, mars]", "3:22: content[1].regions[1] is 'mars'"),
        (
            "gated: false",
            "gated: maybe",
            "3:13: content[0].gated should be true or false, not 'maybe'",
        ),
        (
            "segments: [hot_enterprise]",
            "segments: [hot_enterprize]",
            "3:24: unknown segment 'hot_enterprize'; did you mean 'hot_enterprise'?",
        ),
        (
            "industries: [retail]",
            "industries: [any, retail]",
            "3:8: industries: 'any' stands alone",
        ),
        (
            "use_cases: [abandoned_carts]",
            "use_cases: [abandoned_carts, abandoned_carts]",
            "3:10: use_cases lists 'abandoned_carts' twice",
        ),
        (
            "use_cases: [abandoned_carts]",
            "use_cases: [Abandoned Carts]",
            "3:10: content[0].use_cases[0] is 'Abandoned Carts', which is not a snake_case tag",
        ),
        (
            "    gated: false\n",
            "    gated: false\n    gatd: true\n",
            "3:14: unknown field 'gatd' in content[0]; did you mean 'gated'?",
        ),
        ("    stage: awareness\n", "", "3:2: content[0] is missing 'stage'"),
        (
            "id: cart-guide",
            "id: Cart Guide",
            "3:2: content[0].id is 'Cart Guide', which is not an id of lower-case",
        ),
    ],
)
def test_each_mistake_is_named_at_its_line(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    file, _, message = expected.partition(":")
    errors = errors_in(tmp_path, edited(CATALOGUE, old, new), f"c{file}.yml")
    path = tmp_path / f"c{file}.yml"
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"{path}:{message}"), errors[0]


def test_a_duplicate_id_across_files_names_both_places(tmp_path: Path) -> None:
    first = write(tmp_path, "a.yml", CATALOGUE)
    second = write(tmp_path, "b.yml", edited(CATALOGUE, "id: clinic-story", "id: other"))
    errors = [str(e) for e in validate_catalogue_files([first, second])]
    assert errors == [f"{second}:2: duplicate id 'cart-guide'; it is already used at {first}:2"]
    with pytest.raises(RulesError, match="duplicate id 'cart-guide'"):
        load_catalogue([first, second])


def test_every_mistake_of_a_file_is_reported_in_line_order(tmp_path: Path) -> None:
    text = edited(CATALOGUE, "stage: awareness", "stage: later")
    text = edited(text, "url: https://example.com/clinic", "url: ftp://example.com")
    errors = errors_in(tmp_path, text)
    assert [error.split(":")[1] for error in errors] == ["7", "16"]


def test_broken_yaml_an_empty_file_and_a_rasa_key_are_refused(tmp_path: Path) -> None:
    assert errors_in(tmp_path, "content: [\n")[0].startswith(
        f"{tmp_path}/content.yml:2: not valid YAML"
    )
    assert errors_in(tmp_path, "") == [f"{tmp_path}/content.yml:1: the file is empty"]
    assert errors_in(tmp_path, "nlu:\n  - intent: greet\n") == [
        f"{tmp_path}/content.yml:1: the file is missing 'content'",
        f"{tmp_path}/content.yml:1: unknown field 'nlu' in the file; expected one of: content",
    ]


def test_segment_names_are_not_checked_when_the_segments_are_unknown(tmp_path: Path) -> None:
    path = write(tmp_path, "content.yml", edited(CATALOGUE, "[hot_enterprise]", "[anything]"))
    assert validate_catalogue_files([path]) == []


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("top_k: 3", "top_k: 4", "5: recommending.top_k is 4; it can't be more than 3"),
        ("content: 0.3", "content: 0\n    collaborative: 0", "2: weights are all 0"),
        (
            "content: 0.3",
            "content: -1",
            "3: recommending.weights.content is -1; it can't be less than 0",
        ),
        (
            "min_interactions: 4",
            "min_interactions: few",
            "6: recommending.min_interactions should be a whole number",
        ),
        (
            "  neighbours: 10\n",
            "  neighbors: 10\n",
            "7: unknown field 'neighbors' in recommending; did you mean 'neighbours'?",
        ),
    ],
)
def test_settings_mistakes_are_named_at_their_line(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    text = edited(SETTINGS, old, new)
    if "collaborative: 0\n" in text:
        text = text.replace("    collaborative: 0.7\n", "")
    path = write(tmp_path, "recommending.yml", text)
    errors = [str(error) for error in validate_config_file(path)]
    assert len(errors) == 1 and errors[0].startswith(f"{path}:{expected}"), errors


def test_settings_load_and_are_checked_when_built_in_code(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "recommending.yml", SETTINGS))
    assert config == RecommenderConfig(0.3, 0.7, top_k=3, min_interactions=4, neighbours=10)
    with pytest.raises(ValueError, match="top_k"):
        RecommenderConfig(top_k=0)
    with pytest.raises(ValueError, match="weights"):
        RecommenderConfig(content_weight=0, collaborative_weight=0)


def test_the_command_line_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "content.yml", CATALOGUE)
    write(tmp_path, "recommending.yml", SETTINGS)
    assert main([str(tmp_path)]) == 0
    assert "1 catalogue file(s) and the settings OK" in capsys.readouterr().out
    write(tmp_path, "content.yml", edited(CATALOGUE, "stage: awareness", "stage: soon"))
    assert main([str(tmp_path)]) == 1
    assert f"{tmp_path}/content.yml:7: content[0].stage is 'soon'" in capsys.readouterr().err
    assert main([]) == 0
