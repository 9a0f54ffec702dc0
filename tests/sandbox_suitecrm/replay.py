"""Replays the recorded SuiteCRM V8 session against a sandbox, in recording order.

The sandbox starts without demo data but with the recording's users and OAuth2 clients,
its clock frozen at each recording's timestamp. Twelve contacts and their Activity
Stream entries are created first (through the API) so the list recordings have data to
page through. Then every recording is sent as recorded, with these substitutions:

* authenticated requests carry a fresh sandbox token (admin, password grant), except
  101 (a client-credentials token, as recorded), 096 (no header, as recorded), 097 and
  098 (the recorded garbage and expired RS256 tokens themselves), and 106/107 (a token
  of their own: 106 logs it out, 107 must see it revoked);
* 004 sends the refresh token our 003 answer returned;
* a create that the real server answered 201 without a client id gets the recorded
  response id as a client-supplied id, so later recordings that name it find it;
* ids the sandbox generated on its own (the EmailAddresses row behind ``email1``) are
  mapped to the recorded ids by comparing answers, and substituted in later requests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import requests

from sandboxes.suitecrm import RECORDING_CC_CLIENT, RECORDING_PASSWORD_CLIENT

RECORDINGS_DIR = Path(__file__).resolve().parents[1] / "contract" / "recordings"
# What the recordings' SuiteCRM had beyond a stock install: one Studio field on Contacts.
RECORDING_INSTANCE = Path(__file__).resolve().parent / "recording_instance"
KEEP_RECORDED_AUTH = {"097", "098"}
LOGOUT_TOKEN = {"106", "107"}
CLIENT_CREDENTIALS = {"101"}


def recordings() -> list[Path]:
    return sorted(RECORDINGS_DIR.glob("[0-9][0-9][0-9]_*.json"))


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


@dataclass
class Replayed:
    number: str
    recording: dict[str, Any]
    status: int
    content_type: str
    body: Any


@dataclass
class ReplayContext:
    base_url: str
    clock: list[datetime]
    id_map: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    refresh_token: str | None = None

    def token(self, kind: str) -> str:
        if kind not in self.tokens:
            self.tokens[kind] = fetch_token(self.base_url, kind)
        return self.tokens[kind]

    def substitute(self, text: str) -> str:
        for recorded, ours in self.id_map.items():
            text = text.replace(recorded, ours)
        return text

    def unmap(self, value: Any) -> Any:
        """Our ids back to recorded ids, so answers compare with the recordings."""
        text = json.dumps(value)
        for recorded, ours in self.id_map.items():
            text = text.replace(ours, recorded)
        return json.loads(text)


def fetch_token(base_url: str, kind: str) -> str:
    if kind == "client_credentials":
        client_id, secret = RECORDING_CC_CLIENT
        form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    else:
        client_id, secret = RECORDING_PASSWORD_CLIENT
        form = {
            "grant_type": "password",
            "client_id": client_id,
            "client_secret": secret,
            "username": "admin",
            "password": "admin-Passw0rd",
        }
    response = requests.post(f"{base_url}/Api/access_token", data=form, timeout=10)
    response.raise_for_status()
    return response.json()["access_token"]


def prepopulate(context: ReplayContext) -> None:
    """Twelve demo-like contacts created at 07:55, before the recorded run began."""
    headers = {
        "Authorization": f"Bearer {context.token('admin')}",
        "Content-Type": "application/vnd.api+json",
    }
    for index in range(12):
        attributes = {
            "first_name": f"Demo{index}",
            "last_name": f"Person{index:02d}",
            "lead_source": "Word of mouth",
            "date_entered": "2026-11-22 07:55:00",
            "date_modified": "2026-11-22 07:55:00",
        }
        body = {"data": {"type": "Contacts", "attributes": attributes}}
        response = requests.post(
            f"{context.base_url}/Api/V8/module", json=body, headers=headers, timeout=10
        )
        assert response.status_code == 201, response.text


def _request_body(number: str, recording: dict[str, Any], context: ReplayContext) -> str | None:
    request = recording["request"]
    body = request["body"]
    if body is None:
        return None
    if isinstance(body, str):
        return body
    if "_form_urlencoded" in body:
        text = body["_form_urlencoded"]
        if number == "004" and context.refresh_token:
            recorded = body["fields"]["refresh_token"]
            text = text.replace(recorded, context.refresh_token)
        return text
    body = json.loads(context.substitute(json.dumps(body)))
    response = recording["response"]
    data = body.get("data") if isinstance(body, dict) else None
    is_create = request["method"] == "POST" and request["path"] == "/Api/V8/module"
    if is_create and response["status"] == 201 and isinstance(data, dict) and "id" not in data:
        data["id"] = response["body"]["data"]["id"]
    return json.dumps(body)


def _headers(number: str, recording: dict[str, Any], context: ReplayContext) -> dict[str, str]:
    recorded = recording["request"]["headers"]
    headers = {k: v for k, v in recorded.items() if k != "Authorization"}
    if "Authorization" not in recorded:
        return headers
    if number in KEEP_RECORDED_AUTH:
        headers["Authorization"] = recorded["Authorization"]
    elif number in LOGOUT_TOKEN:
        headers["Authorization"] = f"Bearer {context.token('logout')}"
    elif number in CLIENT_CREDENTIALS:
        headers["Authorization"] = f"Bearer {context.token('client_credentials')}"
    else:
        headers["Authorization"] = f"Bearer {context.token('admin')}"
    return headers


def replay_one(path: Path, context: ReplayContext) -> Replayed:
    number = path.name[:3]
    recording = load(path)
    context.clock[0] = datetime.fromisoformat(recording["recorded_at_utc"].replace("Z", "+00:00"))
    request = recording["request"]
    url = context.base_url + context.substitute(request["path"])
    if request["query_string"]:
        url += "?" + context.substitute(request["query_string"])
    response = requests.request(
        request["method"],
        url,
        data=_request_body(number, recording, context),
        headers=_headers(number, recording, context),
        timeout=10,
    )
    body = response.json() if response.content else None
    if number == "003":
        context.refresh_token = body.get("refresh_token")
    _learn_ids(recording["response"]["body"], body, context)
    return Replayed(
        number,
        recording,
        response.status_code,
        response.headers.get("Content-Type", ""),
        context.unmap(body),
    )


def _learn_ids(recorded: Any, ours: Any, context: ReplayContext) -> None:
    """Map ids the sandbox chose itself to the recorded ones (same position, same type)."""
    if not (isinstance(recorded, dict) and isinstance(ours, dict)):
        return
    old, new = recorded.get("data"), ours.get("data")
    if isinstance(old, dict) and isinstance(new, dict):
        old, new = [old], [new]
    if not (isinstance(old, list) and isinstance(new, list) and len(old) == len(new)):
        return
    for before, after in zip(old, new, strict=True):
        if not (isinstance(before, dict) and isinstance(after, dict)):
            continue
        same_type = before.get("type") == after.get("type") == "EmailAddress"
        if same_type and before.get("id") and after.get("id") and before["id"] != after["id"]:
            context.id_map.setdefault(before["id"], after["id"])


def replay_all(base_url: str, clock: list[datetime]) -> dict[str, Replayed]:
    context = ReplayContext(base_url=base_url, clock=clock)
    first = load(recordings()[0])
    clock[0] = datetime.fromisoformat(first["recorded_at_utc"].replace("Z", "+00:00"))
    prepopulate(context)
    return {path.name[:3]: replay_one(path, context) for path in recordings()}
