"""``GET/POST /webhooks/linkedin``: LinkedIn's validation challenge and signed notifications.

LinkedIn validates the endpoint with ``GET ?challengeCode=...`` (3 s deadline, repeated
about every 2 hours) and expects the code's HMAC with the client secret back as JSON.
Notifications carry ``X-LI-Signature`` over the raw bytes, checked before anything else
(403 and nothing stored on a mismatch). The delivery id is the body's hash; the
``notificationId`` of each event travels on as ``event_id`` for the rules' own dedupe,
since LinkedIn may batch a redelivered notification differently.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from connectors.errors import BadResponseError
from connectors.linkedin.webhooks import (
    SIGNATURE_HEADER,
    challenge_response,
    parse_notifications,
    verify_signature,
)
from mobile_api.webhooks.intake import accept, config, kept_headers, problem, read_body

blueprint = Blueprint("webhooks_linkedin", __name__)
KEPT_HEADERS = (SIGNATURE_HEADER, "Content-Type")
MAX_CHALLENGE_LENGTH = 200


@blueprint.get("/webhooks/linkedin")
def challenge() -> tuple[Response, int]:
    code = request.args.get("challengeCode", "")
    if not code or len(code) > MAX_CHALLENGE_LENGTH:
        return problem(400, "no_challenge", "challengeCode query parameter missing or too long")
    secret = config().linkedin_client_secret
    if not secret:
        return problem(403, "not_configured", "no LinkedIn client secret is configured")
    return jsonify(challenge_response(code, secret)), 200


@blueprint.post("/webhooks/linkedin")
def deliver() -> tuple[Response, int]:
    body = read_body()
    settings = config()
    if not verify_signature(body, request.headers.get(SIGNATURE_HEADER),
                            settings.linkedin_client_secret,
                            prefix=settings.linkedin_signature_prefix):
        return problem(403, "bad_signature", "signature missing or does not match the body",
                       header=SIGNATURE_HEADER)
    try:
        parse_notifications(body)
    except BadResponseError as exc:
        return problem(400, "malformed_body", exc.message)
    return accept("linkedin", body, kept_headers(KEPT_HEADERS), key=body)
