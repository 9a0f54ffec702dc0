"""Records (search and detail of contacts, accounts, leads, opportunities, cases) and
contact/lead cards, read from SuiteCRM with the rep's own token (docs/mobile-records.md)."""
