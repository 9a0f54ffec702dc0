"""The records and cards endpoints' arguments and answers, built from ``kinds``.

Each kind gets its own named schemas (``ContactRow``, ``Contact``, ``ContactSearchPage``,
``ContactCard`` ...), so the OpenAPI document types every field and a generated client
gets one model per kind. Every declared field is always present in an answer; an empty
SuiteCRM value is ``null``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import marshmallow as ma

from mobile_api.records.card import ADVOCATE_DAYS, BODY_CHARS, INTERACTION_SPECS, PROFILE_SPECS
from mobile_api.records.cursor import CursorField
from mobile_api.records.detail import detail_specs
from mobile_api.records.kinds import KINDS, PEOPLE, ROW_COMMON, FieldSpec, RecordKind
from mobile_api.records.search import NAME

MAX_LIMIT = 50
MAX_Q_CHARS = 100
_FORMATS = {"datetime": "date-time", "date": "date"}


def field_for(spec: FieldSpec) -> ma.fields.Field[Any]:
    metadata: dict[str, Any] = {"description": spec.description} if spec.description else {}
    options: dict[str, Any] = {"required": True, "allow_none": True, "metadata": metadata}
    if spec.type == "int":
        return ma.fields.Integer(**options)
    if spec.type == "float":
        return ma.fields.Float(**options)
    if spec.type == "bool":
        return ma.fields.Boolean(**options)
    if spec.type in _FORMATS:
        metadata["format"] = _FORMATS[spec.type]
    if spec.type == "decimal":
        metadata.setdefault("description", "A decimal number, exactly as SuiteCRM holds it")
    return ma.fields.String(**options)


def _schema(name: str, specs: Iterable[FieldSpec], **more: ma.fields.Field[Any]) -> type[ma.Schema]:
    fields: dict[str, ma.fields.Field[Any]] = {"id": ma.fields.String(required=True)}
    fields.update({spec.name: field_for(spec) for spec in specs})
    fields.update(more)
    return ma.Schema.from_dict(fields, name=name)


def _text(description: str) -> ma.fields.String:
    return ma.fields.String(required=True, allow_none=True,
                            metadata={"description": description})


def row_schema(kind: RecordKind) -> type[ma.Schema]:
    return _schema(f"{kind.title}Row", (NAME, *kind.row, *ROW_COMMON))


def detail_schema(kind: RecordKind) -> type[ma.Schema]:
    return _schema(kind.title, detail_specs(kind), base_version=_text(
        "The record's date_modified as SuiteCRM gave it: send it back as `base_version` "
        "with an edit so that a change made meanwhile is detected"))


def page_schema(kind: RecordKind, rows: type[ma.Schema]) -> type[ma.Schema]:
    return ma.Schema.from_dict({
        "items": ma.fields.List(ma.fields.Nested(rows), required=True),
        "next_cursor": _text("Pass as `cursor` for the next page; null on the last page. "
                             "A page may hold fewer than `limit` items (even none) while "
                             "this is set: keep following it"),
    }, name=f"{kind.title}SearchPage")


class SearchArgs(ma.Schema):
    q = ma.fields.String(validate=ma.validate.Length(1, MAX_Q_CHARS), metadata={
        "description": "Starts the name (first or last name; two words or more: first "
                       "and last name), the primary email address (with an @), a phone "
                       "number, or a case number. Case and accents are ignored; % is a "
                       "wildcard"})
    mine = ma.fields.Boolean(load_default=False,
                             metadata={"description": "Only records assigned to you"})
    limit = ma.fields.Integer(load_default=20, validate=ma.validate.Range(1, MAX_LIMIT))
    cursor = CursorField()

    @ma.validates("q")
    def _searchable(self, value: str, **_: Any) -> None:
        if not value.strip():
            raise ma.ValidationError("must hold something to search for")
        if any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in value):
            raise ma.ValidationError("control characters cannot be searched")
        if any(ord(ch) > 0xFFFF for ch in value):
            raise ma.ValidationError("emoji and other characters outside the Basic "
                                     "Multilingual Plane cannot be searched")


SocialProfileSchema = _schema("SocialProfile", PROFILE_SPECS)
CardInteractionSchema = _schema(
    "CardInteraction", INTERACTION_SPECS, body_truncated=ma.fields.Boolean(
        required=True, metadata={"description": f"The body was cut to {BODY_CHARS} "
                                                "characters; the full text is in the feed"}))


class LastReadingSchema(ma.Schema):
    interaction_id = ma.fields.String(required=True)
    score = ma.fields.Float(required=True)
    label = ma.fields.String(required=True, allow_none=True)
    occurred_at = ma.fields.String(required=True, allow_none=True,
                                   metadata={"format": "date-time"})


class SentimentSchema(ma.Schema):
    average = ma.fields.Float(required=True, allow_none=True, metadata={
        "description": "Mean sentiment_score (-1..1) of the latest scored interactions"})
    label = ma.fields.String(required=True, allow_none=True, metadata={
        "description": "positive, negative, neutral or mixed (of the average)"})
    scored_interactions = ma.fields.Integer(required=True)
    last = ma.fields.Nested(LastReadingSchema, required=True, allow_none=True)


class AdvocateSchema(ma.Schema):
    score = ma.fields.Integer(required=True, metadata={"description": (
        "SuiteCRM's scrm_advocate_score_c when set (source crm); otherwise the number of "
        f"the person's inbound interactions labelled positive in the last {ADVOCATE_DAYS} "
        "days (source computed), a stand-in until the intelligence issue scores advocates")})
    source = ma.fields.String(required=True, validate=ma.validate.OneOf(["crm", "computed"]))
    window_days = ma.fields.Integer(required=True, allow_none=True)


def card_schema(kind: RecordKind, person: type[ma.Schema]) -> type[ma.Schema]:
    return ma.Schema.from_dict({
        "kind": ma.fields.String(required=True),
        "person": ma.fields.Nested(person, required=True),
        "profiles": ma.fields.List(ma.fields.Nested(SocialProfileSchema), required=True),
        "sentiment": ma.fields.Nested(SentimentSchema, required=True),
        "advocate": ma.fields.Nested(AdvocateSchema, required=True),
        "recent_interactions": ma.fields.List(ma.fields.Nested(CardInteractionSchema),
                                              required=True),
        "last_social_at": ma.fields.String(required=True, allow_none=True,
                                           metadata={"format": "date-time"}),
    }, name=f"{kind.title}Card")


ROWS = {name: row_schema(kind) for name, kind in KINDS.items()}
DETAILS = {name: detail_schema(kind) for name, kind in KINDS.items()}
PAGES = {name: page_schema(kind, ROWS[name]) for name, kind in KINDS.items()}
CARDS = {name: card_schema(kind, DETAILS[name]) for name, kind in PEOPLE.items()}
