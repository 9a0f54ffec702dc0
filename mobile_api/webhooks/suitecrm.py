"""``POST /webhooks/suitecrm``: the plugin's signed change notices.

``plugin.crm_events.receive`` checks the signature over ``<timestamp>.<body>`` and the time
window, then parses the body. Every authentication failure, including a notice outside
the window (``too_old``/``too_new``), is answered 403 with the reason code: the notice is
well formed but not provably fresh from our SuiteCRM, and 403 is the answer the other
receivers give to an unproven delivery. A body that fails validation is 400 naming the
field. Events already seen inside the replay span (``workers.seen_events``) are dropped;
a notice with none left is answered 200 and nothing is stored or queued. The delivery id
is the ``notice_id``, so a redelivered notice cannot make a second job either.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from mobile_api.webhooks.intake import (
    accept,
    config,
    kept_headers,
    problem,
    read_body,
    redis_client,
)
from plugin.crm_events import (
    MAX_BODY_BYTES,
    NOTICE_ID_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    CrmEventError,
    NoticeAuthError,
    receive,
)
from workers.seen_events import forget_sighting, new_events

blueprint = Blueprint("webhooks_suitecrm", __name__)
KEPT_HEADERS = (SIGNATURE_HEADER, TIMESTAMP_HEADER, NOTICE_ID_HEADER, "Content-Type")


@blueprint.post("/webhooks/suitecrm")
def deliver() -> tuple[Response, int]:
    body = read_body(MAX_BODY_BYTES)
    settings = config()
    try:
        notice = receive(body, dict(request.headers), settings.suitecrm_notice_secret,
                         tolerance=settings.notice_tolerance_seconds)
    except NoticeAuthError as exc:
        return problem(403, "notice_rejected", exc.problem, reason=exc.reason, field=exc.field)
    except CrmEventError as exc:
        return problem(400, "malformed_notice", exc.problem, field=exc.field)
    client = redis_client()
    fresh = new_events(client, notice, tolerance_seconds=settings.notice_tolerance_seconds)
    if not fresh:
        return jsonify(status="duplicate", notice_id=notice.notice_id, queued=False,
                       dropped=len(notice.events)), 200
    try:
        return accept("suitecrm", body, kept_headers(KEPT_HEADERS), key=notice.notice_id,
                      accepted_event_ids=tuple(event.event_id for event in fresh))
    except Exception:
        for event in fresh:  # not taken in: a retry of the same notice must not be a replay
            forget_sighting(client, event.event_id)
        raise
