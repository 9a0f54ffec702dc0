"""Close the loop in public: when a social Case is closed, draft the customer's answer.

A customer who complained in public should read, in the same thread, that the problem
was solved. When a Case that came from a social interaction is closed in SuiteCRM
(its change reaches ``socialcrm:events:suitecrm``; ``workers.jobs.close_loop`` reads it
as the consumer group ``close-loop``), :func:`handle_case`:

1. reads the Case as SuiteCRM holds it now (never the event: events come late, twice,
   or out of order). Open again: the closure is over (see 4). Closed as rejected or
   duplicate (``NOT_ANNOUNCED``): nothing to announce;
2. finds the original thread: the Case's oldest inbound interaction that can be
   answered in public (a post, comment or reply on the network, not hidden or deleted);
3. drafts the reply from the template of the interaction's language (en, ru, zh; others
   get English) with the Case's number and resolution and the assignee's signature,
   checks it against the site policy (the verdict shows with the draft, before anyone
   sends it), and keeps it for the Case's assignee (``workers.updates.drafts``: one
   draft per closure, whatever number of events tell of it). The interaction becomes
   ``closed``: its matter is settled, so it leaves the rep's inbox and SLA clock, and
   the reply, once posted, makes it ``closed_publicly`` (``replies.answered_changes``).
   The assignee's feed shows an alert with the draft;
4. a Case reopened (or deleted) withdraws a draft not yet sent, gives the interaction
   its status back if it is still ``closed``, and forgets the closure: closing the Case
   again drafts again. While the Case stays closed, a change of its resolution redrafts
   a draft not yet sent.

All of it is safe to repeat and runs under a per-Case lock. Reads and writes use the
service account. Sending goes through the rep's reply path (``/api/v1/drafts``).
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

import redis
from redis.exceptions import RedisError

from connectors.errors import NotFoundError
from connectors.suitecrm import Filter, Record, SuiteCRMClient
from plugin.compliance import Policy
from plugin.sync.cases import is_open
from plugin.sync.ids import INTERACTIONS
from workers import feed
from workers.feed_items import FeedItem, reference, shorten, version_of
from workers.updates.drafts import Draft, DraftStore
from workers.updates.holds import ALERT_MODULE
from workers.updates.replies import (
    CLOSED_STATUS,
    NOT_POSTED_PREFIXES,
    REPLYABLE_KINDS,
)
from workers.updates.reply_policy import MAX_REPLY_CHARS, check_reply, user_signature

log = logging.getLogger(__name__)

CASES = "Cases"
CASE_FIELDS = ("name", "case_number", "state", "status", "resolution", "assigned_user_id")
NOT_ANNOUNCED = frozenset({"Closed_Rejected", "Closed_Duplicate"})
ORIGIN_FIELDS = ("network", "external_id", "kind", "status", "language", "body",
                 "author_name", "permalink", "assigned_user_id", "occurred_at")
SILENT_STATUSES = frozenset({"hidden", "deleted"})
# The interaction statuses a closure turns into ``closed`` (not hidden, deleted, or
# closed publicly by an earlier closure's reply: that one is told again).
CLOSABLE_STATUSES = frozenset({"", "new", "assigned", "responded", "closed_publicly"})
WAITING_OR_ANSWERED = CLOSABLE_STATUSES - {"closed_publicly"}
ORIGIN_CANDIDATES = 20
RESOLUTION_LIMIT = 500  # characters of the resolution quoted in public
LOCK = "socialcrm:lock:close-loop:"
LOCK_SECONDS = 120
LOCK_WAIT_SECONDS = 30

DEFAULT_TEMPLATES: Mapping[str, str] = MappingProxyType({
    "en": "Good news: your case {case_number} is resolved. {resolution}\n"
          "Thank you for your patience!\n— {agent_first_name}",
    "ru": "Хорошие новости: ваше обращение {case_number} решено. {resolution}\n"
          "Спасибо за терпение!\n— {agent_first_name}",
    "zh": "好消息：您的问题（编号 {case_number}）已解决。{resolution}\n"
          "感谢您的耐心！\n— {agent_first_name}",
})
PLACEHOLDERS = frozenset({"case_number", "case_name", "resolution", "customer_name",
                          "agent_first_name", "agent_name"})
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_SPACES = re.compile(r"[ \t]+")


@dataclass(frozen=True, slots=True)
class Templates:
    """The reply texts per language (ISO 639-1), with placeholders from
    ``PLACEHOLDERS``; ``fallback`` is used for a language without a template."""

    by_language: Mapping[str, str] = field(default_factory=lambda: DEFAULT_TEMPLATES)
    fallback: str = "en"

    def __post_init__(self) -> None:
        if self.fallback not in self.by_language:
            raise ValueError(f"close-loop templates: no template for the fallback language "
                             f"{self.fallback!r}")
        for language, text in self.by_language.items():
            unknown = set(_PLACEHOLDER.findall(text)) - PLACEHOLDERS
            if unknown:
                raise ValueError(f"close-loop templates.{language}: unknown placeholder "
                                 f"{{{sorted(unknown)[0]}}} (known: "
                                 f"{', '.join(sorted(PLACEHOLDERS))})")

    def render(self, language: str, values: Mapping[str, str]) -> tuple[str, str]:
        """The language used and the text: each line's spaces tidied (an empty
        placeholder leaves none behind), empty lines dropped."""
        base = language.strip().replace("_", "-").split("-")[0].lower()
        chosen = base if base in self.by_language else self.fallback
        text = _PLACEHOLDER.sub(lambda m: values.get(m.group(1), ""),
                                self.by_language[chosen])
        lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
        return chosen, "\n".join(line for line in lines if line)


def handle_case(client: redis.Redis, crm: SuiteCRMClient, case_id: str, *,
                policy: Policy | None, templates: Templates, now: datetime) -> str:
    """Bring the Case's closure draft in line with the Case (see the module docstring);
    what happened, in a word or two, for the job's summary."""
    with client.lock(LOCK + case_id, timeout=LOCK_SECONDS, blocking_timeout=LOCK_WAIT_SECONDS):
        drafts = DraftStore(client)
        try:
            case = crm.get(CASES, case_id, fields=CASE_FIELDS)
        except NotFoundError:
            return _closure_over(client, crm, drafts, case_id, "gone")
        if is_open(case):
            return _closure_over(client, crm, drafts, case_id, "open")
        held = drafts.of_case(case_id)
        if held is not None:
            return _redraft(crm, drafts, held, case, policy, templates)
        if str(case.get("status") or "") in NOT_ANNOUNCED:
            drafts.handled_without_draft(case_id)
            return "not announced"
        origin = _origin(crm, case_id)
        if origin is None:
            drafts.handled_without_draft(case_id)
            return "no public thread"
        assignee = str(case.get("assigned_user_id") or origin.get("assigned_user_id") or "")
        if not assignee:
            drafts.handled_without_draft(case_id)
            return "no assignee"
        draft = _draft(crm, case, origin, assignee, policy, templates, now)
        if not drafts.create(draft):
            return "drafted already"
        if str(origin.get("status") or "") in CLOSABLE_STATUSES:
            crm.update(INTERACTIONS, origin.id, {"status": CLOSED_STATUS})
        _tell(client, draft)
        log.info("case %s closed: draft %s for %s", case_id, draft.id, assignee)
        return "drafted"


