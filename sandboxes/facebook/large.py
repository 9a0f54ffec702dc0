"""Large Pages for completeness tests and the benchmark.

``even``: every post has the same number of comments (200 x 25 = 5,000, the benchmark's
Page). ``irregular``: the same total spread like real Pages, a few viral posts with
hundreds of comments (several nested pages each), many with a handful, some with none.
Replies are mixed in, so ``filter=stream`` matters. Lead forms with leads can be added
for the calls-per-lead figure.
"""

from __future__ import annotations

import random

from sandboxes.facebook.seed import BASE_TS, DAY, people, phrases
from sandboxes.facebook.store import GraphStore

DISTRIBUTIONS = ("even", "irregular")


def allocate(total: int, buckets: int, distribution: str, rng: random.Random) -> list[int]:
    """Split ``total`` comments over ``buckets`` posts, exactly."""
    if distribution not in DISTRIBUTIONS:
        raise ValueError(f"distribution must be one of {DISTRIBUTIONS}")
    if buckets <= 0:
        return []
    if distribution == "even":
        weights = [1.0] * buckets
    else:
        weights = [0.0 if rng.random() < 0.15 else rng.paretovariate(1.1)
                   for _ in range(buckets)]
        if not any(weights):
            weights[0] = 1.0
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    remainders = [w * scale - c if w else -1.0 for w, c in zip(weights, counts, strict=True)]
    order = sorted(range(buckets), key=lambda i: remainders[i], reverse=True)
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def load_large_page(store: GraphStore, *, posts: int = 200, comments: int = 5000,
                    distribution: str = "even", reply_ratio: float = 0.2, forms: int = 0,
                    leads_per_form: int = 0, rng_seed: int = 11) -> None:
    """Add ``posts`` posts carrying ``comments`` comments (and optional lead forms)."""
    rng = random.Random(rng_seed)
    names, texts = people(), phrases()
    authors = list(names)
    for person_id, name in names.items():
        store.add_user(person_id, name)
    start = BASE_TS - 400 * DAY
    for index, count in enumerate(allocate(comments, posts, distribution, rng)):
        ts = start + index * 3600
        title = f"Post {index + 1}: {texts[index % len(texts)]}"
        post = store.add_post(str(500_000 + index), title, ts,
                              reactions={"LIKE": rng.randint(0, 50)})
        tops: list[str] = []
        for n in range(count):
            text = f"{texts[(index + n) % len(texts)]} #{n + 1}"
            at = ts + 10 * (n + 1)
            if tops and rng.random() < reply_ratio:
                store.add_comment(post["id"], text, at, rng.choice(authors),
                                  parent=rng.choice(tops))
            else:
                tops.append(store.add_comment(post["id"], text, at, rng.choice(authors))["id"])
    for f in range(forms):
        form_id = f"77{f:04d}"
        store.add_form(form_id, f"Campaign form {f + 1}", "ACTIVE" if f % 2 == 0 else
                       "ARCHIVED", start, [
                           {"key": "full_name", "label": "Full name", "type": "FULL_NAME"},
                           {"key": "email", "label": "Email", "type": "EMAIL"}])
        for n in range(leads_per_form):
            name = names[authors[n % len(authors)]]
            store.add_lead(form_id, start + DAY + 60 * n,
                           {"full_name": name, "email": f"lead{f}.{n}@example.com"},
                           consents={"newsletter_opt_in": n % 2 == 0})
