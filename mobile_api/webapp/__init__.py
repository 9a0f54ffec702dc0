"""The reference mobile web app for reps (a PWA), served as static files at ``/app/``.

It is a client of the mobile API like any other: it holds no secret beyond the rep's own
tokens and speaks only ``/api/v1``. See docs/webapp.md.
"""

from mobile_api.webapp.routes import blueprint

__all__ = ["blueprint"]
