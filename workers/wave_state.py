"""The complaint-wave detector's state in Redis, shared by every worker and host.

Why optimistic transactions around the pure core: each step runs ``plugin.waves``'
``SourceCore`` (the very code the in-memory detector and the benchmark run) on the state
read from Redis, then writes the result in one ``MULTI`` guarded by ``WATCH`` on the
source's core key. Every step of a source writes that key, so if two workers observe
events of one source at once, one of them commits and the other re-reads and runs again
on the new state: it sees the wave already open and raises no second alert. Nothing is
decided twice in two places, so Redis and memory cannot drift apart (the benchmark
replays the same traffic through both and compares every outcome).

Keys, per source (the ``{source}`` hash tag keeps them in one slot of a cluster):

* ``…:core`` hash: ``state`` (clock, negatives per minute of the last hours, the open
  wave) and ``baseline`` (the learned profiles, rewritten only when an hour is learned),
  both JSON. Kept ``STATE_TTL`` after the last event: a source silent for longer starts
  learning afresh.
* ``…:m:<epoch minute>`` hash per minute with negatives: posts, languages, samples,
  reach. Deleted when its hour is learned; ``DETAIL_TTL`` is only a safety net.
* ``…:wave:posts`` sorted set (thread → negatives), ``…:wave:samples`` hash and
  ``…:wave:info`` hash (languages, reach) of the open wave; deleted at its all-clear.
* ``socialcrm:waves:alerting`` set: the sources with an open wave, for the periodic
  ``check`` that ends waves when nothing more comes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

import redis

from plugin.waves import (
    Breakdown,
    Outcome,
    SourceCore,
    WaveConfig,
    WaveEvent,
    alert_of,
    all_clear_of,
    event_time,
)
from plugin.waves.breakdown import LANGUAGES, POSTS, REACH, SAMPLES
from plugin.waves.core import MINUTE, Closed, Opened, Step
from plugin.waves.records import language_of, sample_of, to_micros

PREFIX = "socialcrm:waves:"
ALERTING_KEY = PREFIX + "alerting"
STATE_TTL = int(timedelta(days=35).total_seconds())
DETAIL_TTL = int(timedelta(days=2).total_seconds())
MAX_ATTEMPTS = 100


class WaveStateBusyError(RuntimeError):
    """Other workers kept changing the source's state: retry the job later."""


@dataclass(frozen=True, slots=True)
class SourceKeys:
    source: str

    @property
    def base(self) -> str:
        return f"{PREFIX}{{{self.source}}}:"

    @property
    def core(self) -> str:
        return self.base + "core"

    def minute(self, minute: int) -> str:
        return f"{self.base}m:{minute}"

    @property
    def wave_posts(self) -> str:
        return self.base + "wave:posts"

    @property
    def wave_samples(self) -> str:
        return self.base + "wave:samples"

    @property
    def wave_info(self) -> str:
        return self.base + "wave:info"


def observe(client: redis.Redis, event: WaveEvent, config: WaveConfig | None = None, *,
            now: datetime | None = None) -> Outcome:
    """Take in one event of its source, atomically across workers: a ``WaveAlert`` when it
    starts a wave (once per wave), an ``AllClear`` when the wave is over, else None.
    ``now`` as in ``plugin.waves.detector``: future times are clamped, stale waves silent."""
    config = config or WaveConfig()
    at, now_us = event_time(event, now), None if now is None else to_micros(now)
    return _transact(client, SourceKeys(event.source), event, config,
                     lambda core: core.observe(at, event.negative, config, now_us))


def check(client: redis.Redis, source: str, now: datetime,
          config: WaveConfig | None = None) -> Outcome:
    """Let ``source``'s time run to ``now``; an ``AllClear`` when its wave is over. Run it
    every few minutes for ``alerting_sources``: a wave ends when nothing more comes."""
    config = config or WaveConfig()
    return _transact(client, SourceKeys(source), None, config,
                     lambda core: core.tick(to_micros(now), config))