def _origin(crm: SuiteCRMClient, case_id: str) -> Record | None:
    """The Case's oldest inbound interaction that can be answered in public."""
    candidates = crm.list(INTERACTIONS, filter=Filter.where(case_id=case_id,
                                                            direction="inbound"),
                          sort="occurred_at", fields=list(ORIGIN_FIELDS),
                          page_size=ORIGIN_CANDIDATES).records
    for record in candidates:
        external = str(record.get("external_id") or "")
        if (str(record.get("kind") or "") in REPLYABLE_KINDS and external
                and not external.startswith(NOT_POSTED_PREFIXES)
                and str(record.get("network") or "") in MAX_REPLY_CHARS
                and str(record.get("status") or "") not in SILENT_STATUSES):
            return record
    return None


def _text(crm: SuiteCRMClient, case: Record, language: str, assignee: str,
          templates: Templates) -> tuple[str, str, dict[str, str], str]:
    names = user_signature(crm, assignee)
    resolution = shorten(str(case.get("resolution") or "").strip(), RESOLUTION_LIMIT) \
        if case.get("resolution") else ""
    chosen, text = templates.render(language, {
        "case_number": str(case.get("case_number") or ""),
        "case_name": str(case.get("name") or ""), "resolution": resolution,
        "agent_first_name": names.get("agent_first_name", ""),
        "agent_name": names.get("agent_name", "")})
    return chosen, text, names, resolution


