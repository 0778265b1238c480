"""Every error is JSON {"error", "detail"}: 404, 405, 413, 422 and a 500 with no trace."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from bot.api.app import create_app
from bot.api.body_limit import MAX_BODY_BYTES
from tests.api.conftest import Api


def test_unknown_path_is_404_json(api: Api) -> None:
    response = api.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "detail": None}


def test_wrong_method_is_405_json(api: Api) -> None:
    response = api.client.put("/api/leads", headers=api.headers("admin"))
    assert response.status_code == 405
    assert response.json() == {"error": "method_not_allowed", "detail": None}
    assert "GET" in response.headers["allow"]


def test_a_body_over_the_limit_is_413(api: Api) -> None:
    big = b"x" * (MAX_BODY_BYTES + 1)
    declared = api.client.post("/api/tokens", content=big, headers=api.headers("admin"))
    assert declared.status_code == 413
    assert declared.json()["error"] == "request_entity_too_large"


def test_a_chunked_body_over_the_limit_is_413(api: Api) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b'{"name": "' + b"x" * 65536

    headers = api.headers("admin") | {"Content-Type": "application/json"}
    response = api.client.post("/api/tokens", content=chunks(), headers=headers)
    assert response.status_code == 413
    assert response.json()["error"] == "request_entity_too_large"


def test_a_body_under_the_limit_passes(api: Api) -> None:
    body = {"name": "ok", "role": "viewer", "padding": "x" * 1000}
    response = api.client.post("/api/tokens", json=body, headers=api.headers("admin"))
    assert response.status_code == 201


def test_validation_errors_are_422_with_the_field(api: Api) -> None:
    response = api.get("/api/leads", "admin", limit="many")
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "unprocessable_entity"
    assert body["detail"][0]["loc"] == ["query", "limit"]
    malformed = api.client.post(
        "/api/tokens",
        content=b"{not json",
        headers=api.headers("admin") | {"Content-Type": "application/json"},
    )
    assert malformed.status_code == 422


def test_an_unexpected_error_is_500_json_and_logged(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app()

    @app.get("/api/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    with caplog.at_level(logging.ERROR), TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/boom")
    assert response.status_code == 500
    assert response.json() == {"error": "internal_server_error", "detail": None}
    assert "secret internals" not in response.text and "Traceback" not in response.text
    assert "RuntimeError: secret internals" in caplog.text


def test_pages_and_openapi_still_served(api: Api) -> None:
    assert api.client.get("/").status_code == 200
    assert "privacy notice" in api.client.get("/privacy").text
    spec = api.client.get("/openapi.json").json()
    assert "/api/leads" in spec["paths"] and "/api/subjects" in spec["paths"]
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert api.client.get("/docs").status_code == 200
