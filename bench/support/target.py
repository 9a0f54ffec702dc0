"""Which SuiteCRM the sync benchmarks measure: the real one when configured, else the sandbox.

Issue 9 asks for the figures "against the real SuiteCRM when the ``SUITECRM_*`` settings
point at one (else the sandbox, said so)". ``suitecrm_target()`` reads exactly those
settings through ``Settings`` (so a half-configured SuiteCRM is refused with the setting
it lacks), checks that the SocialCRM package is installed there (the sync writes its
modules), and yields a ``CrmTarget`` whose ``label`` every figure quotes. Records the
benchmark creates in a real SuiteCRM are deleted through V8 on the way out
(``Cleanup``), so repeated runs do not pile up data.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from connectors.errors import ConnectorError
from connectors.suitecrm import SuiteCRMClient
from plugin.sync.ids import INTERACTIONS, PROFILES
from sandboxes.suitecrm import DEMO_MOBILE_CLIENT, DEMO_SYNC_CLIENT, SuiteCRMSandbox
from socialcrm.settings import Settings

SUITECRM_SETTINGS = ("SUITECRM_URL", "SUITECRM_CLIENT_ID", "SUITECRM_CLIENT_SECRET",
                     "SUITECRM_PASSWORD_CLIENT_ID", "SUITECRM_PASSWORD_CLIENT_SECRET")
PLUGIN_MODULES = (INTERACTIONS, PROFILES)
# Workers in connected mode insist on a password client although the sync never logs a
# rep in; when only the service account is configured the workers get this stand-in.
UNUSED_PASSWORD_CLIENT = ("not-used-by-the-sync", "not-used-by-the-sync")


@dataclass(frozen=True, slots=True)
class CrmTarget:
    """One SuiteCRM to measure: where it is, the sync's clients, and how to name it."""

    url: str
    sync_client: tuple[str, str]
    password_client: tuple[str, str]
    label: str
    live: bool

    def client(self, url: str | None = None, **options: Any) -> SuiteCRMClient:
        """The sync's service account, at ``url`` (a proxy in front) or the target."""
        return SuiteCRMClient.service_account(url or self.url, *self.sync_client,
                                              timeout=30.0, **options)


LIVE_LABEL = "the real SuiteCRM at {url} (SUITECRM_URL)"
SANDBOX_LABEL = "the SuiteCRM sandbox over HTTP on loopback (SUITECRM_URL unset)"


def configured_label() -> str:
    """What ``suitecrm_target()`` would measure against, without contacting it."""
    url = Settings.from_env(only=SUITECRM_SETTINGS[:1]).suitecrm_url
    return LIVE_LABEL.format(url=url) if url else SANDBOX_LABEL


@contextmanager
def suitecrm_target() -> Iterator[CrmTarget]:
    """The configured SuiteCRM (package checked), else a sandbox with the package."""
    settings = Settings.from_env(only=SUITECRM_SETTINGS[:3])
    if settings.suitecrm_url:
        full = Settings.from_env(only=SUITECRM_SETTINGS, require_companions=False)
        password = (full.suitecrm_password_client_id, full.suitecrm_password_client_secret)
        target = CrmTarget(
            url=settings.suitecrm_url,
            sync_client=(settings.suitecrm_client_id or "", settings.suitecrm_client_secret or ""),
            password_client=(password[0] or UNUSED_PASSWORD_CLIENT[0],
                             password[1] or UNUSED_PASSWORD_CLIENT[1]),
            label=LIVE_LABEL.format(url=settings.suitecrm_url), live=True)
        _require_package(target)
        yield target
        return
    with SuiteCRMSandbox(port=0, seed=False, with_plugin=True) as sandbox:
        yield CrmTarget(url=sandbox.url, sync_client=DEMO_SYNC_CLIENT,
                        password_client=DEMO_MOBILE_CLIENT, live=False, label=SANDBOX_LABEL)


def _require_package(target: CrmTarget) -> None:
    modules = target.client().modules()
    missing = [name for name in PLUGIN_MODULES if name not in modules]
    if missing:
        raise RuntimeError(
            f"{target.url} has no {', '.join(missing)}: install the SocialCRM package there "
            "(`socialcrm plugin build`, then Admin > Module Loader) or unset SUITECRM_URL to "
            "measure against the sandbox")


class Cleanup:
    """Records a benchmark created in SuiteCRM, deleted through V8 at the end (real
    SuiteCRM only: a sandbox disappears with its process)."""

    def __init__(self, target: CrmTarget) -> None:
        self._target = target
        self._records: dict[tuple[str, str], None] = {}
        self._lock = threading.Lock()

    def add(self, module: str, record_id: str) -> None:
        if record_id:
            with self._lock:
                self._records[(module, record_id)] = None

    def add_summary(self, summary: dict[str, Any]) -> None:
        """Every record an ingest job's summary names (profile, interaction, steps')."""
        for record in _summary_records(summary):
            self.add(str(record.get("module")), str(record.get("id") or ""))

    def run(self) -> int:
        """Delete what was recorded; the number deleted. A failure is reported, not
        raised: the figures are already measured."""
        if not self._target.live:
            return 0
        crm = self._target.client()
        deleted = 0
        with self._lock:
            records, self._records = list(self._records), {}
        for module, record_id in records:
            try:
                crm.delete(module, record_id)
                deleted += 1
            except ConnectorError as exc:
                print(f"cleanup: could not delete {module} {record_id}: {exc}", file=sys.stderr)
        return deleted


def _summary_records(summary: dict[str, Any]) -> Iterable[dict[str, Any]]:
    for key in ("profile", "interaction"):
        if isinstance(summary.get(key), dict):
            yield summary[key]
    yield from (step for step in summary.get("steps") or () if isinstance(step, dict))