def _draft(crm: SuiteCRMClient, case: Record, origin: Record, assignee: str,
           policy: Policy | None, templates: Templates, now: datetime) -> Draft:
    language, text, names, resolution = _text(
        crm, case, str(origin.get("language") or ""), assignee, templates)
    network = str(origin.get("network") or "")
    verdict = check_reply(text, network, language, policy=policy, signature_values=names)
    summary = {"id": origin.id, **{name: origin.get(name) for name in (
        "network", "kind", "body", "author_name", "permalink", "language")
        if origin.get(name) not in (None, "")}}
    return Draft(
        id=str(uuid.uuid4()), case_id=case.id, case_number=str(case.get("case_number") or ""),
        case_name=str(case.get("name") or ""), interaction=summary, assignee_id=assignee,
        language=language, text=text, verdict=verdict.to_dict(), created_at=now,
        previous_status=str(origin.get("status") or ""), resolution=resolution)


def _redraft(crm: SuiteCRMClient, drafts: DraftStore, held: str, case: Record,
             policy: Policy | None, templates: Templates) -> str:
    """The closure has its draft: a pending one follows the Case's resolution."""
    draft = drafts.get(held) if held else None
    if draft is None or draft.state != "pending":
        return "drafted already"
    _settle(crm, draft)
    language, text, names, resolution = _text(crm, case, draft.language, draft.assignee_id,
                                              templates)
    if text == draft.text:
        return "drafted already"
    network = str(draft.interaction.get("network") or "")
    verdict = check_reply(text, network, language, policy=policy, signature_values=names)
    return "redrafted" if drafts.redraft(draft.id, text, verdict.to_dict(), resolution) \
        else "drafted already"


def _settle(crm: SuiteCRMClient, draft: Draft) -> None:
    """The interaction ``closed`` while its draft waits (again, when the write after the
    draft was lost); one answered in public meanwhile is left as it is."""
    try:
        current = crm.get(INTERACTIONS, draft.interaction_id, fields=["status"])
    except NotFoundError:
        return
    if str(current.get("status") or "") in WAITING_OR_ANSWERED:
        crm.update(INTERACTIONS, current.id, {"status": CLOSED_STATUS})


def _closure_over(client: redis.Redis, crm: SuiteCRMClient, drafts: DraftStore,
                  case_id: str, why: str) -> str:
    """Reopened or deleted: withdraw the closure's draft unless sent, and give the
    interaction back the status it had."""
    held = drafts.forget_case(case_id)
    draft = drafts.get(held) if held else None
    if draft is None:
        return why
    if drafts.move(draft, "withdrawn") != "moved":
        return f"{why}: draft kept ({draft.state})"
    untell(client, draft)
    try:
        current = crm.get(INTERACTIONS, draft.interaction_id, fields=["status"])
        if current.get("status") == CLOSED_STATUS and draft.previous_status not in (
                "", CLOSED_STATUS):
            crm.update(INTERACTIONS, current.id, {"status": draft.previous_status})
    except NotFoundError:
        pass
    return f"{why}: draft withdrawn"


def draft_item_id(draft: Draft) -> str:
    return f"draft-{draft.id}"


def _tell(client: redis.Redis, draft: Draft) -> None:
    """The draft in the assignee's feed (best effort: the draft stands regardless)."""
    title = f"Reply ready: case {draft.case_number or draft.case_name} is closed"
    item = FeedItem(
        kind="alert", module=ALERT_MODULE, record_id=draft_item_id(draft),
        version=version_of(draft.created_at), title=title, occurred_at=draft.created_at,
        summary=draft.text, network=str(draft.interaction.get("network") or "") or None,
        status="draft", permalink=str(draft.interaction.get("permalink") or "") or None,
        related=(reference(CASES, draft.case_id),
                 reference(INTERACTIONS, draft.interaction_id)))
    try:
        feed.publish(client, item, [draft.assignee_id])
    except (RedisError, ValueError) as exc:
        log.warning("draft %s not shown in the feed: %s", draft.id, exc)


def untell(client: redis.Redis, draft: Draft) -> None:
    """The draft's alert out of the feed (sent, discarded or withdrawn)."""
    try:
        feed.remove(client, ALERT_MODULE, draft_item_id(draft))
    except RedisError as exc:
        log.warning("draft %s still in the feed: %s", draft.id, exc)

