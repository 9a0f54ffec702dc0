"""Close-the-loop drafts for the rep: list, send in one tap, discard (``/drafts``); see
docs/approvals.md."""
