"""Fault injection for the quick-update path (issue 12): scenarios that break real
processes (Redis, workers, SuiteCRM) and count what reached SuiteCRM.
``python -m reliability`` runs them at full size and writes RELIABILITY.md; the tests in
``tests/reliability/`` run them small. See docs/reliability.md."""
