"""Quick updates from reps' phones: accepted once per idempotency key, applied in order by
a worker acting as the rep, with conflicts reported instead of overwritten.

``store`` keeps them in Redis, ``intake`` accepts one, ``runner`` applies a rep's queue
(``creates``, ``edits`` with ``merge``, ``replies``), ``delivery`` posts replies to the
networks, ``timeline`` shows results in the rep's feed. See ``docs/updates.md``.
"""
