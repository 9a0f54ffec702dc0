"""One process asking the token store for a fresh LinkedIn token, as a worker does.

Run as ``python -m tests.ops.refresh_process REDIS_URL OAUTH_URL ORGANIZATION`` with the
secret key on standard input. It prints ``ready`` before it asks (so a test knows both
processes are racing), then one JSON line: the token it got and how many refresh calls
it made itself.
"""

from __future__ import annotations

import json
import sys

import redis

from connectors.linkedin.oauth import IssuedToken, LinkedInOAuth
from sandboxes.linkedin import CLIENT_ID, CLIENT_SECRET
from workers.tokens import TokenCipher, TokenStore


def main() -> None:
    redis_url, oauth_url, organization = sys.argv[1:4]
    key = sys.stdin.readline().strip()
    oauth = LinkedInOAuth(CLIENT_ID, CLIENT_SECRET, base_url=oauth_url, timeout=5)
    calls = 0

    def refresh(refresh_token: str) -> IssuedToken:
        nonlocal calls
        calls += 1
        return oauth.refresh(refresh_token)

    store = TokenStore(redis.Redis.from_url(redis_url), TokenCipher(key))
    print("ready", flush=True)
    token = store.fresh("linkedin", organization, refresh)
    print(json.dumps({"token": token.access_token, "refreshed": calls}), flush=True)


if __name__ == "__main__":
    main()
