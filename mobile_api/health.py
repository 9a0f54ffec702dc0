"""Probes for load balancers and orchestrators, outside ``/api/v1`` and without a token.

* ``/healthz`` (liveness): the process answers; restart it when it does not.
* ``/readyz`` (readiness): Redis answers and SuiteCRM is reachable, so send traffic.
  SuiteCRM's probe is one unauthenticated request to its token URL (any HTTP answer means
  reachable; a connection error or a 5xx does not), remembered for a few seconds so a
  load balancer polling every second does not become SuiteCRM's busiest client.
* ``/health``: kept for ``socialcrm run`` and the plugin's "Test connection": Redis only.
"""

from __future__ import annotations

import threading
import time

import requests
from flask import Blueprint, Response, jsonify

from mobile_api.state import api_config, api_redis

PROBE_SECONDS = 5.0
PROBE_TIMEOUT = 2.0

blueprint = Blueprint("health", __name__)
_last_probe: dict[str, tuple[float, bool, str]] = {}
_probe_lock = threading.Lock()


@blueprint.get("/health")
@blueprint.get("/healthz")
def alive() -> tuple[Response, int]:
    """200 once the app can reach its Redis (a RedisError becomes the app's 503)."""
    api_redis().ping()
    return jsonify(status="ok"), 200


@blueprint.get("/readyz")
def ready() -> tuple[Response, int]:
    checks: dict[str, str] = {}
    try:
        api_redis().ping()
        checks["redis"] = "ok"
    except Exception as exc:
        checks["redis"] = f"unreachable: {type(exc).__name__}"
    url = api_config().suitecrm_url
    if url:
        ok, detail = _suitecrm(url)
        checks["suitecrm"] = "ok" if ok else detail
    ready_now = all(value == "ok" for value in checks.values())
    return jsonify(status="ready" if ready_now else "not ready", checks=checks), \
        200 if ready_now else 503


def _suitecrm(url: str) -> tuple[bool, str]:
    now = time.monotonic()
    with _probe_lock:
        seen = _last_probe.get(url)
        if seen is not None and now - seen[0] < PROBE_SECONDS:
            return seen[1], seen[2]
    try:
        answer = requests.get(url.rstrip("/") + "/Api/access_token", timeout=PROBE_TIMEOUT,
                              allow_redirects=False)
        ok, detail = answer.status_code < 500, f"answered {answer.status_code}"
    except requests.RequestException as exc:
        ok, detail = False, f"unreachable: {type(exc).__name__}"
    with _probe_lock:
        _last_probe[url] = (now, ok, detail)
    return ok, detail
