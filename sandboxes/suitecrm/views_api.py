"""The SuiteCRM routes: ``/Api/access_token`` and ``/Api/V8/...``.

Views only translate HTTP into parameters and back: parameters are parsed and
validated by ``params`` (SuiteCRM's middleware), the work is done by the services
while the store lock is held, and errors propagate to the handlers in ``app``.
Every ``/Api/V8`` route needs a valid bearer token; unknown routes answer 404 without
one, like Slim, because routing happens before the auth middleware.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, Response, g, request

from . import acl
from . import params as p
from .app import compact, current_core, pretty
from .core import SandboxCore
from .documents import document, relationships_object
from .errors import JSON_API, NOT_ALLOWED, service_error
from .module_service import ensure_module
from .phpquery import parse_query

api_blueprint = Blueprint("suitecrm_api", __name__)
NO_OPTIONS = {"provide_automatic_options": False}
TOKEN_HEADERS = {"pragma": "no-cache", "cache-control": "no-store"}


def core() -> SandboxCore:
    return current_core()


def raw_query() -> dict[str, Any]:
    return parse_query(request.query_string.decode("utf-8", "replace"))


def parsed_body() -> Any:
    """Slim's body parsing: JSON for ``*/json`` and ``*+json``, form data, else nothing."""
    mimetype = request.mimetype or ""
    raw = request.get_data(cache=True)
    if mimetype == "application/json" or mimetype.endswith("+json"):
        try:
            return json.loads(raw)
        except ValueError:
            return None
    if mimetype == "application/x-www-form-urlencoded":
        return parse_query(raw.decode("utf-8", "replace"))
    return None


def relative_path() -> str:
    """``$request->getUri()->getPath()`` under SuiteCRM's ``/Api`` base path."""
    return request.path.removeprefix("/Api/")


def raw_request(**route: str) -> p.RawRequest:
    return p.RawRequest(route=dict(route), query=raw_query(), body=parsed_body())


def jsonapi(body: Any, status: int = 200) -> Response:
    return pretty(body, status, JSON_API)


def authenticated(view: Callable[..., Response]) -> Callable[..., Response]:
    @wraps(view)
    def wrapper(**kwargs: Any) -> Response:
        state = core()
        token = state.oauth.verify(request.headers.get("Authorization"))
        g.token = token
        with state.store.lock:
            g.actor = state.actor_for(token)
            return view(**kwargs)

    return wrapper


@api_blueprint.route("/Api/access_token", methods=["POST"], **NO_OPTIONS)
def access_token() -> Response:
    body = parsed_body()
    fields = body if isinstance(body, dict) else {}
    basic = None
    if request.authorization is not None and request.authorization.type == "basic":
        basic = (request.authorization.username or "", request.authorization.password or "")
    answer = core().oauth.token(fields, basic)
    response = compact(answer, 200, "application/json; charset=UTF-8")
    response.headers.update(TOKEN_HEADERS)
    return response


@api_blueprint.route("/Api/V8/logout", methods=["POST"], **NO_OPTIONS)
@authenticated
def logout() -> Response:
    core().oauth.revoke(g.token.jti)
    return jsonapi(document([], {"message": "You have been successfully logged out"}))


@api_blueprint.route("/Api/V8/current-user", methods=["GET"], **NO_OPTIONS)
@authenticated
def current_user() -> Response:
    state = core()
    schema = state.registry["Users"]
    row = state.store.get("Users", g.token.user_id)
    if row is None:
        raise service_error(f"Users module with id {g.token.user_id} is not found")
    attributes = {"id": row["id"], **state.records.attributes(schema, row, user_dates=True)}
    if attributes.get("factor_auth") is False:
        attributes["factor_auth"] = ""  # measured: "" here where /module answers false
    data = {"type": schema.object_name, "id": row["id"], "attributes": attributes}
    data["relationships"] = relationships_object(schema, "V8/current-user")
    return jsonapi(document(data))


@api_blueprint.route("/Api/V8/meta/modules", methods=["GET"], **NO_OPTIONS)
@authenticated
def meta_modules() -> Response:
    state = core()
    listed = sorted(
        (schema for schema in state.registry.modules.values() if schema.module_list),
        key=lambda schema: schema.label,
    )
    modules = {}
    for schema in listed:
        access = acl.access_list(g.actor, schema)
        if access and acl.module_accessible(g.actor, schema):
            modules[schema.module] = {"label": schema.label, "access": access}
    return jsonapi(document({"type": "modules", "attributes": modules}))


