"""Managers' approvals of held replies (``/approvals``) and the app's check of a reply
before sending it (``/replies/check``); see docs/approvals.md."""
