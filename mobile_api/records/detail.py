"""One record as the rep may see it, read with the rep's token.

``base_version`` is the record's ``date_modified`` exactly as SuiteCRM answered it: an
app sends it back with an edit (``POST /api/v1/updates``) so that a change someone else
made in between is detected, not overwritten.
"""

from __future__ import annotations

import re
from typing import Any

from connectors.suitecrm import SuiteCRMClient
from mobile_api.errors import ApiError
from mobile_api.records import values
from mobile_api.records.kinds import DETAIL_COMMON, FieldSpec, RecordKind

# SuiteCRM V8's own rule for a record id in a URL (Api/V8/Param/Options/Id.php): anything
# else it refuses as malformed; here that is simply "no such record".
RECORD_ID = re.compile(r"^(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$",
                       re.IGNORECASE)
NAME = FieldSpec("name")


def missing(kind: RecordKind) -> str:
    """The one message for a record that does not exist and one the rep may not see."""
    return f"no {kind.title.lower()} with this id that you may see"


def checked_id(kind: RecordKind, record_id: str) -> str:
    if not RECORD_ID.match(record_id):
        raise ApiError(404, missing(kind))
    return record_id


def detail_specs(kind: RecordKind) -> tuple[FieldSpec, ...]:
    return (NAME, *kind.detail, *DETAIL_COMMON)


def detail(crm: SuiteCRMClient, kind: RecordKind, record_id: str,
           extra: tuple[str, ...] = ()) -> tuple[dict[str, Any], dict[str, Any]]:
    """The record's detail as the API answers it, and its raw attributes (for ``extra``
    fields asked for alongside, such as a card's social fields)."""
    record = crm.get(kind.module, record_id, fields=[*kind.detail_fields(), *extra])
    out = values.attributes(record, detail_specs(kind))
    out["base_version"] = out["date_modified"]
    return out, dict(record.attributes)
