"""The requests the differential check sends to both sides, grouped by what they cover.

Paths and bodies use ``${name}`` placeholders: ``${tag}`` (the run's tag) and the ids of
the records ``setup_records`` creates (``${c1}``..``${c7}``, ``${acc}``, ``${call1}``
...). Lists are filtered by the tag and sorted by a field whose values all differ, so
both sides list the same records in the same order.
"""

from __future__ import annotations

from tests.live.differential.sides import Request
from tests.live.differential.world import World

V8 = "Api/V8"
PAGE = (("page[size]", "3"), ("page[number]", "1"))
TAGGED = (("filter[last_name][like]", "${tag}%"),)
CORE_MODULES = ("Accounts", "Contacts", "Leads", "Cases", "Calls", "Meetings", "Tasks",
                "Notes", "Opportunities")
PACKAGE_MODULES = ("SCRM_SocialInteractions", "SCRM_SocialProfiles")


def get(label: str, path: str, *params: tuple[str, str], auth: str = "service",
        values: tuple[str, ...] | None = None) -> Request:
    return Request(label, "GET", f"{V8}/{path}", tuple(params), auth=auth, values=values)


def contacts(label: str, *params: tuple[str, str], values: tuple[str, ...] | None = None
             ) -> Request:
    return get(label, "module/Contacts", *params, values=values)


def write(label: str, method: str, data: object, values: tuple[str, ...] | None = ()) -> Request:
    return Request(label, method, f"{V8}/module", body={"data": data}, values=values)


def setup_records(world: World) -> list[str]:
    """The records both sides hold; the create answers are compared on the way."""
    reports: list[str] = []

    def create(name: str, module: str, attributes: dict[str, object]) -> None:
        reports.extend(world.create(name, module, attributes, values=None))

    create("acc", "Accounts", {"name": "${tag} Acme", "industry": "Technology"})
    for i in range(1, 8):
        attributes: dict[str, object] = {
            "first_name": f"F{i}", "last_name": f"${{tag}}Row{i}",
            "lead_source": "Web Site" if i % 2 else "Cold Call", "title": f"T{i % 3}"}
        if i == 1:
            attributes["email1"] = "${tag}.row1@example.org"
        create(f"c{i}", "Contacts", attributes)
    call = {"status": "Planned", "direction": "Outbound", "date_start": "2030-01-15 10:00:00",
            "duration_hours": 0, "duration_minutes": 30}
    create("call1", "Calls", {"name": "${tag} Call 1", **call})
    create("call2", "Calls", {"name": "${tag} Call 2", **call})
    create("meeting", "Meetings", {"name": "${tag} Meeting", "date_start": "2030-01-16 09:00:00",
                                   "duration_hours": 1, "duration_minutes": 0})
    create("task", "Tasks", {"name": "${tag} Task", "status": "Not Started",
                             "priority": "High"})
    create("note", "Notes", {"name": "${tag} Note", "contact_id": "${c1}",
                             "parent_type": "Contacts", "parent_id": "${c1}"})
    create("case", "Cases", {"name": "${tag} Case", "account_id": "${acc}",
                             "status": "Open_New", "priority": "P2"})
    create("opp", "Opportunities", {"name": "${tag} Deal", "amount": "1500",
                                    "date_closed": "2030-06-30", "sales_stage": "Prospecting"})
    create("lead", "Leads", {"first_name": "Lea", "last_name": "${tag}Lead",
                             "status": "New"})
    create("profile", "SCRM_SocialProfiles", {"name": "${tag} Profile", "network": "facebook",
                                              "handle": "fan1", "contact_id": "${c1}"})
    create("interaction", "SCRM_SocialInteractions", {
        "name": "${tag} Comment", "network": "facebook", "kind": "comment",
        "direction": "inbound", "external_id": "${tag}-1", "body": "Great!",
        "occurred_at": "2030-01-15 10:00:00",
        "contact_id": "${c1}", "profile_id": "${profile}"})
    return reports


def reads() -> list[Request]:
    return [
        get("get a contact", "module/Contacts/${c1}", values=None),
        get("get sparse", "module/Contacts/${c1}", ("fields[Contacts]", "last_name,email1"),
            values=None),
        *(get(f"get {name}", f"module/{module}/${{{name}}}") for name, module in (
            ("acc", "Accounts"), ("call1", "Calls"), ("meeting", "Meetings"),
            ("task", "Tasks"), ("note", "Notes"), ("case", "Cases"), ("opp", "Opportunities"),
            ("lead", "Leads"), ("profile", "SCRM_SocialProfiles"),
            ("interaction", "SCRM_SocialInteractions"))),
        get("current user", "current-user"),
        get("the admin user", "module/Users/1", values=("user_name", "is_admin", "status")),
    ]


