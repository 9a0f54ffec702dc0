"""Normalise two answers and list where they differ, path by path.

What may legitimately differ is replaced by a placeholder on both sides before the
comparison: ids a server generated itself (``<id>``; ids the test chose are kept),
timestamps of "now" (``<now>``, any ISO or user-format datetime within two days of the
test), OAuth tokens (``<token>``), counters of the whole database (``case_number``),
and the order of custom fields among themselves. Record attributes are compared by name, order
and JSON type; their values only where the request asks for it (``Request.values``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.live.differential.sides import Answer

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00")
USER = re.compile(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}")
TOKENS = frozenset({"access_token", "refresh_token"})
# Values that depend on what else the database holds, whatever the test does.
VOLATILE = frozenset({"case_number"})  # counts every case ever created
NEAR = timedelta(days=2)


@dataclass(frozen=True)
class Difference:
    path: str
    sandbox: Any
    live: Any

    def __str__(self) -> str:
        return f"{self.path}\n    sandbox: {self.sandbox!r}\n    live:    {self.live!r}"


class Normaliser:
    """Replaces what legitimately differs between two servers by placeholders."""

    def __init__(self, known_ids: Iterable[str], now: datetime | None = None) -> None:
        self.known_ids = frozenset(known_ids)
        self.now = now or datetime.now(UTC)

    def _date(self, match: re.Match[str], fmt: str) -> str:
        moment = datetime.strptime(match.group(0), fmt).replace(tzinfo=UTC)
        return "<now>" if abs(moment - self.now) < NEAR else match.group(0)

    def text(self, value: str) -> str:
        value = UUID.sub(lambda m: m.group(0) if m.group(0) in self.known_ids else "<id>", value)
        value = ISO.sub(lambda m: self._date(m, "%Y-%m-%dT%H:%M:%S+00:00"), value)
        return USER.sub(lambda m: self._date(m, "%m/%d/%Y %H:%M"), value)

    def __call__(self, value: Any, key: str = "") -> Any:
        if key in TOKENS and isinstance(value, str):
            return "<token>"
        if key in VOLATILE and isinstance(value, str):
            return "<volatile>"
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.text(k): self(v, k) for k, v in custom_fields_last(value)}
        if isinstance(value, list):
            return [self(v) for v in value]
        return value


def custom_fields_last(value: dict[str, Any]) -> list[tuple[str, Any]]:
    """Items with custom fields (``*_c``) last and sorted: SuiteCRM lists them after
    every other field, in an order that depends on how the instance was set up."""
    own = [(k, v) for k, v in value.items() if not k.endswith("_c")]
    return own + sorted((k, v) for k, v in value.items() if k.endswith("_c"))


def type_name(value: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", int: "number",
            float: "number", type(None): "null"}[type(value)]


def _shape_record(record: Any, values: tuple[str, ...] | None) -> Any:
    if not isinstance(record, dict) or not isinstance(record.get("attributes"), dict):
        return record
    attributes = {name: value if values is None or name in values else f"<{type_name(value)}>"
                  for name, value in record["attributes"].items()}
    return {**record, "attributes": attributes}


def shape(body: Any, values: tuple[str, ...] | None) -> Any:
    """The body with attribute values reduced to their JSON type (except ``values``)."""
    if not isinstance(body, dict) or "data" not in body:
        return body
    data = body["data"]
    if isinstance(data, list):
        return {**body, "data": [_shape_record(item, values) for item in data]}
    return {**body, "data": _shape_record(data, values)}


def differences(sandbox: Any, live: Any, path: str = "$") -> list[Difference]:
    """Every place where two JSON values differ, with its path."""
    if isinstance(sandbox, dict) and isinstance(live, dict):
        found: list[Difference] = []
        for key in [*sandbox, *(k for k in live if k not in sandbox)]:
            where = f"{path}.{key}"
            if key not in live:
                found.append(Difference(where, sandbox[key], "<missing>"))
            elif key not in sandbox:
                found.append(Difference(where, "<missing>", live[key]))
            else:
                found.extend(differences(sandbox[key], live[key], where))
        shared = [k for k in sandbox if k in live]
        if not found and shared != [k for k in live if k in sandbox]:
            found.append(Difference(f"{path} (key order)", shared,
                                    [k for k in live if k in sandbox]))
        return found
    if isinstance(sandbox, list) and isinstance(live, list):
        found = []
        for index in range(max(len(sandbox), len(live))):
            where = f"{path}[{index}]"
            if index >= len(live):
                found.append(Difference(where, sandbox[index], "<missing>"))
            elif index >= len(sandbox):
                found.append(Difference(where, "<missing>", live[index]))
            else:
                found.extend(differences(sandbox[index], live[index], where))
        return found
    if type(sandbox) is not type(live) or sandbox != live:
        return [Difference(path, sandbox, live)]
    return []


def compare(sandbox: Answer, live: Answer, normalise: Normaliser,
            values: tuple[str, ...] | None = ()) -> list[Difference]:
    """Status, media type and the normalised, shaped bodies of two answers."""
    found = differences(sandbox.status, live.status, "status")
    found += differences(sandbox.media, live.media, "content-type")
    found += differences(shape(normalise(sandbox.body), values),
                         shape(normalise(live.body), values), "body")
    return found


def report(label: str, found: list[Difference]) -> str:
    return f"{label}: {len(found)} difference(s)\n  " + "\n  ".join(str(d) for d in found)
