"""``/api/v1/feed``: the rep's activity feed from the Redis feed store, and its delta."""
