"""Graph JSON to the typed records of ``connectors.social``.

Times: nodes say ``2026-01-02T03:04:05+0000`` (or, with ``date_format=U``, epoch
seconds); webhooks send epoch seconds, Messenger webhooks epoch *milliseconds*. Each is
parsed by what it is, never guessed from a local clock, and always ends as aware UTC.

Every record keeps Graph's JSON as ``raw``, minus what must not be stored: ``paging``
(Graph's ``next``/``previous`` links carry the caller's ``access_token``) and any
credential parameter, at any depth.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from connectors.errors import BadResponseError
from connectors.facebook.errors import SERVICE
from connectors.social import (
    LeadSubmission,
    Network,
    SocialComment,
    SocialIdentity,
    SocialMessage,
    SocialPost,
    utc_from_epoch_millis,
    utc_from_epoch_seconds,
    utc_from_graph_time,
)

FB = Network.FACEBOOK
TEST_LEAD_MARKER = "<test lead"
RELAY_EMAIL_DOMAIN = "@facebook.com"
UNSTORED_KEYS = frozenset({"paging", "access_token", "appsecret_proof"})


def stored(raw: Any) -> Any:
    """``raw`` without paging links and credentials, at any depth (a copy)."""
    if isinstance(raw, Mapping):
        return {k: stored(v) for k, v in raw.items() if k not in UNSTORED_KEYS}
    if isinstance(raw, list):
        return [stored(item) for item in raw]
    return raw


def graph_time(value: Any) -> datetime:
    """A Graph time in any of its spellings as aware UTC.

    ``+0000`` ISO (nodes), ``Z`` / ``+00:00`` ISO, epoch seconds (int, float or digit
    string: webhooks and ``date_format=U``). Anything else is a ``BadResponseError``.
    """
    if isinstance(value, bool):
        raise BadResponseError(f"not a time: {value!r}", service=SERVICE)
    if isinstance(value, int | float):
        return utc_from_epoch_seconds(value)
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit():
            return utc_from_epoch_seconds(int(text))
        try:
            return utc_from_graph_time(text)
        except ValueError:
            pass
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is not None:
            return parsed.astimezone(UTC)
    raise BadResponseError(f"not a Graph time: {value!r}", service=SERVICE)


def messenger_time(value: Any) -> datetime:
    """Messenger webhook ``timestamp``: epoch milliseconds."""
    try:
        return utc_from_epoch_millis(int(value))
    except (TypeError, ValueError):
        raise BadResponseError(f"not a Messenger timestamp: {value!r}",
                               service=SERVICE) from None


def epoch_seconds(when: datetime) -> int:
    """An aware datetime as Graph's ``since``/``until``; naive ones are refused."""
    if when.tzinfo is None:
        raise ValueError("give an aware datetime (UTC): a naive one is ambiguous")
    return int(when.timestamp())


def identity(raw: Any) -> SocialIdentity | None:
    """``from`` / participant objects; ``None`` when Graph withheld the author."""
    if not isinstance(raw, Mapping) or not raw.get("id"):
        return None
    email = raw.get("email")
    if not isinstance(email, str) or email.endswith(RELAY_EMAIL_DOMAIN):
        email = None  # Messenger's relay address is not the person's email
    return SocialIdentity(
        network=FB, external_id=str(raw["id"]), name=str(raw.get("name") or ""),
        profile_url=raw.get("link") if isinstance(raw.get("link"), str) else None,
        email=email,
    )


def _summary_count(raw: Any) -> int | None:
    if isinstance(raw, Mapping) and isinstance(raw.get("summary"), Mapping):
        count = raw["summary"].get("total_count")
        return int(count) if isinstance(count, int) else None
    return None


