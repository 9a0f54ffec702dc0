"""SuiteCRM REST API V8 client (``SuiteCRMClient``) and its typed results.

Usage::

    crm = SuiteCRMClient.service_account(url, client_id, client_secret)
    changed = crm.changes("Contacts", since)      # keyset walk: nothing skipped
    for contact in changed:
        ...
    save(changed.watermark)                       # resume from here next time
    for lead in crm.iterate("Leads", filter=Filter.where(status="New")):  # a snapshot
        ...
    rep = SuiteCRMClient.login(url, pw_client_id, pw_client_secret, "sally", password)
    rep.create("Calls", {"name": "Follow-up", "date_start": datetime.now(UTC), ...})
"""

from connectors.suitecrm.auth import (
    ClientCredentials,
    Coordinator,
    PasswordClient,
    TokenManager,
    password_login,
)
from connectors.suitecrm.changes import ChangeIterator
from connectors.suitecrm.client import SuiteCRMClient
from connectors.suitecrm.dates import format_date, format_datetime, parse_datetime
from connectors.suitecrm.query import Condition, Filter
from connectors.suitecrm.records import (
    CurrentUser,
    FieldInfo,
    ModuleInfo,
    Page,
    Record,
    Token,
)

__all__ = [
    "ChangeIterator",
    "ClientCredentials",
    "Condition",
    "Coordinator",
    "CurrentUser",
    "FieldInfo",
    "Filter",
    "ModuleInfo",
    "Page",
    "PasswordClient",
    "Record",
    "SuiteCRMClient",
    "Token",
    "TokenManager",
    "format_date",
    "format_datetime",
    "parse_datetime",
    "password_login",
]
