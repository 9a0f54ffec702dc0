"""Act two: a complaint wave on one post, told to the manager in her feed.

The wave rule runs with the product's defaults (docs/waves.md): at least 10 negatives
in a window, 3 times the Page's usual rate, and never before the Page has 24 hours of
learned history. A Page the demo starts a minute ago has none, so the story first gives
it its history the way a real Page gets it: the Page posted a recall notice two days ago,
and a customer complained about it yesterday (a comment dated 30 hours back, delivered by
webhook). When today's comments arrive, the detector learns the quiet day in between.
Then a dozen customers complain on the recall post within a minute, in English, Russian
and Chinese: the ingest jobs count them, the tenth opens the wave, and the alert item
reaches the managers' feeds (``[team] managers`` of the demo rules file).

``prepare`` must run before any other complaint of the telling: the detector drops an
event dated more than an hour before the latest one it has seen.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import redis

from plugin.sync.ids import INTERACTIONS, interaction_id
from socialcrm.demo_story.mobile import MobileSession
from socialcrm.demo_story.story import Person, Story, StoryStalled, read, wait_for
from workers import wave_state
from workers.wave_alerts import ALERT_MODULE, source_of

RECALL_POST = ("⚠️ Recall: a few Peak carabiners of lot 24-117 may not lock. Please stop "
               "using them: we exchange every one.")
RECALL_AGE = timedelta(days=2)
HISTORY_AGE = timedelta(hours=30)  # the detector's warm-up is 24 hours of learned history
HISTORY = (Person("100000000000120", "Tom Becker"),
           "Two days after the recall and still no exchange. Not happy at all 😠")
BURST = (
    (Person("100000000000121", "Jack Miller"),
     "My Peak carabiner from lot 24-117 cracked on the first climb. Dangerous! 😡"),
    (Person("100000000000122", "Дмитрий Орлов"),
     "Мой карабин из этой партии треснул. Это опасно и ужасно! 😡"),
    (Person("100000000000123", "李伟"), "我的登山扣也坏了，太危险了！质量太差 😡"),
    (Person("100000000000124", "Sophie Turner"),
     "Recalled carabiners and still no reply from support. Terrible."),
    (Person("100000000000125", "Анна Козлова"),
     "Ужасное качество, карабин сломался в первый же день."),
    (Person("100000000000126", "张敏"), "质量太差了，登山扣断了，非常失望！"),
    (Person("100000000000127", "Liam Walsh"),
     "Worst gear ever, the gate snapped. Awful and unsafe."),
    (Person("100000000000128", "Павел Соколов"),
     "Карабин сломался, поддержка молчит. Очень разочарован."),
    (Person("100000000000129", "Olivia Brown"),
     "Three weeks and no answer about the recall. Very disappointed 😠"),
    (Person("100000000000130", "刘洋"), "太失望了，客服根本不回复！"),
    (Person("100000000000131", "Noah Fischer"),
     "Broken carabiner, awful quality, I want my money back!"),
    (Person("100000000000132", "Emma Davis"),
     "Disgusting service, nobody answers about the recall 👎"),
)
HISTORY_ATTEMPTS = 3
COUNTED_SECONDS = 90.0  # written and counted (the first polls may hold both workers)
UNCOUNTED_GRACE = 8.0  # written, yet not counted this long after: another path wrote it
ALERT_SECONDS = 60.0


def prepare(story: Story) -> str:
    """Give the Page its history (see the module docstring); the recall post's id."""
    client = story.redis()
    source = source_of("facebook", story.page.page_id)
    # The sandbox Page is new on every start: what Redis remembers of an earlier one
    # (kept in the data directory) is not this Page's history.
    wave_state.reset(client, source)
    now = datetime.now(UTC)
    post_id = story.page.publish(RECALL_POST, at=now - RECALL_AGE)
    person, text = HISTORY
    for _ in range(HISTORY_ATTEMPTS):
        comment_id = story.page.comment(post_id, person, text, at=now - HISTORY_AGE)
        if _counted(story, client, source, comment_id):
            break
    else:
        raise StoryStalled("yesterday's complaint was never counted for complaint waves")
    story.say(f"demo: {person.name} complained on the recall post {post_id} yesterday: "
              "the wave detector has learned a day of the Page (it alerts only after 24 h)")
    return post_id


def burst(story: Story, post_id: str) -> None:
    """A dozen complaints within a minute; the alert the manager finds in her feed."""
    assert story.manager is not None
    manager = MobileSession.login(story.api_url, story.manager)
    since = datetime.now(UTC) - timedelta(seconds=5)
    for person, text in BURST:
        story.page.comment(post_id, person, text)
    alert = wait_for(lambda: _wave_alert(manager, since), seconds=ALERT_SECONDS,
                     stalled=f"no complaint-wave alert reached {manager.full_name}'s feed "
                             "(see `socialcrm jobs failed`)")
    story.say(f"demo: complaint wave on post {post_id}: {len(BURST)} negative comments in "
              f"en, ru, zh -> alert in {manager.full_name}'s feed:")
    story.say(f"demo:   “{alert['title']}”")


def _counted(story: Story, client: redis.Redis, source: str, comment_id: str) -> bool:
    """Whether the webhook's ingest counted the complaint. False when its record was
    written without it: the first poll of the Page, running meanwhile, read the comment
    first, and only a new interaction counts."""
    crm = story.crm()
    seen: list[datetime] = []

    def outcome() -> bool | None:
        if wave_state.load_core(client, source) is not None:
            return True
        now = datetime.now(UTC)
        if not seen and read(crm, INTERACTIONS, interaction_id("facebook", comment_id)):
            seen.append(now)
        if seen and now - seen[0] > timedelta(seconds=UNCOUNTED_GRACE):
            return False
        return None

    return wait_for(outcome, seconds=COUNTED_SECONDS,
                    stalled="yesterday's complaint has not reached SuiteCRM "
                            "(see `socialcrm jobs failed`)")


def _wave_alert(manager: MobileSession, since: datetime) -> dict[str, Any] | None:
    """The newest complaint-wave alert of the manager's feed detected after ``since``."""
    page = manager.get("/feed", type="alert", limit=50)
    for item in page["items"]:
        if (str(item["id"]).startswith(f"{ALERT_MODULE}:") and item.get("status") == "wave"
                and datetime.fromisoformat(item["at"]) >= since):
            return dict(item)
    return None