def alerting_sources(client: redis.Redis) -> list[str]:
    return sorted(_text(s) for s in client.smembers(ALERTING_KEY))


def load_core(client: redis.Redis, source: str) -> SourceCore | None:
    """The stored counting state of ``source`` (None: never seen, or forgotten)."""
    state, baseline = _raw_core(client, SourceKeys(source).core)
    return None if state is None or baseline is None else SourceCore.from_json(state, baseline)


def reset(client: redis.Redis, source: str) -> None:
    """Forget everything about ``source``: it learns its baseline afresh."""
    keys = SourceKeys(source)
    core = load_core(client, source)
    minutes = [keys.minute(m) for m in core.minutes] if core else []
    client.delete(keys.core, keys.wave_posts, keys.wave_samples, keys.wave_info, *minutes)
    client.srem(ALERTING_KEY, source)


def _transact(client: redis.Redis, keys: SourceKeys, event: WaveEvent | None,
              config: WaveConfig, advance: Callable[[SourceCore], Step]) -> Outcome:
    with client.pipeline() as pipe:
        for _ in range(MAX_ATTEMPTS):
            try:
                pipe.watch(keys.core)  # type: ignore[no-untyped-call]
                state, baseline = _raw_core(pipe, keys.core)
                if event is None and state is None:  # never seen, or expired: nothing to end
                    client.srem(ALERTING_KEY, keys.source)
                    return None
                core = (SourceCore.from_json(state, baseline)
                        if state is not None and baseline is not None else SourceCore())
                hours_before = core.baseline.hours
                step = advance(core)
                outcome, wave = _decide(client, keys, core, event, step, config)
                pipe.multi()
                pipe.hset(keys.core, "state", core.state_json())
                if baseline is None or core.baseline.hours != hours_before:
                    pipe.hset(keys.core, "baseline", core.baseline.to_json())
                pipe.expire(keys.core, STATE_TTL)
                _write(pipe, keys, event, step, wave)
                pipe.execute()
                return outcome
            except redis.WatchError:
                continue
    raise WaveStateBusyError(f"the wave state of {keys.source!r} kept changing; retry later")


def _decide(client: redis.Redis, keys: SourceKeys, core: SourceCore, event: WaveEvent | None,
            step: Step, config: WaveConfig) -> tuple[Outcome, Breakdown | None]:
    """The outcome of ``step``, and the breakdown of a wave it opened (to be stored).
    Reads what earlier steps stored; this step's event is added here, as it is written
    only in the coming MULTI."""
    decision = step.decision
    if isinstance(decision, Opened):
        first, last = decision.start_minute, core.clock // MINUTE
        spans = _minute_breakdowns(client, keys, sorted(m for m in core.minutes
                                                        if first <= m <= last))
        if event is not None and step.counted and first <= step.minute <= last:
            spans.setdefault(step.minute, Breakdown()).add(event)
        window = Breakdown.of(spans[m] for m in sorted(spans))
        if decision.announced:
            return alert_of(keys.source, decision, core.clock, window, config), window
        return None, window
    if isinstance(decision, Closed) and decision.wave.announced:
        wave = _wave_breakdown(client, keys, config.top_posts)
        return all_clear_of(keys.source, decision, wave, config), None
    return None, None


def _write(pipe: Any, keys: SourceKeys, event: WaveEvent | None, step: Step,
           opened: Breakdown | None) -> None:
    """Queue (inside MULTI) the breakdown changes of ``step``."""
    if event is not None and step.counted:
        _add_to_minute(pipe, keys.minute(step.minute), event)
    if event is not None and step.joins_wave:
        _add_to_wave(pipe, keys, event)
    if step.pruned:
        pipe.delete(*(keys.minute(m) for m in step.pruned))
    if isinstance(step.decision, Opened) and opened is not None:
        pipe.delete(keys.wave_posts, keys.wave_samples, keys.wave_info)
        pipe.zadd(keys.wave_posts, dict(opened.posts))
        pipe.hset(keys.wave_samples, mapping=opened.samples)
        info = {LANGUAGES + lang: n for lang, n in opened.languages.items()}
        pipe.hset(keys.wave_info, mapping={**info, REACH: opened.reach})
        _expire_wave(pipe, keys)
        pipe.sadd(ALERTING_KEY, keys.source)
    elif isinstance(step.decision, Closed):
        pipe.delete(keys.wave_posts, keys.wave_samples, keys.wave_info)
        pipe.srem(ALERTING_KEY, keys.source)


