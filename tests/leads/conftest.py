"""A seeded SuiteCRM sandbox with the SocialCRM package and its service client
(``tests/seeded_crm.py``): the matcher searches among 200 demo contacts and 80 leads."""

from tests.seeded_crm import crm, sandbox, tag

__all__ = ["crm", "sandbox", "tag"]
