"""API tokens, managed by admins: list, create (the token is shown once), revoke."""

from __future__ import annotations

from fastapi import APIRouter, Path

from bot.api.deps import TEXT_PATTERN, Admin, SessionDep, audit
from bot.api.errors import NOT_FOUND, ApiError
from bot.api.schemas import ErrorBody, TokenCreate, TokenCreated, TokenOut
from bot.api.views import token_out
from bot.crm.tokens import TokenNameTaken, create_token, list_tokens, revoke_token

router = APIRouter(prefix="/tokens", tags=["tokens"])


@router.get("", response_model=list[TokenOut], summary="All tokens, revoked ones too")
def get_tokens(_: Admin, session: SessionDep) -> list[TokenOut]:
    return [token_out(token) for token in list_tokens(session)]


@router.post(
    "",
    response_model=TokenCreated,
    status_code=201,
    responses={409: {"model": ErrorBody, "description": "Name taken"}},
    summary="Create a token; the response holds it, this once",
)
def post_token(body: TokenCreate, caller: Admin, session: SessionDep) -> TokenCreated:
    try:
        token, raw = create_token(session, name=body.name, role=body.role)
    except TokenNameTaken as error:
        raise ApiError(409, str(error)) from error
    audit(session, caller, "token.created", name=token.name, role=token.role)
    return TokenCreated(**token_out(token).dict(), token=raw)


@router.delete("/{name}", response_model=TokenOut, responses=NOT_FOUND, summary="Revoke a token")
def delete_token(
    caller: Admin, session: SessionDep, name: str = Path(..., max_length=64, pattern=TEXT_PATTERN)
) -> TokenOut:
    try:
        token = revoke_token(session, name=name)
    except LookupError as error:
        raise ApiError(404, str(error)) from error
    audit(session, caller, "token.revoked", name=token.name)
    return token_out(token)
