"""The sync rules: social items become SuiteCRM records exactly once, in any order.

``items`` normalises webhook events and polled records into ``SocialItem``; ``ids`` derives
the SuiteCRM id of every record from the network's id (no lookups, no locks); ``profiles``
and ``interactions`` upsert with one call in the common case; ``versions`` keeps the order
of an item's events on its record; ``pipeline.apply_item`` runs them and then the steps
that build on them (identity, sentiment, cases, leads). See docs/sync.md.
"""
