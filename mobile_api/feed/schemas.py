"""What the feed endpoints take and give (the OpenAPI document's words for them).

The answers themselves are assembled from the stored items without passing through these
schemas (``mobile_api.feed.bodies`` says why); they describe exactly those bytes, and the
tests check the answers against the document.
"""

from __future__ import annotations

import marshmallow as ma

from workers.feed import MAX_PAGE_SIZE
from workers.feed_changes import DEFAULT_CHANGES, MAX_CHANGES, REASONS
from workers.feed_items import KINDS

DEFAULT_PAGE_SIZE = 20
RECORD_REFERENCE = r"^[A-Za-z][A-Za-z0-9_]{0,63}:[A-Za-z0-9_.-]{1,100}$"


class FeedQuerySchema(ma.Schema):
    # Phones send the same few queries again and again: the parser remembers each one it
    # validated (``mobile_api.parsing``).
    REPEATED_QUERIES = True

    kinds = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf(KINDS)), data_key="type",
        validate=ma.validate.Length(max=len(KINDS)),
        metadata={"description": "Only items of these kinds (repeat the parameter for "
                                 "several): " + ", ".join(KINDS)})
    record = ma.fields.String(
        validate=ma.validate.Regexp(RECORD_REFERENCE, error="expected Module:id"),
        metadata={"description": "Only items about this record (`Module:id`, e.g. "
                                 "`Accounts:…`) or about records it is the parent, account "
                                 "or contact of (the items' `related`)",
                  "example": "Cases:5b6f3c1e-8d2a-4f7e-9c1b-2a3d4e5f6a7b"})
    limit = ma.fields.Integer(load_default=DEFAULT_PAGE_SIZE,
                              validate=ma.validate.Range(1, MAX_PAGE_SIZE),
                              metadata={"description": "Items per page"})
    cursor = ma.fields.String(metadata={
        "description": "The `next_cursor` of the previous page (opaque). A page never "
                       "repeats or skips an item, even while new items arrive on top"})


class ChangesQuerySchema(ma.Schema):
    since = ma.fields.String(metadata={
        "description": "The `next_token` of the previous answer (opaque). Without it: "
                       "the current token and no changes"})
    limit = ma.fields.Integer(load_default=DEFAULT_CHANGES,
                              validate=ma.validate.Range(1, MAX_CHANGES),
                              metadata={"description": "Changes read per answer at most"})


class FeedItemSchema(ma.Schema):
    """One compact item; the record's detail comes from the record endpoints."""

    id = ma.fields.String(required=True, validate=ma.validate.Regexp(RECORD_REFERENCE), metadata={
        "description": "The record the item is about, `Module:id` (the text of `related` "
                       "and of the `record` filter). A feed holds one item per record, its "
                       "latest: keep items by id, a newer one replaces the older",
        "example": "SCRM_SocialInteractions:041e3f95-6b1f-4c5e-9a2b-7c8d9e0f1a2b"})
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(KINDS), metadata={
        "description": "What the item is about (filter with `type`)"})
    title = ma.fields.String(required=True, metadata={"description": "At most 80 characters"})
    at = ma.fields.DateTime(required=True, metadata={
        "description": "When it happened (UTC); the feed is newest first"})
    summary = ma.fields.String(metadata={
        "description": "One line, at most 160 characters; left out when it would only "
                       "repeat the title"})
    actor = ma.fields.String(metadata={"description": "Who wrote or last changed it"})
    network = ma.fields.String(metadata={"description": "facebook or linkedin"})
    sentiment = ma.fields.String(metadata={"description": "positive, neutral or negative"})
    status = ma.fields.String(metadata={"description": "Status (a deal's sales stage)"})
    permalink = ma.fields.String(metadata={"description": "Where it lives on its network"})
    related = ma.fields.List(ma.fields.String(), metadata={
        "description": "Records it hangs off (parent, account, contact) as `Module:id`, "
                       "each usable as the `record` filter"})


class FeedPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(FeedItemSchema), required=True)
    next_cursor = ma.fields.String(required=True, allow_none=True, metadata={
        "description": "Send as `cursor` for the next page; null on the last page"})


class TombstoneSchema(ma.Schema):
    """A record whose item left the rep's feed: drop it."""

    id = ma.fields.String(required=True, validate=ma.validate.Regexp(RECORD_REFERENCE), metadata={
        "description": "The record whose item left, `Module:id`: drop the item with this id"})
    reason = ma.fields.String(required=True, validate=ma.validate.OneOf(REASONS.values()),
                              metadata={"description": "deleted in SuiteCRM, reassigned to "
                                                       "someone else, or trimmed (older "
                                                       "than the feed keeps)"})


class ChangesSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(FeedItemSchema), required=True, metadata={
        "description": "Items added or replaced: keep each by its id, in place of the "
                       "record's earlier item"})
    tombstones = ma.fields.List(ma.fields.Nested(TombstoneSchema), required=True)
    next_token = ma.fields.String(required=True, metadata={
        "description": "Send as `since` next time"})
    more = ma.fields.Boolean(required=True, metadata={
        "description": "More changes wait: ask again with next_token now"})
