"""A person or organisation on a network becomes exactly one Social Profile.

Like interactions, a profile is created under its derived id (``ids.profile_id``) without a
look first, and read and updated only when it exists. Unlike interactions, the same profile
comes back with almost every item (a customer comments again and again), so a second trip
to SuiteCRM for an unchanged profile would double the calls per interaction. A
``ProfileMemory`` therefore remembers, per profile id, a fingerprint of what SuiteCRM
holds: a known, unchanged profile costs no call at all. The worker keeps that memory in
Redis, shared by every worker; the plugin's default is a small one in the process.

Only what a network tells is written (display name, handle, profile link); a value the
network leaves out never blanks one SuiteCRM has. Identity matching (contact, lead,
confidence) is a later step's business and is never touched here.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any, Protocol

from connectors.errors import NotFoundError
from connectors.social import SocialIdentity
from connectors.suitecrm import SuiteCRMClient
from plugin.sync.ids import PROFILES, create_once, profile_id
from plugin.sync.results import Upserted

MODULE = PROFILES
READ_FIELDS = ("name", "network", "external_id", "display_name", "handle", "profile_url",
               "date_modified")


class ProfileMemory(Protocol):
    """Where a worker remembers which profiles SuiteCRM already holds, and as what."""

    def recall(self, record_id: str) -> str | None:
        """The fingerprint remembered for the profile, or None."""

    def remember(self, record_id: str, fingerprint: str) -> None:
        """Note that SuiteCRM holds the profile as ``fingerprint`` says."""


class LocalProfileMemory:
    """A bounded in-process memory (the least recently used profiles are forgotten)."""

    def __init__(self, size: int = 10_000) -> None:
        self._size = size
        self._known: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def recall(self, record_id: str) -> str | None:
        with self._lock:
            fingerprint = self._known.get(record_id)
            if fingerprint is not None:
                self._known.move_to_end(record_id)
            return fingerprint

    def remember(self, record_id: str, fingerprint: str) -> None:
        with self._lock:
            self._known[record_id] = fingerprint
            self._known.move_to_end(record_id)
            while len(self._known) > self._size:
                self._known.popitem(last=False)


def attributes(identity: SocialIdentity) -> dict[str, Any]:
    """What the network tells about the identity, as Social Profile fields."""
    wanted: dict[str, Any] = {
        "network": str(identity.network), "external_id": identity.external_id,
        "name": identity.name or identity.handle or None,
        "display_name": identity.name or None, "handle": identity.handle or None,
        "profile_url": identity.profile_url or None,
    }
    return {name: value for name, value in wanted.items() if value is not None}


def fingerprint(wanted: Mapping[str, Any]) -> str:
    text = json.dumps(dict(wanted), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def upsert_profile(crm: SuiteCRMClient, identity: SocialIdentity | None, *,
                   memory: ProfileMemory | None = None) -> Upserted:
    """Create or update the identity's profile; no call when ``memory`` knows it as is."""
    if identity is None or not identity.external_id:
        return Upserted(MODULE, "", "skipped", reason="the network withheld the author")
    record_id = profile_id(identity.network, identity.external_id)
    wanted = attributes(identity)
    print_ = fingerprint(wanted)
    if memory is not None and memory.recall(record_id) == print_:
        return Upserted(MODULE, record_id, "unchanged")
    try:
        result = _write(crm, record_id, wanted)
    except NotFoundError:
        return Upserted(MODULE, record_id, "skipped",
                        reason="the profile was deleted in SuiteCRM; not recreated")
    if memory is not None:
        memory.remember(record_id, print_)
    return result


def _write(crm: SuiteCRMClient, record_id: str, wanted: Mapping[str, Any]) -> Upserted:
    # A new profile needs a name: the network's id stands in until a name is told (it is
    # never written over a name the profile has).
    first = {"name": wanted["external_id"], **wanted}
    record = create_once(crm, MODULE, first, record_id)
    if record is None:
        record = crm.get(MODULE, record_id, fields=READ_FIELDS)
    elif all(_same(record.get(name), value) for name, value in wanted.items()):
        return Upserted(MODULE, record_id, "created", record)
    changes = {name: value for name, value in wanted.items()
               if not _same(record.get(name), value)}
    if not changes:
        return Upserted(MODULE, record_id, "unchanged", record)
    return Upserted(MODULE, record_id, "updated", crm.update(MODULE, record_id, changes))


def _same(stored: Any, wanted: Any) -> bool:
    return isinstance(stored, str) and stored.strip() == str(wanted).strip()
