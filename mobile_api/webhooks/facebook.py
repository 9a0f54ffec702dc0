"""``GET/POST /webhooks/facebook``: Meta's subscription handshake and signed deliveries.

The signature (``X-Hub-Signature-256``) is checked on the raw bytes before anything else;
a mismatch is 403 with nothing stored. The body is then parsed once only to refuse a
malformed delivery with 400 (Meta shows the status in its dashboard); the worker parses
the stored bytes again. Meta sends no delivery id, and redelivers the same bytes, so the
body's hash is the delivery id.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from connectors.errors import BadResponseError, WebhookRejectedError
from connectors.facebook.webhooks import (
    SIGNATURE_HEADER,
    parse_events,
    verify_challenge,
    verify_signature,
)
from mobile_api.webhooks.intake import accept, config, kept_headers, problem, read_body

blueprint = Blueprint("webhooks_facebook", __name__)
KEPT_HEADERS = (SIGNATURE_HEADER, "Content-Type")


@blueprint.get("/webhooks/facebook")
def handshake() -> Response | tuple[Response, int]:
    """Echo ``hub.challenge`` as plain text when ``hub.verify_token`` is ours."""
    try:
        challenge = verify_challenge(request.args, config().facebook_verify_token)
    except WebhookRejectedError as exc:
        return problem(403, "handshake_rejected", exc.message)
    return Response(challenge, status=200, mimetype="text/plain")


@blueprint.post("/webhooks/facebook")
def deliver() -> tuple[Response, int]:
    body = read_body()
    try:
        verify_signature(body, request.headers.get(SIGNATURE_HEADER),
                         config().facebook_app_secret)
    except WebhookRejectedError as exc:
        return problem(403, "bad_signature", exc.message,
                       header=SIGNATURE_HEADER)
    try:
        parse_events(body)
    except BadResponseError as exc:
        return problem(400, "malformed_body", exc.message)
    return accept("facebook", body, kept_headers(KEPT_HEADERS), key=body)
