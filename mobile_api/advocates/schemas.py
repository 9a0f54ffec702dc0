"""The advocates endpoint's arguments and answer."""

from __future__ import annotations

import marshmallow as ma

from plugin.model import dropdown

RECORD_ID = r"^[A-Za-z0-9_.\-]{1,64}$"
MAX_LIMIT = 100
NETWORKS = tuple(key for key in dropdown("scrm_network_list").keys if key)


class AdvocatesArgs(ma.Schema):
    limit = ma.fields.Integer(load_default=10, validate=ma.validate.Range(1, MAX_LIMIT),
                              metadata={"description": "How many profiles, best first"})
    network = ma.fields.String(validate=ma.validate.OneOf(NETWORKS), metadata={
        "description": "Only profiles on this network"})
    account_id = ma.fields.String(validate=ma.validate.Regexp(RECORD_ID), metadata={
        "description": "Only profiles linked to this SuiteCRM Account"})
    include_discount_seekers = ma.fields.Boolean(load_default=False, metadata={
        "description": "Rank profiles flagged as discount seekers too (marked as such)"})


def _text(description: str) -> ma.fields.String:
    return ma.fields.String(required=True, allow_none=True,
                            metadata={"description": description})


def _share(description: str) -> ma.fields.Float:
    return ma.fields.Float(required=True, validate=ma.validate.Range(0, 1),
                           metadata={"description": description})


def _count(description: str) -> ma.fields.Integer:
    return ma.fields.Integer(required=True, allow_none=True,
                             metadata={"description": description})


class AdvocateComponentsSchema(ma.Schema):
    frequency = _share("1 - exp(-decayed positive interactions / scale)")
    recency = _share("Decay weight of the newest positive interaction (1 = today)")
    balance = _share("Decayed positive sentiment / (positive + negative)")
    reach = _share("Larger of followers and reactions + 2 x shares, log scale")
    positive = ma.fields.Integer(required=True, metadata={
        "description": "Positive interactions counted (a burst counts once)"})
    negative = ma.fields.Integer(required=True, metadata={
        "description": "Negative interactions counted (a burst counts once)"})
    collapsed = ma.fields.Integer(required=True, metadata={
        "description": "Interactions folded into a burst instead of counting alone"})
    followers = _count("Followers the network reported, if any")
    reactions = _count("Reactions on the positive interactions, if any network said")
    shares = _count("Shares of the positive interactions, if any network said")
    discount_share = _share("Decayed share of positive talk about discounts")
    last_positive_at = _text("When the newest positive interaction was written (ISO 8601)")
    discount_terms = ma.fields.List(ma.fields.String(), required=True, metadata={
        "description": "Discount words seen in the positive talk"})
    computed_at = _text("When the score was computed (ISO 8601)")


class AdvocateRowSchema(ma.Schema):
    profile_id = ma.fields.String(required=True)
    name = _text("The name on the network")
    handle = _text("The handle on the network")
    network = _text("facebook or linkedin")
    profile_url = _text("The profile on the network")
    followers = _count("Followers, where the network tells")
    score = ma.fields.Integer(required=True, validate=ma.validate.Range(0, 100), metadata={
        "description": "Advocate score, 0 to 100"})
    discount_seeker = ma.fields.Boolean(required=True, metadata={
        "description": "Mostly talks about discounts, coupons or free things"})
    components = ma.fields.Nested(AdvocateComponentsSchema, required=True, allow_none=True,
                                  metadata={"description": "Why the score is what it is; "
                                                           "null until recomputed"})
    contact_id = _text("The linked Contact")
    contact_name = _text("The linked Contact's name")
    lead_id = _text("The linked Lead")
    lead_name = _text("The linked Lead's name")
    account_id = _text("The linked Account")
    account_name = _text("The linked Account's name")


class AdvocateRankingSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(AdvocateRowSchema), required=True)
