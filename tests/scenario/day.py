"""One day of a company's social traffic, planned to the minute before it is played.

The day ends at ``end`` (the test's "now", whole minutes: SuiteCRM answers datetimes to
the minute) and starts 28 hours earlier: the complaint-wave detector learns a Page's
usual hours for 24 hours before it may alert (``plugin.waves``: ``warmup``), and its
alerts must be fresh (``stale_after``, 2 hours, against the worker's real clock), so the
wave comes late in the day and the Page's first complaints came the evening before.

What happens, on the sandbox Page (Facebook) and organization (LinkedIn):

* three clear advocates praise the company again and again (7 times in English, 5 in
  Russian, 4 in Chinese) and one customer praises only discounts and coupons (4 times);
* six complaints on three calm posts, spread over the day;
* a complaint wave: 14 customers on the new boots' post within 14 minutes, 1h45 before
  the end of the day, and no Facebook complaint after it;
* questions, chatter from many people, two lead forms, and four private messages left
  unanswered (an answer in Messenger is not yet recorded: see docs/scenario.md);
* LinkedIn: two complaints, three questions and chatter;
* the Page answering some items on time and some late, and leaving some unanswered.

Everything a figure depends on is decided here, so the test computes the expected SLA
and response figures from this plan alone (``tests.scenario.expected``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from sandboxes.facebook import DEMO_PAGE_ID
from sandboxes.linkedin import ORGANIZATION_URN
from tests.scenario import texts

PAGE, ORGANIZATION = DEMO_PAGE_ID, ORGANIZATION_URN
LEAD_FORM = "7001"  # the sandbox Page's "Spring catalogue request" form
Role = Literal["praise", "discount", "complaint", "wave", "question", "chatter",
               "message", "lead"]
WAITING_ROLES = frozenset({"complaint", "wave", "question", "message"})
CASE_ROLES = frozenset({"complaint", "wave", "message"})
# The site's SLA targets (the rules file of tests/scenario/conftest.py says the same):
# a Case 1 h at any priority, a private message 30 min, LinkedIn 3 h, anything else 2 h.
CASE_TARGET, MESSAGE_TARGET = timedelta(hours=1), timedelta(minutes=30)
LINKEDIN_TARGET, DEFAULT_TARGET = timedelta(hours=3), timedelta(hours=2)
WAVE_SIZE = 14
WAVE_STARTS = timedelta(hours=1, minutes=58)  # before the end of the day
QUIET_DUE = (timedelta(minutes=-15), timedelta(minutes=40))  # no due time this near "now"


@dataclass(frozen=True, slots=True)
class Person:
    network: str
    key: str  # the network's id of the person (Facebook user id, LinkedIn person URN)
    name: str


@dataclass(frozen=True, slots=True)
class Inbound:
    """One thing a customer wrote, and when (if ever) the company answered it."""

    external_id: str
    network: str
    kind: Literal["comment", "message", "lead_form"]
    role: Role
    at: datetime
    text: str
    person: Person
    thread: str = ""  # the post (Facebook post id, LinkedIn share URN)
    answered_at: datetime | None = None

    @property
    def waits(self) -> bool:
        return self.role in WAITING_ROLES

    @property
    def opens_case(self) -> bool:
        return self.role in CASE_ROLES

    @property
    def due(self) -> datetime | None:
        """The SLA due time the site's targets give (the shortest that applies)."""
        if not self.waits:
            return None
        targets = [CASE_TARGET] if self.opens_case else []
        if self.kind == "message":
            targets.append(MESSAGE_TARGET)
        if self.network == "linkedin":
            targets.append(LINKEDIN_TARGET)
        return self.at + min(targets, default=DEFAULT_TARGET)


@dataclass(frozen=True, slots=True)
class Answer:
    """The Page answering one inbound item in public (a reply) or in Messenger."""

    external_id: str
    answers: Inbound
    at: datetime
    text: str


@dataclass
class Day:
    start: datetime
    end: datetime
    inbound: list[Inbound] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    advocates: tuple[Person, ...] = ()  # best first
    discount_seeker: Person | None = None

    def events(self) -> list[Inbound | Answer]:
        """Everything in the order it happened (an item before its answer)."""
        found: list[Inbound | Answer] = [*self.inbound, *self.answers]
        return sorted(found, key=lambda e: (e.at, isinstance(e, Answer)))

    def of(self, role: Role) -> list[Inbound]:
        return [item for item in self.inbound if item.role == role]


