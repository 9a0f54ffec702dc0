"""Where a lead's answers come from: the network, read with the connected account's token.

A lead webhook (Facebook ``leadgen``, LinkedIn's lead notification) names only the
submission; the answers, consents and the test flag are read from the network with the
Page's or organization's token. One job reads a submission twice (to write the
interaction's body, then the Lead), so the last few are kept in memory per process.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict

from connectors.social import LeadSubmission, Network
from plugin.sync.items import SocialItem
from workers import runtime

log = logging.getLogger(__name__)
CACHE_SIZE = 64

_cache: OrderedDict[tuple[str, str], LeadSubmission] = OrderedDict()
_lock = threading.Lock()


def fetch_submission(item: SocialItem) -> LeadSubmission | None:
    """The submission ``item`` names, read from its network; None when the process has
    no client for that network (the interaction is still written, without answers)."""
    key = (str(item.network), item.external_id)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    current = runtime.current()
    if item.network == Network.FACEBOOK and current.facebook is not None:
        submission = current.facebook(item.owner_id).lead(item.external_id,
                                                          page_id=item.owner_id)
    elif item.network == Network.LINKEDIN and current.linkedin is not None:
        submission = current.linkedin(item.owner_id).lead_submission(item.external_id)
    else:
        log.warning("no %s connection in this worker: lead %s written without its answers",
                    item.network, item.external_id)
        return None
    with _lock:
        _cache[key] = submission
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return submission
