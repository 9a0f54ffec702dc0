"""The rep's inbox: social interactions waiting for their answer, most urgent first
(docs/mobile-records.md)."""
