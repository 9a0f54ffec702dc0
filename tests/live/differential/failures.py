"""Every error the differential check knows how to provoke, sent to both sides.

Tokens of the other side cannot be compared literally, so the token cases use what is
the same everywhere: no header, a garbage token, a token signed by another server (the
recorded one of ``tests/contract/recordings/098``, which is also expired), a token
revoked by logging out, and the token endpoint's own failures.
"""

from __future__ import annotations

from tests.contract.recordings import recording
from tests.live.differential.cases import PAGE, TAGGED, V8, contacts, get, write
from tests.live.differential.sides import Request

TOKEN = "Api/access_token"
WRONG_PASSWORD = "Wr0ng-pa55word"  # deliberately wrong


def foreign_token() -> str:
    """An RS256 token another SuiteCRM signed (and which has expired since)."""
    header = recording("098")["request"]["headers"]["Authorization"]
    return str(header.removeprefix("Bearer "))


def request_errors() -> list[Request]:
    module = f"{V8}/module"
    return [
        get("unknown module", "module/NoSuchModule", *PAGE),
        get("unknown module, one record", "module/NoSuchModule/${c1}"),
        get("unknown id", "module/Contacts/00000000-0000-0000-0000-000000000000"),
        get("malformed id", "module/Contacts/not-a-uuid"),
        contacts("bad filter operator", ("filter[last_name][in]", "x"), *PAGE),
        contacts("bad and/or operator", ("filter[operator]", "xor"),
                 ("filter[last_name][eq]", "x"), *PAGE),
        contacts("filter without an operator", ("filter[last_name]", "x"), *PAGE),
        contacts("unknown filter field", ("filter[no_such_field][eq]", "x"), *PAGE),
        contacts("unknown sort field", *TAGGED, ("sort", "no_such_field"), *PAGE),
        contacts("two sort fields", *TAGGED, ("sort", "last_name,first_name"), *PAGE),
        contacts("filter a relate field", ("filter[account_name][eq]", "x"), *PAGE),
        contacts("filter email2", ("filter[email2][eq]", "x"), *PAGE),
        contacts("sort by a link", *TAGGED, ("sort", "calls"), *PAGE),
        contacts("sort by email1", *TAGGED, ("sort", "email1"), *PAGE),
        get("filter a relate field of a module without metadata", "module/SugarFeed",
            ("filter[created_by_name][eq]", "x"), *PAGE),
        contacts("unknown sparse field", *TAGGED, ("fields[Contacts]", "last_name,nope"),
                 *PAGE),
        contacts("sparse fields of an unknown module", *TAGGED, ("fields[Nope]", "name"),
                 *PAGE),
        contacts("page size 0", ("page[size]", "0"), ("page[number]", "1")),
        contacts("negative page number", ("page[size]", "2"), ("page[number]", "-1")),
        contacts("page number not a number", ("page[size]", "2"), ("page[number]", "two")),
        contacts("unknown page option", ("page[size]", "2"), ("page[offset]", "2")),
        contacts("unknown query option", ("limit", "2"), *PAGE),
        write("create in an unknown module", "POST", {"type": "NoSuchModule",
                                                      "attributes": {"name": "x"}}),
        write("create with an unknown attribute", "POST", {"type": "Contacts", "attributes": {
            "last_name": "x", "no_such_field": "y"}}),
        write("create without a type", "POST", {"attributes": {"last_name": "x"}}),
        write("create with a malformed id", "POST", {"type": "Contacts", "id": "not-a-uuid",
                                                     "attributes": {"last_name": "x"}}),
        write("create with attributes of the wrong type", "POST",
              {"type": "Contacts", "attributes": "last_name"}),
        write("create with a numeric id", "POST", {"type": "Contacts", "id": 42,
                                                   "attributes": {"last_name": "x"}}),
        Request("create with data of the wrong type", "POST", module, body={"data": "x"}),
        Request("create without a body", "POST", module),
        Request("create with an empty object", "POST", module, body={}),
        Request("create with malformed JSON", "POST", module, raw='{"data": {"type": '),
        Request("create with a form body", "POST", module, raw="data=x",
                content_type="application/x-www-form-urlencoded"),
        write("update without an id", "PATCH", {"type": "Contacts",
                                                "attributes": {"title": "x"}}),
        write("update an unknown id", "PATCH", {"type": "Contacts",
                                                "id": "00000000-0000-0000-0000-000000000000",
                                                "attributes": {"title": "x"}}),
        Request("delete an unknown id", "DELETE",
                f"{module}/Contacts/00000000-0000-0000-0000-000000000000"),
        Request("unknown route", "GET", f"{V8}/no/such/route"),
        Request("wrong method", "PUT", f"{module}/Contacts/${{c1}}"),
        get("no token", "module/Contacts/${c1}", auth="none"),
        get("garbage token", "module/Contacts/${c1}", auth="not.a.jwt"),
        get("token of another server", "module/Contacts/${c1}", auth=foreign_token()),
    ]


def token_requests() -> list[Request]:
    """The token endpoint: ``${cc_id}`` and friends are each side's own credentials."""
    cc = {"client_id": "${cc_id}", "client_secret": "${cc_secret}"}
    pw = {"client_id": "${pw_id}", "client_secret": "${pw_secret}",
          "username": "${username}", "password": "${password}"}

    def token(label: str, grant: str, form: dict[str, str]) -> Request:
        return Request(label, "POST", TOKEN, form={"grant_type": grant, **form}, auth="none")

    return [
        token("client credentials", "client_credentials", cc),
        token("password grant", "password", pw),
        token("wrong password", "password", {**pw, "password": WRONG_PASSWORD}),
        token("unknown user", "password", {**pw, "username": "no-such-user"}),
        token("wrong client secret", "client_credentials", {**cc, "client_secret": "wrong"}),
        token("unknown client", "client_credentials", {**cc, "client_id": "no-such-client"}),
        token("no client id", "client_credentials", {"client_secret": "x"}),
        token("unsupported grant", "authorization_code", cc),
        token("no grant type", "", cc),
        token("password grant with the service client", "password", {
            **pw, "client_id": "${cc_id}", "client_secret": "${cc_secret}"}),
        token("client credentials with the password client", "client_credentials", {
            "client_id": "${pw_id}", "client_secret": "${pw_secret}"}),
        token("garbage refresh token", "refresh_token", {
            "client_id": "${pw_id}", "client_secret": "${pw_secret}",
            "refresh_token": "def50200garbage"}),
    ]
