"""Where a reply goes: the network, the account that answers, the thread, the customer.

A Facebook post or comment id starts with the Page's id (``<page>_<post>``), so the
thread names the Page. A LinkedIn URN does not name the organization: with one
organization connected it is that one, with several the thread's post is read to find
its author.

A Messenger message is answered in its conversation, whose key
(``messenger:<page>:<PSID>``, ``connectors.facebook.messenger``) names the Page and the
customer. A message stored before messages had that key (its thread Graph's
conversation id ``t_...``, or none) names its customer as its author, and the Page is
the one connected (with several, the reply cannot tell which and fails, saying so).
"""

from __future__ import annotations

from dataclasses import dataclass

import redis

from connectors.facebook.messenger import conversation_key, parse_conversation_key
from connectors.linkedin.urns import organization_urn
from connectors.suitecrm import Record
from workers import connections
from workers.runtime import Runtime
from workers.updates.replies import MESSAGE_KIND


class DeliveryFailed(Exception):
    """The reply cannot be posted; the message is for the rep."""


@dataclass(frozen=True, slots=True)
class Target:
    """Where the reply goes: the network, the account posting, what it answers;
    ``recipient`` the customer's PSID when the reply is a Messenger message."""

    network: str
    account_id: str
    answered_id: str
    thread_id: str
    recipient: str | None = None

    @property
    def checkable(self) -> bool:
        """Whether an earlier attempt can be looked for on the network before posting."""
        return self.network == "linkedin" or self.recipient is not None


def target_of(client: redis.Redis, runtime: Runtime, inbound: Record) -> Target:
    network = str(inbound.get("network") or "")
    answered = str(inbound.get("external_id") or "")
    thread = str(inbound.get("thread_external_id") or "") or answered
    if network == "facebook" and inbound.get("kind") == MESSAGE_KIND:
        return _conversation(client, inbound, answered)
    if network == "facebook":
        page = thread.split("_")[0] if "_" in thread else ""
        if not page:
            page = _only_connection(client, network)
        return Target(network, page, answered, thread)
    if network == "linkedin":
        return Target(network, _organization(client, runtime, thread), answered, thread)
    raise DeliveryFailed(f"replies on {network or 'this network'} are not supported")


def _conversation(client: redis.Redis, inbound: Record, answered: str) -> Target:
    """The Messenger conversation of an inbound message: its key names the Page and the
    customer; a message stored before keys has its customer as author (module docstring)."""
    named = parse_conversation_key(str(inbound.get("thread_external_id") or ""))
    if named is not None:
        page, customer = named
    else:
        customer = str(inbound.get("author_external_id") or "")
        page = _only_connection(client, "facebook")
    key = conversation_key(page, customer)
    if key is None:
        raise DeliveryFailed("this message does not say who sent it, so it cannot be "
                             "answered in Messenger")
    return Target("facebook", page, answered, key, recipient=customer)


def _only_connection(client: redis.Redis, network: str) -> str:
    connected = connections.all_connections(client, network)
    if len(connected) != 1:
        raise DeliveryFailed(f"cannot tell which {network} account should answer: "
                             f"{len(connected)} are connected")
    return connected[0].account_id


def _organization(client: redis.Redis, runtime: Runtime, post_urn: str) -> str:
    connected = connections.all_connections(client, "linkedin")
    if len(connected) == 1:
        return connected[0].account_id
    if not connected or runtime.linkedin is None:
        raise DeliveryFailed("no LinkedIn organization is connected to answer from")
    author = runtime.linkedin(connected[0].account_id).post(post_urn).owner_id
    for connection in connected:
        if organization_urn(connection.account_id) == organization_urn(author):
            return connection.account_id
    raise DeliveryFailed("the post belongs to a LinkedIn organization that is not connected")
