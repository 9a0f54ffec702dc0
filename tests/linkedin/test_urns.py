"""URN encoding and Rest.li syntax, unit-level and as seen on the wire by the sandbox."""

from __future__ import annotations

import requests

from connectors.linkedin.urns import (
    comment_parts,
    encode,
    organization_urn,
    owner,
    path_with_query,
    record,
    restli_list,
)
from sandboxes.linkedin import ORGANIZATION_URN, SANDBOX_TOKEN

COMMENT = "urn:li:comment:(urn:li:activity:7250000000000000001,7251000000000000001)"


def test_urn_is_fully_encoded() -> None:
    assert encode("urn:li:organization:2414183") == "urn%3Ali%3Aorganization%3A2414183"
    assert encode(COMMENT) == (
        "urn%3Ali%3Acomment%3A%28urn%3Ali%3Aactivity%3A7250000000000000001%2C"
        "7251000000000000001%29")


def test_restli_syntax_stays_literal_around_encoded_urns() -> None:
    assert owner("urn:li:organization:1") == "(organization:urn%3Ali%3Aorganization%3A1)"
    assert owner("urn:li:sponsoredAccount:9") == (
        "(sponsoredAccount:urn%3Ali%3AsponsoredAccount%3A9)")
    assert restli_list(["urn:li:share:1", "urn:li:ugcPost:2"]) == (
        "List(urn%3Ali%3Ashare%3A1,urn%3Ali%3AugcPost%3A2)")
    nested = record(timeRange=record(start=1, end=2), timeGranularityType="DAY")
    assert nested == "(timeRange:(start:1,end:2),timeGranularityType:DAY)"


def test_query_keeps_restli_values_and_drops_none() -> None:
    path = path_with_query("/rest/leadFormResponses", {
        "q": "owner", "owner": owner("urn:li:organization:1"), "submittedAtTimeRange": None})
    assert path == ("/rest/leadFormResponses?q=owner"
                    "&owner=(organization:urn%3Ali%3Aorganization%3A1)")


def test_comment_urn_parts_and_organization_forms() -> None:
    assert comment_parts(COMMENT) == ("urn:li:activity:7250000000000000001",
                                      "7251000000000000001")
    assert organization_urn(2414183) == "urn:li:organization:2414183"
    assert organization_urn("urn:li:organization:5") == "urn:li:organization:5"


def test_wire_shows_encoded_urns_and_literal_restli(client, sandbox) -> None:
    posts = list(client.posts(ORGANIZATION_URN))
    top = next(c for c in client.comments(posts[0].external_id))
    list(client.lead_forms(ORGANIZATION_URN))
    list(client.reaction_summaries([p.external_id for p in posts[:3]]))
    client.counted_reactions(posts[0].external_id)
    list(client.comments(top.external_id, post_urn=posts[0].external_id))
    uris = [r["raw_uri"] for r in sandbox.requests]
    assert any("author=urn%3Ali%3Aorganization%3A2414183" in u for u in uris)
    assert any("owner=(organization:urn%3Ali%3Aorganization%3A2414183)" in u for u in uris)
    assert any("ids=List(urn%3Ali%3Ashare%3A" in u for u in uris)
    assert any(u.startswith("/rest/reactions/(entity:urn%3Ali%3Ashare%3A")
               and "q=entity&sort=(value:REVERSE_CHRONOLOGICAL)" in u for u in uris)
    assert any(u.startswith(f"/rest/socialActions/{encode(top.external_id)}/comments")
               for u in uris)
    assert all(r["status"] == 200 for r in sandbox.requests)


def test_default_requests_encoding_would_break_restli(sandbox) -> None:
    """Why query strings are built by hand: ``params=`` encodes the record's parentheses,
    and LinkedIn (here the sandbox) no longer sees a record."""
    headers = {"Authorization": f"Bearer {SANDBOX_TOKEN}", "LinkedIn-Version": "202610",
               "X-Restli-Protocol-Version": "2.0.0"}
    over_encoded = requests.get(
        f"{sandbox.url}/rest/leadForms", headers=headers, timeout=5,
        params={"q": "owner", "owner": f"(organization:{ORGANIZATION_URN})"})
    assert "%28organization%3A" in over_encoded.url
    assert over_encoded.status_code == 400
    unencoded_urn = requests.get(
        f"{sandbox.url}/rest/leadForms?q=owner&owner=(organization:{ORGANIZATION_URN})",
        headers=headers, timeout=5)
    assert unencoded_urn.status_code == 400
