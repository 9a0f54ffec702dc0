"""Job functions the worker tests enqueue: real jobs, imported by name in the worker
process, that use the runtime ``socialcrm worker`` installed there."""

from __future__ import annotations

import os
from typing import Any

from workers.runtime import current


def note_service_user(key: str) -> str:
    """Log in to SuiteCRM through the runtime's service client and note who we are."""
    runtime = current()
    user = runtime.suitecrm().current_user().user_name
    runtime.redis().rpush(key, f"{user}:{os.getpid()}")
    return user


def needs_flag(flag: str) -> str:
    """Fail until ``flag`` exists in Redis (a job whose cause can be fixed, then requeued)."""
    if not current().redis().exists(flag):
        raise LookupError(f"flag {flag} is not set")
    return "done"


def record(key: str, label: str, **_: Any) -> None:
    """Append ``label`` to a list: the order jobs ran in."""
    current().redis().rpush(key, label)
