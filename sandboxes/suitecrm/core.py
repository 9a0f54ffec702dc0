"""The sandbox's state and its Python-level control surface (no HTTP here).

``SandboxCore`` owns the schemas, the store, the OAuth2 server, users and roles, the
fault switches and the request log. The Flask app reads it; tests and the seeder call
its methods directly. ``reset()`` rebuilds the data (reseeding when the sandbox was
created with ``seed=True``) while issued tokens stay valid, so a client keeps its
session across a reset unless a test expires tokens on purpose.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .acl import Actor, Role
from .auth import AccessToken, OAuthClient, OAuthServer
from .control import Faults, RequestLog
from .module_service import ModuleService
from .records import Records
from .registry import load_registry, load_swagger
from .relationship_service import RelationshipService
from .seed import seed_all
from .store import Store
from .text import TextRules

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class SandboxCore:
    def __init__(
        self,
        *,
        seed: bool = True,
        token_ttl: int = 3600,
        rng_seed: int = 7,
        clock: Clock | None = None,
        schema_dirs: Iterable[Path | str] = (),
        guarded_modules: Iterable[str] = (),
        with_package: bool = False,
    ) -> None:
        self.seed = seed
        self.text = TextRules(frozenset(guarded_modules))
        self.rng_seed = rng_seed
        self.clock: Clock = clock or utc_now
        self.registry = load_registry(schema_dirs, with_package=with_package)
        self.swagger = load_swagger()
        self.faults = Faults()
        self.log = RequestLog()
        self.oauth = OAuthServer(self._find_user, lambda: self.clock().timestamp(), token_ttl)
        self._reset_lock = threading.Lock()
        self.reset()

    # ------------------------------------------------------------------ lifecycle
    def reset(self) -> None:
        """Throw away all records and rebuild the initial state.

        Users and roles added at runtime go too (the base accounts are recreated with
        the same ids); OAuth clients, issued tokens, faults and the request log stay.
        """
        with self._reset_lock:
            store = Store(list(self.registry.modules), self.rng_seed)
            with store.lock:
                self.store = store
                self.records = Records(store, self.registry, self.clock, self.text)
                self.modules = ModuleService(self.records)
                self.relationships = RelationshipService(self.records)
                self.roles: dict[str, Role] = {}
                self.passwords: dict[str, str] = {}
                self.user_roles: dict[str, tuple[str, ...]] = {}
                seed_all(self, demo=self.seed)

    # ------------------------------------------------------------------ accounts
    def add_role(self, role: Role) -> None:
        self.roles[role.name] = role

    def add_user(
        self,
        user_name: str,
        password: str,
        *,
        user_id: str | None = None,
        first_name: str = "",
        last_name: str = "",
        title: str = "",
        is_admin: bool = False,
        roles: Iterable[str] = (),
        email: str | None = None,
    ) -> str:
        """Create a user who can log in with the password grant; returns the user id."""
        names = tuple(roles)
        unknown = [name for name in names if name not in self.roles]
        if unknown:
            raise ValueError(f"unknown roles: {unknown}")
        attributes: dict[str, Any] = {
            "user_name": user_name,
            "first_name": first_name,
            "last_name": last_name,
            "title": title,
            "is_admin": "1" if is_admin else "0",
            "sugar_login": "1",
        }
        if email:
            attributes["email1"] = email
        admin = Actor(user_id="1", is_admin=True)
        with self.store.lock:
            row = self.records.create(
                self.registry["Users"], attributes, record_id=user_id, actor=admin
            )
            self.passwords[row["id"]] = password
            self.user_roles[row["id"]] = names
        return str(row["id"])

    def add_client(self, client_id: str, secret: str, grant_type: str, user_id: str = "1") -> None:
        self.oauth.add_client(OAuthClient.create(client_id, secret, grant_type, user_id))

    def _find_user(self, user_name: str) -> tuple[str, str] | None:
        with self.store.lock:
            for row in self.store.live("Users"):
                if row.get("user_name") == user_name and row["id"] in self.passwords:
                    return row["id"], self.passwords[row["id"]]
        return None

    def actor_for(self, token: AccessToken) -> Actor:
        row = self.store.get("Users", token.user_id)
        is_admin = row is not None and row.get("is_admin") == "1"
        roles = tuple(
            self.roles[n] for n in self.user_roles.get(token.user_id, ()) if n in self.roles
        )
        return Actor(
            user_id=token.user_id, is_admin=is_admin, roles=roles, client_id=token.client_id
        )

    # ------------------------------------------------------------------ test helpers
    def create_record(
        self,
        module: str,
        attributes: Mapping[str, Any],
        *,
        record_id: str | None = None,
        user_id: str = "1",
    ) -> dict[str, Any]:
        """Create a record as ``user_id`` without HTTP; returns its output attributes."""
        schema = self.registry.resolve(module)
        if schema is None:
            raise ValueError(f"unknown module {module}")
        unknown = [name for name in attributes if name not in schema.fields]
        if unknown:
            raise ValueError(f"unknown fields for {module}: {unknown}")
        with self.store.lock:
            user = self.store.get("Users", user_id)
            actor = Actor(user_id=user_id, is_admin=bool(user and user.get("is_admin") == "1"))
            row = self.records.create(schema, attributes, record_id=record_id, actor=actor)
            return {"id": row["id"], **self.records.attributes(schema, row)}

    def expire_tokens(self) -> int:
        return self.oauth.expire_all()