def lists() -> list[Request]:
    by_name = ("sort", "last_name")
    return [
        contacts("page 1 of 3", *TAGGED, by_name, *PAGE),
        contacts("page 2", *TAGGED, by_name, ("page[size]", "3"), ("page[number]", "2")),
        contacts("last page", *TAGGED, by_name, ("page[size]", "3"), ("page[number]", "3")),
        contacts("beyond the last page", *TAGGED, by_name, ("page[size]", "3"),
                 ("page[number]", "4")),
        contacts("one page of all", *TAGGED, by_name, ("page[size]", "10"),
                 ("page[number]", "1")),
        contacts("page size without number", *TAGGED, by_name, ("page[size]", "3")),
        contacts("no paging", *TAGGED, by_name),
        contacts("sort descending", *TAGGED, ("sort", "-last_name"), *PAGE),
        contacts("sort by another field", *TAGGED, ("sort", "first_name"), *PAGE),
        contacts("sparse list", *TAGGED, by_name, ("fields[Contacts]", "last_name,first_name"),
                 *PAGE, values=None),
        *(contacts(f"filter {op}", *TAGGED, (f"filter[first_name][{op}]", "F4"), by_name,
                   ("page[size]", "10"), ("page[number]", "1"))
          for op in ("eq", "neq", "gt", "gte", "lt", "lte")),
        contacts("filter like", ("filter[last_name][like]", "${tag}Row%"), by_name, *PAGE),
        contacts("filter and", *TAGGED, ("filter[lead_source][eq]", "Web Site"),
                 ("filter[title][neq]", "T1"), by_name, ("page[size]", "10"),
                 ("page[number]", "1")),
        contacts("filter or", ("filter[operator]", "or"),
                 ("filter[last_name][eq]", "${tag}Row2"), ("filter[first_name][eq]", "F5"),
                 by_name, ("page[size]", "10"), ("page[number]", "1")),
        contacts("two operators on one field", ("filter[last_name][gt]", "${tag}Row2"),
                 ("filter[last_name][lt]", "${tag}Row6"), by_name, ("page[size]", "10"),
                 ("page[number]", "1")),
        contacts("filter email1", ("filter[email1][eq]", "${tag}.row1@example.org"), *PAGE),
        contacts("filter a date", *TAGGED, ("filter[date_entered][gt]", "2020-01-01 00:00:00"),
                 by_name, ("page[size]", "2"), ("page[number]", "1")),
        contacts("filter matches nothing", ("filter[last_name][eq]", "${tag}None"), *PAGE),
        contacts("filter an empty value", *TAGGED, ("filter[department][eq]", ""), by_name,
                 *PAGE),
        contacts("filter an ISO date", *TAGGED,
                 ("filter[date_entered][gt]", "2020-01-01T00:00:00+02:00"), by_name, *PAGE),
        contacts("big page", *TAGGED, by_name, ("page[size]", "5000"), ("page[number]", "1")),
        contacts("sort by a name SuiteCRM joins", *TAGGED, ("sort", "-full_name"), *PAGE),
        get("Activity Stream entries", "module/SugarFeed", ("filter[name][like]", "%${tag}Row%"),
            ("sort", "name"), *PAGE),
        get("list accounts", "module/Accounts", ("filter[name][like]", "${tag}%"), *PAGE),
        get("filter a custom field", "module/Contacts", *TAGGED,
            ("filter[jjwg_maps_address_c][eq]", "nowhere"), *PAGE),
        get("list the package's module", "module/SCRM_SocialInteractions",
            ("filter[name][like]", "${tag}%"), *PAGE),
        get("list related calls", "module/Contacts/${c2}/relationships/calls"),
        get("list related notes", "module/Contacts/${c1}/relationships/notes"),
        get("list related emails", "module/Contacts/${c1}/relationships/email_addresses"),
        get("list the package's related", "module/Contacts/${c1}/relationships/"
            "scrm_socialinteractions", values=("name", "body")),
    ]


def metadata() -> list[Request]:
    return [
        *(get(f"fields of {module}", f"meta/fields/{module}", values=None)
          for module in (*CORE_MODULES, *PACKAGE_MODULES)),
        get("swagger", "meta/swagger.json"),
        *(get(f"fields of {module} (refused)", f"meta/fields/{module}")
          for module in ("Users", "EmailAddresses", "SugarFeed", "NoSuchModule", "Contact")),
    ]


