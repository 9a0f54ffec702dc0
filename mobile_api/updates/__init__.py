"""``/api/v1/updates``: quick updates, idempotent, applied by a worker as the rep."""
