"""The test-story gate: every story under tests/stories must pass with the new model.

It is what `make stories` checks (`rasa test core --fail-on-prediction-errors`), run in
the run's own process on the freshly trained model: the model is loaded once, and all the
stories are evaluated (rather than stopping at the first wrong prediction), so the page
can name every story that failed. Rasa writes those to `failed_test_stories.yml`, each
named `<story name> (<file>)`.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import yaml

from bot.settings import PROJECT_ROOT

TEST_STORIES_DIR = Path("tests", "stories")
FAILED_STORIES_FILE = "failed_test_stories.yml"
NAMED_WITH_SOURCE = re.compile(r"^(?P<name>.*) \((?P<source>[^()]*)\)$")


def story_label(rasa_name: str, root: Path = PROJECT_ROOT) -> str:
    """`pricing (/…/tests/stories/test_x.yml)` → `pricing (tests/stories/test_x.yml)`."""
    found = NAMED_WITH_SOURCE.match(rasa_name)
    if not found:
        return rasa_name
    source = Path(found["source"])
    if source.is_absolute() and root in source.parents:
        source = source.relative_to(root)
    return f"{found['name']} ({source.as_posix()})"


def failed_story_names(results: Path, root: Path = PROJECT_ROOT) -> list[str]:
    """The stories Rasa wrote to `failed_test_stories.yml` in `results` (none: []), their
    files named relative to the project at `root`."""
    path = results / FAILED_STORIES_FILE
    if not path.exists():
        raise FileNotFoundError(f"Rasa wrote no {FAILED_STORIES_FILE} in {results}")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    steps = data.get("stories") or [] if isinstance(data, dict) else []
    names = (str(step.get("story", "")) for step in steps if isinstance(step, dict))
    return list(dict.fromkeys(story_label(name, root) for name in names if name))


def failed_stories(model: Path, results: Path, root: Path = PROJECT_ROOT) -> list[str]:
    """Evaluate the test stories of the project at `root` with `model`; the names of those
    that failed."""
    results.mkdir(parents=True, exist_ok=True)
    asyncio.run(_evaluate(model, results, root / TEST_STORIES_DIR))
    return failed_story_names(results, root)


async def _evaluate(model: Path, results: Path, stories: Path) -> None:
    from rasa.core.agent import Agent
    from rasa.core.test import test

    from bot.rasa_speedups import install

    install()  # as in the server, so the gate tests what will serve

    agent = Agent.load(model_path=str(model))
    await test(
        str(stories),
        agent,
        out_directory=str(results),
        fail_on_prediction_errors=False,
        disable_plotting=True,
        successes=False,
        errors=True,
        warnings=False,
    )
