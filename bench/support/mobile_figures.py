"""What ``bench_mobile_api`` measured, and the figures BENCHMARKS.md shows for it.

Kept apart from the measuring so the benchmark module reads as the run it makes; every
figure says what it was measured against and how.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field

from bench import Figure
from bench.support.feed_memory import FeedMemory
from bench.support.feed_vs_v8 import Latencies, Sizes
from bench.support.load import Load
from bench.support.quick_updates import UpdateTiming

RATIO_TARGET, SPEEDUP_TARGET, BYTES_TARGET, REDIS_TARGET = 0.6, 20.0, 5.0, 400.0
KEY_NAMES = {"items": "item hash", "tl": "timeline", "recs": "record index",
             "holders": "holders", "log": "change log", "changes": "change log",
             "index": "record index"}


@dataclass
class Measured:
    """Everything one run measured (see ``bench.bench_mobile_api``)."""

    against: str
    reps_label: str
    clients: int
    round_seconds: float
    server_options: str = ""
    rounds: dict[str, list[Load]] = field(default_factory=dict)  # by endpoint, per round
    memory_total: int = 0
    memory_processes: int = 0
    memory_largest: int = 0
    latencies: Latencies = field(default_factory=Latencies)
    feed_sizes: Sizes | None = None
    v8_sizes: Sizes | None = None
    timeline_items: int = 0
    updates: list[UpdateTiming] = field(default_factory=list)
    update_sessions: int = 0
    workers: int = 0
    redis: list[FeedMemory] = field(default_factory=list)

    def total(self, name: str) -> Load:
        total = Load()
        for load in self.rounds[name]:
            total.add(load)
        return total

    def ratios(self, name: str, floor: str) -> list[float]:
        return [a.rate / b.rate for a, b in zip(self.rounds[name], self.rounds[floor],
                                                strict=True)]


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (as ``bench.support.load.Load.percentile``)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def figures(m: Measured) -> list[Figure]:
    return [*_load_figures(m), *_latency_figures(m), *_byte_figures(m),
            *_update_figures(m), *_redis_figures(m)]


def _verdict(met: bool) -> str:
    return "met" if met else "not met"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _kb(size: int) -> str:
    return f"{size:,} B ({size / 1024:.1f} KiB)"


def _load_figures(m: Measured) -> list[Figure]:
    how = (f"{m.clients} concurrent clients (threads of the benchmark on the same CPUs, one "
           f"kept-alive connection each), {len(m.rounds['api'])} rounds of "
           f"{m.round_seconds:g} s per endpoint alternating with the floor's; gunicorn "
           f"{m.server_options} (as `socialcrm run`), embedded Redis")
    out = []
    for label, api, bare, asked in (
            ("", "api", "bare", "no compression (Accept-Encoding: identity)"),
            (", compressed", "api-br", "bare-br",
             "Accept-Encoding: br, gzip (the API compresses a page with brotli once and "
             "keeps the bytes with the page, the floor sends the API's compressed page "
             "from memory)")):
        if api not in m.rounds:
            continue
        a, b = m.total(api), m.total(bare)
        ratios = m.ratios(api, bare)
        ratio = statistics.median(ratios)
        out += [
            Figure(f"Feed page under load{label}, GET /api/v1/feed?limit=50 (authenticated)",
                   f"{a.rate:.0f} requests/s (p50 {_ms(a.percentile(0.5))}, p99 "
                   f"{_ms(a.percentile(0.99))})", "",
                   f"the API, a rep's full timeline ({m.timeline_items} items); {asked}; "
                   "each request checks the access token and reads the rep's sync token in "
                   "one Redis round trip; the timeline does not change during the rounds, "
                   "so every process answers the page from its memory after its first "
                   "read (a page after a change is read from the store again: 0.47 of the "
                   f"floor in the run before pages were kept, docs/feed.md); {how}"),
            Figure(f"Bare Flask endpoint, cached bytes of the same size{label} (the floor)",
                   f"{b.rate:.0f} requests/s (p50 {_ms(b.percentile(0.5))}, p99 "
                   f"{_ms(b.percentile(0.99))})", "",
                   "bench.support.bare_feed_app under the same gunicorn command: the page's "
                   "very bytes from memory, no token check, no Redis; same clients and "
                   "rounds"),
            Figure(f"Feed page rate over the floor{label}",
                   f"{ratio:.2f} (median of rounds: {', '.join(f'{r:.2f}' for r in ratios)})",
                   "" if label else f">= {RATIO_TARGET}: {_verdict(ratio >= RATIO_TARGET)}",
                   "each round's feed rate divided by the same round's floor rate"),
        ]
    out.append(Figure(
        "API processes' resident memory under that load",
        f"{m.memory_total / 2**20:.0f} MiB in {m.memory_processes} processes (largest "
        f"{m.memory_largest / 2**20:.0f} MiB)", "",
        "gunicorn's master and its workers, VmRSS from /proc sampled every 0.25 s during "
        "the rounds above; the highest sum seen"))
    return out


def _latency_figures(m: Measured) -> list[Figure]:
    feed, v8 = m.latencies.feed, m.latencies.v8
    p50 = percentile(v8, 0.5) / percentile(feed, 0.5)
    p99 = percentile(v8, 0.99) / percentile(feed, 0.99)
    return [
        Figure("One client: a 50-item feed page",
               f"p50 {_ms(percentile(feed, 0.5))}, p99 {_ms(percentile(feed, 0.99))}", "",
               f"{len(feed)} requests one after another on one kept-alive connection, "
               "authenticated, no compression; the API under gunicorn"),
        Figure("One client: the same 50 items from SuiteCRM's V8 API (five lists)",
               f"p50 {_ms(percentile(v8, 0.5))}, p99 {_ms(percentile(v8, 0.99))}", "",
               f"against {m.against}; {len(v8)} samples, each the five lists in a row "
               "(Calls, Meetings, Tasks, Notes, SCRM_SocialInteractions; 10 each, the rep's "
               "own, newest first, the feed's fields) with the rep's own token, one "
               "kept-alive connection; alternating with the feed's rounds"),
        Figure("One client: feed page faster than the five V8 lists",
               f"{p50:.0f}x at p50, {p99:.0f}x at p99",
               f">= {SPEEDUP_TARGET:g}x: {_verdict(min(p50, p99) >= SPEEDUP_TARGET)}",
               "the V8 figure divided by the feed's, per percentile"),
    ]


def _byte_figures(m: Measured) -> list[Figure]:
    feed, v8 = m.feed_sizes, m.v8_sizes
    if feed is None or v8 is None:
        return []
    ratio = v8.bytes("identity") / feed.bytes("identity")
    return [
        Figure("Bytes per 50-item feed page",
               f"raw {_kb(feed.bytes('identity'))}; gzip {_kb(feed.bytes('gzip'))}; br "
               f"{_kb(feed.bytes('br'))}", "",
               f"response body on the wire; answered with {feed.answered('gzip')} and "
               f"{feed.answered('br')} when asked for gzip and br"),
        Figure("Bytes of the five V8 answers with the same 50 items",
               f"raw {_kb(v8.bytes('identity'))}; asked for gzip {_kb(v8.bytes('gzip'))} "
               f"({v8.answered('gzip')}); asked for br {_kb(v8.bytes('br'))} "
               f"({v8.answered('br')})", "",
               f"against {m.against}; the five list answers' bodies summed, as SuiteCRM sent "
               "them for each Accept-Encoding"),
        Figure("Feed page smaller than the V8 answers, raw",
               f"{ratio:.1f}x (compressed: {v8.bytes('br') / feed.bytes('br'):.0f}x, br "
               "page beside what SuiteCRM sends when asked for br)",
               f">= {BYTES_TARGET:g}x: {_verdict(ratio >= BYTES_TARGET)}",
               "raw bytes of the five answers divided by the raw page's"),
    ]


def _update_figures(m: Measured) -> list[Figure]:
    if not m.updates:
        return []
    posts = [u.post_seconds for u in m.updates]
    applied = [u.applied_seconds for u in m.updates]
    seen = [u.seen_seconds for u in m.updates]
    waves = len(m.updates) // m.update_sessions
    how = (f"{m.update_sessions} phones posting at the same moment ({m.reps_label}), "
           f"{waves} wave{'s' if waves != 1 else ''} after a warm-up, {len(m.updates)} "
           f"updates (notes and logged calls on the rep's account); {m.workers} `socialcrm "
           f"worker` processes (as `socialcrm run` starts them) writing as each rep to "
           f"{m.against}")
    return [
        Figure("Quick update accepted, POST /api/v1/updates -> 202",
               f"p50 {_ms(percentile(posts, 0.5))}, p95 {_ms(percentile(posts, 0.95))}", "",
               f"validated, stored once per Idempotency-Key, queued; {how}"),
        Figure("Quick update accepted -> applied in SuiteCRM",
               f"p50 {_ms(percentile(applied, 0.5))}, p95 {_ms(percentile(applied, 0.95))}, "
               f"slowest {_ms(max(applied))}", "",
               "the update's own accepted_at and updated_at (stamped by the API and the "
               f"worker, to the microsecond); {how}"),
        Figure("Quick update accepted -> seen applied by the phone",
               f"p50 {_ms(percentile(seen, 0.5))}, p95 {_ms(percentile(seen, 0.95))}", "",
               "from the 202 to the first GET /api/v1/updates/{id} answering applied, "
               "each phone polling every 0.5 s"),
    ]


def _redis_figures(m: Measured) -> list[Figure]:
    out = []
    for memory in m.redis:
        shares = ", ".join(f"{KEY_NAMES.get(kind, kind)} {memory.key_share(kind):.0f}"
                           for kind in sorted(memory.by_key, key=memory.by_key.__getitem__,
                                              reverse=True)
                           if memory.key_share(kind) >= 1)
        out.append(Figure(
            "Redis bytes per feed item, bounded timelines",
            f"{memory.per_item:.0f} B (by key, MEMORY USAGE: {shares})",
            f"<= {REDIS_TARGET:g}: {_verdict(memory.per_item <= REDIS_TARGET)}",
            f"redis {memory.redis_version}, default settings; {memory.reps} reps in teams of "
            f"{memory.team_size}, every timeline "
            f"at its bound of 500 ({memory.items_held:,} items held after "
            f"{memory.published:,} records published to 1-3 reps each, the oldest trimmed), "
            "change logs on; used_memory growth divided by the items held"))
    return out
