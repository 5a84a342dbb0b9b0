"""What Mobilot promises about messages, as data: the inbox of updates, the outbox of notices.

- An update is recorded (`InboxEntry`) before Telegram is told it arrived; it is marked handled
  in the same transaction as everything it causes, so it takes effect once or not at all.
- Every message it causes is an `Outgoing` notice written in that same transaction, and sent by
  the deliverer: at once, then again after a failure (`retry_after_failure`), in order for each
  chat, until it is sent, its reader turns out to be unreachable (then `if_unreachable` says who
  else must know), or it is given up (`GIVE_UP_AFTER`) and reported to the team.

Delivery is at least once: a message is recorded as sent only after it was accepted (sends
are recorded in batches); after a crash between sends and their record, those are sent again.
Sending keeps within the platform's limits without waiting for them (`SendBudget`). Nothing
here knows Telegram: a notice holds a platform method and its parameters (what the adapter
rendered), the chat, and the person it is for.
"""

from __future__ import annotations

import enum
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, ClassVar, TypeVar

from bot.domain import NotWired

JSON = dict[str, Any]
log = logging.getLogger(__name__)

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


@dataclass(frozen=True)
class Rate:
    """At most `count` messages in any `per`."""

    count: int
    per: timedelta


# Telegram's limits: about 30 messages a second overall, 20 a minute in one group.
OVERALL_RATE = Rate(30, timedelta(seconds=1))
GROUP_RATE = Rate(20, timedelta(minutes=1))


class SendBudget:
    """How many messages may go out now, without ever waiting for it.

    Kept in the process's memory: with several workers (bot/workers.py) each keeps to its
    share of Telegram's limits (bot/app.py, `budget_share`), so that together they never
    exceed them; nothing to read from the database before each send.

    The deliverer asks before each send: when the whole budget is spent, it sends nothing
    until `full_until`; when one group's is, that group's messages stay due and wait for its
    next slot (`group_full_until`) while every other chat goes on. Chat 0 (the answers to
    button presses) is not a message and spends nothing.

    A send holds its slot from when it leaves (`spend`) until `per` after its answer came
    back (`settled`): however the network delays each request, Telegram never sees more than
    `count` of them in any `per`.
    """

    def __init__(self, overall: Rate = OVERALL_RATE, per_group: Rate = GROUP_RATE) -> None:
        self.overall = overall
        self.per_group = per_group
        self._on_the_way = 0
        self._sent: deque[datetime] = deque()  # when each answer came back, oldest first
        self._groups: dict[int, _GroupSends] = {}

    def full_until(self, now: datetime) -> datetime | None:
        """None when a message may go now, else about when there will be room again."""
        self._forget(self._sent, now - self.overall.per)
        if self._on_the_way + len(self._sent) < self.overall.count:
            return None
        return self._sent[0] + self.overall.per if self._sent else now + self.overall.per

    def group_full_until(self, chat_id: int, now: datetime) -> datetime | None:
        """For a group (chat_id < 0): None when it may have one more now, else when."""
        group = self._groups.get(chat_id)
        if chat_id >= 0 or group is None:
            return None
        self._forget(group.sent, now - self.per_group.per)
        if not group.sent and not group.on_the_way:
            del self._groups[chat_id]
            return None
        if group.on_the_way + len(group.sent) < self.per_group.count:
            return None
        return group.sent[0] + self.per_group.per if group.sent else now + self.per_group.per

    def spend(self, chat_id: int) -> None:
        """A message leaves for `chat_id`."""
        if chat_id == 0:
            return
        self._on_the_way += 1
        if chat_id < 0:
            self._groups.setdefault(chat_id, _GroupSends()).on_the_way += 1

    def settled(self, chat_id: int, now: datetime) -> None:
        """Telegram answered (whatever it said) the message that left for `chat_id`."""
        if chat_id == 0:
            return
        self._on_the_way -= 1
        self._sent.append(now)
        if chat_id < 0:
            group = self._groups.setdefault(chat_id, _GroupSends())
            group.on_the_way = max(0, group.on_the_way - 1)
            group.sent.append(now)

    @staticmethod
    def _forget(sent: deque[datetime], before: datetime) -> None:
        while sent and sent[0] <= before:
            sent.popleft()


@dataclass
class _GroupSends:
    on_the_way: int = 0
    sent: deque[datetime] = field(default_factory=deque)


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


class StepKind(enum.StrEnum):
    """The steps the deliverer may run about a notice: once it is sent (`after_sent`), or when
    its reader turns out to be unreachable (`if_unreachable`). Stored by these names."""

    SEND = "send"  # send messages worded in advance (SendMessages)
    NEED_POSTED = "need_posted"  # a need's post is in the team's group (NeedPosted)
    DRIVER_UNREACHABLE = "driver_unreachable"  # ask the next driver (DriverUnreachable)


@dataclass(frozen=True)
class Step:
    """A step to run about a notice, as stored with it: its kind and its values (JSON).

    The core builds one from a typed payload (`NeedPosted(...).step()`…); the deliverer
    reads it back with `payload()` and runs it through `Steps`, which has exactly one runner
    for each kind. An unknown kind is refused when the step is made, not when it is run.
    """

    kind: StepKind
    values: JSON = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", StepKind(self.kind))

    @property
    def name(self) -> str:
        return self.kind.value

    def payload(self) -> StepPayload:
        return _PAYLOADS[self.kind].from_values(self.values)

    def to_json(self) -> JSON:
        return {"name": self.kind.value, "values": self.values}

    @classmethod
    def from_json(cls, data: JSON | None) -> Step | None:
        """A stored step (the same form since steps were named by strings); None for a kind
        this version no longer runs."""
        if not data:
            return None
        try:
            return cls(StepKind(str(data["name"])), dict(data.get("values") or {}))
        except ValueError:
            log.error("a stored step of unknown kind %r is ignored", data.get("name"))
            return None


