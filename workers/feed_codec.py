"""How a feed item is kept in Redis, and how it becomes the item the mobile API answers.

Why this form: a rep's timeline is a Redis list of these elements, and every byte is kept
once per rep per item, so an element holds only what cannot be derived, behind a fixed
header that the Lua scripts read without decoding JSON::

    1796601840 7ba8591bbf3499e7c9e8cbe0 i I +120 ["041e…","Где мой заказ? 😡",…]
    at (UTC s)  item id                 kind module version-at   the rest, by position

(without the spaces). The first 34 characters are the **sort key**: the timeline is kept
in descending order of it, so items with equal times are ordered by id, and a binary
search finds any item whose time and id are known. ``at`` is ten digits of epoch seconds
(1970 to 2286). The kind and the module are one letter each (``-`` for one without a
letter: its name is then in the JSON); the version (the record's ``date_modified``) is
kept as its signed distance from ``at`` in seconds, left out when it is 0 (every record
but a social interaction), so ``at`` and the version read together as the item's
:class:`Stamp`. The rest is a JSON array in the order of :data:`POSITIONS`, text as UTF-8
itself, empty values as ``""`` and the empty ones at the end left out. Two repetitions
are left out too: a title that is its summary, or the start of it and an ellipsis (a
social comment without a subject), is kept as the number ``n`` of its characters taken
from the summary (``0``: all of it), and a ``related`` record of a module with a letter is
written ``A:<id>`` (a reference that could be read as a letter gets a ``-`` in front).

Why decode to serve: the API's item (:func:`api_item`) is rebuilt from the header and the
array, one ``json.loads`` and one ``json.dumps`` of a few hundred bytes (microseconds).
Keeping the API's JSON as it is would cost Redis about 60 more bytes per item.

Letters are part of the stored form: never change or reuse one. Adding one is safe (an
element written without it names its kind or module in full, and both forms decode), and
a new kind or module needs none.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import time
from dataclasses import dataclass
from typing import Any, cast

from workers.feed_items import ELLIPSIS, VERSION_FORMAT, FeedItem, Kind, reference
from workers.feed_items import item_id as derived_id

SORT_KEY_LENGTH = 34  # ten digits of epoch seconds, then the 24 hex digits of the item id
HEADER_LENGTH = SORT_KEY_LENGTH + 2  # then the kind's letter and the module's
NO_CODE = "-"
LATEST_AT = 10**10 - 1  # ten digits of seconds: 2286-11-20
KIND_CODES: dict[Kind, str] = {
    "interaction": "i", "case": "c", "lead": "l", "call": "k", "meeting": "m", "task": "t",
    "note": "n", "opportunity": "o", "contact": "p", "alert": "a", "kudos": "u",
    "crm_change": "x",
}
MODULE_CODES: dict[str, str] = {
    "SCRM_SocialInteractions": "I", "Cases": "C", "Leads": "L", "Calls": "K",
    "Meetings": "M", "Tasks": "T", "Notes": "N", "Opportunities": "O", "Contacts": "P",
    "Accounts": "A",
}
# The array's positions (the Lua scripts count them from 1: record_id is [1]).
POSITIONS = ("record_id", "title", "summary", "actor", "status", "related", "network",
             "sentiment", "permalink", "kind", "module")
_NOT_IN_VERSION = str.maketrans("", "", "-:")  # 2026-12-07T02:04:00Z -> 20261207T020400Z
_ABSENT: list[Any] = ["", "", "", "", "", [], "", "", "", "", ""]  # POSITIONS, all empty
_OPTIONAL = ("summary", "actor", "network", "sentiment", "status", "permalink")
_KIND_OF_CODE: dict[str, str] = {code: kind for kind, code in KIND_CODES.items()}
_MODULE_OF_CODE = {code: module for module, code in MODULE_CODES.items()}
INDEX_BUCKETS = 1024  # the record index's hashes (see ``index_slot``)
_MODULES = ", ".join(f"{code} = '{module}'" for module, code in MODULE_CODES.items())


@dataclass(frozen=True, slots=True)
class Stamp:
    """Where a record's item sits in a timeline (``at``) and which version it is, both in
    epoch seconds. Written ``<at>`` or ``<at>+<n>``/``<at>-<n>`` (the version's distance)."""

    at: int
    version: int

    def text(self) -> str:
        offset = self.version - self.at
        return str(self.at) if offset == 0 else f"{self.at}{offset:+d}"

    @classmethod
    def parse(cls, text: str) -> Stamp:
        for sign in "+-":
            at, found, offset = text.partition(sign)
            if found:
                return cls(int(at), int(at) + int(sign + offset))
        return cls(int(text), int(text))


def version_seconds(version: str) -> int:
    """A ``YYYYMMDDTHHMMSSZ`` version as epoch seconds."""
    return calendar.timegm(time.strptime(version, VERSION_FORMAT))


def version_text(seconds: int) -> str:
    return time.strftime(VERSION_FORMAT, time.gmtime(seconds))


def stamp_of(item: FeedItem) -> Stamp:
    at = item.score // 1000
    if not 0 <= at <= LATEST_AT:
        raise ValueError(f"the feed keeps items from 1970 to 2286, not {item.occurred_at}")
    return Stamp(at, version_seconds(item.version))


def kind_letter(kind: str) -> str:
    """The kind's letter in the header (``-``: none, the JSON names it)."""
    return KIND_CODES.get(cast(Kind, kind), NO_CODE)


def sort_key(stamp: Stamp, item_id: str) -> str:
    return f"{stamp.at:010d}{item_id}"


def record_ref(module: str, record_id: str) -> str:
    """How the index, the change log and the Lua scripts name a record."""
    return f"{module}/{record_id}"


def index_slot(module: str, record_id: str) -> tuple[int, str]:
    """The record index's bucket and field for a record: from the SHA-1 of its reference,
    the first 12 bits pick one of :data:`INDEX_BUCKETS` hashes, the next 64 name it there
    (the scripts compute the same with ``redis.sha1hex``). A field this short keeps each
    bucket a compact listpack; two records sharing one (odds about 3e-11 for a million
    records) would share a version guard, which a rebuild would not undo."""
    digest = hashlib.sha1(record_ref(module, record_id).encode()).hexdigest()  # noqa: S324
    return int(digest[:3], 16) % INDEX_BUCKETS, digest[3:19]


def element(item: FeedItem) -> str:
    """The stored form of ``item`` (see the module docstring)."""
    stamp = stamp_of(item)
    kind_code, module_code = kind_letter(item.kind), MODULE_CODES.get(item.module, NO_CODE)
    values: dict[str, Any] = {
        "record_id": item.record_id, "related": [_stored_reference(r) for r in item.related],
        "title": _stored_title(item.title, item.summary),
        "kind": "" if kind_code != NO_CODE else item.kind,
        "module": "" if module_code != NO_CODE else item.module,
        **{name: getattr(item, name) or "" for name in _OPTIONAL}}
    array = [values[name] for name in POSITIONS]
    while array and array[-1] in ("", []):
        array.pop()
    offset = stamp.version - stamp.at
    return (sort_key(stamp, item.id) + kind_code + module_code
            + (f"{offset:+d}" if offset else "")
            + json.dumps(array, ensure_ascii=False, separators=(",", ":")))


def api_dict(data: bytes) -> dict[str, Any]:
    """Every field of the item (``FeedItem.to_dict`` without ``ref``, ``id`` first), from
    its stored form; JSON of the store's first layout (with or without ``id``) as it was.
    The API shows a part of it (:func:`api_view`)."""
    if data.startswith(b"{"):
        return cast(dict[str, Any], json.loads(data))
    bracket = data.index(b"[", HEADER_LENGTH)
    at, offset = int(data[:10]), int(data[HEADER_LENGTH:bracket] or b"0")
    array = json.loads(data[bracket:].decode())
    (record_id, title, summary, actor, status, related, network, sentiment, permalink,
     kind, module) = array + _ABSENT[len(array):]
    at_text = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(at))
    item: dict[str, Any] = {
        "id": data[10:SORT_KEY_LENGTH].decode(),
        "kind": _KIND_OF_CODE.get(chr(data[34])) or kind,
        "module": _MODULE_OF_CODE.get(chr(data[35])) or module,
        "record_id": record_id,
        "version": version_text(at + offset) if offset else at_text.translate(_NOT_IN_VERSION),
        "title": title if isinstance(title, str) else _api_title(title, summary),
        "at": at_text,
    }
    for name, value in (("summary", summary), ("actor", actor), ("network", network),
                        ("sentiment", sentiment), ("status", status),
                        ("permalink", permalink)):
        if value:
            item[name] = value
    if related:
        item["related"] = [_api_reference(r) for r in related]
    return item


