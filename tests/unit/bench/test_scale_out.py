"""The pure parts of `make bench-scale`: nginx's configuration, its access log, and the
check of the tracker store against what the load sent. Nothing here starts a server."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
import pytest

from bench.rest_load import parley_script
from bench.scale_out import (
    COMPOSE_NGINX,
    TEMPLATE,
    check_conversations,
    compose_nginx_config,
    cores_used,
    render_nginx_config,
    served_per_server,
)

SERVERS = ["127.0.0.1:5005", "127.0.0.1:5007"]
INGRESS = ["127.0.0.1:5017"]


def render(prefix: Path) -> str:
    return render_nginx_config(
        TEMPLATE.read_text(),
        prefix=prefix,
        listen="127.0.0.1:8080",
        servers=SERVERS,
        ingress_servers=INGRESS,
        rest_channel=True,
    )


def test_the_upstream_names_every_rasa_server_behind_one_listen_address(tmp_path: Path) -> None:
    config = render(tmp_path)
    upstream = re.search(r"upstream rasa \{(.*?)\n    \}", config, re.S)
    assert upstream is not None
    servers = re.findall(r"^\s*server (\S+) ", upstream.group(1), re.M)
    assert servers == SERVERS
    assert "least_conn;" in upstream.group(1)
    assert re.search(r"^\s*keepalive \d+;", upstream.group(1), re.M)
    assert re.findall(r"^\s*listen (\S+);", config, re.M) == ["127.0.0.1:8080"]
    locations = re.findall(r"location (\S+) \{\s*proxy_pass http://rasa;", config)
    assert locations == ["/webhooks/", "/"]
    # Keepalive to the upstreams needs HTTP/1.1 without "Connection: close".
    assert "proxy_http_version 1.1;" in config
    assert 'proxy_set_header Connection "";' in config


def test_the_web_chat_and_the_sms_and_telegram_webhooks_go_to_the_ingress(
    tmp_path: Path,
) -> None:
    config = render(tmp_path)
    upstream = re.search(r"upstream ingress \{(.*?)\n    \}", config, re.S)
    assert upstream is not None
    assert re.findall(r"^\s*server (\S+) ", upstream.group(1), re.M) == INGRESS
    to_ingress = re.findall(r"location (\S+) \{\s*proxy_pass http://ingress;", config)
    assert to_ingress == ["/webhooks/sms/", "/webhooks/telegram/", "/webhooks/webchat/"]
    # nginx picks the longest matching prefix: these win over `/webhooks/` (Rasa's).


def test_nginx_runs_in_the_foreground_and_writes_only_under_its_prefix(tmp_path: Path) -> None:
    config = render(tmp_path)
    assert re.search(r"^daemon off;", config, re.M)
    assert "{{" not in config and "{%" not in config
    written = re.findall(r"^\s*(?:pid|error_log|access_log|\w+_temp_path) (\S+?)[; ]", config, re.M)
    assert len(written) == 8  # pid, two logs, five temporary paths
    for path in written:
        assert Path(path).parent == tmp_path, path


def test_every_placeholder_must_be_given(tmp_path: Path) -> None:
    with pytest.raises(jinja2.UndefinedError):
        jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(
            TEMPLATE.read_text()
        ).render(prefix=str(tmp_path), listen="127.0.0.1:1", servers=SERVERS, worker_processes=1)


def access_line(request: str, upstream: str, status: str = "200") -> str:
    return (
        f'127.0.0.1 [23/Nov/2026:05:40:01 +0000] "{request} HTTP/1.1" {status} 312 '
        f"upstream={upstream} upstream_status={status} request_time=0.412 "
        "upstream_time=0.411"
    )


def test_requests_are_counted_per_server_that_answered() -> None:
    lines = [
        access_line("POST /webhooks/rest/webhook", "127.0.0.1:5005"),
        access_line("POST /webhooks/rest/webhook", "127.0.0.1:5007"),
        # With Rasa's token in the query, as the load sends it.
        access_line("POST /webhooks/rest/webhook?token=abc", "127.0.0.1:5007"),
        # Tried on 5005 first (a refused connection), answered by 5007.
        access_line("POST /webhooks/rest/webhook", "127.0.0.1:5005, 127.0.0.1:5007"),
        access_line("GET /", "127.0.0.1:5005"),  # the readiness probe is not a message
        "a line in another format",
    ]
    served = served_per_server(lines)
    assert served.per_server == {"127.0.0.1:5005": 1, "127.0.0.1:5007": 3}
    assert served.retried == 1


SENDER = "bench-0123456789abcdef"
SCRIPT = parley_script(SENDER)


def test_a_conversation_stored_as_sent_passes() -> None:
    check = check_conversations(
        {SENDER: {"sent": 5, "answered": 5}, "bench-late": {"sent": 0, "answered": 0}},
        {SENDER: SCRIPT[:5], "bench-first-answer": ["hi"]},
        parley_script,
    )
    assert (check.conversations, check.answered, check.stored) == (1, 5, 5)
    assert not check.failed


def test_swapped_messages_are_out_of_order() -> None:
    stored = [SCRIPT[0], SCRIPT[2], SCRIPT[1], SCRIPT[3]]
    check = check_conversations(
        {SENDER: {"sent": 4, "answered": 4}}, {SENDER: stored}, parley_script
    )
    assert check.out_of_order == [SENDER]
    assert (check.lost, check.duplicated, check.unexpected) == (0, 0, 0)


def test_a_missing_answered_message_is_lost() -> None:
    stored = [SCRIPT[0], SCRIPT[2]]
    check = check_conversations(
        {SENDER: {"sent": 3, "answered": 3}}, {SENDER: stored}, parley_script
    )
    assert check.lost == 1
    assert check.out_of_order == []
    assert check.failed


def test_a_message_stored_twice_is_duplicated_whatever_its_place() -> None:
    stored = [SCRIPT[0], SCRIPT[1], SCRIPT[1], SCRIPT[2], SCRIPT[0]]
    check = check_conversations(
        {SENDER: {"sent": 3, "answered": 3}}, {SENDER: stored}, parley_script
    )
    assert check.duplicated == 2
    assert (check.lost, check.out_of_order) == (0, [])


def test_a_message_from_another_conversation_is_unexpected() -> None:
    other = parley_script("bench-fedcba9876543210")[3]  # its e-mail names its conversation
    check = check_conversations(
        {SENDER: {"sent": 4, "answered": 4}}, {SENDER: [*SCRIPT[:4], other]}, parley_script
    )
    assert check.unexpected == 1
    assert check.failed


def test_an_unanswered_last_message_may_be_stored_or_not() -> None:
    sent = {SENDER: {"sent": 3, "answered": 2}}
    for stored in (SCRIPT[:2], SCRIPT[:3]):
        check = check_conversations(sent, {SENDER: stored}, parley_script)
        assert not check.failed, stored
    assert check_conversations(sent, {SENDER: SCRIPT[:1]}, parley_script).lost == 1


def test_repeated_texts_in_a_script_are_told_apart_by_their_turn() -> None:
    def script(sender: str) -> list[str]:
        return ["yes", "no", "yes"]

    sent = {SENDER: {"sent": 3, "answered": 3}}
    assert not check_conversations(sent, {SENDER: ["yes", "no", "yes"]}, script).failed
    swapped = check_conversations(sent, {SENDER: ["yes", "yes", "no"]}, script)
    assert swapped.out_of_order == [SENDER]
    twice = check_conversations(sent, {SENDER: ["yes", "no", "yes", "yes"]}, script)
    assert (twice.duplicated, twice.lost) == (1, 0)


def test_the_compose_config_is_the_template_rendered_for_compose() -> None:
    assert COMPOSE_NGINX.read_text() == compose_nginx_config(), (
        "deploy/nginx/compose.conf differs from deploy/nginx/parley.conf rendered for compose"
    )


def test_cpu_is_split_between_the_runs_processes_the_shared_services_and_the_rest() -> None:
    before = {10: ("python", 5.0), 11: ("python", 1.0), 20: ("postgres", 2.0), 30: ("cc1", 0.0)}
    after = {10: ("python", 8.0), 11: ("python", 1.5), 20: ("postgres", 3.0), 30: ("cc1", 4.0)}
    after[21] = ("postgres", 9.0)  # started during the run: its time is not counted
    cores = cores_used(
        before, after, 4.0, {"rasa_a": 10, "actions": 11}, {"load": 2.0}, machine_s=8.0
    )
    assert cores["rasa_a"] == 0.75 and cores["actions"] == 0.125
    assert cores["load"] == 0.5 and cores["postgres"] == 0.25
    assert cores["nginx, Redis"] == 0.0
    assert cores["machine"] == 2.0
    assert cores["other"] == pytest.approx(2.0 - 0.75 - 0.125 - 0.5 - 0.25)
