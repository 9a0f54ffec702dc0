"""The two SuiteCRMs the differential check talks to, over raw HTTP.

A ``Request`` is written once and sent to both sides: its path, query and body may hold
``${placeholders}`` (record ids, the run's tag) that each side fills in the same way, so
requests stay comparable. ``auth`` names the bearer token to send: ``service`` (the
client-credentials token of the side), ``none``, or a literal token such as a garbage
one or a token of another server.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from string import Template
from typing import Any

import requests

JSON_API = "application/vnd.api+json"
TIMEOUT = 30


@dataclass(frozen=True)
class Request:
    """One request, written once for both sides."""

    label: str
    method: str
    path: str
    params: tuple[tuple[str, str], ...] = ()
    body: Any = None  # JSON-encoded and sent as application/vnd.api+json
    raw: str | None = None  # sent as is (malformed bodies)
    form: dict[str, str] | None = None  # form-encoded (the token endpoint)
    auth: str = "service"
    content_type: str = JSON_API
    values: tuple[str, ...] | None = None  # attributes whose values are compared too
    per_side: tuple[dict[str, str], dict[str, str]] = ({}, {})  # names only one side has

    def fill_each(self, **values: list[str]) -> Request:
        """The request with ``${name}`` meaning ``values[name][0]`` on the sandbox and
        ``values[name][1]`` on the live side (tokens each side issued itself)."""
        return replace(self, per_side=({k: v[0] for k, v in values.items()},
                                       {k: v[1] for k, v in values.items()}))

    def fill(self, names: dict[str, str]) -> Request:
        """The request with ``${name}`` placeholders replaced."""
        def sub(value: Any) -> Any:
            if isinstance(value, str):
                return Template(value).safe_substitute(names)
            if isinstance(value, dict):
                return {sub(k): sub(v) for k, v in value.items()}
            if isinstance(value, list | tuple):
                return type(value)(sub(v) for v in value)
            return value

        return replace(self, path=sub(self.path), params=sub(self.params),
                       body=sub(self.body), raw=sub(self.raw), form=sub(self.form),
                       auth=sub(self.auth))


@dataclass(frozen=True)
class Answer:
    status: int
    media: str
    body: Any  # parsed JSON, or the text when the answer is not JSON


@dataclass
class Side:
    """One SuiteCRM: the sandbox or the live one."""

    name: str
    url: str
    client: tuple[str, str]
    password_client: tuple[str, str]
    user: tuple[str, str] = field(repr=False)
    session: requests.Session = field(default_factory=requests.Session, repr=False)
    _token: str | None = field(default=None, repr=False)

    def credentials(self) -> dict[str, str]:
        """This side's own client ids, secrets and user, as ``${placeholders}``."""
        return {"cc_id": self.client[0], "cc_secret": self.client[1],
                "pw_id": self.password_client[0], "pw_secret": self.password_client[1],
                "username": self.user[0], "password": self.user[1]}

    def new_token(self, grant: str = "client_credentials") -> dict[str, Any]:
        client = self.client if grant == "client_credentials" else self.password_client
        form = {"grant_type": grant, "client_id": client[0], "client_secret": client[1]}
        if grant == "password":
            form.update(username=self.user[0], password=self.user[1])
        answer = self.session.post(f"{self.url}/Api/access_token", data=form, timeout=TIMEOUT)
        answer.raise_for_status()
        body: dict[str, Any] = answer.json()
        return body

    def service_token(self) -> str:
        if self._token is None:
            self._token = str(self.new_token()["access_token"])
        return self._token

    def send(self, request: Request) -> Answer:
        headers = {"Accept": JSON_API}
        if request.auth == "service":
            headers["Authorization"] = f"Bearer {self.service_token()}"
        elif request.auth != "none":
            headers["Authorization"] = f"Bearer {request.auth}"
        data: Any = None
        if request.form is not None:
            data = request.form
        elif request.raw is not None or request.body is not None:
            headers["Content-Type"] = request.content_type
            data = request.raw if request.raw is not None else json.dumps(request.body)
            data = data.encode("utf-8")
        response = self.session.request(request.method, f"{self.url}/{request.path}",
                                        params=list(request.params), data=data,
                                        headers=headers, timeout=TIMEOUT)
        media = response.headers.get("Content-Type", "").split(";")[0].strip()
        try:
            body = response.json()
        except ValueError:
            body = response.text
        return Answer(response.status_code, media, body)
