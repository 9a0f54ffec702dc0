"""``/__sandbox__/``: the control API that tests and demos use to steer the sandbox.

Not part of Graph. It changes settings, injects faults, kills tokens (or takes a Page
token's access to its Page away), deletes objects, loads the large test Page, adds
comments and leads (to pair with a webhook), runs Meta's ``hub.challenge`` handshake
against a callback URL, and reports how many HTTP calls, batch items and Graph-charged
calls the sandbox served.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Blueprint, jsonify, request

from sandboxes.facebook.sender import verify_facebook_webhook

if TYPE_CHECKING:
    from flask import Response

    from sandboxes.facebook.server import FacebookSandbox


def _body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else {}


def control_blueprint(sandbox: FacebookSandbox) -> Blueprint:
    bp = Blueprint("facebook_sandbox_control", __name__, url_prefix="/__sandbox__")

    @bp.errorhandler(KeyError)
    @bp.errorhandler(ValueError)
    @bp.errorhandler(TypeError)
    def bad_request(error: Exception) -> tuple[Response, int]:
        return jsonify(error=str(error)), 400

    @bp.get("/")
    def info() -> Response:
        state = sandbox.state
        return jsonify(page_id=sandbox.store.page_id, app_id=sandbox.app_id,
                       objects=sandbox.store.counts(), config=state.config.as_dict(),
                       faults=[vars(f) for f in state.faults], stats=state.stats())

    @bp.get("/credentials")
    def credentials() -> Response:
        return jsonify(sandbox.credentials())

    @bp.post("/config")
    def config() -> Response:
        sandbox.state.config.update(_body())
        return jsonify(sandbox.state.config.as_dict())

    @bp.post("/faults")
    def add_fault() -> Response:
        return jsonify(vars(sandbox.state.add_fault(**_body())))

    @bp.delete("/faults")
    def clear_faults() -> Response:
        sandbox.state.clear_faults()
        return jsonify(cleared=True)

    @bp.post("/tokens/<token>/status")
    def token_status(token: str) -> Response:
        sandbox.state.set_token_status(token, str(_body().get("status")))
        return jsonify(token_status=_body().get("status"))

    @bp.post("/tokens/<token>/scopes")
    def token_scopes(token: str) -> Response:
        body = _body()
        sandbox.state.remove_scopes(token, list(body.get("remove", [])))
        sandbox.state.grant_scopes(token, list(body.get("grant", [])))
        return jsonify(scopes=sorted(sandbox.state.tokens[token].scopes))

    @bp.post("/tokens/<token>/page-access")
    def token_page_access(token: str) -> Response:
        allowed = _body().get("allowed", True)
        sandbox.state.set_page_access(token, allowed is True or str(allowed).lower() == "true")
        return jsonify(page_access=sandbox.state.tokens[token].page_access)

    @bp.post("/objects/<object_id>/delete")
    def delete_object(object_id: str) -> Response:
        sandbox.store.delete(object_id)
        return jsonify(deleted=object_id)

    @bp.post("/reset")
    def reset() -> Response:
        sandbox.reset(seed=bool(_body().get("seed", True)))
        return jsonify(objects=sandbox.store.counts())

    @bp.post("/large-page")
    def large_page() -> Response:
        sandbox.load_large_page(**_body())
        return jsonify(objects=sandbox.store.counts())

    @bp.post("/comments")
    def add_comment() -> Response:
        body = _body()
        node = sandbox.add_visitor_comment(
            str(body["post_id"]), str(body["message"]),
            author_id=str(body.get("author_id", "100000000000077")),
            author_name=str(body.get("author_name", "Sandbox Visitor")),
            parent_id=body.get("parent_id"))
        return jsonify(id=node["id"], post_id=body["post_id"], created_time=node["__ts"])

    @bp.post("/leads")
    def add_lead() -> Response:
        body = _body()
        node = sandbox.add_lead(str(body["form_id"]), dict(body.get("answers") or {}),
                                consents=dict(body.get("consents") or {}))
        return jsonify(id=node["id"], form_id=node["form_id"], created_time=node["__ts"])

    @bp.post("/webhook-handshake")
    def webhook_handshake() -> Response:
        body = _body()
        url = str(body["url"])
        token = str(body.get("verify_token") or sandbox.verify_token)
        return jsonify(url=url, verified=verify_facebook_webhook(url, token, timeout=5.0))

    @bp.get("/stats")
    def stats() -> Response:
        return jsonify(sandbox.state.stats())

    @bp.post("/stats/reset")
    def reset_stats() -> Response:
        sandbox.state.reset_stats()
        return jsonify(sandbox.state.stats())

    return bp
