"""Graph error answers, worded and coded as the real API words and codes them."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from typing import Any

THROTTLE_MESSAGES = {
    4: "(#4) Application request limit reached",
    17: "(#17) User request limit reached",
    32: "(#32) Page request limit reached",
    613: "(#613) Calls to this api have exceeded the rate limit.",
    80001: "(#80001) There have been too many calls to this Page account. Wait a bit and "
           "try again. For more info, please refer to "
           "https://developers.facebook.com/docs/graph-api/overview/rate-limiting.",
}


@dataclass
class Answer:
    """One Graph answer before it is put on the wire (or into a batch item)."""

    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


class GraphError(Exception):
    def __init__(self, status: int, code: int, message: str, *, subcode: int | None = None,
                 kind: str = "OAuthException", transient: bool = False,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.subcode = subcode
        self.kind = kind
        self.transient = transient
        self.headers = headers or {}

    def answer(self) -> Answer:
        if self.kind == "html":  # a proxy's error page, not a Graph answer
            return Answer(self.status, self.message, dict(self.headers))
        error: dict[str, Any] = {"message": self.message, "type": self.kind, "code": self.code}
        if self.subcode is not None:
            error["error_subcode"] = self.subcode
        if self.transient:
            error["is_transient"] = True
        error["fbtrace_id"] = "A" + secrets.token_urlsafe(16)
        return Answer(self.status, {"error": error}, dict(self.headers))


def deleted(object_id: str) -> GraphError:
    return GraphError(
        400, 100,
        f"Unsupported get request. Object with ID '{object_id}' does not exist, cannot be "
        "loaded due to missing permissions, or does not support this operation. Please read "
        "the Graph API documentation at https://developers.facebook.com/docs/graph-api",
        subcode=33, kind="GraphMethodException",
    )


def bad_param(message: str) -> GraphError:
    return GraphError(400, 100, f"(#100) {message}")


def unknown_field(name: str, node_type: str) -> GraphError:
    return bad_param(f"Tried accessing nonexisting field ({name}) on node type "
                     f"({node_type.capitalize()})")


def missing_scope(scope: str, *, leads: bool = False) -> GraphError:
    code = 200 if leads else 10
    return GraphError(403, code, f"(#{code}) This endpoint requires the '{scope}' permission "
                                 "to be granted to the app and the token")


def throttled(code: int, regain_minutes: int, page_id: str) -> GraphError:
    usage = {"call_count": 100, "total_cputime": 100, "total_time": 100}
    buc = {page_id: [{"type": "pages", **usage,
                      "estimated_time_to_regain_access": regain_minutes}]}
    message = THROTTLE_MESSAGES.get(code, f"(#{code}) Rate limit reached")
    return GraphError(400 if code != 4 else 403, code, message, transient=True, headers={
        "X-App-Usage": json.dumps(usage), "X-Business-Use-Case-Usage": json.dumps(buc)})


def transient(code: int = 2) -> GraphError:
    text = ("An unexpected error has occurred. Please retry your request later." if code == 2
            else "An unknown error occurred")
    return GraphError(500, code, text, transient=True)


def reduce_data() -> GraphError:
    return GraphError(500, 1, "Please reduce the amount of data you're asking for, then retry "
                              "your request")


def retired(version: str, latest: str) -> GraphError:
    return GraphError(400, 2635, f"(#2635) You are calling a deprecated version of the Graph "
                                 f"API ({version}). Please update to the latest version: "
                                 f"{latest}.")


def token_error(status: str) -> GraphError:
    if status == "expired":
        return GraphError(400, 190, "Error validating access token: Session has expired on "
                                    "Tuesday, 03-Mar-26 10:00:00 PST.", subcode=463)
    if status == "revoked":
        return GraphError(400, 190, "Error validating access token: The session has been "
                                    "invalidated because the user changed their password or "
                                    "Facebook has changed the session for security reasons.",
                          subcode=460)
    if status == "missing":
        return GraphError(400, 104, "An access token is required to request this resource.")
    return GraphError(400, 190, "Invalid OAuth access token - Cannot parse access token")
