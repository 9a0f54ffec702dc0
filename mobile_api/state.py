"""What a request handler needs from the app: its config, its Redis, the reps' sessions.

Kept in ``app.extensions`` by ``create_app`` (nothing bound at import time), read here so
blueprints never reach into the extension dict themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

import redis
from flask import Flask, current_app

from mobile_api.config import ApiConfig
from workers.rep_sessions import SessionStore

EXTENSION = "socialcrm"


@dataclass(frozen=True)
class ApiState:
    config: ApiConfig
    redis: redis.Redis
    sessions: SessionStore | None  # None when the API has no SuiteCRM to log reps in to


def install(app: Flask, state: ApiState) -> None:
    app.extensions[EXTENSION] = state


def api_state() -> ApiState:
    state: ApiState = current_app.extensions[EXTENSION]
    return state


def api_config() -> ApiConfig:
    return api_state().config


def api_redis() -> redis.Redis:
    return api_state().redis
