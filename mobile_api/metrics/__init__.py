"""Goals and metrics for managers: `GET /api/v1/metrics`, `GET|PUT /api/v1/goals`."""