@api_blueprint.route("/Api/V8/meta/fields/<module>", methods=["GET"], **NO_OPTIONS)
@authenticated
def meta_fields(module: str) -> Response:
    schema = core().registry.modules.get(module)
    # MetaService answers only for modules of the user's module list (the tabs):
    # Users, EmailAddresses and SugarFeed are refused although they can be listed.
    if schema is None or not schema.module_list:
        raise service_error(NOT_ALLOWED)
    ensure_module(g.actor, schema)
    fields = {name: dict(meta) for name, meta in schema.fields.items()}
    return jsonapi(document({"type": "fields", "attributes": fields}))


@api_blueprint.route("/Api/V8/meta/swagger.json", methods=["GET"], **NO_OPTIONS)
@authenticated
def swagger() -> Response:
    return jsonapi(core().swagger)


@api_blueprint.route("/Api/V8/module/<module>", methods=["GET"], **NO_OPTIONS)
@authenticated
def list_records(module: str) -> Response:
    state = core()
    listing = p.list_params(state.registry, raw_request(moduleName=module))
    return jsonapi(state.modules.get_records(g.actor, listing, relative_path(), raw_query()))


@api_blueprint.route("/Api/V8/module/<module>/<record_id>", methods=["GET"], **NO_OPTIONS)
@authenticated
def get_record(module: str, record_id: str) -> Response:
    state = core()
    found = p.record_params(
        state.registry, raw_request(moduleName=module, id=record_id), with_fields=True
    )
    return jsonapi(state.modules.get_record(g.actor, found, relative_path()))


@api_blueprint.route("/Api/V8/module", methods=["POST"], **NO_OPTIONS)
@authenticated
def create_record() -> Response:
    state = core()
    found = p.write_params(state.registry, raw_request(), update=False)
    return jsonapi(state.modules.create(g.actor, found, relative_path()), 201)


@api_blueprint.route("/Api/V8/module", methods=["PATCH"], **NO_OPTIONS)
@authenticated
def update_record() -> Response:
    state = core()
    found = p.write_params(state.registry, raw_request(), update=True)
    return jsonapi(state.modules.update(g.actor, found, relative_path()), 201)


@api_blueprint.route("/Api/V8/module/<module>/<record_id>", methods=["DELETE"], **NO_OPTIONS)
@authenticated
def delete_record(module: str, record_id: str) -> Response:
    state = core()
    found = p.record_params(
        state.registry, raw_request(moduleName=module, id=record_id), with_fields=False
    )
    return jsonapi(state.modules.delete(g.actor, found))


@api_blueprint.route(
    "/Api/V8/module/<module>/<record_id>/relationships/<link>", methods=["GET"], **NO_OPTIONS
)
@authenticated
def list_related(module: str, record_id: str, link: str) -> Response:
    state = core()
    raw = raw_request(moduleName=module, id=record_id, linkFieldName=link)
    found = p.relationship_list_params(state.registry, state.store, raw)
    return jsonapi(state.relationships.get(g.actor, found, relative_path(), raw_query()))


@api_blueprint.route(
    "/Api/V8/module/<module>/<record_id>/relationships", methods=["POST"], **NO_OPTIONS
)
@authenticated
def add_related(module: str, record_id: str) -> Response:
    state = core()
    raw = raw_request(moduleName=module, id=record_id)
    found = p.relationship_write_params(state.registry, state.store, raw, by_link=False)
    return jsonapi(state.relationships.create(g.actor, found), 201)


@api_blueprint.route(
    "/Api/V8/module/<module>/<record_id>/relationships/<link>", methods=["POST"], **NO_OPTIONS
)
@authenticated
def add_related_by_link(module: str, record_id: str, link: str) -> Response:
    state = core()
    raw = raw_request(moduleName=module, id=record_id, linkFieldName=link)
    found = p.relationship_write_params(state.registry, state.store, raw, by_link=True)
    return jsonapi(state.relationships.create_by_link(g.actor, found), 201)


@api_blueprint.route(
    "/Api/V8/module/<module>/<record_id>/relationships/<link>/<related_id>",
    methods=["DELETE"],
    **NO_OPTIONS,
)
@authenticated
def remove_related(module: str, record_id: str, link: str, related_id: str) -> Response:
    state = core()
    raw = raw_request(moduleName=module, id=record_id, linkFieldName=link, relatedBeanId=related_id)
    found = p.relationship_delete_params(state.registry, state.store, raw)
    return jsonapi(state.relationships.delete(g.actor, found))