def relationships() -> list[Request]:
    link = {"type": "Calls", "id": "${call1}"}
    base = f"{V8}/module/Contacts/${{c2}}/relationships"
    return [
        Request("link by link name", "POST", f"{base}/calls", body={"data": link}),
        get("related after link", "module/Contacts/${c2}/relationships/calls",
            ("page[size]", "5"), ("page[number]", "1")),
        Request("link again", "POST", f"{base}/calls", body={"data": link}),
        Request("link by module", "POST", base, body={"data": {"type": "Calls",
                                                               "id": "${call2}"}}),
        get("related, sorted", "module/Contacts/${c2}/relationships/calls", ("sort", "name")),
        get("related, filtered", "module/Contacts/${c2}/relationships/calls",
            ("filter[name][eq]", "${tag} Call 2")),
        Request("unlink", "DELETE", f"{base}/calls/${{call1}}"),
        Request("unlink again", "DELETE", f"{base}/calls/${{call1}}"),
        get("related after unlink", "module/Contacts/${c2}/relationships/calls"),
        Request("link account and contact", "POST",
                f"{V8}/module/Accounts/${{acc}}/relationships",
                body={"data": {"type": "Contacts", "id": "${c3}"}}),
        get("contact after account link", "module/Contacts/${c3}",
            ("fields[Contacts]", "account_id,account_name"), values=None),
        get("related, one per page", "module/Contacts/${c2}/relationships/calls",
            ("sort", "name"), ("page[size]", "1"), ("page[number]", "2")),
        get("a linked call names its contact", "module/Calls/${call2}"),
        Request("link a note by link name", "POST", f"{base}/notes",
                body={"data": {"type": "Notes", "id": "${note}"}}),
        get("notes after linking", "module/Contacts/${c2}/relationships/notes"),
        Request("unlink the note", "DELETE", f"{base}/notes/${{note}}"),
        get("the note after unlinking", "module/Notes/${note}"),
        get("the account's contacts", "module/Accounts/${acc}/relationships/contacts"),
        Request("unknown link", "GET", f"{base}/no_such_link"),
        Request("link to an unknown record", "POST", f"{base}/calls", body={"data": {
            "type": "Calls", "id": "00000000-0000-0000-0000-000000000000"}}),
        Request("link an unrelated module", "POST", f"{base}/calls",
                body={"data": {"type": "Accounts", "id": "${acc}"}}),
        Request("unlink an unrelated record", "DELETE", f"{base}/calls/${{acc}}"),
    ]


def writes() -> list[Request]:
    contact = "Contacts"
    return [
        write("update", "PATCH", {"type": contact, "id": "${c4}", "attributes": {
            "title": "Head of QA", "phone_work": "+1 555 0100", "do_not_call": True}},
            values=None),
        get("read after update", "module/Contacts/${c4}"),
        write("move a call", "PATCH", {"type": "Calls", "id": "${call2}", "attributes": {
            "date_start": "2030-02-01 08:15:00", "duration_minutes": 45}}, values=None),
        write("close a deal", "PATCH", {"type": "Opportunities", "id": "${opp}", "attributes": {
            "sales_stage": "Closed Won"}}, values=None),
        write("update nothing", "PATCH", {"type": contact, "id": "${c4}"}, values=None),
        write("update by object name", "PATCH", {"type": "Contact", "id": "${c4}",
                                                 "attributes": {"title": "QA"}}, values=None),
        write("update email1 (ignored)", "PATCH", {"type": contact, "id": "${c1}",
                                                   "attributes": {"email1": "x@example.org"}},
              values=("email1",)),
        write("create by object name", "POST", {"type": "Contact", "id": "${spare}",
                                                "attributes": {"last_name": "${tag}Spare"}},
              values=None),
        write("create a call with an ISO date", "POST", {"type": "Calls", "id": "${iso_call}",
                                                         "attributes": {
            "name": "${tag} ISO", "date_start": "2030-03-01T09:30:00+02:00",
            "duration_hours": 1, "duration_minutes": 0}}, values=None),
        write("delete by update", "PATCH", {"type": "Calls", "id": "${iso_call}",
                                            "attributes": {"deleted": 1}}, values=None),
        get("read a record deleted by update", "module/Calls/${iso_call}"),
        write("create a duplicate id", "POST", {"type": contact, "id": "${c4}",
                                                "attributes": {"last_name": "x"}}),
        Request("delete", "DELETE", f"{V8}/module/Contacts/${{spare}}"),
        get("read a deleted record", "module/Contacts/${spare}"),
        Request("delete again", "DELETE", f"{V8}/module/Contacts/${{spare}}"),
        write("update a deleted record", "PATCH", {"type": contact, "id": "${spare}",
                                                   "attributes": {"title": "x"}}),
        contacts("list deleted records", ("filter[deleted][eq]", "1"),
                 ("filter[last_name][eq]", "${tag}Spare"), *PAGE),
    ]