def post(raw: Mapping[str, Any], page_id: str) -> SocialPost:
    try:
        created = graph_time(raw["created_time"])
        return SocialPost(
            network=FB, external_id=str(raw["id"]), owner_id=page_id,
            author=identity(raw.get("from")),
            body=str(raw.get("message") or raw.get("story") or ""),
            created_at=created,
            updated_at=graph_time(raw["updated_time"]) if raw.get("updated_time") else None,
            permalink=raw.get("permalink_url"),
            is_hidden=bool(raw.get("is_hidden", False)),
            is_published=bool(raw.get("is_published", True)),
            comment_count=_summary_count(raw.get("comments")),
            raw=stored(raw),
        )
    except KeyError as exc:
        raise BadResponseError(f"post without {exc.args[0]}", service=SERVICE) from None


def comment(raw: Mapping[str, Any], post_id: str) -> SocialComment:
    """One comment; ``parent_id`` only for replies (``parent`` in ``filter=stream``)."""
    parent = raw.get("parent")
    parent_id = str(parent["id"]) if isinstance(parent, Mapping) and parent.get("id") else None
    try:
        return SocialComment(
            network=FB, external_id=str(raw["id"]), post_id=post_id,
            parent_id=parent_id if parent_id != post_id else None,
            author=identity(raw.get("from")),
            body=str(raw.get("message") or ""),
            created_at=graph_time(raw["created_time"]),
            permalink=raw.get("permalink_url"),
            is_hidden=bool(raw.get("is_hidden", False)),
            like_count=raw.get("like_count") if isinstance(raw.get("like_count"), int) else None,
            reply_count=(raw.get("comment_count")
                         if isinstance(raw.get("comment_count"), int) else None),
            raw=stored(raw),
        )
    except KeyError as exc:
        raise BadResponseError(f"comment without {exc.args[0]}", service=SERVICE) from None


def message(raw: Mapping[str, Any], conversation_id: str, page_id: str) -> SocialMessage:
    sender = identity(raw.get("from"))
    if sender is None:
        raise BadResponseError("message without a sender", service=SERVICE)
    to = raw.get("to")
    recipients = to.get("data", []) if isinstance(to, Mapping) else []
    recipient = next((str(r["id"]) for r in recipients if isinstance(r, Mapping)
                      and r.get("id")), "")
    try:
        return SocialMessage(
            network=FB, external_id=str(raw["id"]), conversation_id=conversation_id,
            sender=sender, recipient_id=recipient, body=str(raw.get("message") or ""),
            created_at=graph_time(raw["created_time"]),
            is_echo=sender.external_id == page_id, raw=stored(raw),
        )
    except KeyError as exc:
        raise BadResponseError(f"message without {exc.args[0]}", service=SERVICE) from None


def _checked(value: Any) -> bool:
    return value is True or str(value).strip().lower() in {"1", "true", "yes"}


def lead(raw: Mapping[str, Any], *, page_id: str = "", form_name: str = "") -> LeadSubmission:
    """A lead with its answers keyed by question name (``field_data[].name``).

    Multi-value answers are joined with ", ". Test leads from Meta's testing tool are
    recognised by their ``<test lead: ...>`` placeholder values.
    """
    answers: dict[str, str] = {}
    for item in raw.get("field_data") or []:
        if isinstance(item, Mapping) and item.get("name"):
            values = item.get("values") or []
            answers[str(item["name"])] = ", ".join(str(v) for v in values)
    consents = {
        str(item.get("checkbox_key")): _checked(item.get("is_checked"))
        for item in raw.get("custom_disclaimer_responses") or []
        if isinstance(item, Mapping) and item.get("checkbox_key")
    }
    try:
        return LeadSubmission(
            network=FB, external_id=str(raw["id"]), form_id=str(raw.get("form_id") or ""),
            submitted_at=graph_time(raw["created_time"]), answers=answers,
            owner_id=page_id, form_name=form_name, consents=consents,
            is_test=any(v.lower().startswith(TEST_LEAD_MARKER) for v in answers.values()),
            ad_id=str(raw["ad_id"]) if raw.get("ad_id") else None, raw=stored(raw),
        )
    except KeyError as exc:
        raise BadResponseError(f"lead without {exc.args[0]}", service=SERVICE) from None