class _Planner:
    """Builds a ``Day`` with deterministic ids, people and times."""

    def __init__(self, end: datetime, seed: int) -> None:
        self.day = Day(start=end - timedelta(hours=28), end=end)
        self.rng = random.Random(seed)
        self.serial = 0

    def next_id(self) -> int:
        self.serial += 1
        return self.serial

    def person(self, network: str, name: str) -> Person:
        number = self.next_id()
        if network == "facebook":
            return Person(network, f"1000000{number:08d}", name)
        return Person(network, f"urn:li:person:day{number:05d}", name)

    def say(self, role: Role, person: Person, at: datetime, text: str, *, thread: str = "",
            kind: Literal["comment", "message", "lead_form"] = "comment",
            answer_after: timedelta | None = None) -> Inbound:
        number = self.next_id()
        if kind == "message":
            external = f"m_day{number:06d}"
        elif kind == "lead_form":
            external = f"9{number:08d}"
        elif person.network == "facebook":
            external = f"{thread.rsplit('_', 1)[1]}_{70000000 + number}"  # as Graph names it
        else:
            external = f"urn:li:comment:(urn:li:activity:{thread.rsplit(':', 1)[-1]},{number})"
        answered = at + answer_after if answer_after is not None else None
        if answered is not None and answered > self.day.end - timedelta(minutes=5):
            answered = None  # nobody answered yet
        item = Inbound(external, person.network, kind, role, at, text, person, thread,
                       answered)
        self.day.inbound.append(item)
        if answered is not None:
            self.answer(item, answered)
        return item

    def answer(self, item: Inbound, at: datetime) -> None:
        number = self.next_id()
        external = (f"m_dayecho{number:06d}" if item.kind == "message"
                    else f"{item.thread.rsplit('_', 1)[1]}_{80000000 + number}")
        pool = texts.PAGE_THANKS if item.role in ("praise", "chatter") else texts.PAGE_ANSWERS
        self.day.answers.append(Answer(external, item, at, pool[number % len(pool)]))

    def spread(self, count: int, first: timedelta, last: timedelta) -> list[datetime]:
        """``count`` whole-minute times evenly spread over the day (offsets from its
        start), each moved a little at random."""
        span = (last - first) / max(count, 1)
        found = []
        for index in range(count):
            jitter = timedelta(minutes=self.rng.randint(0, max(int(span.total_seconds()
                                                                   // 120), 0)))
            found.append(self.day.start + first + span * index + jitter)
        return [moment.replace(second=0, microsecond=0) for moment in found]

    def clear_of_now(self, at: datetime, target: timedelta) -> datetime:
        """``at``, or earlier when its due time would fall right around the test's now
        (pending or missed must not depend on how long the test took)."""
        low, high = (self.day.end + bound for bound in QUIET_DUE)
        return at - timedelta(hours=1) if low <= at + target <= high else at


def plan_day(end: datetime, *, chatter: int = 60, seed: int = 11) -> Day:
    """The day ending at ``end``; ``chatter`` sets its size (questions grow with it)."""
    plan = _Planner(end, seed)
    day, hour = plan.day, timedelta(hours=1)
    _advocates(plan)
    _complaints(plan)
    _wave(plan)
    people = [plan.person("facebook", name) for name in _names(max(12, chatter // 2))]
    for index, at in enumerate(plan.spread(chatter, hour, 27 * hour + 30 * _MIN)):
        thread = f"{PAGE}_{texts.CHATTER_POSTS[index % 2]}"
        thanked = 25 * _MIN if index % 10 == 3 else None
        plan.say("chatter", people[index % len(people)], at,
                 texts.CHATTER[index % len(texts.CHATTER)], thread=thread,
                 answer_after=thanked)
    askers = [plan.person("facebook", name) for name in _names(8, offset=40)]
    for index, at in enumerate(plan.spread(10 + chatter // 10, 30 * _MIN, 27 * hour)):
        plan.say("question", askers[index % len(askers)],
                 plan.clear_of_now(at, DEFAULT_TARGET),
                 texts.QUESTIONS[index % len(texts.QUESTIONS)],
                 thread=f"{PAGE}_{texts.CHATTER_POSTS[index % 2]}",
                 answer_after=_QUESTION_ANSWERS[index % len(_QUESTION_ANSWERS)])
    for index, hours_before in enumerate((20, 12, 6, 3)):  # unanswered: see docs/scenario.md
        plan.say("message", plan.person("facebook", _names(1, offset=60 + index)[0]),
                 end - hours_before * hour, texts.MESSAGES[index], kind="message")
    for hours_before, name in ((15, "Lena Fischer"), (7, "Дмитрий Орлов 🎒")):
        plan.say("lead", plan.person("facebook", name), end - hours_before * hour, name,
                 kind="lead_form")  # the text is the name the form gives
    _linkedin(plan)
    day.inbound.sort(key=lambda item: item.at)
    return day


_MIN = timedelta(minutes=1)
# Questions: four answered on time, three late, three never (in turn).
_QUESTION_ANSWERS: tuple[timedelta | None, ...] = (
    20 * _MIN, 150 * _MIN, None, 45 * _MIN, 200 * _MIN, 90 * _MIN, None, 240 * _MIN,
    100 * _MIN, None)


def _advocates(plan: _Planner) -> None:
    hour = timedelta(hours=1)
    cast = (("Emily Carter", texts.PRAISE_EN), ("Ольга Смирнова", texts.PRAISE_RU),
            ("王芳", texts.PRAISE_ZH))
    advocates = []
    for offset, (name, pool) in enumerate(cast):
        person = plan.person("facebook", name)
        advocates.append(person)
        times = plan.spread(len(pool), (2 + offset) * hour, 27 * hour)
        for index, (at, text) in enumerate(zip(times, pool, strict=True)):
            thanked = 25 * _MIN if index == 0 else None
            plan.say("praise", person, at, text, answer_after=thanked,
                     thread=f"{PAGE}_{texts.CHATTER_POSTS[index % 2]}")
    seeker = plan.person("facebook", "Kevin Price")
    for at, text in zip(plan.spread(4, 3 * hour, 26 * hour), texts.DISCOUNT, strict=True):
        plan.say("discount", seeker, at, text, thread=f"{PAGE}_5001")
    plan.day.advocates, plan.day.discount_seeker = tuple(advocates), seeker


def _complaints(plan: _Planner) -> None:
    """Six complaints on three calm posts: the Page's usual negatives (the wave detector
    learns them as the baseline), two answered on time, two late, two never."""
    offsets = (5, 300, 600, 900, 1200, 1500)  # minutes from the start of the day
    answers = (30, 180, 45, None, 120, None)
    people = _names(6, offset=80)
    for index, (minutes, after) in enumerate(zip(offsets, answers, strict=True)):
        post = texts.CALM_COMPLAINT_POSTS[index % 3]
        plan.say("complaint", plan.person("facebook", people[index]),
                 plan.day.start + minutes * _MIN, texts.COMPLAINTS[index],
                 thread=f"{PAGE}_{post}", answer_after=None if after is None else after * _MIN)


def _wave(plan: _Planner) -> None:
    """Fourteen complaints in fourteen minutes on one post; the Page answers four of them
    within the hour, two late, and the rest never."""
    start = plan.day.end - WAVE_STARTS
    answers = {0: 18, 1: 17, 2: 16, 3: 15, 4: 75, 5: 74}  # minutes after the comment
    for index, name in enumerate(_names(WAVE_SIZE, offset=100)):
        after = answers.get(index)
        plan.say("wave", plan.person("facebook", name), start + index * _MIN,
                 texts.WAVE[index % len(texts.WAVE)], thread=f"{PAGE}_{texts.WAVE_POST}",
                 answer_after=None if after is None else after * _MIN)


def _linkedin(plan: _Planner) -> None:
    end, hour = plan.day.end, timedelta(hours=1)
    people = [plan.person("linkedin", name) for name in _names(6, offset=140)]
    for index, hours_before in enumerate((20, 9)):
        plan.say("complaint", people[index], end - hours_before * hour,
                 texts.LINKEDIN_COMPLAINTS[index], thread=texts.LINKEDIN_POSTS[index])
    for index, hours_before in enumerate((16, 5, 1)):
        plan.say("question", people[2 + index], end - hours_before * hour,
                 texts.LINKEDIN_QUESTIONS[index], thread=texts.LINKEDIN_POSTS[2])
    for index, at in enumerate(plan.spread(6, 2 * hour, 26 * hour)):
        plan.say("chatter", people[index % 6], at, texts.LINKEDIN_CHATTER[index],
                 thread=texts.LINKEDIN_POSTS[index % 3])


_FIRST = ("Anna", "Ivan", "Li", "Maria", "Chen", "Olga", "John", "Wei", "Sofia", "Пётр",
          "Алина", "Сергей", "Mei", "Jake", "Нина", "Hao", "Lucas", "Дарья", "Yan", "Emma")
_LAST = ("Smith", "Иванова", "Zhang", "Kuznetsova", "Wang", "Brown", "Петров", "Liu",
         "Garcia", "Соколов", "Chen", "Miller", "Попова", "Zhao", "Novak", "Lee")


def _names(count: int, *, offset: int = 0) -> list[str]:
    """``count`` distinct names (Latin, Cyrillic), the same for the same offset."""
    return [f"{_FIRST[(offset + i) % len(_FIRST)]} {_LAST[(offset + i * 7) % len(_LAST)]} "
            f"{offset + i}" for i in range(count)]
