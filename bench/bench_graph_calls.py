"""Facebook Graph API calls needed to read a Page's comments and leads

Every figure is counted twice, by the client's ``CallCounter`` and by the sandbox on the
wire, and the two must agree. The Page is served with Graph's usual page sizes (at most
100 items per page, nested connections included).
"""

from __future__ import annotations

from collections.abc import Callable

from bench import Figure
from connectors.facebook import FacebookClient
from connectors.facebook.fields import Query
from connectors.facebook.pagination import Paginator
from connectors.sandbox.facebook import FacebookSandbox
from connectors.transport import RetryPolicy

POSTS = 200
COMMENTS = 5000
FORMS = 3
LEADS_PER_FORM = 100


def _client(sandbox: FacebookSandbox) -> FacebookClient:
    return FacebookClient(base_url=sandbox.url, app_id=sandbox.app_id,
                          app_secret=sandbox.app_secret, access_token=sandbox.page_token,
                          retry=RetryPolicy(jitter=lambda: 0.0), sleep=lambda _: None)


def _measure(sandbox: FacebookSandbox, read: Callable[[FacebookClient], int]) -> tuple[int, int]:
    """(records read, Graph HTTP calls) of one read with a fresh client."""
    client = _client(sandbox)
    sandbox.state.reset_stats()
    records = read(client)
    calls = client.counter.total("facebook")
    wire = sandbox.state.stats()["http_calls"]
    if calls != wire:
        raise RuntimeError(f"client counted {calls} calls, the sandbox served {wire}")
    return records, calls


def _best(page_id: str) -> Callable[[FacebookClient], int]:
    """Field expansion of comments in the feed, then batches for remaining pages."""
    def read(client: FacebookClient) -> int:
        return sum(len(t.comments) for t in client.iter_threads(page_id))
    return read


def _naive(page_id: str) -> Callable[[FacebookClient], int]:
    """List posts, then ask each post for its comments (what most connectors do)."""
    def read(client: FacebookClient) -> int:
        posts = Paginator(client.graph, f"{page_id}/feed", Query(fields=("id",), limit=100),
                          endpoint="GET /{page}/feed")
        return sum(len(list(client.iter_comments(str(p["id"]), limit=100)))
                   for p in posts.items())
    return read


def _leads(page_id: str) -> Callable[[FacebookClient], int]:
    def read(client: FacebookClient) -> int:
        return len(client.read_leads(client.lead_forms(page_id)).leads)
    return read


def _per_thousand(calls: int, comments: int) -> str:
    return f"{calls * 1000 / comments:.2f} ({calls} calls for {comments:,} comments)"


def run() -> list[Figure]:
    with FacebookSandbox(seed=False) as sandbox:
        sandbox.load_large_page(posts=POSTS, comments=COMMENTS, distribution="even",
                                forms=FORMS, leads_per_form=LEADS_PER_FORM)
        page = sandbox.page_id
        best_comments, best_calls = _measure(sandbox, _best(page))
        naive_comments, naive_calls = _measure(sandbox, _naive(page))
        leads, lead_calls = _measure(sandbox, _leads(page))
        sandbox.load_large_page(posts=POSTS, comments=COMMENTS, distribution="irregular")
        spread = [len(sandbox.store.stream(p)) for p in sandbox.store.ids_of("post")]
        sandbox.state.config.irregular_pages = True
        rough_comments, rough_calls = _measure(sandbox, _best(page))
        sandbox.state.config.irregular_pages = False
        sandbox.load_large_page(posts=POSTS, comments=COMMENTS, distribution="even")
        sandbox.state.config.reduce_data_threshold = 20_000
        small_comments, small_calls = _measure(sandbox, _best(page))
    if {best_comments, naive_comments, rough_comments, small_comments} != {COMMENTS}:
        raise RuntimeError("a strategy did not read every comment")
    if leads != FORMS * LEADS_PER_FORM:
        raise RuntimeError("not every lead was read")
    setup = f"{POSTS} posts x {COMMENTS // POSTS} comments"
    return [
        Figure("Graph calls per 1,000 comments", _per_thousand(best_calls, best_comments),
               "<= 2", f"{setup}; feed with comments.limit(100).filter(stream) expanded, "
                       "remaining comment pages in batch requests; CallCounter = wire count"),
        Figure("Graph calls per 1,000 comments, one request per post (naive)",
               _per_thousand(naive_calls, naive_comments), "(comparison)",
               f"{setup}; list posts, then GET /{{post}}/comments for each, same sandbox"),
        Figure("Graph calls per 1,000 comments, uneven Page with irregular pages",
               _per_thousand(rough_calls, rough_comments), "",
               f"{POSTS} posts, {COMMENTS:,} comments spread unevenly (busiest post "
               f"{max(spread)}, {spread.count(0)} posts with none); short and empty pages "
               "that still have next"),
        Figure("Graph calls per 1,000 comments when Graph asks for less data",
               _per_thousand(small_calls, small_comments), "",
               f"{setup}; the sandbox refuses requests costing over 20,000 field-items "
               "(100 posts x 100 comments and 50 x 50 are refused), the client halves page "
               "sizes and keeps reading"),
        Figure("Graph calls per lead", f"{lead_calls / leads:.4f} ({lead_calls} calls for "
                                       f"{leads} leads)", "",
               f"{FORMS} lead forms x {LEADS_PER_FORM} leads: leadgen_forms, then every "
               "form's leads in one batch"),
    ]
