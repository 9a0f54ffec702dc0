"""Lead Ads reads with watermarks, writes back to the Page, and token handling."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Callable

import pytest

from connectors.errors import (
    AuthenticationError,
    ConnectorError,
    ObjectDeletedError,
    OutcomeUnknownError,
)
from connectors.facebook import FacebookClient, LeadWatermark
from connectors.facebook.tokens import appsecret_proof
from connectors.redaction import known_secrets
from sandboxes.facebook import FacebookSandbox
from sandboxes.facebook.seed import BASE_TS, DAY


def test_lead_forms_include_archived_ones_with_questions(sandbox: FacebookSandbox,
                                                         client: FacebookClient) -> None:
    forms = {f.name: f for f in client.lead_forms(sandbox.page_id)}
    assert forms["Winter demo day 2025"].status == "ARCHIVED"
    dealer = forms["Dealer enquiry"]
    assert dealer.label("annual_volume") == "Expected yearly volume (EUR)"
    assert dealer.leads_count == 2


def test_lead_answers_are_mapped_by_question_name(sandbox: FacebookSandbox,
                                                  client: FacebookClient) -> None:
    read = client.read_leads(client.lead_forms(sandbox.page_id))
    assert len(read.leads) == 8
    by_name = {lead.answers["full_name"]: lead for lead in read.leads}
    zoe = by_name["Zoë Müller"]
    assert zoe.answers == {"full_name": "Zoë Müller", "email": "zoe.mueller@example.de",
                           "city": "Köln", "which_activities_do_you_plan?": "hiking, camping"}
    assert zoe.consents == {"newsletter_opt_in": True}
    assert zoe.form_name == "Spring catalogue request" and zoe.owner_id == sandbox.page_id
    assert zoe.submitted_at.tzinfo is not None
    assert by_name["<test lead: dummy data for full_name>"].is_test
    assert sum(lead.is_test for lead in read.leads) == 1
    assert by_name["Åsa Lindqvist"].ad_id is not None
    assert by_name["José Álvarez"].consents == {"newsletter_opt_in": False}
    assert client.counter.snapshot()[("facebook", "POST /batch")] == 1  # 3 forms, one call


def test_single_lead_by_id(sandbox: FacebookSandbox, client: FacebookClient) -> None:
    lead = client.lead("800700000000001", page_id=sandbox.page_id)
    assert lead.form_id == "7003"
    assert lead.answers["company_name"] == "Dağ Spor Ltd."


def test_watermark_reads_each_lead_exactly_once(sandbox: FacebookSandbox,
                                                client: FacebookClient) -> None:
    forms = [f for f in client.lead_forms(sandbox.page_id) if f.external_id == "7001"]
    first = client.read_leads(forms)
    mark = first.watermarks["7001"]
    assert len(first.leads) == 4
    same_second = sandbox.add_lead("7001", {"full_name": "Late in the same second"},
                                   ts=mark.epoch)
    later = sandbox.add_lead("7001", {"full_name": "Next day"}, ts=mark.epoch + DAY)
    second = client.read_leads(forms, first.watermarks)
    assert [lead.external_id for lead in second.leads] == [same_second["id"], later["id"]]
    third = client.read_leads(forms, second.watermarks)
    assert third.leads == ()
    assert third.watermarks["7001"] == second.watermarks["7001"]
    single = list(client.iter_leads(forms[0], LeadWatermark(mark.epoch, mark.seen_ids)))
    assert [lead.external_id for lead in single] == [later["id"], same_second["id"]]


def test_reply_to_post_and_to_reply(sandbox: FacebookSandbox, client: FacebookClient) -> None:
    post_id = f"{sandbox.page_id}_4007"
    new_id = client.reply(post_id, "Sorry Sarah — we are on it 🙏")
    comment = client.comment(new_id, post_id)
    assert comment.author is not None and comment.author.external_id == sandbox.page_id
    assert comment.body == "Sorry Sarah — we are on it 🙏" and comment.parent_id is None
    top = sandbox.store.children(post_id, "comments")[0]["id"]
    reply_id = client.reply(top, "Thanks for telling us")
    reply_of_reply = client.reply(reply_id, "Follow-up")
    assert client.comment(reply_of_reply, post_id).parent_id == top  # two levels only


def test_hide_and_unhide(sandbox: FacebookSandbox, client: FacebookClient) -> None:
    post_id = f"{sandbox.page_id}_4007"
    comment_id = sandbox.store.children(post_id, "comments")[0]["id"]
    assert client.hide_comment(comment_id)
    assert client.comment(comment_id, post_id).is_hidden
    assert client.unhide_comment(comment_id)
    assert not client.comment(comment_id, post_id).is_hidden


def test_private_reply_lands_in_messenger(sandbox: FacebookSandbox,
                                          client: FacebookClient) -> None:
    comment = sandbox.store.children(f"{sandbox.page_id}_4007", "comments")[0]
    client.private_reply(comment["id"], "Hi Priya, could you DM us your order number?")
    conversation = next(c for c in client.iter_conversations(sandbox.page_id)
                        if any(p.external_id == comment["from"] for p in c.participants))
    last = conversation.messages[-1]
    assert last.is_echo and last.body.startswith("Hi Priya")


def test_delete_comment_then_reads_see_a_deletion(sandbox: FacebookSandbox,
                                                  client: FacebookClient) -> None:
    post_id = f"{sandbox.page_id}_4003"
    comment_id = sandbox.store.children(post_id, "comments")[0]["id"]
    assert client.delete_comment(comment_id)
    with pytest.raises(ObjectDeletedError):
        client.hide_comment(comment_id)
    assert comment_id not in {c.external_id for c in client.iter_comments(post_id)}


def test_subscribe_page_to_webhooks(sandbox: FacebookSandbox, client: FacebookClient) -> None:
    assert client.subscribe_page(sandbox.page_id)
    assert sandbox.store.subscriptions[sandbox.page_id] == ["feed", "messages", "leadgen"]


def test_writes_are_not_retried_blindly(sandbox: FacebookSandbox,
                                        client: FacebookClient) -> None:
    sandbox.state.add_fault(kind="transient", path="/comments", method="POST", times=5)
    before = len(sandbox.store.children(f"{sandbox.page_id}_4003", "comments"))
    with pytest.raises(OutcomeUnknownError) as caught:
        client.reply(f"{sandbox.page_id}_4003", "hello")
    assert caught.value.attempts == 1
    assert len(sandbox.store.children(f"{sandbox.page_id}_4003", "comments")) == before


@pytest.mark.parametrize("write", ["reply", "private_reply"])
def test_a_write_whose_answer_is_lost_is_never_sent_twice(
        sandbox: FacebookSandbox, client: FacebookClient, write: str) -> None:
    post_id = f"{sandbox.page_id}_4007"
    comment = sandbox.store.children(post_id, "comments")[0]
    target = post_id if write == "reply" else comment["id"]
    edge = "comments" if write == "reply" else "private_replies"
    sandbox.state.add_fault(kind="lost_answer", method="POST", path=f"/{target}/{edge}")
    comments_before = len(sandbox.store.stream(post_id))
    messages_before = sandbox.store.counts()["message"]
    with pytest.raises(OutcomeUnknownError):
        getattr(client, write)(target, "We are on it")
    landed = (len(sandbox.store.stream(post_id)) - comments_before,
              sandbox.store.counts()["message"] - messages_before)
    assert landed == ((1, 0) if write == "reply" else (0, 1))  # applied exactly once
    assert sandbox.state.stats()["by_endpoint"] == {f"POST /{{id}}/{edge}": 1}


def test_a_retried_delete_that_had_landed_is_a_success(sandbox: FacebookSandbox,
                                                       client: FacebookClient) -> None:
    comment_id = sandbox.store.children(f"{sandbox.page_id}_4003", "comments")[0]["id"]
    sandbox.state.add_fault(kind="lost_answer", method="DELETE", path=f"/{comment_id}")
    assert client.delete_comment(comment_id) is True  # second attempt: 100/33, gone
    assert sandbox.store.get(comment_id) is None
    assert sandbox.state.stats()["by_endpoint"]["DELETE /{id}"] == 2
    assert client.delete_comment(comment_id) is True  # deleted elsewhere: same answer


def test_delete_without_page_access_is_not_taken_for_done(sandbox: FacebookSandbox,
                                                           client: FacebookClient) -> None:
    comment_id = sandbox.store.children(f"{sandbox.page_id}_4003", "comments")[0]["id"]
    sandbox.state.set_page_access(sandbox.page_token, False)
    with pytest.raises(AuthenticationError) as caught:
        client.delete_comment(comment_id)
    assert caught.value.reason == "missing_permission"
    assert sandbox.store.get(comment_id) is not None


def test_secrets_never_travel_in_urls(sandbox: FacebookSandbox,
                                      make_client: Callable[..., FacebookClient]) -> None:
    app = make_client(access_token=None)
    long_lived = app.exchange_long_lived_token(sandbox.user_token)
    assert make_client().inspect_token(long_lived.access_token).is_valid
    stats = sandbox.state.stats()
    assert stats["by_endpoint"] == {"POST /oauth/access_token": 1, "POST /debug_token": 1}
    assert stats["token_in_query"] == 0  # client_secret, fb_exchange_token, input_token


def test_appsecret_proof_vector() -> None:
    # Reference value from `openssl dgst -sha256 -hmac sandbox-app-secret`.
    assert appsecret_proof("EAAGsandboxPageToken", "sandbox-app-secret") == (
        "9e179085c511308b7b0572dc038a01c004f0c20e3ae933a32c51aa4671cc7944")


def test_long_lived_exchange_and_page_tokens(sandbox: FacebookSandbox,
                                             make_client: Callable[..., FacebookClient]) -> None:
    app = make_client(access_token=None)
    long_lived = app.exchange_long_lived_token(sandbox.user_token)
    assert long_lived.expires_in == 5183944 and long_lived.token_type == "bearer"
    assert long_lived.access_token != sandbox.user_token
    pages = make_client(access_token=long_lived.access_token).page_tokens()
    assert [(p.page_id, p.access_token) for p in pages] == [(sandbox.page_id,
                                                             sandbox.page_token)]
    with pytest.raises(AuthenticationError):
        make_client(access_token=None).exchange_long_lived_token("EAAGunknown")


def test_inspect_token_shows_scopes_and_validity(sandbox: FacebookSandbox,
                                                 client: FacebookClient) -> None:
    info = client.inspect_token()
    assert info.is_valid and info.expires_at is None and info.profile_id == sandbox.page_id
    required = {"pages_read_user_content", "leads_retrieval", "pages_messaging"}
    assert info.missing(required) == frozenset()
    sandbox.state.remove_scopes(sandbox.page_token, ["leads_retrieval"])
    assert client.inspect_token().missing(required) == {"leads_retrieval"}
    sandbox.state.set_token_status(sandbox.page_token, "revoked")
    assert not client.inspect_token().is_valid
    user = client.inspect_token(sandbox.user_token)
    assert user.expires_at is not None and user.expires_at.timestamp() > BASE_TS - DAY


def test_every_token_handed_to_the_client_is_withheld_from_logs(
        make_client: Callable[..., FacebookClient]) -> None:
    page, user, inspected, short = (f"EAAG{secrets.token_urlsafe(18)}" for _ in range(4))
    client = make_client(access_token=page)
    assert page in known_secrets()  # from the moment the client exists
    for call, token in ((client.page_tokens, user), (client.inspect_token, inspected),
                        (client.exchange_long_lived_token, short)):
        with contextlib.suppress(ConnectorError):  # the sandbox knows none of them
            call(token)
    assert {user, inspected, short} <= set(known_secrets())
