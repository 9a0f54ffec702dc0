"""Sandbox accounts (always present) and demo business data (``seed=True``).

The accounts are fixed so the app's settings and the tests can import them: the admin
and OAuth2 clients of the recordings, the demo clients the app defaults to, and five
sales reps in SuiteCRM's demo style (ids ``seed_<name>_id``, password
``<user_name>-Passw0rd``). ``max`` has an owner-only role on the sales and activity
modules, so he sees only records assigned to him.

The demo data (accounts, contacts with non-ASCII names, leads, opportunities, cases,
calls, meetings, tasks, notes, email addresses) is generated from ``rng_seed``, so two
sandboxes with the same seed and clock hold the same records with the same ids.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .acl import Role
from .demo_data import seed_demo

if TYPE_CHECKING:
    from .core import SandboxCore

ADMIN_USER = ("admin", "admin-Passw0rd", "1")
DEMO_REPS = [
    ("sally", "sally-Passw0rd", "seed_sally_id"),
    ("max", "max-Passw0rd", "seed_max_id"),
    ("will", "will-Passw0rd", "seed_will_id"),
    ("chris", "chris-Passw0rd", "seed_chris_id"),
    ("sarah", "sarah-Passw0rd", "seed_sarah_id"),
]
DEMO_USERS = [ADMIN_USER, *DEMO_REPS]
REP_NAMES = {
    "seed_sally_id": ("Sally", "Bronsen", "Senior Account Rep"),
    "seed_max_id": ("Max", "Jensen", "Sales Rep"),
    "seed_will_id": ("Will", "Westin", "Sales Rep"),
    "seed_chris_id": ("Chris", "Olliver", "Senior Account Rep"),
    "seed_sarah_id": ("Sarah", "Smith", "Sales Manager"),
}

RECORDING_CC_CLIENT = ("3f6a1c2e-0000-4000-8000-00000000cc01", "cc-secret-Passw0rd")
RECORDING_PASSWORD_CLIENT = ("3f6a1c2e-0000-4000-8000-00000000pw01", "pw-secret-Passw0rd")
DEMO_SYNC_CLIENT = ("socialcrm-demo-sync", "demo-sync-secret")
DEMO_MOBILE_CLIENT = ("socialcrm-demo-mobile", "demo-mobile-secret")
CLIENTS = [
    (RECORDING_CC_CLIENT, "client_credentials"),
    (RECORDING_PASSWORD_CLIENT, "password"),
    (DEMO_SYNC_CLIENT, "client_credentials"),
    (DEMO_MOBILE_CLIENT, "password"),
]

OWNER_ONLY_ROLE = "Sales Rep (own records)"
OWNER_ONLY_MODULES = (
    "Contacts",
    "Leads",
    "Opportunities",
    "Cases",
    "Calls",
    "Meetings",
    "Tasks",
    "Notes",
)
OWNER_ONLY_USER = "seed_max_id"


def owner_only_role() -> Role:
    levels = {"view": "owner", "list": "owner", "edit": "owner", "delete": "owner"}
    return Role.build(OWNER_ONLY_ROLE, {module: levels for module in OWNER_ONLY_MODULES})


def seed_base(core: SandboxCore) -> None:
    """Users, the owner-only role and the OAuth2 clients: present in every sandbox."""
    core.add_role(owner_only_role())
    name, password, user_id = ADMIN_USER
    core.add_user(
        name,
        password,
        user_id=user_id,
        last_name="Administrator",
        title="Administrator",
        is_admin=True,
    )
    for name, password, user_id in DEMO_REPS:
        first, last, title = REP_NAMES[user_id]
        roles = (OWNER_ONLY_ROLE,) if user_id == OWNER_ONLY_USER else ()
        core.add_user(
            name,
            password,
            user_id=user_id,
            first_name=first,
            last_name=last,
            title=title,
            roles=roles,
            email=f"{name}@example.com",
        )
    for (client_id, secret), grant in CLIENTS:
        core.add_client(client_id, secret, grant)


def seed_all(core: SandboxCore, *, demo: bool) -> None:
    seed_base(core)
    if demo:
        seed_demo(core, [user_id for _, _, user_id in DEMO_REPS])
