"""What the token endpoints take and give."""

from __future__ import annotations

import marshmallow as ma


class LoginSchema(ma.Schema):
    username = ma.fields.String(required=True, validate=ma.validate.Length(1, 60),
                                metadata={"description": "SuiteCRM user name"})
    password = ma.fields.String(required=True, load_only=True,
                                validate=ma.validate.Length(1, 200))


class RefreshSchema(ma.Schema):
    refresh_token = ma.fields.String(required=True, load_only=True,
                                     validate=ma.validate.Length(1, 200))


class RepSchema(ma.Schema):
    id = ma.fields.String(required=True, attribute="user_id",
                          metadata={"description": "SuiteCRM user id"})
    user_name = ma.fields.String(required=True)
    full_name = ma.fields.String(required=True,
                                 metadata={"description": "As SuiteCRM shows it"})
    is_admin = ma.fields.Boolean(required=True)


class TokenSchema(ma.Schema):
    access_token = ma.fields.String(required=True)
    token_type = ma.fields.String(required=True, dump_default="Bearer")
    expires_in = ma.fields.Integer(required=True, metadata={"description": "seconds"})
    refresh_token = ma.fields.String(required=True)
    refresh_expires_in = ma.fields.Integer(required=True, metadata={"description": "seconds"})
    user = ma.fields.Nested(RepSchema, required=True, attribute="rep")