def api_item(data: bytes) -> bytes:
    """The item as the API answers it, compact UTF-8 JSON (:func:`api_view`)."""
    return api_json(api_view(api_dict(data)))


def api_view(item: dict[str, Any]) -> dict[str, Any]:
    """What a phone gets of an :func:`api_dict`. Its ``id`` is the record's reference,
    ``Module:id``, the text of ``related`` and of the API's ``record`` filter: a timeline
    holds one item per record, so that is how an app keys, replaces and drops one. The
    store's item id and version (its own bookkeeping) stay behind, and a ``summary`` that
    only repeats the title (a comment's words are often both) is left out: a phone showed
    them twice and read them twice over the network."""
    view: dict[str, Any] = {"id": reference(item["module"], item["record_id"]),
                            "kind": item["kind"], "title": item["title"], "at": item["at"]}
    for name in ("summary", "actor", "network", "sentiment", "status", "permalink",
                 "related"):
        value = item.get(name)
        if value and not (name == "summary" and value == item["title"]):
            view[name] = value
    return view


def api_json(item: dict[str, Any]) -> bytes:
    """An item as the API sends it."""
    return json.dumps(item, ensure_ascii=False, separators=(",", ":")).encode()


def item_from_stored(item_id: str, data: bytes | str) -> FeedItem:
    """The item stored under ``item_id``; ``ValueError`` when the two disagree."""
    raw = data if isinstance(data, bytes) else data.encode()
    return FeedItem.from_json(json.dumps({**api_dict(raw), "id": item_id}))


