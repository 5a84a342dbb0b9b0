"""Several workers serving one deployment (issue 22, item 3): who this process is, and what
it holds.

Every process is a worker with a name (WORKER_NAME, unique among the deployment's, stable
across its restarts) and a lease (WORKER_LEASE_S). A worker *claims* the rows it works on —
updates of the inbox, messages of the outbox, entries of the agenda, texts received — until
its lease runs out, and renews its claims while it lives (`Heartbeat`). So:

- one chat's updates are handled in order by one worker at a time: a worker claims the
  oldest pending updates of the chats no other worker holds, and holds a chat as long as one
  of its updates it claimed is pending;
- each message is sent once (a message claimed is sent by no one else before the lease of
  its claimant runs out: after a kill, what was on its way is at worst sent again), one chat's
  messages in order;
- each agenda entry is run once, each text handled once, in order for each sender;
- one worker at a time polls Telegram (long polling keeps one offset per bot): the one that
  holds the lease named `POLLER`; another takes it over when it dies.

A worker restarted under its name takes back at once what it held; a worker killed for good
is taken over once its lease has run out. An update handled twice (a worker stalled past its
lease while another took it over) still takes effect once: it is marked handled in the
transaction of its effects, and only if it was still pending.

Each claim is one statement (`UPDATE … SET claimed_by, claimed_until WHERE id IN (SELECT …)
RETURNING …`): SQLite's write lock makes it atomic; PostgreSQL needs one more line, kept
beside it (storage/claims.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

# The lease of the one worker that polls Telegram.
POLLER = "telegram-poller"
# The lease of the one worker that tells partner platforms about their bookings.
PARTNER_UPDATES = "partner-updates"


@dataclass(frozen=True)
class Worker:
    """This process among the deployment's workers."""

    name: str = "main"
    count: int = 1  # WORKERS: how many serve the deployment
    lease: timedelta = timedelta(seconds=30)

    @property
    def several(self) -> bool:
        return self.count > 1

    def until(self, now: datetime) -> datetime:
        """When a claim made now runs out, unless renewed."""
        return now + self.lease

    @property
    def renew_every(self) -> float:
        """Seconds between two renewals: three chances before the lease runs out."""
        return self.lease.total_seconds() / 3


class Claims(Protocol):
    """The claims and leases as stored (storage/claims.py)."""

    async def renew(self, worker: str, until: datetime, now: datetime) -> None:
        """Extend every claim `worker` holds on rows still pending."""
        ...

    async def hold(self, name: str, worker: str, until: datetime, now: datetime) -> bool:
        """Take or keep the lease `name` until `until`; False while another holds it."""
        ...

    async def let_go(self, name: str, worker: str) -> None:
        """Give the lease up (a clean stop: another takes it at once)."""
        ...


class Leases:
    """This worker's leases and claims on the clock: renewed while it lives."""

    def __init__(self, claims: Claims, worker: Worker, now: Callable[[], datetime]) -> None:
        self._claims = claims
        self.worker = worker
        self._now = now

    async def renew(self) -> None:
        now = self._now()
        await self._claims.renew(self.worker.name, self.worker.until(now), now)

    async def hold(self, name: str, lease: timedelta | None = None) -> bool:
        now = self._now()
        return await self._claims.hold(
            name, self.worker.name, now + (lease or self.worker.lease), now
        )

    async def let_go(self, name: str) -> None:
        await self._claims.let_go(name, self.worker.name)


Sleep = Callable[[float], Awaitable[None]]