def _add_to_minute(pipe: Any, key: str, event: WaveEvent) -> None:
    """One negative into its minute's flat hash (``Breakdown.from_fields`` reads it)."""
    pipe.hincrby(key, POSTS + event.thread_id, 1)
    pipe.hincrby(key, LANGUAGES + language_of(event), 1)
    if event.reach:
        pipe.hincrby(key, REACH, event.reach)
    pipe.hsetnx(key, SAMPLES + event.thread_id, sample_of(event.text))
    pipe.expire(key, DETAIL_TTL)


def _add_to_wave(pipe: Any, keys: SourceKeys, event: WaveEvent) -> None:
    pipe.zincrby(keys.wave_posts, 1, event.thread_id)
    pipe.hsetnx(keys.wave_samples, event.thread_id, sample_of(event.text))
    pipe.hincrby(keys.wave_info, LANGUAGES + language_of(event), 1)
    if event.reach:
        pipe.hincrby(keys.wave_info, REACH, event.reach)
    _expire_wave(pipe, keys)


def _expire_wave(pipe: Any, keys: SourceKeys) -> None:
    for key in (keys.wave_posts, keys.wave_samples, keys.wave_info):
        pipe.expire(key, STATE_TTL)


def _minute_breakdowns(client: redis.Redis, keys: SourceKeys,
                       minutes: list[int]) -> dict[int, Breakdown]:
    reads = client.pipeline(transaction=False)
    for minute in minutes:
        reads.hgetall(keys.minute(minute))
    answers = cast("list[dict[Any, Any]]", reads.execute()) if minutes else []
    return {minute: Breakdown.from_fields(_texts(raw))
            for minute, raw in zip(minutes, answers, strict=True)}


def _wave_breakdown(client: redis.Redis, keys: SourceKeys, top: int) -> Breakdown:
    """The open wave's languages and reach, and its posts that can be in the top ``top``:
    every post counted above the ``top``-th one, and every post tied with it."""
    leaders = cast("list[tuple[Any, float]]",
                   client.zrevrange(keys.wave_posts, 0, top - 1, withscores=True))
    posts = {_text(t): int(n) for t, n in leaders}
    if len(leaders) == top:
        floor = leaders[-1][1]
        tied = cast("list[Any]", client.zrangebyscore(keys.wave_posts, floor, floor))
        posts.update({_text(t): int(floor) for t in tied})
    wave = Breakdown.from_fields(_texts(cast("dict[Any, Any]", client.hgetall(keys.wave_info))))
    wave.posts.update(posts)
    threads = sorted(posts)
    samples = cast("list[Any]", client.hmget(keys.wave_samples, threads)) if threads else []
    wave.samples = {t: _text(s) for t, s in zip(threads, samples, strict=True) if s is not None}
    return wave


def _raw_core(client: Any, key: str) -> tuple[str | None, str | None]:
    state, baseline = client.hmget(key, "state", "baseline")
    return (None if state is None else _text(state),
            None if baseline is None else _text(baseline))


def _texts(raw: dict[Any, Any]) -> dict[str, str]:
    return {_text(k): _text(v) for k, v in raw.items()}


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


__all__ = ["ALERTING_KEY", "SourceKeys", "WaveStateBusyError", "alerting_sources", "check",
           "load_core", "observe", "reset"]
