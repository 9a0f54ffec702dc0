"""``GET /api/v1/advocates``: the top advocates the caller may see, with why."""
