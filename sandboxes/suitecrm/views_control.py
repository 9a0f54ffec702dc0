"""The sandbox control API under ``/__sandbox__`` (a prefix SuiteCRM never uses).

Plain JSON in and out, no authentication: the sandbox listens on loopback only unless
``allow_remote`` says otherwise (``sandboxes.binding``). See the package docstring for
the list of endpoints.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, request

from .app import compact, current_core
from .core import SandboxCore

control_blueprint = Blueprint("suitecrm_control", __name__, url_prefix="/__sandbox__")


def _core() -> SandboxCore:
    return current_core()


def _json_object() -> dict[str, Any]:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


@control_blueprint.route("/faults", methods=["GET"])
def get_faults() -> Response:
    return compact(_core().faults.snapshot(), 200)


@control_blueprint.route("/faults", methods=["POST"])
def set_faults() -> Response:
    try:
        state = _core().faults.configure(**_json_object())
    except ValueError as exc:
        return compact({"error": str(exc)}, 400)
    return compact(state, 200)


@control_blueprint.route("/faults", methods=["DELETE"])
def clear_faults() -> Response:
    return compact(_core().faults.clear(), 200)


@control_blueprint.route("/refuse", methods=["POST"])
def refuse() -> Response:
    seconds = _json_object().get("seconds")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 < seconds <= 600:
        return compact({"error": "seconds must be a number between 0 and 600"}, 400)
    current_app.config["SANDBOX_REFUSE"](float(seconds))
    return compact({"refusing_for": seconds}, 200)


@control_blueprint.route("/tokens/expire", methods=["POST"])
def expire_tokens() -> Response:
    return compact({"expired": _core().expire_tokens()}, 200)


@control_blueprint.route("/reset", methods=["POST"])
def reset() -> Response:
    _core().reset()
    return compact({"reset": True}, 200)


@control_blueprint.route("/requests", methods=["GET"])
def list_requests() -> Response:
    limit = request.args.get("limit", type=int)
    return compact({"requests": _core().log.entries(limit)}, 200)


@control_blueprint.route("/requests", methods=["DELETE"])
def clear_requests() -> Response:
    _core().log.clear()
    return compact({"cleared": True}, 200)
