"""A realistic company Page: an outdoor-gear brand with customers writing in many languages.

The words live in ``seed_page.json`` (people, phrases, posts, lead forms, leads,
Messenger threads in English, German, Spanish, French, Japanese, Polish, Vietnamese,
Arabic and Turkish, with emoji); this module turns them into Graph objects: posts with
long comment threads spanning several pages, replies, the Page's own answers, a
visitor's complaint post, a hidden spam comment, conversations, active and archived lead
forms with leads, consents and one test lead. Deterministic: the same ``rng_seed``
always builds the same Page.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from sandboxes.facebook.store import GraphStore

BASE_TS = int(datetime(2026, 3, 2, 9, 0, tzinfo=UTC).timestamp())
DAY = 86_400
DATA_FILE = Path(__file__).with_name("seed_page.json")


@cache
def seed_data() -> dict[str, Any]:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{DATA_FILE.name}: the top level must be an object")
    return data


def people() -> dict[str, str]:
    return dict(seed_data()["people"])


def phrases() -> list[str]:
    return list(seed_data()["phrases"])


def seed_company_page(store: GraphStore, rng_seed: int = 7) -> None:
    """Fill ``store`` with the company Page described in this module's docstring."""
    data = seed_data()
    rng = random.Random(rng_seed)
    for person_id, name in data["people"].items():
        store.add_user(person_id, name)
    authors = list(data["people"])
    store.nodes[store.page_id]["name"] = data["page_name"]
    for spec in data["posts"]:
        ts = BASE_TS + spec["day"] * DAY
        post = store.add_post(spec["number"], spec["message"], ts, reactions=spec["reactions"])
        tops: list[str] = []
        for i in range(spec["comments"]):
            author = rng.choice(authors)
            at = ts + 60 * (i + 1) + rng.randint(0, 50)
            text = rng.choice(data["phrases"])
            if tops and rng.random() < 0.2:
                store.add_comment(post["id"], text, at, author, parent=rng.choice(tops))
            else:
                tops.append(store.add_comment(post["id"], text, at, author)["id"])
        if tops:
            store.add_comment(post["id"], data["page_reply"],
                              ts + 60 * (spec["comments"] + 5), store.page_id, parent=tops[0])
    visitor = data["visitor_post"]
    ts = BASE_TS + visitor["day"] * DAY
    post = store.add_post(visitor["number"], visitor["message"], ts, author=visitor["author"],
                          reactions=visitor["reactions"])
    for item in visitor["comments"]:
        store.add_comment(post["id"], item["message"], ts + item["after"], item["author"],
                          hidden=bool(item.get("hidden")))
    _messenger(store, data["conversations"])
    _lead_ads(store, data["forms"], data["leads"])


def _messenger(store: GraphStore, conversations: list[dict[str, Any]]) -> None:
    for index, spec in enumerate(conversations):
        user = spec["user"]
        ts = BASE_TS + (index + 2) * DAY
        conv = store.add_conversation(f"t_{3100 + index}", user, ts, unread=index % 2)
        for n, text in enumerate(spec["messages"]):
            sender, recipient = (user, store.page_id) if n % 2 == 0 else (store.page_id, user)
            store.add_message(conv["id"], text, ts + 120 * n, sender, recipient)


def _lead_ads(store: GraphStore, forms: list[dict[str, Any]],
              leads: list[dict[str, Any]]) -> None:
    for day, form in enumerate(forms):
        store.add_form(form["id"], form["name"], form["status"], BASE_TS + day * DAY, [
            {**question, "id": f"{form['id']}{i}"}
            for i, question in enumerate(form["questions"])])
    for index, lead in enumerate(leads):
        store.add_lead(lead["form_id"], BASE_TS + 4 * DAY + 3600 * index, lead["answers"],
                       lead_id=f"8{index + 1:03d}00000000001",
                       consents={"newsletter_opt_in": lead["newsletter_opt_in"]},
                       organic=index % 3 == 2)
