"""Updates that create a record: a logged call, a note, a task.

Each is created as the rep (so SuiteCRM shows them as creator and the record is
assigned to them) under an id derived from the update (``ids``): a retry after a lost
answer finds the record instead of making a second one. The record it belongs to (the
``parent``) is read first, as the rep: a parent that is gone, or hidden from the rep by
SuiteCRM's roles, fails the update with a reason instead of leaving a record that points
nowhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connectors.errors import NotFoundError, PermissionDeniedError
from connectors.suitecrm import SuiteCRMClient
from plugin.sync.ids import create_once
from workers.updates.ids import record_id
from workers.updates.model import Applied, Failed, Outcome, Update, parse_iso

# The app's words for SuiteCRM's values.
CALL_DIRECTIONS: Mapping[str, str] = {"inbound": "Inbound", "outbound": "Outbound"}
CALL_STATUSES: Mapping[str, str] = {"held": "Held", "planned": "Planned",
                                    "not_held": "Not Held"}
TASK_PRIORITIES: Mapping[str, str] = {"high": "High", "medium": "Medium", "low": "Low"}
NEW_TASK_STATUS = "Not Started"
# Modules a call, note or task may belong to, and what a rep calls one of them.
PARENT_NOUNS: Mapping[str, str] = {"Accounts": "account", "Contacts": "contact",
                                   "Leads": "lead", "Opportunities": "opportunity",
                                   "Cases": "case"}
PARENT_MODULES: tuple[str, ...] = tuple(PARENT_NOUNS)
CREATED_MODULES: Mapping[str, str] = {"log_call": "Calls", "add_note": "Notes",
                                      "create_task": "Tasks"}
# A call with a person as parent is also linked to them, as SuiteCRM's own form does, so
# it shows in the person's activities.
_PERSON_LINKS = {"Contacts": "contacts", "Leads": "leads"}


def apply_create(update: Update, crm: SuiteCRMClient) -> Outcome:
    """Create the update's record as the rep behind ``crm`` (once, whatever retries)."""
    module = CREATED_MODULES[update.type]
    parent = update.fields.get("parent") or None
    if parent is not None:
        missing = _parent_missing(crm, parent)
        if missing is not None:
            return missing
    new_id = record_id(update.id, module)
    create_once(crm, module, attributes(update), new_id)
    if module == "Calls" and parent is not None and parent["module"] in _PERSON_LINKS:
        crm.link(module, new_id, parent["module"], parent["id"],
                 link=_PERSON_LINKS[parent["module"]])
    return Applied(module, new_id)


def attributes(update: Update) -> dict[str, Any]:
    """The SuiteCRM attributes of the record ``update`` creates."""
    fields = update.fields
    values: dict[str, Any] = {"name": fields["subject"], "assigned_user_id": update.user_id}
    parent = fields.get("parent") or None
    if parent is not None:
        values.update(parent_type=parent["module"], parent_id=parent["id"])
        if parent["module"] == "Contacts" and update.type != "log_call":
            values["contact_id"] = parent["id"]
    if update.type == "log_call":
        minutes = int(fields.get("duration_minutes") or 0)
        values.update(
            direction=CALL_DIRECTIONS[fields["direction"]],
            status=CALL_STATUSES[fields.get("status") or "held"],
            date_start=parse_iso(fields.get("date_start")) or update.client_time
            or update.accepted_at,
            duration_hours=minutes // 60, duration_minutes=minutes % 60)
        if fields.get("description"):
            values["description"] = fields["description"]
    elif update.type == "add_note":
        values["description"] = fields["text"]
    elif update.type == "create_task":
        values.update(status=NEW_TASK_STATUS,
                      priority=TASK_PRIORITIES[fields.get("priority") or "medium"],
                      date_due=parse_iso(fields["date_due"]))
        if fields.get("description"):
            values["description"] = fields["description"]
    return values


def _parent_missing(crm: SuiteCRMClient, parent: Mapping[str, str]) -> Failed | None:
    noun = PARENT_NOUNS.get(parent["module"], "record")
    try:
        crm.get(parent["module"], parent["id"], fields=["id"])
    except NotFoundError:
        return Failed(f"the {noun} {parent['id']} does not exist in SuiteCRM (any more)")
    except PermissionDeniedError:
        return Failed(f"SuiteCRM does not let you see the {noun} {parent['id']}")
    return None
