"""SuiteCRM refusing connections, answering 503, or 10 s slow for a period while reps keep
sending: the API accepts every update (it never waits on SuiteCRM), the workers retry
with back-off, and once SuiteCRM is back every update is applied: 0 lost, 0 duplicated.

The period is 15 s here; ``python -m reliability suitecrm_outage --period 60`` runs the
issue's 60 s."""

from __future__ import annotations

import pytest

from reliability.scenarios import suitecrm_outage


@pytest.mark.parametrize("mode", ["refuse", "503", "slow"])
def test_updates_sent_during_a_suitecrm_outage_all_apply_once_after_it(mode: str) -> None:
    result = suitecrm_outage(mode, total=120, reps=8, before=3, period=15,  # type: ignore[arg-type]
                             after=4, drain_timeout=150)
    counts = result.tally
    held_back = next(note for note in result.notes if note.startswith("held back"))
    assert not held_back.startswith("held back when SuiteCRM came back: 0 "), \
        "updates waited for SuiteCRM during the outage"
    assert result.answers == {"202": 120}, "the API accepted every update at first try"
    assert (counts.accepted, counts.applied, counts.lost, counts.duplicated,
            counts.mangled) == (120, 120, 0, 0, 0)
    assert counts.statuses == {"applied": 120}
    assert counts.unaccepted_but_written == 0
