"""LinkedIn's error body, read tolerantly.

Errors come as ``{"status", "serviceErrorCode", "code", "message"}`` with any of the
fields missing (``code`` only sometimes), and a proxy in between may answer HTML. Both
the classifier and the throttle rule read the same fields, so they read them here.
"""

from __future__ import annotations

from dataclasses import dataclass

import requests


@dataclass(frozen=True, slots=True)
class ErrorBody:
    status: int
    service_error_code: int | None = None
    code: str = ""
    message: str = ""

    @classmethod
    def of(cls, response: requests.Response) -> ErrorBody:
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            return cls(status=response.status_code)
        raw_code = data.get("serviceErrorCode")
        try:
            service_error_code = int(raw_code) if raw_code is not None else None
        except (TypeError, ValueError):
            service_error_code = None
        return cls(
            status=response.status_code,
            service_error_code=service_error_code,
            code=str(data.get("code") or ""),
            message=str(data.get("message") or "")[:500],
        )

    def mentions(self, *words: str) -> bool:
        text = f"{self.code} {self.message}".lower()
        return any(word.lower() in text for word in words)
