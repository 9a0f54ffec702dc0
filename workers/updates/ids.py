"""The SuiteCRM record an update creates has an id derived from the update's id.

Why: the worker that writes an update may be retried after SuiteCRM carried out the
create but the answer was lost. With a random id the retry would create a second record;
with ``record_id(update id, module)`` it asks for the same id again, SuiteCRM answers
that the record exists, and the worker reads it back and treats the update as applied
(``plugin.sync.ids.create_once``). The name-based UUID uses the project's namespace with
a name format of its own, so it can never equal an id the sync derives for a social item.
"""

from __future__ import annotations

import uuid

from plugin.sync.ids import NAMESPACE

_SEPARATOR = "\x1f"


def record_id(update_id: str, module: str) -> str:
    """The id of the ``module`` record that update ``update_id`` creates."""
    if not update_id or not module:
        raise ValueError("a derived record id needs an update id and a module")
    return str(uuid.uuid5(NAMESPACE, _SEPARATOR.join(("update", update_id, module))))
