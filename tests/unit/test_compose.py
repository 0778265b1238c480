"""docker-compose.yml and the Dockerfile name only things that exist.

No Docker engine runs on development or CI machines, so the files are checked by parsing.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

import yaml

from bot.cli import SERVICE_NAMES
from bot.settings import PROJECT_ROOT

COMPOSE = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
DOCKERFILE = (PROJECT_ROOT / "Dockerfile").read_text()
PARLEY_SERVICES = {"rasa", "api", "worker", "ingress"}


def service(name: str) -> dict[str, Any]:
    return COMPOSE["services"][name]


def test_stack_has_every_process_and_store() -> None:
    expected = PARLEY_SERVICES | {"migrate", "postgres", "redis", "nginx"}
    assert set(COMPOSE["services"]) == expected


def test_schema_is_migrated_once_before_the_services_that_use_it() -> None:
    assert service("migrate")["command"] == ["python", "-m", "bot.cli", "migrate"]
    for name in ("rasa", "api", "worker", "ingress"):
        condition = service(name)["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully"


def test_parley_services_share_one_image_built_from_the_dockerfile() -> None:
    for name in PARLEY_SERVICES | {"migrate"}:
        assert service(name)["build"] == "."
        assert service(name)["image"] == "parley:latest"
    assert (PROJECT_ROOT / "Dockerfile").is_file()


def test_commands_name_real_modules_and_services() -> None:
    for name in PARLEY_SERVICES:
        python, flag, module, verb, target = service(name)["command"]
        assert (python, flag, verb) == ("python", "-m", "serve")
        assert importlib.util.find_spec(module) is not None
        assert target == name and target in SERVICE_NAMES
    # The custom actions run in the Rasa servers (PARLEY_ACTIONS unset: in process).
    assert "PARLEY_ACTIONS" not in service("rasa")["environment"]


def test_services_use_postgres_and_redis() -> None:
    env = service("rasa")["environment"]
    assert env["DATABASE_URL"].startswith("postgresql://")
    assert "@postgres:" in env["DATABASE_URL"]
    assert env["REDIS_URL"].startswith("redis://redis:")
    assert service("rasa")["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_dockerfile_copies_existing_paths() -> None:
    for line in DOCKERFILE.splitlines():
        if line.startswith("COPY "):
            *sources, _destination = line.split()[1:]
            for source in sources:
                assert (PROJECT_ROOT / source).exists(), f"Dockerfile copies missing {source}"
    for module in re.findall(r"python -m ([\w.]+)", DOCKERFILE):
        assert importlib.util.find_spec(module) is not None, module


def test_the_worker_and_the_actions_agree_on_the_sinks() -> None:
    # The actions (in the Rasa servers) queue leads for PARLEY_SINKS and the worker drains
    # them: one shared value.
    for name in ("rasa", "worker"):
        env = service(name)["environment"]
        assert env["PARLEY_SINKS"] == "${PARLEY_SINKS:-none}"
        assert "PARLEY_WEBHOOK_SECRET" in env and env["PARLEY_WEBHOOK_SECRET"] is None
        # One key for every process, and no default: compose refuses to start without it.
        assert env["PARLEY_SECRET_KEY"].startswith("${PARLEY_SECRET_KEY:?")
        for channel_secret in ("TWILIO_AUTH_TOKEN", "TELEGRAM_WEBHOOK_SECRET"):
            assert channel_secret in env and env[channel_secret] is None
    probe = " ".join(service("worker")["healthcheck"]["test"])
    assert "http://127.0.0.1:5056/health" in probe


def test_ports_match_the_documented_defaults() -> None:
    assert service("nginx")["ports"] == ["5005:5005"]
    assert service("api")["ports"] == ["8000:8000"]
    assert Path(PROJECT_ROOT / "bot" / "endpoints.yml").is_file()


def test_rasa_scales_behind_nginx() -> None:
    # A fixed host port on rasa would stop `--scale rasa=N` at the second container.
    assert "ports" not in service("rasa")
    assert service("rasa")["expose"] == ["5005"]
    assert service("ingress")["environment"]["SANIC_PROXIES_COUNT"] == "1"
    assert service("rasa")["environment"]["REDIS_URL"].startswith("redis://")  # anchor merged
    nginx = service("nginx")
    source, target, mode = nginx["volumes"][0].split(":")
    assert (PROJECT_ROOT / source).is_file() and mode == "ro"
    assert nginx["command"] == ["nginx", "-c", target]
    config = (PROJECT_ROOT / source).read_text()
    assert re.findall(r"^\s*server (\S+) ", config, re.M) == ["rasa:5005", "ingress:5007"]
    assert re.findall(r"^\s*listen (\S+);", config, re.M) == ["5005"]


def test_nginx_sends_the_web_chat_and_the_sms_and_telegram_webhooks_to_the_ingress() -> None:
    ingress = service("ingress")
    assert "ports" not in ingress and ingress["expose"] == ["5007"]
    assert "http://127.0.0.1:5007/health" in " ".join(ingress["healthcheck"]["test"])
    # Twilio signs the public URL: the ingress must know it, as the Rasa servers did.
    assert "PARLEY_PUBLIC_URL" in ingress["environment"]
    assert "TWILIO_AUTH_TOKEN" in ingress["environment"]
    assert "ingress" in service("nginx")["depends_on"]
    source = service("nginx")["volumes"][0].split(":")[0]
    config = (PROJECT_ROOT / source).read_text()
    routes = re.findall(r"location (\S+) \{\s*proxy_pass http://(\w+);", config)
    assert ("/webhooks/sms/", "ingress") in routes
    assert ("/webhooks/telegram/", "ingress") in routes
    assert ("/webhooks/webchat/", "ingress") in routes
    assert ("/webhooks/", "rasa") in routes


def test_the_console_and_rasa_share_the_training_data_and_models() -> None:
    shared = {"models:/app/models", "training-data:/app/data", "domain:/app/bot/domain"}
    assert shared <= set(service("api")["volumes"])
    assert shared <= set(service("rasa")["volumes"])
    assert service("api")["environment"]["PARLEY_RASA_API_URLS"].endswith("http://rasa:5005}")
    assert service("api")["environment"]["PARLEY_SECRET_KEY"]  # the merged anchor survives


def test_the_image_runs_unprivileged_and_owns_what_it_writes() -> None:
    users = [line.split()[1] for line in DOCKERFILE.splitlines() if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    [chown] = [line for line in DOCKERFILE.splitlines() if "chown -R parley:parley" in line]
    owned = chown.split("parley:parley", 1)[1].split()
    written = {v.split(":")[1] for s in PARLEY_SERVICES for v in service(s).get("volumes", [])}
    for path in written:
        # A named volume starts as a copy of the image's directory, owner included.
        assert any(path == d or path.startswith(f"{d}/") for d in owned), path
        assert path in DOCKERFILE or (PROJECT_ROOT / path.removeprefix("/app/")).is_dir(), path
