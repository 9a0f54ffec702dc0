"""A faithful local stand-in for SuiteCRM 7.14's REST API V8.

It answers the requests a SuiteCRM client makes with the status codes, body shapes,
media types, error texts and quirks recorded from a live SuiteCRM 7.14.6 (the contract
recordings), so clients, workers and demos run without a PHP/MySQL install. The site
root is ``sandbox.url``; the API lives under ``/Api`` exactly as on a real server::

    with SuiteCRMSandbox(seed=True) as sandbox:           # port 0 = any free port
        requests.post(f"{sandbox.url}/Api/access_token", data={...})

Public API
==========
``SuiteCRMSandbox(host="127.0.0.1", port=0, *, seed=True, token_ttl=3600, rng_seed=7,
clock=None, schema_dirs=(), with_plugin=False, allow_remote=False)``
    ``host`` must be loopback (127.0.0.0/8, ``::1``, ``localhost``) unless
    ``allow_remote=True``: otherwise ``sandboxes.binding.RemoteBindRefused`` is raised
    and nothing is bound (the control API below has no auth); with it, a warning is
    logged and written to stderr.
    ``start()`` (background thread, returns self), ``stop()``, ``url``, ``port``,
    context manager, ``serve_forever(stop=None)`` (blocks until Ctrl-C, ``stop()`` or the
    event), ``pause_listening()`` / ``resume_listening()`` (close and reopen the same
    port: clients get "connection refused" in between; data and tokens survive).
    ``clock`` is a callable returning an aware ``datetime`` (UTC "now" for timestamps
    and token expiry); ``schema_dirs`` adds module/extension JSON files (see below);
    ``with_plugin`` makes it a SuiteCRM with the SocialCRM package installed (the
    modules, custom fields and links of ``schema/socialcrm``, generated from
    ``plugin/model.py``, and the change outbox its logic hooks fill: see ``outbox``);
    without it, it is the SuiteCRM the recordings came from.
    Python-level control: ``faults`` (``configure(**settings)``, ``clear()``,
    ``snapshot()``), ``request_log`` (``entries(limit)``, ``clear()``), ``reset()``,
    ``expire_tokens()``, ``add_role(name, {module: {action: level}})``,
    ``add_user(user_name, password, *, user_id=None, first_name="", last_name="",
    title="", is_admin=False, roles=(), email=None) -> user_id``,
    ``add_client(client_id, secret, grant_type, user_id="1")``,
    ``create_record(module, attributes, *, record_id=None, user_id="1") -> dict``,
    and ``core`` (the ``SandboxCore`` holding registry, store and services).
``serve(host="127.0.0.1", port=8080, seed=True, *, on_ready=None, stop=None,
with_plugin=True, allow_remote=False)``
    Runs a sandbox until Ctrl-C (or until the ``stop`` event is set); calls
    ``on_ready(url)`` once listening. It prints nothing: the caller prints the URL.
Constants (``seed``)
    ``ADMIN_USER = ("admin", "admin-Passw0rd", "1")``; ``DEMO_REPS``: sally, max, will,
    chris, sarah as ``(user_name, "<user_name>-Passw0rd", "seed_<user_name>_id")``;
    ``DEMO_USERS = [ADMIN_USER, *DEMO_REPS]``; ``OWNER_ONLY_USER = "seed_max_id"`` with
    role ``OWNER_ONLY_ROLE`` (owner-only view/list/edit/delete on Contacts, Leads,
    Opportunities, Cases, Calls, Meetings, Tasks, Notes); OAuth2 clients
    ``RECORDING_CC_CLIENT`` / ``DEMO_SYNC_CLIENT`` (client_credentials, act as the admin)
    and ``RECORDING_PASSWORD_CLIENT`` / ``DEMO_MOBILE_CLIENT`` (password, plus
    refresh_token), each a ``(client_id, secret)`` pair. These exist with or without
    ``seed``; ``seed=True`` adds demo business data (30 accounts, 200 contacts, 80
    leads, opportunities, cases, calls, meetings, tasks, notes, email addresses),
    deterministic for a given ``rng_seed`` and clock.

Routes
======
``POST /Api/access_token`` (form or JSON, or HTTP Basic client auth; grants
client_credentials, password, refresh_token), ``POST /Api/V8/logout``,
``GET /Api/V8/current-user``, ``GET /Api/V8/meta/modules``,
``GET /Api/V8/meta/fields/{Module}``, ``GET /Api/V8/meta/swagger.json``,
``GET /Api/V8/module/{Module}``, ``GET|DELETE /Api/V8/module/{Module}/{id}``,
``POST|PATCH /Api/V8/module``, ``GET /Api/V8/module/{M}/{id}/relationships/{link}``,
``POST /Api/V8/module/{M}/{id}/relationships[/{link}]``,
``DELETE /Api/V8/module/{M}/{id}/relationships/{link}/{relatedId}``. Anything else
is 404 ``{"message": "Not found"}``; a wrong method is 405 with the allowed list.
``/meta/fields`` answers only for modules listed by ``/meta/modules`` (the tabs):
``Users``, ``EmailAddresses`` and ``SugarFeed`` are refused with SuiteCRM's exact
"[Not Allowed]" body although they can be listed. A filter on a non-db field (other than
``email1``) or a sort on one that SuiteCRM does not join (links, ``email1``) is SuiteCRM's
"Database failure": a 400 whose body is the JSON error followed by raw text.
The modules' behaviour (filters, sorting, paging and its ``next``-link bug, date
storage, ``email1``, relate fields, relationship kinds, ACL) is described in the
docstrings of ``query``, ``values``, ``records``, ``links``, ``acl`` and ``documents``;
text (``to_html`` on read, entity decoding and HTML sanitising on write, ``????`` for
emoji, and with ``with_plugin`` the package's text guard) in ``text``. The differential
check (``tests/live/test_differential.py``) holds all of it against a real SuiteCRM.

Control API (``/__sandbox__``, never under ``/Api``; JSON in and out, no auth)
==============================================================================
``GET|POST|DELETE /__sandbox__/faults``
    POST merges settings ``{"latency_ms": int, "fail_next": int, "fail_status": int
    (default 503), "retry_after": number|null, "drop_next": int,
    "lose_answer_next": int}`` and answers the
    current state; bad values answer 400 ``{"error": ...}``; DELETE clears all.
    Faults apply to ``/Api`` routes only: ``latency_ms`` delays each answer,
    ``fail_next`` answers that many requests with ``fail_status``, an HTML body and
    ``Retry-After`` (when set), ``drop_next`` closes that many connections unanswered,
    ``lose_answer_next`` carries that many requests out and then hangs up unanswered.
``POST /__sandbox__/refuse`` ``{"seconds": s}`` -> ``{"refusing_for": s}``: shortly after
    answering, the sandbox closes its port (connections are refused) and listens again
    ``s`` seconds later (0 < s <= 600), as ``refuse_connections(s)`` does in Python.
``POST /__sandbox__/tokens/expire`` -> ``{"expired": n}``: every access token issued so
    far is expired now (refresh tokens still work).
``POST /__sandbox__/reset`` -> ``{"reset": true}``: all records are rebuilt (reseeded
    if the sandbox was seeded); issued tokens stay valid; faults and log are kept.
``GET /__sandbox__/requests[?limit=N]`` -> ``{"requests": [{"method", "path",
    "status", "at"}]}`` for the last API requests (status ``null`` = dropped); never
    bodies, query strings, headers or tokens. ``DELETE`` clears it.

Schema files (``schema/modules/*.json``, plus any ``schema_dirs``)
=================================================================
One JSON object per file. A *module* file::

    {
      "module": "Contacts",              # module name used in URLs and requests
      "object_name": "Contact",          # JSON:API "type"; also accepted on create
      "label": "Contacts",               # /meta/modules label, by-link messages
      "module_list": true,               # listed by /meta/modules
      "acl": true,                       # subject to role ACL (false: always allowed)
      "name_format": "person",           # "person": name/full_name from
                                         #   salutation + first_name + last_name
      "fields": {"id": {...}, ...},      # exactly what /meta/fields serves, in order;
                                         #   the order is also the attribute order.
                                         #   Stored unless "source" is "non-db" or
                                         #   "function" or "type" is "link";
                                         #   "source": "custom_fields" is stored.
                                         #   Value rules follow type/dbType (datetime,
                                         #   date, bool, int, float with "precision").
                                         #   A non-null "default" fills new records.
      "empty_values": {"reports_to_link": {}, "portal_account_disabled": false},
                                         # output for empty fields (default "")
      "create_defaults": {"portal_flag": "0"},   # extra defaults for new records
      "relationships": {"Users": "created_by_link", ...},
                                         # the record's "relationships" object
                                         #   (object name or module -> link); {} -> []
      "links": {                         # what link fields mean (others: always empty)
        "calls": {"module": "Calls", "kind": "many", "relationship": "calls_contacts",
                  "fill": {"contact_id": "id", "contact_name": "full_name"}},
        "notes": {"module": "Notes", "kind": "children", "field": "contact_id"},
        "notes_parent": {"module": "Notes", "kind": "children", "field": "parent_id",
                         "type_field": "parent_type"},
        "reports_to_link": {"module": "Contacts", "kind": "parent",
                            "field": "reports_to_id"},
        "email_addresses": {"module": "EmailAddresses", "kind": "email"}
      },                                 # "fill": attributes set on related records
                                         #   listed through this link
      "relate": {                        # read-only values from other records
        "account_name": {"link": "accounts", "field": "name"},
        "assigned_user_name": {"id_field": "assigned_user_id", "module": "Users",
                               "field": "full_name"},
        "parent_name": {"parent": "parent_type", "id_field": "parent_id", "field": "name"},
        "email1": {"email": "primary", "field": "email_address"}   # or "other"
      },
      "relate_writes": {"account_id": "accounts"},  # writing this id re-points the link
      "feed": "CREATED_CONTACT",         # optional: Activity Stream entry on create
      "counter": "case_number",          # optional: auto-increment field
      "admin_only": false,               # optional: non-admins are refused every action
      "hard_delete": false,              # optional: DELETE removes the row for good,
                                         # with a counter every row numbered before it too
      "duration": {"start": "date_start", "end": "date_end", "hours": "duration_hours",
                   "minutes": "duration_minutes"},      # optional: computed end
      "timestamps": {"created": "date_created", "modified": "date_modified"},
      "uppercase": {"email_address_caps": "email_address"},
      "copy_fields": {"amount_usdollar": "amount"},
      "api_hidden": ["user_name"],      # sensitive / not api-visible: left out of
                                         #   /module answers, shown by /current-user
      "derived": {"probability": {"from": "sales_stage",       # filled on save while
                                  "values": {"Prospecting": "10"}}}  # still empty
    }

An *extension* file adds to a module already loaded (custom fields of a package, such
as ``scrm_avg_sentiment_c`` on Contacts, or the plugin's link fields)::

    {"extends": "Contacts",
     "fields": {"scrm_avg_sentiment_c": {"required": false, "source": "custom_fields",
                "type": "decimal", "default": null, "comments": "", "len": "7",
                "precision": "4", "dbType": "decimal"}},
     "links": {...}, "relate": {...}}

Fields are appended after the module's own (like ``_cstm`` fields); other objects are
merged key by key. A new module (for example the plugin's ``SCRM_SocialInteractions``
or ``SCRM_SocialProfiles``) is one more module file in a ``schema_dirs`` directory.
"""

from .seed import (
    ADMIN_USER,
    DEMO_MOBILE_CLIENT,
    DEMO_REPS,
    DEMO_SYNC_CLIENT,
    DEMO_USERS,
    OWNER_ONLY_ROLE,
    OWNER_ONLY_USER,
    RECORDING_CC_CLIENT,
    RECORDING_PASSWORD_CLIENT,
)
from .server import SuiteCRMSandbox, serve

__all__ = [
    "ADMIN_USER",
    "DEMO_MOBILE_CLIENT",
    "DEMO_REPS",
    "DEMO_SYNC_CLIENT",
    "DEMO_USERS",
    "OWNER_ONLY_ROLE",
    "OWNER_ONLY_USER",
    "RECORDING_CC_CLIENT",
    "RECORDING_PASSWORD_CLIENT",
    "SuiteCRMSandbox",
    "serve",
]