def record_of(data: bytes) -> tuple[str, str]:
    """(module, record id) of a stored element."""
    item = api_dict(data)
    return str(item["module"]), str(item["record_id"])


def parse_entry(text: str) -> tuple[Stamp, list[tuple[str, Stamp | None]]]:
    """A record index entry: the latest stamp, then each holder's number and own stamp
    (``None``: it holds the latest). Written ``<stamp> <n> <n>:<stamp> …``."""
    latest, *holders = text.split(" ")
    parsed = [holder.partition(":") for holder in holders]
    return Stamp.parse(latest), [(n, Stamp.parse(own) if own else None) for n, _, own in parsed]


def held_keys(module: str, record_id: str, entry: str, users: list[str]) -> dict[str, str]:
    """The sort key of the item each holder of a record has, from the record's index
    entry and the holders' user ids in its order ('' for a number without one)."""
    if not entry:
        return {}
    latest, holders = parse_entry(entry)
    found: dict[str, str] = {}
    for user, (_number, own) in zip(users, holders, strict=True):
        stamp = own or latest
        if user:
            version = version_text(stamp.version)
            found[user] = sort_key(stamp, derived_id(module, record_id, version))
    return found


# The same formats read in Lua: elements, stamps, index entries (``workers.feed_scripts``).
LUA = f"""
local KEY_LENGTH, BUCKETS, MODULES = {SORT_KEY_LENGTH}, {INDEX_BUCKETS}, {{{_MODULES}}}
local function split(text)
  local parts = {{}}
  for part in string.gmatch(text, '[^ ]+') do parts[#parts + 1] = part end
  return parts
end
local function version_of(stamp)
  local at, offset = string.match(stamp, '^(%d+)([+-]%d+)$')
  if at then return tonumber(at) + tonumber(offset) end
  return tonumber(stamp)
end
local function stamp_of(element)  -- its stamp's text, and its version
  local at = tonumber(string.sub(element, 1, 10))
  local bracket = string.find(element, '[', KEY_LENGTH + 3, true)
  local offset = string.sub(element, KEY_LENGTH + 3, bracket - 1)
  return at .. offset, at + (tonumber(offset) or 0)
end
local function values_of(element)  -- the JSON array: [1] record id, [11] module name
  return cjson.decode(string.sub(element, (string.find(element, '[', KEY_LENGTH + 3, true))))
end
local function ref_of(element)  -- Module/record id
  local data = values_of(element)
  local module = MODULES[string.sub(element, KEY_LENGTH + 2, KEY_LENGTH + 2)] or data[11]
  return module .. '/' .. data[1]
end
local function slot(ref)  -- the index bucket and field of a record
  local digest = redis.sha1hex(ref)
  return tonumber(string.sub(digest, 1, 3), 16) % BUCKETS, string.sub(digest, 4, 19)
end
-- {{stamp = latest, holders = {{{{number, own stamp or nil}}, ...}}}}
local function parse_entry(text)
  local parts = split(text)
  local entry = {{stamp = parts[1], holders = {{}}}}
  for i = 2, #parts do
    local n, own = string.match(parts[i], '^(%d+):(.+)$')
    entry.holders[#entry.holders + 1] = n and {{n, own}} or {{parts[i]}}
  end
  return entry
end
local function save_entry(key, field, entry)
  if #entry.holders == 0 then redis.call('HDEL', key, field); return end
  local parts = {{entry.stamp}}
  for _, h in ipairs(entry.holders) do
    parts[#parts + 1] = h[2] and (h[1] .. ':' .. h[2]) or h[1]
  end
  redis.call('HSET', key, field, table.concat(parts, ' '))
end
local function drop_holder(entry, n)
  local kept = {{}}
  for _, h in ipairs(entry.holders) do if h[1] ~= n then kept[#kept + 1] = h end end
  entry.holders = kept
end
"""


def _stored_title(title: str, summary: str) -> str | int:
    """0 for a title that is the summary, n for the summary's first n characters and an
    ellipsis (how ``FeedItem`` cuts a title from a text), otherwise the title."""
    if title == summary:
        return 0
    if len(title) > 1 and title.endswith(ELLIPSIS) and summary.startswith(title[:-1]):
        return len(title) - 1
    return title


def _api_title(stored: int, summary: str) -> str:
    return summary[:stored] + ELLIPSIS if stored else summary


def _stored_reference(reference: str) -> str:
    module, colon, record_id = reference.partition(":")
    code = MODULE_CODES.get(module)
    if colon and code:
        return f"{code}:{record_id}"
    return "-" + reference if len(module) == 1 or reference.startswith("-") else reference


def _api_reference(stored: str) -> str:
    if not stored or stored.startswith("-"):
        return stored[1:]
    module = _MODULE_OF_CODE.get(stored[0]) if stored[1:2] == ":" else None
    return f"{module}{stored[1:]}" if module else stored
