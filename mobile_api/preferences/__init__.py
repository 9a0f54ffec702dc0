"""``GET|PUT /api/v1/preferences``: what a rep chooses for their own feed."""
