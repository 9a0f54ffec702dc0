"""``/api/v1/auth``: log in with SuiteCRM credentials, refresh, log out, who am I.

Logging in performs SuiteCRM's OAuth2 password grant (the API's password client); the
rep's SuiteCRM tokens stay in Redis, sealed (``workers.rep_sessions``), and the phone gets
the API's own opaque tokens. A wrong password and an unknown user get the same answer;
failed attempts are throttled per user name and per address (``workers.login_throttle``).
"""

from __future__ import annotations

from typing import Any

from flask import request

from connectors.errors import AuthenticationError, ConnectorError
from connectors.suitecrm import SuiteCRMClient
from mobile_api.auth.guard import CHALLENGE, current_rep, public
from mobile_api.auth.schemas import LoginSchema, RefreshSchema, RepSchema, TokenSchema
from mobile_api.errors import ApiError, ErrorSchema
from mobile_api.parsing import Blueprint
from mobile_api.state import api_config, api_redis, api_state
from workers.login_throttle import LoginThrottle
from workers.rep_sessions import IssuedTokens, SessionStore

blueprint = Blueprint("auth", __name__, url_prefix="/auth",
                      description="Log in with SuiteCRM credentials, refresh, log out")


@blueprint.route("/token", methods=["POST"])
@blueprint.arguments(LoginSchema)
@blueprint.response(200, TokenSchema)
@blueprint.alt_response(401, schema=ErrorSchema, description="Wrong user name or password")
@blueprint.alt_response(429, schema=ErrorSchema, description="Too many failed logins")
@blueprint.alt_response(503, schema=ErrorSchema, description="SuiteCRM unreachable")
@blueprint.doc(security=[])
@public  # logging in is how a token is obtained
def login(credentials: dict[str, str]) -> IssuedTokens:
    """Log in as a SuiteCRM user; answers the API's access and refresh tokens."""
    sessions = _sessions()
    throttle = LoginThrottle(api_redis())
    address = request.remote_addr or "unknown"
    user_name = credentials["username"]
    wait = throttle.reserve(user_name, address)  # counted now: a burst cannot overtake
    if wait:
        raise ApiError(429, f"too many failed logins: try again in {wait} s",
                       headers={"Retry-After": str(wait)})
    config = api_config()
    try:
        crm = SuiteCRMClient.login(config.suitecrm_url, config.suitecrm_password_client_id,
                                   config.suitecrm_password_client_secret, user_name,
                                   credentials["password"], timeout=config.http_timeout)
        user = crm.current_user()
    except AuthenticationError:
        raise ApiError(401, "wrong user name or password", headers=CHALLENGE) from None
    except ConnectorError as exc:
        throttle.release(user_name, address)
        raise ApiError(503, f"SuiteCRM cannot log you in right now ({exc.service}): try "
                            "again later") from None
    throttle.succeeded(user_name, address)
    token = crm.token
    assert token is not None  # a password login always holds its token
    return sessions.start(token, user_id=user.id, user_name=user.user_name or user_name,
                          is_admin=user.is_admin, full_name=user.full_name)


@blueprint.route("/refresh", methods=["POST"])
@blueprint.arguments(RefreshSchema)
@blueprint.response(200, TokenSchema)
@blueprint.alt_response(401, schema=ErrorSchema, description="Unknown or used refresh token")
@blueprint.doc(security=[])
@public  # the access token has expired: the refresh token is the credential
def refresh(body: dict[str, str]) -> IssuedTokens:
    """A new token pair; the refresh token sent is used up."""
    issued = _sessions().refresh(body["refresh_token"])
    if issued is None:
        raise ApiError(401, "the refresh token is unknown, used or expired: log in again",
                       headers=CHALLENGE)
    return issued


@blueprint.route("/token", methods=["DELETE"])
@blueprint.response(204)
@blueprint.alt_response(401, schema=ErrorSchema, description="Not logged in")
def logout() -> None:
    """Log out: this session's tokens stop working, here and in the workers."""
    _sessions().revoke(current_rep().session_id)


@blueprint.route("/me", methods=["GET"])
@blueprint.response(200, RepSchema)
@blueprint.alt_response(401, schema=ErrorSchema, description="Not logged in")
def me() -> Any:
    """The logged-in rep."""
    return current_rep()


def _sessions() -> SessionStore:
    sessions = api_state().sessions
    if sessions is None:
        raise ApiError(503, "this API is not connected to a SuiteCRM: set SUITECRM_URL, "
                            "the password client and SOCIALCRM_SECRET_KEY")
    return sessions
