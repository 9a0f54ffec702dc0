"""Updates that change a record the rep did not create: a deal's stage, amount or close
date, a contact's phones, email or title, an interaction's status, a task done.

Each reads the record as the rep (SuiteCRM's roles decide whether they may), plans the
write with ``merge.plan_edit`` against the version the app based the edit on, and writes
only the fields that change, so a colleague's change to another field is kept. A retry
after a lost answer finds its own values there and writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from connectors.suitecrm import Record, SuiteCRMClient
from workers.updates.merge import plan_edit, shown
from workers.updates.model import Applied, Conflict, Failed, Outcome, Update, parse_iso


@dataclass(frozen=True, slots=True)
class EditSpec:
    """Where an edit type writes: the module, the API field naming the record, and the
    SuiteCRM field behind each API field it may change."""

    module: str
    id_field: str
    fields: Mapping[str, str]
    noun: str


EDITS: Mapping[str, EditSpec] = {
    "move_opportunity": EditSpec("Opportunities", "opportunity_id", {
        "sales_stage": "sales_stage", "amount": "amount", "date_closed": "date_closed"},
        "opportunity"),
    "update_contact": EditSpec("Contacts", "contact_id", {
        "phone_mobile": "phone_mobile", "phone_work": "phone_work", "title": "title",
        "email": "email1"}, "contact"),
    "set_interaction_status": EditSpec("SCRM_SocialInteractions", "interaction_id", {
        "status": "status"}, "social interaction"),
    "complete_task": EditSpec("Tasks", "task_id", {"status": "status"}, "task"),
}
COMPLETED_TASK = "Completed"


def wanted_values(update: Update, spec: EditSpec) -> dict[str, Any]:
    """The API fields the update sets (a completed task's status is implied)."""
    if update.type == "complete_task":
        return {"status": COMPLETED_TASK}
    return {name: update.fields[name] for name in spec.fields if name in update.fields}


def apply_edit(update: Update, crm: SuiteCRMClient) -> Outcome:
    """Apply an edit update as the rep behind ``crm``. SuiteCRM refusing (no such record,
    no permission) raises the connector's error for the runner to turn into a reason."""
    spec = EDITS[update.type]
    record_id = str(update.fields[spec.id_field])
    wanted = wanted_values(update, spec)
    record = crm.get(spec.module, record_id,
                     fields=[*(spec.fields[name] for name in wanted), "date_modified"])
    server = {name: shown(name, record.get(spec.fields[name])) for name in wanted}
    base = dict(update.base.get("values") or {})
    plan = plan_edit(wanted, server, base=base,
                     base_modified=parse_iso(update.base.get("date_modified")),
                     server_modified=record.datetime("date_modified"))
    if plan.conflicts:
        return Conflict(spec.module, record_id, plan.conflicts, server,
                        {name: base[name] for name in wanted if name in base},
                        {name: shown(name, value) for name, value in wanted.items()})
    refusal = _refuse(spec, record, plan.writes)
    if refusal is not None:
        return refusal
    _write(crm, spec, record_id, plan.writes)
    return Applied(spec.module, record_id)


def _refuse(spec: EditSpec, record: Record, writes: Mapping[str, Any]) -> Failed | None:
    """What SuiteCRM's API cannot do, found before anything is written."""
    if "email" in writes and not str(record.get("email1") or "").strip():
        return Failed("this contact has no email address yet; SuiteCRM's API can only "
                      "change an existing one: add it in SuiteCRM")
    if "email" in writes and not str(writes["email"]).strip():
        return Failed("an email address cannot be removed from the app; do it in SuiteCRM")
    return None


def _write(crm: SuiteCRMClient, spec: EditSpec, record_id: str,
           writes: Mapping[str, Any]) -> None:
    attributes = {spec.fields[name]: _crm_value(name, value)
                  for name, value in writes.items() if name != "email"}
    if attributes:
        crm.update(spec.module, record_id, attributes)
    if "email" in writes:
        crm.replace_email_address(spec.module, record_id, str(writes["email"]).strip())


def _crm_value(name: str, value: Any) -> Any:
    if name == "date_closed" and isinstance(value, str):
        return date.fromisoformat(value)
    return value
