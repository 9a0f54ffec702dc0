"""``/api/v1/records/{kind}`` (search) and ``/api/v1/records/{kind}/{id}`` (detail), and
``/api/v1/cards/{contacts|leads}/{id}`` (a person's card), for the five kinds of
``kinds``: one route per kind, so each has its own typed schemas in the OpenAPI document.

Everything is read from SuiteCRM with the rep's own token (``rep_crm``): SuiteCRM's roles
decide what a rep finds and opens, and a record it hides answers exactly as a missing one
(404). Answers are kept ``record_cache.DEFAULT_TTL_SECONDS`` in the rep's own cache
(``workers.record_cache``); details and cards carry an ``ETag`` computed from what they
show (the record's ``id`` and ``date_modified`` included), and ``If-None-Match`` with
the current tag answers 304 without a body.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from mobile_api.auth.guard import current_rep, rep_crm
from mobile_api.errors import ErrorSchema
from mobile_api.parsing import Blueprint
from mobile_api.records.card import INTERACTIONS, PROFILES, card
from mobile_api.records.crm_errors import suitecrm_answers
from mobile_api.records.detail import checked_id, detail, missing
from mobile_api.records.kinds import KINDS, PEOPLE, RecordKind
from mobile_api.records.schemas import CARDS, DETAILS, PAGES, SearchArgs
from mobile_api.records.search import normalized, search
from mobile_api.state import api_redis
from workers.record_cache import RecordCache, Tag

records = Blueprint("records", __name__, url_prefix="/records",
                    description="Search and open contacts, accounts, leads, opportunities "
                                "and cases, as SuiteCRM lets you see them")
cards = Blueprint("cards", __name__, url_prefix="/cards",
                  description="A contact's or lead's card: social profiles, sentiment, "
                              "advocate score and recent interactions")

_ERRORS: tuple[tuple[int, str], ...] = (
    (401, "Not logged in, or SuiteCRM no longer accepts your session"),
    (502, "SuiteCRM gave an answer the service cannot use"),
    (503, "SuiteCRM is not answering right now (see Retry-After)"),
)


def rep_cache() -> RecordCache:
    return RecordCache(api_redis(), current_rep().user_id)


def _documented_errors(blueprint: Blueprint, view: Callable[..., Any],
                       *more: tuple[int, str]) -> Callable[..., Any]:
    for status, description in (*_ERRORS, *more):
        view = blueprint.alt_response(status, schema=ErrorSchema,
                                      description=description)(view)
    return view


def _shown(kind: RecordKind) -> list[Tag]:
    return [Tag(module) for module in kind.shows_modules]


def _add_search(kind: RecordKind) -> None:
    def search_kind(args: dict[str, Any]) -> Any:
        rep = current_rep()
        q = normalized(args.get("q"))
        question = ("search", kind.name, q, args["mine"], args["limit"], args.get("cursor"))

        def read() -> Any:
            with suitecrm_answers():
                return search(rep_crm(), kind, q=q, limit=args["limit"],
                              mine_user=rep.user_id if args["mine"] else "",
                              position=args.get("cursor"))

        return rep_cache().answer(question, [Tag(kind.module), *_shown(kind)], read)

    view = _documented_errors(records, search_kind,
                              (403, "Your SuiteCRM role closes this module to you"))
    view = records.response(200, PAGES[kind.name])(view)
    view = records.arguments(SearchArgs, location="query")(view)
    view = records.doc(operationId=f"search{kind.title}Records",
                       summary=f"Search {kind.name}",
                       description=f"Compact {kind.name} rows, newest change first "
                                   "without `q`, by name with it.")(view)
    records.route(f"/{kind.name}", endpoint=f"search_{kind.name}", methods=["GET"])(view)


def _add_detail(kind: RecordKind) -> None:
    def open_record(record_id: str) -> Any:
        checked_id(kind, record_id)

        def read() -> Any:
            with suitecrm_answers(missing=missing(kind)):
                return detail(rep_crm(), kind, record_id)[0]

        answer = rep_cache().answer(("detail", kind.name, record_id),
                                    [Tag(kind.module, record_id), *_shown(kind)], read)
        records.set_etag(answer)
        return answer

    view = _documented_errors(records, open_record,
                              (404, f"No such {kind.title.lower()}, or one SuiteCRM hides "
                                    "from you"))
    view = records.response(200, DETAILS[kind.name])(view)
    view = records.etag(view)
    view = records.doc(operationId=f"get{kind.title}Record",
                       summary=f"One {kind.title.lower()}",
                       description="Its fields, with `base_version` for edits.")(view)
    records.route(f"/{kind.name}/<string:record_id>", endpoint=f"detail_{kind.name}",
                  methods=["GET"])(view)


def _add_card(kind: RecordKind) -> None:
    def open_card(record_id: str) -> Any:
        checked_id(kind, record_id)

        def read() -> Any:
            with suitecrm_answers(missing=missing(kind)):
                return card(rep_crm(), kind, record_id, datetime.now(UTC))

        tags = [Tag(kind.module, record_id), Tag(PROFILES), Tag(INTERACTIONS), *_shown(kind)]
        answer = rep_cache().answer(("card", kind.name, record_id), tags, read)
        cards.set_etag(answer)
        return answer

    view = _documented_errors(cards, open_card,
                              (404, f"No such {kind.title.lower()}, or one SuiteCRM hides "
                                    "from you"))
    view = cards.response(200, CARDS[kind.name])(view)
    view = cards.etag(view)
    view = cards.doc(operationId=f"get{kind.title}Card",
                     summary=f"A {kind.title.lower()}'s card")(view)
    cards.route(f"/{kind.name}/<string:record_id>", endpoint=f"card_{kind.name}",
                methods=["GET"])(view)


for _kind in KINDS.values():
    _add_search(_kind)
    _add_detail(_kind)
for _kind in PEOPLE.values():
    _add_card(_kind)
