"""SuiteCRM REST API V8 client: records, lists, relationships and metadata.

Built to agree with a real SuiteCRM 7.14 (the contract tests replay real recordings and
run the same suite against a live instance). What it does for its callers:

* OAuth2 through ``TokenManager``: token cached, renewed before expiry and once on 401;
* creates are idempotent: every create sends a client-generated id, so a retried POST
  whose first attempt landed is recognised ("already exist") and answered with the
  stored record instead of a duplicate;
* datetimes are formatted by the client (UTC ``Y-m-d H:i:s``); a date string SuiteCRM
  would silently store as NULL, or misread in a filter, is refused before sending;
* ``email1`` in an update is refused (SuiteCRM silently ignores it);
  ``replace_email_address`` does the change that works;
* lists always send ``page[size]`` and ``page[number]`` (SuiteCRM's links are wrong
  without them) and ``iterate`` walks every page lazily;
* values are checked against ``/meta/fields`` before sending; for a module whose
  metadata SuiteCRM refuses (``Users``, ``EmailAddresses``, ``SugarFeed``: modules that
  are not tabs answer "[Not Allowed]" although they can be listed) the client cannot
  check what it cannot see, so it sends the request and lets SuiteCRM answer; the
  refusal is remembered, so the metadata is asked for once per client.

Text. Every string attribute of every record, list and related list is handed over as
the text SuiteCRM holds: V8 answers it HTML-encoded (``O&#039;Brien``), plus the
SocialCRM package's escapes for emoji (``&#x1F621;``); ``text.decode_text`` undoes both
in one pass. Text is written raw (never encoded by the client), and SuiteCRM itself
still changes it on write: entities are decoded (``&amp;`` is stored as ``&``), HTML is
sanitised by HTMLPurifier (``<script>`` elements and unknown tags are removed, ``<b>``
stays), ``name``/``varchar`` values are trimmed, and characters outside the Basic
Multilingual Plane (emoji) survive only through the SocialCRM package's ``before_save``
hook (without it SuiteCRM's 3-byte ``utf8`` connection stores one ``?`` per byte).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote

import requests

from connectors.errors import (
    AuthenticationError,
    BadResponseError,
    ConflictError,
    ConnectorError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from connectors.suitecrm.auth import (
    ClientCredentials,
    Coordinator,
    PasswordClient,
    TokenManager,
    password_login,
)
from connectors.suitecrm.changes import ChangeIterator
from connectors.suitecrm.pagination import PageIterator, page_from_json
from connectors.suitecrm.query import Filter, fields_param, page_params, sort_param
from connectors.suitecrm.records import (
    CurrentUser,
    FieldInfo,
    ModuleInfo,
    Page,
    Record,
    Token,
)
from connectors.suitecrm.responses import SERVICE, classify_api, json_body
from connectors.suitecrm.text import decode_attributes
from connectors.suitecrm.validation import FieldRules
from connectors.transport import CallCounter, RetryPolicy, Transport

JSON_API = "application/vnd.api+json"


def _segment(value: str) -> str:
    return quote(value, safe="")


class SuiteCRMClient:
    """One identity's view of one SuiteCRM (the service account, or one rep)."""

    def __init__(
        self,
        base_url: str,
        credentials: ClientCredentials | PasswordClient,
        *,
        token: Token | None = None,
        on_token: Callable[[Token], None] | None = None,
        session: requests.Session | None = None,
        timeout: float = 10.0,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        counter: CallCounter | None = None,
        clock: Callable[[], float] = time.time,
        coordinate: Coordinator | None = None,
        field_cache: dict[str, dict[str, FieldInfo]] | None = None,
    ) -> None:
        self.transport = Transport(SERVICE, base_url, session=session, timeout=timeout,
                                   retry=retry, sleep=sleep, counter=counter)
        self.tokens = TokenManager(self.transport, credentials, token=token,
                                   on_token=on_token, clock=clock, coordinate=coordinate)
        # Field definitions are the same for every user: clients made per request for
        # reps share one process-wide cache (``field_cache``) instead of each asking
        # /meta/fields again. Refusals stay per client: they depend on the user's roles.
        self._fields: dict[str, dict[str, FieldInfo]] = (
            field_cache if field_cache is not None else {})
        self._refused: dict[str, str] = {}  # module -> SuiteCRM's refusal of its metadata
        self.rules = FieldRules(self._checkable_fields)

    # -- construction -------------------------------------------------------------
    @classmethod
    def service_account(cls, base_url: str, client_id: str, client_secret: str,
                        **options: Any) -> SuiteCRMClient:
        """The sync's own identity (``client_credentials``; acts as SuiteCRM's admin)."""
        return cls(base_url, ClientCredentials(client_id, client_secret), **options)

    @classmethod
    def login(cls, base_url: str, client_id: str, client_secret: str, username: str,
              password: str, **options: Any) -> SuiteCRMClient:
        """Log a rep in with the password grant; the client then acts as that rep."""
        client = PasswordClient(client_id, client_secret)
        probe = Transport(SERVICE, base_url, session=options.get("session"),
                          timeout=options.get("timeout", 10.0), retry=options.get("retry"),
                          sleep=options.get("sleep", time.sleep), counter=options.get("counter"))
        token = password_login(probe, client, username, password,
                               clock=options.get("clock", time.time))
        if options.get("on_token"):
            options["on_token"](token)
        return cls(base_url, client, token=token, **options)

    @property
    def token(self) -> Token | None:
        return self.tokens.token

    # -- transport ----------------------------------------------------------------
    def _call(self, method: str, path: str, *, endpoint: str, idempotent: bool,
              params: Any = None, payload: Any = None) -> Any:
        headers = {"Accept": JSON_API}
        if payload is not None:
            headers["Content-Type"] = JSON_API
        earlier = 0  # attempts already sent with a token that was then rejected
        for attempt in (1, 2):
            access = self.tokens.access_token()
            try:
                response = self.transport.send(
                    method, path, endpoint=endpoint, classify=classify_api,
                    idempotent=idempotent, params=params, json=payload,
                    headers={**headers, "Authorization": f"Bearer {access}"},
                )
            except AuthenticationError as exc:
                exc.attempts += earlier
                if attempt == 2:
                    raise
                earlier = exc.attempts
                self.tokens.reject(access)  # expired or revoked early: renew once
                continue
            except ConnectorError as exc:
                exc.attempts += earlier  # so callers know an earlier attempt may have landed
                raise
            return json_body(response)
        raise AssertionError("unreachable")  # pragma: no cover

    # -- metadata -------------------------------------------------------------------
    def current_user(self) -> CurrentUser:
        data = self._call("GET", "Api/V8/current-user", endpoint="GET /current-user",
                          idempotent=True).get("data") or {}
        attrs = decode_attributes(data.get("attributes") or {})
        return CurrentUser(id=str(data.get("id", "")), user_name=str(attrs.get("user_name", "")),
                           full_name=str(attrs.get("full_name") or attrs.get("name") or ""),
                           is_admin=str(attrs.get("is_admin", "0")) == "1", attributes=attrs)

    def modules(self) -> dict[str, ModuleInfo]:
        body = self._call("GET", "Api/V8/meta/modules", endpoint="GET /meta/modules",
                          idempotent=True)
        attrs = (body.get("data") or {}).get("attributes") or {}
        return {name: ModuleInfo(name, str(info.get("label", name)),
                                 frozenset(info.get("access") or ()))
                for name, info in attrs.items()}

    def fields(self, module: str) -> dict[str, FieldInfo]:
        """Field definitions of a module (cached for the client's life).

        Raises ``PermissionDeniedError`` when SuiteCRM refuses them; the refusal is
        cached too (SuiteCRM refuses the metadata of every module that is not a tab,
        such as ``Users``, ``EmailAddresses`` and ``SugarFeed``, even to an admin).
        """
        if module in self._refused:
            detail = self._refused[module]
            raise PermissionDeniedError(detail, service=SERVICE, status=400, detail=detail)
        if module not in self._fields:
            try:
                body = self._call("GET", f"Api/V8/meta/fields/{_segment(module)}",
                                  endpoint="GET /meta/fields", idempotent=True)
            except PermissionDeniedError as exc:
                self._refused[module] = exc.detail or exc.message
                raise
            attrs = (body.get("data") or {}).get("attributes") or {}
            self._fields[module] = {n: FieldInfo.from_json(n, d) for n, d in attrs.items()}
        return self._fields[module]

    def _checkable_fields(self, module: str) -> Mapping[str, FieldInfo]:
        """What the pre-send checks may use: the module's fields, or nothing when
        SuiteCRM refuses to describe them (then SuiteCRM's own answer is the check)."""
        try:
            return self.fields(module)
        except PermissionDeniedError:
            return {}

    def link_names(self, module: str) -> list[str]:
        """Relationship link names usable with ``related``/``link``/``unlink``."""
        return [f.name for f in self.fields(module).values() if f.is_link]

    # -- records --------------------------------------------------------------------
    def get(self, module: str, record_id: str, *, fields: Iterable[str] | None = None) -> Record:
        body = self._call("GET", f"Api/V8/module/{_segment(module)}/{_segment(record_id)}",
                          endpoint="GET /module/{id}", idempotent=True,
                          params=fields_param(module, fields))
        return Record.from_json(module, body.get("data"))

    def list(self, module: str, *, filter: Filter | None = None, sort: str | None = None,
             fields: Iterable[str] | None = None, page_size: int = 20, page: int = 1) -> Page:
        return self._list_page(module, filter, sort, fields, page_size, page)[0]

    def iterate(self, module: str, *, filter: Filter | None = None, sort: str | None = None,
                fields: Iterable[str] | None = None, page_size: int = 100) -> PageIterator:
        """Every matching record, page by page, lazily (offset paging: for a snapshot;
        use ``changes`` to follow records that are being modified)."""
        self.rules.check_query(module, filter, sort)
        return PageIterator(
            lambda number: self._list_page(module, filter, sort, fields, page_size, number))

    def changes(self, module: str, since: datetime, *, fields: Iterable[str] | None = None,
                page_size: int = 100) -> ChangeIterator:
        """Records with ``date_modified >= since`` in change order, none skipped while
        others are modified; ``.watermark`` is the place to resume from."""
        return ChangeIterator(self, module, since, fields=fields, page_size=page_size)

    def _list_page(self, module: str, filter_: Filter | None, sort: str | None,
                   fields: Iterable[str] | None, size: int, number: int
                   ) -> tuple[Page, int | None]:
        self.rules.check_query(module, filter_, sort)
        params = [*(filter_.params() if filter_ else []), *fields_param(module, fields),
                  *sort_param(sort), *page_params(size, number)]
        body = self._call("GET", f"Api/V8/module/{_segment(module)}", endpoint="GET /module",
                          idempotent=True, params=params)
        return page_from_json(module, body, size, number)

    def create(self, module: str, attributes: Mapping[str, Any], *,
               record_id: str | None = None) -> Record:
        """Create with a client-chosen id, so that retries can never duplicate.

        A conflict on an id this call generated can only be its own earlier attempt
        (the answer was lost): the stored record is returned. A conflict on a caller's
        id is returned too when this call sent more than once, else raised.
        """
        generated = record_id is None
        record_id = record_id or str(uuid.uuid4())
        payload = {"data": {"type": module, "id": record_id,
                            "attributes": self.rules.encode(module, attributes)}}
        try:
            body = self._call("POST", "Api/V8/module", endpoint="POST /module",
                              idempotent=True, payload=payload)
        except ConflictError as exc:
            if generated or exc.attempts > 1:
                return self.get(module, record_id)
            raise
        return Record.from_json(module, body.get("data"))

    def update(self, module: str, record_id: str, attributes: Mapping[str, Any]) -> Record:
        if "email1" in attributes:
            raise ValueError("SuiteCRM silently ignores email1 in an update; "
                             "use replace_email_address()")
        payload = {"data": {"type": module, "id": record_id,
                            "attributes": self.rules.encode(module, attributes)}}
        body = self._call("PATCH", "Api/V8/module", endpoint="PATCH /module", idempotent=True,
                          payload=payload)
        return Record.from_json(module, body.get("data"))

    def delete(self, module: str, record_id: str) -> None:
        """Delete; "not found" after a lost answer means the first attempt did it."""
        try:
            self._call("DELETE", f"Api/V8/module/{_segment(module)}/{_segment(record_id)}",
                       endpoint="DELETE /module/{id}", idempotent=True)
        except NotFoundError as exc:
            if exc.attempts == 1:
                raise

    def replace_email_address(self, module: str, record_id: str, new_address: str) -> Record:
        """Change a record's primary address by editing its EmailAddresses row.

        The row may be shared: every record linked to the same address changes with it.
        """
        record = self.get(module, record_id, fields=["email1"])
        current = str(record.get("email1") or "").lower()
        rows = list(self.iterate_related(module, record_id, "email_addresses"))
        row = next((r for r in rows if str(r.get("email_address", "")).lower() == current), None)
        if row is None:
            raise BadResponseError(f"{module} {record_id} has no email address row to change",
                                   service=SERVICE)
        payload = {"data": {"type": "EmailAddresses", "id": row.id, "attributes": {
            "email_address": new_address, "email_address_caps": new_address.upper()}}}
        body = self._call("PATCH", "Api/V8/module", endpoint="PATCH /module", idempotent=True,
                          payload=payload)
        return Record.from_json("EmailAddresses", body.get("data"))

    # -- relationships -----------------------------------------------------------------
    def related(self, module: str, record_id: str, link: str, *, filter: Filter | None = None,
                sort: str | None = None, page_size: int = 20, page: int = 1) -> Page:
        """Records related through ``link`` (their ``module`` follows their type)."""
        return self._related_page(module, record_id, link, filter, sort, page_size, page)[0]

    def iterate_related(self, module: str, record_id: str, link: str, *,
                        filter: Filter | None = None, sort: str | None = None,
                        page_size: int = 100) -> PageIterator:
        return PageIterator(lambda n: self._related_page(module, record_id, link, filter, sort,
                                                         page_size, n))

    def _related_page(self, module: str, record_id: str, link: str, filter_: Filter | None,
                      sort: str | None, size: int, number: int) -> tuple[Page, int | None]:
        params = [*(filter_.params() if filter_ else []), *sort_param(sort),
                  *page_params(size, number)]
        path = (f"Api/V8/module/{_segment(module)}/{_segment(record_id)}"
                f"/relationships/{_segment(link)}")
        body = self._call("GET", path, endpoint="GET /module/{id}/relationships/{link}",
                          idempotent=True, params=params)
        return page_from_json("", body, size, number)

    def link(self, module: str, record_id: str, related_module: str, related_id: str, *,
             link: str | None = None) -> None:
        """Relate two records (linking twice is harmless in SuiteCRM, so it is retried)."""
        path = f"Api/V8/module/{_segment(module)}/{_segment(record_id)}/relationships"
        if link:
            path += f"/{_segment(link)}"
        self._call("POST", path, endpoint="POST /module/{id}/relationships", idempotent=True,
                   payload={"data": {"type": related_module, "id": related_id}})

    def unlink(self, module: str, record_id: str, link: str, related_id: str) -> None:
        """Unrelate; "not related" after a lost answer means the first attempt did it."""
        path = (f"Api/V8/module/{_segment(module)}/{_segment(record_id)}/relationships/"
                f"{_segment(link)}/{_segment(related_id)}")
        try:
            self._call("DELETE", path, endpoint="DELETE /module/{id}/relationships/{link}/{id}",
                       idempotent=True)
        except ValidationError as exc:
            if exc.attempts == 1 or "is not related" not in (exc.detail or ""):
                raise

    def logout(self) -> None:
        """Revoke this token in SuiteCRM and forget it here."""
        self._call("POST", "Api/V8/logout", endpoint="POST /logout", idempotent=True)
        self.tokens.forget()

