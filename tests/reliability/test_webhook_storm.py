"""A storm of webhook deliveries (issue 12): duplicates, reordering, deletes and forged
signatures, sent concurrently to the API under gunicorn, processed by real ``socialcrm
worker`` processes into the SuiteCRM sandbox over HTTP. SuiteCRM must end exactly as the
events say, every forged delivery must get a 403 and leave no trace in SuiteCRM or Redis.

600 deliveries here; ``python -m reliability.webhook_storm`` sends 10,000."""

from __future__ import annotations

import zlib

from connectors.errors import WebhookRejectedError
from connectors.facebook.webhooks import verify_signature as facebook_verify
from connectors.linkedin.webhooks import verify_signature as linkedin_verify
from plugin.sync.ids import INTERACTIONS
from reliability.webhook_checks import compare, interactions, markers_in_redis
from reliability.webhook_stack import FB_APP_SECRET, LI_CLIENT_SECRET, webhook_stack
from reliability.webhook_storm import storm_on
from reliability.webhook_stream import Shipment, plan_storm
from sandboxes.facebook.server import FacebookSandbox

SIZE = 600  # deliveries: the workers drain about 15 items a second into the sandbox
DUPLICATES = ("resend_now", "resend_later", "rebatch", "delete_again")
FORGED = ("wrong_secret", "truncated", "no_header", "tampered")


def _passes(shipment: Shipment) -> bool:
    """Whether the connectors' own checks accept the delivery's signature."""
    if shipment.network == "linkedin":
        return linkedin_verify(shipment.body, shipment.headers.get("X-LI-Signature"),
                               LI_CLIENT_SECRET)
    try:
        facebook_verify(shipment.body, shipment.headers.get("X-Hub-Signature-256"),
                        FB_APP_SECRET)
    except WebhookRejectedError:
        return False
    return True


def test_the_stream_holds_every_fault_in_the_share_the_issue_names() -> None:
    graph = FacebookSandbox(app_secret=FB_APP_SECRET)  # its store only, not served
    plan = plan_storm(1000, graph, fb_secret=FB_APP_SECRET, li_secret=LI_CLIENT_SECRET)
    faults = plan.faults
    assert len(plan.shipments) == 1000
    assert sum(faults[name] for name in DUPLICATES) == 100
    assert sum(faults[name] for name in FORGED) == 50
    assert all(faults[name] > 0 for name in (*DUPLICATES, *FORGED, "batches",
                                             "edit_before_create", "edit_after_delete",
                                             "delete_before_create"))
    assert {s.network for s in plan.shipments} == {"facebook", "linkedin"}
    assert [s for s in plan.shipments if _passes(s) == s.forged] == []
    kinds = {expected.kind for expected in plan.expected.values()}
    assert kinds == {"comment", "reply", "message", "lead_form"}
    assert any(e.deleted for e in plan.expected.values())
    for network, external_id in plan.forged_ids:
        assert (network, external_id) not in plan.expected
    deleted_on_page = [key for key, e in plan.expected.items()
                       if e.deleted and e.network == "facebook"]
    assert deleted_on_page and all(graph.store.get(key[1]) is None
                                   for key in deleted_on_page), "deleted on the Page too"


def test_a_storm_ends_exactly_as_its_events_say_and_forgeries_leave_no_trace() -> None:
    with webhook_stack(workers=3) as stack:
        storm = storm_on(stack, SIZE, drain_timeout=300)
        result, found = storm.result, storm.result.found
        assert result.server_errors == 0
        assert (result.good_refused, result.forged_accepted) == (0, 0)
        assert set(result.rejected_labels) == {"403 bad_signature"}
        assert sum(result.rejected.values()) == SIZE // 20
        assert result.first_copies == result.distinct_bodies
        assert result.answers["200 duplicate"] == SIZE - SIZE // 20 - result.distinct_bodies
        assert found.examples == []
        assert (found.stored, found.lost, found.duplicated, found.wrong_text,
                found.wrong_state, found.wrong_kind, found.unexpected) == (
            found.items, 0, 0, 0, 0, 0, 0)
        assert (found.leads_stored, found.leads_duplicated) == (found.leads, 0)
        assert found.leads >= 2
        assert found.markers_in_suitecrm == [] and result.redis_markers == []
        assert result.failed == {}
        assert result.passed

        # The checks can fail: break SuiteCRM and Redis behind the system's back.
        crm = stack.crm()
        lost, changed, copied = [key for key, e in storm.plan.expected.items()
                                 if e.kind == "comment" and e.text][:3]
        held = {key: records[0] for key, records in interactions(crm).items()
                if key in (lost, changed, copied)}
        crm.delete(INTERACTIONS, held[lost]["id"])
        crm.update(INTERACTIONS, held[changed]["id"], {"body": held[changed]["body"] + " "})
        crm.create(INTERACTIONS, {"name": "copy", "network": copied[0],
                                  "external_id": copied[1], "kind": "comment"})
        again = compare(storm.plan, crm, storm.before)
        assert (again.lost, again.wrong_text, again.duplicated) == (1, 1, 1)
        client = stack.redis_client()
        client.set("plain", f"... {storm.plan.marker}n0 ...")
        client.hset("packed", "data", zlib.compress(f"{storm.plan.marker}n1".encode()))
        places = markers_in_redis(client, stack.redis_files, storm.plan.marker)
        client.close()
        assert {"key plain", "key packed"} <= set(places)
        assert any(place.startswith("file ") for place in places)
