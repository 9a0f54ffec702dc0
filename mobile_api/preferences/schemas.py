"""The rep's preferences, as read and as written (every field required on PUT)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma


class JsonBoolean(ma.fields.Boolean):
    """``true`` or ``false`` only: marshmallow's Boolean also takes 1, "yes", "on"...,
    which the OpenAPI document (type boolean) says are wrong."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class PreferencesSchema(ma.Schema):
    kudos = JsonBoolean(required=True, metadata={
        "description": "Whether kudos (good news about your accounts and the products) "
                       "come into your feed; false opts out"})
