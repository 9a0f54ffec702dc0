"""LinkedIn calls per 1,000 comments and per lead

Measured on the wire against the LinkedIn sandbox (loopback HTTP), counting every HTTP
attempt the client makes. LinkedIn has no batch read of comments across posts and no
field expansion, so one call per post (plus one per comment that has replies) is the
floor; the figures show the client stays at that floor, even when pages are irregular.
A long thread costs a little more than ``comments / count`` pages: each page re-reads
the last ``page_overlap`` positions of the one before, so deletions during the read
cannot make it skip a comment; the long-thread figure shows that price.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bench import Figure
from connectors.linkedin import LinkedInClient, LinkedInConfig, TimeWindow
from connectors.linkedin.records import ObjectDeletion
from connectors.transport import CallCounter
from sandboxes.linkedin import ORGANIZATION_URN, SANDBOX_TOKEN, LinkedInSandbox, SeedPlan

PAGE_SIZE = 100
VERSION = datetime.now(UTC).strftime("%Y%m")  # the sandbox retires a year-old version


def _client(sandbox: LinkedInSandbox) -> LinkedInClient:
    config = LinkedInConfig(version=VERSION, base_url=sandbox.url, page_size=PAGE_SIZE)
    return LinkedInClient(config, access_token=SANDBOX_TOKEN, counter=CallCounter())


def _comment_figure(name: str, plan: SeedPlan, *, irregular: bool) -> Figure:
    with LinkedInSandbox(plan=plan, quiet=True) as sandbox:
        sandbox.set_paging(irregular=irregular, total="random" if irregular else "exact")
        client = _client(sandbox)
        posts = [post.external_id for post in client.posts(ORGANIZATION_URN)]
        comments = [c for c in client.comment_sweep(posts) if not isinstance(c, ObjectDeletion)]
        calls = client.counter.total()
    per_thousand = calls * 1000 / len(comments)
    return Figure(
        name=name,
        value=f"{per_thousand:.1f} ({calls} calls for {len(comments)} comments)",
        target=f"floor: 1 per post + 1 per thread with replies ({plan.posts} posts)",
        how=f"{plan.posts} posts x {plan.comments_per_post} comments, count={PAGE_SIZE}, "
            f"{'irregular short/empty pages, unreliable total' if irregular else 'regular pages'}",
    )


def _long_thread_figure() -> Figure:
    plan = SeedPlan(posts=1, comments_per_post=1000, reply_ratio=0.0, lead_responses=1)
    with LinkedInSandbox(plan=plan, quiet=True) as sandbox:
        client = _client(sandbox)
        post = next(iter(client.posts(ORGANIZATION_URN))).external_id
        client.counter.reset()
        comments = sum(1 for _ in client.comment_sweep([post]))
        calls = client.counter.total()
    return Figure(
        name="LinkedIn calls for one post with 1,000 comments",
        value=f"{calls} calls for {comments} comments",
        target=f"at most {-(-comments // (PAGE_SIZE - client.config.page_overlap)) + 1}: "
               "comments / (count - overlap), rounded up, plus a closing page",
        how=f"count={PAGE_SIZE}, page_overlap={client.config.page_overlap} (each page re-reads "
            f"{client.config.page_overlap} positions so deletions mid-read skip nothing)",
    )


def _lead_figures() -> list[Figure]:
    plan = SeedPlan(posts=1, comments_per_post=0, lead_responses=50)
    with LinkedInSandbox(plan=plan, quiet=True) as sandbox:
        client = _client(sandbox)
        now = datetime.now(UTC)
        leads = list(client.lead_submissions(ORGANIZATION_URN,
                                             TimeWindow(now - timedelta(days=90), now)))
        polled = client.counter.total()
        webhook_client = _client(sandbox)
        book = webhook_client.form_book(ORGANIZATION_URN)
        for lead in leads[:10]:
            webhook_client.lead_submission(lead.external_id, book=book)
        pushed = webhook_client.counter.total()
    return [
        Figure(name="LinkedIn calls per lead (polling a window)",
               value=f"{polled / len(leads):.2f} ({polled} calls for {len(leads)} leads)",
               target="forms once + 1 per 100 leads per lead type",
               how="1 lead-forms call, then leadFormResponses per lead type "
                   "(SPONSORED, COMPANY), answers joined by question name"),
        Figure(name="LinkedIn calls per lead (after a webhook)",
               value=f"{pushed / 10:.2f} ({pushed} calls for 10 leads)",
               target="1 per lead + forms once",
               how="lead notification -> GET leadFormResponses/{id}, forms cached per run"),
    ]


def run() -> list[Figure]:
    flat = SeedPlan(posts=200, comments_per_post=25, reply_ratio=0.0, lead_responses=1)
    threaded = SeedPlan(posts=200, comments_per_post=25, reply_ratio=0.3, lead_responses=1)
    return [
        _comment_figure("LinkedIn calls per 1,000 comments (no replies)", flat, irregular=False),
        _comment_figure("LinkedIn calls per 1,000 comments (30% threads with replies)",
                        threaded, irregular=False),
        _comment_figure("LinkedIn calls per 1,000 comments (irregular pages)", flat,
                        irregular=True),
        _long_thread_figure(),
        *_lead_figures(),
    ]