@dataclass(frozen=True)
class WordedMessage:
    """A message worded in advance (by the adapter), sent only if a step asks for it."""

    chat_id: int
    text: str
    reply_markup: JSON | None = None
    # A text (SMS) to this number rather than a message to the chat (then the person's lane).
    sms_to: str | None = None

    def to_json(self) -> JSON:
        data: JSON = {"chat_id": self.chat_id, "text": self.text}
        if self.reply_markup is not None:
            data["reply_markup"] = self.reply_markup
        if self.sms_to is not None:
            data["sms_to"] = self.sms_to
        return data


@dataclass(frozen=True)
class SendMessages:
    """Send these messages (what to tell instead of a notice that could not be delivered)."""

    messages: tuple[WordedMessage, ...]

    kind: ClassVar[StepKind] = StepKind.SEND

    @classmethod
    def from_values(cls, values: JSON) -> SendMessages:
        # Before the list, a step held one message as its values.
        stored = values.get("messages") or [values]
        return cls(
            tuple(
                WordedMessage(
                    int(m["chat_id"]),
                    str(m["text"]),
                    m.get("reply_markup") or None,
                    m.get("sms_to") or None,
                )
                for m in stored
                if m.get("chat_id") is not None and m.get("text")
            )
        )

    def step(self) -> Step:
        return Step(self.kind, {"messages": [m.to_json() for m in self.messages]})


@dataclass(frozen=True)
class NeedPosted:
    """A need's post is in the team's group: it becomes the one kept up to date (and the
    older one, if any, loses its buttons)."""

    need_id: int
    old_post_id: int | None = None

    kind: ClassVar[StepKind] = StepKind.NEED_POSTED

    @classmethod
    def from_values(cls, values: JSON) -> NeedPosted:
        old = values.get("old_post_id")
        return cls(int(values["need_id"]), int(old) if old is not None else None)

    def step(self) -> Step:
        values: JSON = {"need_id": self.need_id}
        if self.old_post_id is not None:
            values["old_post_id"] = self.old_post_id
        return Step(self.kind, values)


@dataclass(frozen=True)
class DriverUnreachable:
    """The driver asked cannot be reached: the core moves on (the next driver, the team)."""

    introduction_id: int

    kind: ClassVar[StepKind] = StepKind.DRIVER_UNREACHABLE

    @classmethod
    def from_values(cls, values: JSON) -> DriverUnreachable:
        return cls(int(values["introduction_id"]))

    def step(self) -> Step:
        return Step(self.kind, {"introduction_id": self.introduction_id})


StepPayload = SendMessages | NeedPosted | DriverUnreachable
_PAYLOADS: dict[StepKind, type[SendMessages] | type[NeedPosted] | type[DriverUnreachable]] = {
    payload.kind: payload for payload in (SendMessages, NeedPosted, DriverUnreachable)
}
if set(_PAYLOADS) != set(StepKind):
    raise NotWired("every kind of step has its payload")

P = TypeVar("P", SendMessages, NeedPosted, DriverUnreachable)
# Runs a step: its payload, and the id of the message sent (None when it was not).
StepRunner = Callable[[P, int | None], Awaitable[None]]


class Steps:
    """The runners of the steps, one for each kind; `check()` at assembly refuses a set with
    a kind left without one."""

    def __init__(self) -> None:
        self._runners: dict[StepKind, StepRunner[Any]] = {}

    def on(self, payload: type[P], runner: StepRunner[P]) -> Steps:
        if payload.kind in self._runners:
            raise ValueError(f"two runners for the step {payload.kind.value!r}")
        self._runners[payload.kind] = runner
        return self

    def check(self) -> Steps:
        missing = sorted(kind.value for kind in StepKind if kind not in self._runners)
        if missing:
            raise ValueError(f"no runner for the steps {', '.join(missing)}")
        return self

    async def run(self, step: Step, message_id: int | None) -> None:
        await self._runners[step.kind](step.payload(), message_id)


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
    # What a text costs (SMS segments); 0 for a Telegram message.
    segments: int = 0
    # A text's: whose budget it counts against (bot/services/texts.py); None with one territory.
    territory: str | None = None


# A text (SMS) in the outbox: its method, and the lane of each person's texts, kept apart from
# every Telegram chat (Telegram's ids stay far below it), so that a person's texts go in order.
SMS = "sms"
SMS_LANES = 1 << 60


def sms_lane(person_id: int) -> int:
    return SMS_LANES + person_id


class Report(enum.StrEnum):
    """What the SMS gateway reports of a text sent."""

    DELIVERED = "delivered"
    FAILED = "failed"
    # Taken by the operator's centre, not yet on the phone: nothing to do.
    ON_ITS_WAY = "on_its_way"


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
    topic: str = "message"  # what it is about: an agenda entry's kind, or "message"


# Messages that are true only on the day they were written: the evening-before reminders
# say "demain". Held up past midnight (a night-long outage), they are not sent.
SAID_FOR_TOMORROW = frozenset({"ride_reminder_passenger", "ride_reminder_driver"})


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
