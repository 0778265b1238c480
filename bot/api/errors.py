"""Every API error as JSON `{"error": code, "detail": ...}`, never a stack trace.

    ApiError(status, detail)        raised by routes and dependencies (401, 403, 404, 422…)
    HTTPException (Starlette)       routing's own 404/405, FastAPI's 401 from security
    RequestValidationError          bad query, path or body → 422 with the field errors
    Exception                       anything else → logged with its traceback, 500

The error code is the status' phrase in snake case ("not_found", "method_not_allowed"),
so clients can branch on it without parsing the detail.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.api.schemas import ErrorBody

logger = logging.getLogger(__name__)


class ApiError(Exception):
    """An error a route reports to the client as-is."""

    def __init__(self, status: int, detail: Any = None, headers: dict[str, str] | None = None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers


def error_code(status: int) -> str:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        return "error"
    return phrase.lower().replace(" ", "_").replace("-", "_").replace("'", "")


def error_response(
    status: int, detail: Any = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = ErrorBody(error=error_code(status), detail=jsonable_encoder(detail))
    return JSONResponse(body.dict(), status_code=status, headers=headers)


# What the API's routes declare they may answer, for the OpenAPI document.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": HTTPStatus(status).phrase}
    for status in (401, 403, 422)
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorBody, "description": "Not Found"}}


async def _api_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.detail, exc.headers)


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = None if exc.detail == HTTPStatus(exc.status_code).phrase else exc.detail
    return error_response(exc.status_code, detail, getattr(exc, "headers", None))


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    # Field locations and messages only: pydantic v1 errors do not echo the input.
    return error_response(422, exc.errors())


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    # Starlette runs this one from its outermost middleware, after which it re-raises for
    # the server to log too; the client only ever sees the JSON body.
    app.add_exception_handler(Exception, _unexpected_error)
