"""The mobile API's flask-smorest blueprints, in one flat list (each under ``/api/v1``).

Adding a resource is one import and one entry here; ``api_setup`` registers them all.
"""

from __future__ import annotations

from flask_smorest import Blueprint

from mobile_api.advocates.routes import blueprint as advocates
from mobile_api.approvals.replies import blueprint as replies
from mobile_api.approvals.routes import blueprint as approvals
from mobile_api.auth.routes import blueprint as auth
from mobile_api.drafts.routes import blueprint as drafts
from mobile_api.feed.routes import blueprint as feed
from mobile_api.inbox.routes import blueprint as inbox
from mobile_api.metrics.routes import blueprint as metrics
from mobile_api.preferences.routes import blueprint as preferences
from mobile_api.records.routes import cards, records
from mobile_api.updates.routes import blueprint as updates

API_BLUEPRINTS: tuple[Blueprint, ...] = (
    auth,
    feed,
    records,
    cards,
    inbox,
    updates,
    metrics,
    advocates,
    preferences,
    replies,
    approvals,
    drafts,
)
