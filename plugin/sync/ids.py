"""Deterministic SuiteCRM record ids for social items and profiles.

Why derived ids: several workers may take in the same comment at the same moment (a webhook
and a poll, or a redelivery picked up by a second worker). If each chose a random id, both
creates would succeed and SuiteCRM would hold the comment twice; a lookup-then-create needs
a lock that spans hosts. Instead every worker computes the same id from what identifies the
item (module, network, external id) and creates *with that id*: SuiteCRM refuses the second
create ("already exist"), and the loser merges into the winner's record. No lock, no
duplicate, and the id can be recomputed from the network's id alone (no lookup table).

SuiteCRM refuses a second create in one of two ways: "Bean ... is already exist" when the
first row is there before the second request looks (``ConflictError``), or, when both
requests passed that look at the same moment, the database's duplicate key, which V8 reports
only as "Database failure" (a ``ValidationError``; measured on a real SuiteCRM 7.14 with six
concurrent creates). ``create_once`` takes both as "it exists" once a read confirms it.

The ids are UUID version 5 over a fixed project namespace, so they are valid SuiteCRM ids
(36 characters) and differ between modules for the same external id. Never change the
namespace or the name format: every record already written would get a different id.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from connectors.errors import ConflictError, NotFoundError, ValidationError
from connectors.suitecrm import Record, SuiteCRMClient

# The project's own namespace for name-based UUIDs (generated once, fixed for ever).
NAMESPACE = uuid.UUID("a0d21826-057b-4ca4-b8a6-c6e68cc9ea74")
INTERACTIONS = "SCRM_SocialInteractions"
PROFILES = "SCRM_SocialProfiles"
_SEPARATOR = "\x1f"  # ASCII unit separator: appears in no module name, network or id
DATABASE_FAILURE = "Database failure"


def record_id(module: str, network: str, external_id: str) -> str:
    """The SuiteCRM id of the record of ``module`` that stands for ``external_id``."""
    if not module or not network or not external_id:
        raise ValueError("a derived id needs a module, a network and an external id")
    name = _SEPARATOR.join((module, str(network), external_id))
    return str(uuid.uuid5(NAMESPACE, name))


def interaction_id(network: str, external_id: str) -> str:
    """The id of the Social Interaction of one network item (post, comment, message...)."""
    return record_id(INTERACTIONS, network, external_id)


def profile_id(network: str, external_id: str) -> str:
    """The id of the Social Profile of one person or organisation on a network."""
    return record_id(PROFILES, network, external_id)


def create_once(crm: SuiteCRMClient, module: str, attributes: Mapping[str, Any],
                record_id: str) -> Record | None:
    """Create the record under ``record_id``; None when it exists already (another event
    or worker made it), whichever way SuiteCRM says so (see the module docstring)."""
    try:
        return crm.create(module, attributes, record_id=record_id)
    except ConflictError:
        return None
    except ValidationError as exc:
        if DATABASE_FAILURE not in f"{exc.detail} {exc.message}":
            raise
        try:
            crm.get(module, record_id, fields=["id"])
        except NotFoundError:
            raise exc from None  # a real database failure, not a lost race
        return None
