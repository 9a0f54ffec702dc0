"""The sandbox's HTTP face: Graph routes, the batch endpoint, usage headers on every answer.

Requests may carry parameters in the query, a form body or a JSON body, as Graph's do.
Bodies are encoded as Graph encodes them (non-ASCII as ``\\u00e9``, ``/`` as ``\\/``),
so clients are tested against the bytes they will really receive. Every answer, errors
included, carries ``X-App-Usage`` (and ``X-Business-Use-Case-Usage`` for Page tokens),
batch items their own.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from flask import Flask, Response, request

from sandboxes.facebook import answers
from sandboxes.facebook.answers import Answer, GraphError
from sandboxes.facebook.control import control_blueprint

if TYPE_CHECKING:
    from sandboxes.facebook.server import FacebookSandbox

_ID_SEGMENT = re.compile(r"^(\d[\d_]*|m_.*|t_.*|me)$")
_VERSION_SEGMENT = re.compile(r"^v\d+\.\d+$")
METHODS = ["GET", "POST", "DELETE"]
# Parameters that are credentials: a client putting one in the URL is counted.
CREDENTIAL_PARAMS = ("access_token", "client_secret", "fb_exchange_token", "input_token")


def graph_json(body: Any) -> str:
    """JSON as Graph writes it: ASCII only (lowercase ``\\u00e9`` escapes), slashes escaped."""
    return json.dumps(body, ensure_ascii=True, separators=(",", ":")).replace("/", "\\/")


def endpoint_label(method: str, segments: list[str]) -> str:
    shown = ["{id}" if _ID_SEGMENT.match(s) else s for s in segments]
    return f"{method} /" + "/".join(shown)


def bearer(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() in ("bearer", "oauth") and value.strip() else None


def json_params() -> dict[str, str]:
    """A JSON body's top-level members as parameters (Graph takes either form; nested
    objects such as the Send API's ``recipient`` stay JSON text, as in a form field)."""
    body = request.get_json(silent=True) if request.is_json else None
    if not isinstance(body, dict):
        return {}
    return {str(name): value if isinstance(value, str) else json.dumps(value)
            for name, value in body.items()}


def usage_headers(sandbox: FacebookSandbox, token: str | None) -> dict[str, str]:
    app_pct, page_pct = sandbox.state.usage()
    regain = sandbox.state.config.regain_minutes
    headers = {"X-App-Usage": json.dumps({"call_count": app_pct, "total_cputime": app_pct / 2,
                                          "total_time": app_pct / 2})}
    record = sandbox.state.tokens.get(token or "")
    if record is not None and record.kind == "page":
        headers["X-Business-Use-Case-Usage"] = json.dumps({sandbox.store.page_id: [{
            "type": "pages", "call_count": page_pct, "total_cputime": page_pct / 2,
            "total_time": page_pct / 2, "estimated_time_to_regain_access": regain}]})
    return headers


def run_batch(sandbox: FacebookSandbox, path: str, params: dict[str, str], token: str | None,
              base_url: str) -> Answer:
    """``POST /`` with ``batch=[...]``: each item is dispatched like a request of its own.

    An item without its own ``access_token`` runs with the batch's token and, with it,
    the batch's ``appsecret_proof`` (an item may carry its own proof in its
    ``relative_url``). Each item run is charged and moves the usage headers, so the
    usage an item reports is what the quota is after it.
    """
    dispatcher, state = sandbox.dispatcher, sandbox.state
    version, _ = dispatcher.split(path)
    try:
        items = json.loads(params["batch"])
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise ValueError("not a list of objects")
    except ValueError:
        return answers.bad_param("batch parameter must be a JSON array of objects").answer()
    if len(items) > state.config.batch_max:
        return answers.bad_param(f"Too many requests in batch message. Maximum batch size is "
                                 f"{state.config.batch_max}").answer()
    try:
        dispatcher.preflight(path, params, token)
    except GraphError as error:
        return error.answer()
    with_headers = params.get("include_headers", "true").lower() != "false"
    batch_proof = params.get("appsecret_proof")
    out: list[dict[str, Any] | None] = []
    for item in items:
        method = str(item.get("method", "GET")).upper()
        parts = urlsplit(str(item.get("relative_url", "")))
        item_params = dict(parse_qsl(parts.query, keep_blank_values=True))
        if item.get("body"):
            item_params.update(parse_qsl(str(item["body"]), keep_blank_values=True))
        own_token = item_params.pop("access_token", None)
        if own_token is None and batch_proof is not None:
            item_params.setdefault("appsecret_proof", batch_proof)
        item_token = own_token or token
        item_path = parts.path.lstrip("/")
        if not _VERSION_SEGMENT.match(item_path.split("/", 1)[0]):
            item_path = f"{version}/{item_path}"
        logical = "/" + "/".join(dispatcher.split(item_path)[1])
        if state.take_fault({"batch_null"}, method, logical):
            out.append(None)
            continue
        state.count_batch_item()
        answer = dispatcher.handle(method, item_path, item_params, item_token, base_url)
        headers = {"Content-Type": "text/javascript; charset=UTF-8",
                   **usage_headers(sandbox, item_token), **answer.headers}
        entry: dict[str, Any] = {"code": answer.status, "body": graph_json(answer.body)}
        if with_headers:
            entry["headers"] = [{"name": k, "value": v} for k, v in headers.items()]
        out.append(entry)
    return Answer(200, out)


def create_app(sandbox: FacebookSandbox) -> Flask:
    app = Flask(__name__)
    app.register_blueprint(control_blueprint(sandbox))

    @app.route("/", defaults={"path": ""}, methods=METHODS)
    @app.route("/<path:path>", methods=METHODS)
    def graph(path: str) -> Response:
        params = {**request.args.to_dict(), **request.form.to_dict(), **json_params()}
        token = bearer(request.headers.get("Authorization")) or params.get("access_token")
        base_url = request.host_url.rstrip("/")
        _, segments = sandbox.dispatcher.split(path)
        if request.method == "POST" and not segments and "batch" in params:
            label = "POST /batch"
            answer = run_batch(sandbox, path, params, token, base_url)
        else:
            label = endpoint_label(request.method, segments)
            answer = sandbox.dispatcher.handle(request.method, path, params, token, base_url)
        in_url = any(name in request.args for name in CREDENTIAL_PARAMS)
        sandbox.state.count_call(label, token_in_query=in_url,
                                 batch_envelope=label == "POST /batch"
                                 and isinstance(answer.body, list))
        headers = {**usage_headers(sandbox, token), **answer.headers}
        if isinstance(answer.body, str):
            return Response(answer.body, status=answer.status, headers=headers,
                            content_type="text/html; charset=UTF-8")
        return Response(graph_json(answer.body), status=answer.status, headers=headers,
                        content_type="application/json; charset=UTF-8")

    return app
