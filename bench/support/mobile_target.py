"""Which SuiteCRM the mobile benchmark measures, and which reps log in to it.

The real SuiteCRM when the ``SUITECRM_*`` settings name one (``bench.support.target``
checks them and the package), else the SuiteCRM sandbox, as every benchmark does. The
quick-update figure needs many reps logged in at once, each with their own SuiteCRM
session:

* on the sandbox the benchmark creates them (``REPS_WANTED`` users, no role: each sees
  what a rep without restrictions sees), so every update comes from another rep;
* on a real SuiteCRM it cannot create users with passwords through the API, so it logs in
  SuiteCRM's demo users (``DEMO_USERS``, whose demo password is their user name) several
  times each; updates of one rep are applied in order (one after the other), and the
  figure says so.

The feed belongs to ``sally`` on both (a demo rep of the sandbox and of SuiteCRM's demo
data).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from bench.support.target import SANDBOX_LABEL, CrmTarget, suitecrm_target
from connectors.suitecrm import SuiteCRMClient
from sandboxes.suitecrm import DEMO_MOBILE_CLIENT, DEMO_SYNC_CLIENT, SuiteCRMSandbox
from sandboxes.suitecrm.seed import DEMO_REPS
from socialcrm.settings import Settings

REPS_WANTED = 50
DEMO_USERS = ("sally", "max", "will", "chris", "sarah", "jim")  # SuiteCRM's demo data
FEED_REP = "sally"


@dataclass(frozen=True, slots=True)
class Rep:
    """A SuiteCRM user who logs in to the API."""

    user_name: str
    password: str
    user_id: str


@dataclass(frozen=True, slots=True)
class MobileTarget:
    """The SuiteCRM, the rep whose feed is read, and the distinct reps who post updates."""

    crm: CrmTarget
    feed_rep: Rep
    reps: tuple[Rep, ...]

    @property
    def reps_label(self) -> str:
        if self.crm.live:
            return (f"{len(self.reps)} demo users of the real SuiteCRM "
                    f"({', '.join(rep.user_name for rep in self.reps)}), several sessions "
                    "each: one rep's updates are applied in order")
        return f"{len(self.reps)} reps created in the sandbox, one session each"


@contextmanager
def mobile_target() -> Iterator[MobileTarget]:
    """The configured SuiteCRM with its demo users, else a sandbox with new reps."""
    if Settings.from_env(only=("SUITECRM_URL",)).suitecrm_url:
        with suitecrm_target() as crm:
            reps = tuple(_demo_rep(crm, name) for name in DEMO_USERS)
            yield MobileTarget(crm, reps[0], reps)
        return
    with SuiteCRMSandbox(port=0, seed=False, with_plugin=True) as sandbox:
        reps = tuple(_sandbox_rep(sandbox, number) for number in range(1, REPS_WANTED + 1))
        (sally,) = [Rep(name, password, user_id) for name, password, user_id in DEMO_REPS
                    if name == FEED_REP]
        crm = CrmTarget(url=sandbox.url, sync_client=DEMO_SYNC_CLIENT,
                        password_client=DEMO_MOBILE_CLIENT, label=SANDBOX_LABEL, live=False)
        yield MobileTarget(crm, sally, reps)


def _demo_rep(crm: CrmTarget, user_name: str) -> Rep:
    """A demo user of the real SuiteCRM, its id as SuiteCRM answers it."""
    client = SuiteCRMClient.login(crm.url, *crm.password_client, user_name, user_name,
                                  timeout=30.0)
    try:
        return Rep(user_name, user_name, client.current_user().id)
    finally:
        client.logout()


def _sandbox_rep(sandbox: SuiteCRMSandbox, number: int) -> Rep:
    name = f"bench-rep-{number:02d}"
    rep = Rep(name, f"{name}-Passw0rd", f"bench_rep_{number:02d}_id")
    sandbox.add_user(rep.user_name, rep.password, user_id=rep.user_id,
                     first_name="Bench", last_name=f"Rep {number:02d}", title="Sales Rep")
    return rep
