"""How every ``/api/v1`` blueprint reads JSON bodies: oversized and ill-formed text refused.

webargs' Flask parser trusts what Werkzeug hands it. Two client mistakes slipped through
as server errors or the wrong answer:

* a **chunked body over the limit**: Werkzeug stops reading at ``MAX_CONTENT_LENGTH``
  without a word, so the parser saw truncated JSON and answered 400; it is a 413;
* a **lone surrogate** (``"\\ud800"``) is valid JSON but not text: no UTF-8 encoder takes
  it, so the login throttle's Redis key, a token digest or the SuiteCRM request failed
  with a 500; it is refused as invalid JSON (400) before any handler sees it.

It also remembers the query strings it read for a schema that says its queries repeat
(``REPEATED_QUERIES = True``: the feed's, which every phone sends as it sent it before):
a query string read once is not validated again, which cost a page read from memory
about a tenth of its time. Only queries that passed are remembered; each answer is a
fresh dict (its values are not changed by the routes).

Blueprints use :class:`Blueprint` from here, which carries this parser.
"""

from __future__ import annotations

import json
import re
import threading
from typing import Any

import flask
import flask_smorest
from cachetools import LRUCache
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import RequestEntityTooLarge

from mobile_api.state import api_config

_SURROGATE = re.compile("[\ud800-\udfff]")


REMEMBERED_QUERIES = 4096  # per process and schema-sharing parser


class SafeParser(FlaskParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._queries: LRUCache[tuple[int, bytes], dict[str, Any]] = LRUCache(
            maxsize=REMEMBERED_QUERIES)
        self._lock = threading.Lock()  # cachetools' caches are not thread-safe

    def parse(self, argmap: Any, req: flask.Request | None = None, *,
              location: str | None = None, **options: Any) -> Any:
        if location != "query" or not getattr(argmap, "REPEATED_QUERIES", False):
            return super().parse(argmap, req, location=location, **options)
        key = (id(argmap), (req or flask.request).query_string)
        with self._lock:
            known = self._queries.get(key)
        if known is None:
            known = super().parse(argmap, req, location=location, **options)
            with self._lock:
                self._queries[key] = known
        return dict(known)

    def _raw_load_json(self, req: flask.Request) -> Any:
        if not is_json_request(req):
            return core.missing
        data = req.get_data(cache=True)
        limit = api_config().max_body_bytes
        if len(data) > limit:
            raise RequestEntityTooLarge(f"the body is over {limit} bytes")
        parsed = core.parse_json(data)
        if _holds_surrogate(parsed):
            raise json.JSONDecodeError("a string holds a lone surrogate (not text)",
                                       data.decode("utf-8", "replace") or " ", 0)
        return parsed


def _holds_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return _SURROGATE.search(value) is not None
    if isinstance(value, dict):
        return any(_holds_surrogate(k) or _holds_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_surrogate(v) for v in value)
    return False


class Blueprint(flask_smorest.Blueprint):  # type: ignore[misc]
    """flask-smorest's blueprint with :class:`SafeParser` for its arguments."""

    ARGUMENTS_PARSER = SafeParser()
