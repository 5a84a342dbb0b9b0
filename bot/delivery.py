"""What Mobilot promises about messages, as data: the inbox of updates, the outbox of notices.

- An update is recorded (`InboxEntry`) before Telegram is told it arrived; it is marked handled
  in the same transaction as everything it causes, so it takes effect once or not at all.
- Every message it causes is an `Outgoing` notice written in that same transaction, and sent by
  the deliverer: at once, then again after a failure (`retry_after_failure`), in order for each
  chat, until it is sent, its reader turns out to be unreachable (then `if_unreachable` says who
  else must know), or it is given up (`GIVE_UP_AFTER`) and reported to the team.

Delivery is at least once: after a crash between a send and its record, that one message is
sent again. Nothing here knows Telegram: a notice holds a platform method and its parameters
(what the adapter rendered), the chat, and the person it is for.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

JSON = dict[str, Any]

# Waiting between attempts after a server error or a network failure: short at first (an
# outage of a few seconds costs seconds), then at most every five minutes.
BACKOFF = (
    timedelta(seconds=1),
    timedelta(seconds=2),
    timedelta(seconds=3),
    timedelta(seconds=5),
    timedelta(seconds=10),
    timedelta(seconds=15),
    timedelta(seconds=30),
    timedelta(minutes=1),
    timedelta(minutes=2),
    timedelta(minutes=5),
)
# A notice still not delivered after this long is given up and reported in the digest.
GIVE_UP_AFTER = timedelta(hours=24)
# Local hours when a message that is not urgent (a reminder, a question, the digest) held up
# by an outage waits for the morning rather than waking someone up.
QUIET_FROM, QUIET_UNTIL = 21, 8


def retry_after_failure(attempts: int) -> timedelta:
    """How long to wait after `attempts` failed attempts (1 = the first failure)."""
    return BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1]


class InboxStatus(enum.StrEnum):
    PENDING = "pending"
    HANDLED = "handled"
    FAILED = "failed"  # its handler raised: its effects were rolled back, the person told


@dataclass(frozen=True)
class InboxEntry:
    update_id: int
    payload: JSON
    received_at: datetime


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    UNREACHABLE = "unreachable"  # the reader blocked the bot or never started it
    FAILED = "failed"  # refused for good, or given up after GIVE_UP_AFTER
    DROPPED = "dropped"  # no longer needed (an edit of a message gone, an answer too late)


@dataclass(frozen=True)
class Step:
    """A named step to run about a notice (when it is sent, or cannot be), with its values.

    The adapter registers the steps by name; the core decides which one a notice carries.
    """

    name: str
    values: JSON = field(default_factory=dict)

    def to_json(self) -> JSON:
        return {"name": self.name, "values": self.values}

    @classmethod
    def from_json(cls, data: JSON | None) -> Step | None:
        if not data:
            return None
        return cls(str(data["name"]), dict(data.get("values") or {}))


@dataclass(frozen=True)
class Outgoing:
    """A message to write to the outbox."""

    chat_id: int
    method: str
    params: JSON
    person_id: int | None = None
    if_unreachable: Step | None = None
    after_sent: Step | None = None
    urgent: bool = True
    topic: str = "message"


@dataclass(frozen=True)
class OutboxEntry:
    id: int
    chat_id: int
    person_id: int | None
    method: str
    params: JSON
    if_unreachable: Step | None
    after_sent: Step | None
    attempts: int
    urgent: bool
    next_attempt_at: datetime
    created_at: datetime


@dataclass(frozen=True)
class UndeliveredNotice:
    """A notice that could not be delivered, for the team's digest."""

    chat_id: int
    person_id: int | None
    topic: str
    status: DeliveryStatus
    error: str
    finished_at: datetime


@dataclass(frozen=True)
class Backlog:
    """How the deliverer is doing, for the health check."""

    pending: int
    oldest_pending_at: datetime | None
    last_sent_at: datetime | None

    def lag(self, now: datetime) -> timedelta:
        return now - self.oldest_pending_at if self.oldest_pending_at else timedelta(0)
