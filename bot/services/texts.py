"""Texts received from simple phones (SMS), and what texting costs.

Each text the gateway passes on is recorded first (`receive`), before the gateway hears it
arrived; it is handled once, in one transaction with everything it causes, like Telegram's
updates (bot/delivery.py). The same text passed on twice (the gateway's id) takes effect once.

Texts cost the association money, each segment of each message: a number that sends too
many in a short while is answered once that it must wait, then not at all until it slows
down (what it sent is kept); and the month's budget of segments, when set, is never
overspent: what would overspend it reaches the person through the team instead.

With several territories, a territory may pay for its own texts (its `sms_monthly_segments`
in TERRITORIES_FILE): its people's texts count against its budget alone, and stop when it is
spent without stopping anyone else's; the territories without one share SMS_MONTHLY_SEGMENTS.
Each text keeps the territory of the person it goes to in its outbox row, and the budget is
counted from those rows, in the transaction that writes the text, under a lock the other
workers' budget checks wait for (storage/outbox.py, `lock_budget`): never a counter in memory.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from bot.clock import Clock
from bot.domain import NotWired, Person
from bot.notices import (
    NeedPostRefresh,
    Notice,
    SmsStoppedTeam,
    SmsTeamAgreed,
    to_person,
    to_team,
)
from bot.phones import is_mobile, parse_phone
from bot.ports import NeedRepository
from bot.services.people import PeopleService
from bot.services.territories import Belonging
from bot.territories import Territories

# More texts than this from one number within the window: it is slowed down (a whole
# conversation by text takes about a dozen).
FLOOD_TEXTS = 30
FLOOD_WINDOW = timedelta(minutes=10)
# Handled texts are kept this long (what the person sent, for a fault to be looked into).
KEEP_HANDLED_TEXTS = timedelta(days=30)
# The topic of the team's posts that pass on a text the month's budget could not pay for
# (counted in /stats).
THROUGH_TEAM = "sms_over_budget"


@dataclass(frozen=True)
class ReceivedText:
    id: int
    sender: str
    receiver: str
    text: str
    received_at: datetime


class TextInbox(Protocol):
    async def record(
        self, gateway_id: str | None, sender: str, receiver: str, text: str, now: datetime
    ) -> bool:
        """False when the gateway already passed this one on (same id)."""

    async def pending(self, limit: int, now: datetime | None = None) -> list[ReceivedText]:
        """The oldest pending texts; with `now`, claimed by this worker (bot/workers.py)."""

    async def settle(self, text_id: int, status: str, now: datetime, error: str | None) -> None: ...

    async def count_from(self, sender: str, since: datetime, up_to: int) -> int:
        """Texts from `sender` received since then, up to the text `up_to` included."""

    async def prune(self, before: datetime) -> None: ...


class TextUsage(Protocol):
    async def segments_since(self, since: datetime) -> int:
        """Segments of the texts written to the outbox since then (sent or waiting)."""

    async def texts_since(self, since: datetime) -> tuple[int, int]:
        """Texts written to the outbox since then (sent or waiting), and their segments."""

    async def texts_by_territory(self, since: datetime) -> dict[str | None, tuple[int, int]]:
        """The same, by the territory each text was written for (None: not recorded)."""

    async def lock_budget(self) -> None:
        """Held until the caller's transaction ends: another worker's check of the budget
        waits, then counts what this one wrote."""

    async def team_posts_since(
        self, topic: str, since: datetime, chat_id: int | None = None
    ) -> int:
        """Posts to the team about `topic` written since then (to that group only, if named)."""


class Flood(enum.Enum):
    NO = "no"
    # Just over the limit: told once to wait.
    TOLD = "told"
    # Still over it: nothing sent back.
    SILENT = "silent"


@dataclass(frozen=True)
class TextBudget:
    """One budget of segments this month: a territory's own, or the deployment's, shared by
    the territories without their own (`territory` None)."""

    territory: str | None
    budget: int | None  # None: no budget
    used: int  # segments counted against it this month
    sharing: tuple[str, ...] = ()  # the deployment's: the territories that share it

    @property
    def left(self) -> int | None:
        return None if self.budget is None else max(self.budget - self.used, 0)

    @property
    def spent(self) -> bool:
        return self.budget is not None and self.used >= self.budget


@dataclass(frozen=True)
class TextMonth:
    """What texting cost this month, for the team's /stats."""

    texts: int
    segments: int
    budget: int | None  # SMS_MONTHLY_SEGMENTS; None: no budget
    through_team: int  # texts the budget could not pay for, passed on by the team
    # With several territories: the budget these texts count against (one team's /stats:
    # its own, or the deployment's it shares with others), or every budget (`/stats tout`).
    budgets: tuple[TextBudget, ...] = ()
    # Whose month this is: a territory's (one team's /stats), None: the whole deployment's.
    territory: str | None = None


class TeamSms(enum.StrEnum):
    """What the team's /sms <number> [non] did."""

    REACHED = "reached"  # texts reach them from now on, as they agreed
    WITHDRAWN = "withdrawn"  # no more texts: the team phones them
    ALREADY = "already"  # texted already (nothing changed)
    NOT_TEXTED = "not_texted"  # "non" for someone who was not texted
    NOT_A_PHONE = "not_a_phone"
    NOT_A_MOBILE = "not_a_mobile"  # a landline cannot get texts
    NOT_FOUND = "not_found"  # nobody the team registered with that number
    ON_TELEGRAM = "on_telegram"  # on Telegram: messages reach them there
    STOPPED = "stopped"  # they texted STOP: only their own START undoes it


@dataclass(frozen=True)
class TeamSmsResult:
    result: TeamSms
    phone: str | None = None  # E.164
    person: Person | None = None
    notices: list[Notice] = field(default_factory=list)


@dataclass(frozen=True)
class Stopped:
    person: Person
    notices: list[Notice] = field(default_factory=list)


class TextService:
    def __init__(
        self,
        inbox: TextInbox,
        usage: TextUsage,
        people: PeopleService,
        clock: Clock,
        zone: object,
        monthly_segments: int | None,
        needs: NeedRepository | None = None,
        *,
        belonging: Belonging | None = None,
        team_chat_id: int | None = None,
    ) -> None:
        self._inbox = inbox
        self._usage = usage
        self._people = people
        self._clock = clock
        self._zone = zone
        self.monthly_segments = monthly_segments
        self._needs = needs
        # Several territories: each text counts against its person's territory's budget.
        several = belonging is not None and belonging.territories.several
        self._belonging = belonging if several else None
        self._territories = belonging.territories if belonging is not None and several else None
        if belonging is not None and not several:
            # One territory: its own budget, when its file names one, is the deployment's.
            own = belonging.territories.first.sms_monthly_segments
            self.monthly_segments = own if own is not None else monthly_segments
        # The first territory's group (OPERATOR_CHAT_ID): where a territory without its own
        # group hears of texts the budget could not pay for.
        self._team_chat_id = team_chat_id

    async def receive(self, gateway_id: str | None, sender: str, receiver: str, text: str) -> bool:
        return await self._inbox.record(gateway_id, sender, receiver, text, self._clock.now())

    async def pending(self, limit: int) -> list[ReceivedText]:
        """The oldest texts not yet handled, claimed by this worker: those of a sender
        another worker holds are left to it."""
        return await self._inbox.pending(limit, self._clock.now())

    async def handled(self, text: ReceivedText) -> None:
        await self._inbox.settle(text.id, "handled", self._clock.now(), None)

    async def ignored(self, text: ReceivedText, why: str) -> None:
        await self._inbox.settle(text.id, "ignored", self._clock.now(), why)

    async def failed(self, text: ReceivedText, error: str) -> None:
        await self._inbox.settle(text.id, "failed", self._clock.now(), error)

    async def flood(self, text: ReceivedText) -> Flood:
        """Whether this number sends too much (the text itself counted). Counted in the
        database: the same whichever worker handles the text (bot/workers.py)."""
        count = await self._inbox.count_from(text.sender, text.received_at - FLOOD_WINDOW, text.id)
        if count <= FLOOD_TEXTS:
            return Flood.NO
        return Flood.TOLD if count == FLOOD_TEXTS + 1 else Flood.SILENT

    async def stop(self, person: Person) -> Stopped:
        """STOP: no more texts to them; the team hears it, to phone them if need be."""
        if person.sms_stopped_at is not None:
            return Stopped(person)
        person = await self._people.stop_sms(person)
        notices = [to_team(SmsStoppedTeam(person))] if person.sms_since is not None else []
        return Stopped(person, [*notices, *await self._posts_of(person)])

    async def start(self, person: Person) -> Person:
        """START: texts again (and agreed anew, if they had agreed before)."""
        person = await self._people.start_sms(person)
        if person.sms_since is None and person.privacy_accepted_at is not None:
            person = await self._people.reach_by_sms(person)
        return person

    async def set_by_team(self, operator: Person, typed: str, agreed: bool) -> TeamSmsResult:
        """The team says that someone it registered by phone agrees to be texted at this
        number (`agreed`), or no longer does. Their consent is recorded with the team
        member's name; texted from now on, they are told so in a first text (STOP undoes
        it). Someone who later texts from that number is that same person."""
        phone = parse_phone(typed)
        if phone is None:
            return TeamSmsResult(TeamSms.NOT_A_PHONE)
        person = await self._people.registered_with_phone(phone)
        if person is None:
            known = await self._people.with_phone(phone)
            if known is not None and known.telegram_user_id is not None:
                return TeamSmsResult(TeamSms.ON_TELEGRAM, phone, known)
            return TeamSmsResult(TeamSms.NOT_FOUND, phone)
        if not agreed:
            if person.sms_since is None:
                return TeamSmsResult(TeamSms.NOT_TEXTED, phone, person)
            person = await self._people.no_sms(person)
            return TeamSmsResult(TeamSms.WITHDRAWN, phone, person, await self._posts_of(person))
        if not is_mobile(phone):
            return TeamSmsResult(TeamSms.NOT_A_MOBILE, phone, person)
        if person.sms_stopped_at is not None:
            # A STOP they texted stands until they text START: a word on the phone is not
            # recorded anywhere, and a text they did not ask for is what STOP forbids.
            return TeamSmsResult(TeamSms.STOPPED, phone, person)
        if person.by_sms:
            return TeamSmsResult(TeamSms.ALREADY, phone, person)
        person = await self._people.reach_by_sms(person, consent_by=operator, show_phone=False)
        told = [to_person(person, SmsTeamAgreed()), *await self._posts_of(person)]
        return TeamSmsResult(TeamSms.REACHED, phone, person, told)

    async def _posts_of(self, person: Person) -> list[Notice]:
        """Their open needs' posts, drawn again: they say how the person is reached."""
        if self._needs is None:
            return []
        return [
            to_team(NeedPostRefresh(need.id))
            for need in await self._needs.for_person(person.id)
            if need.is_open and need.operators_post_id is not None
        ]

    async def month(self, territory: str | None = None) -> TextMonth:
        """This month's texts: the deployment's, or (several territories) one territory's,
        with the budget they count against."""
        since = self._month_start()
        if self._territories is None:
            texts, segments = await self._usage.texts_since(since)
            through_team = await self._usage.team_posts_since(THROUGH_TEAM, since)
            return TextMonth(texts, segments, self.monthly_segments, through_team)
        counted = await self._by_territory(since)
        budgets = self._budgets(counted)
        if territory is None:
            texts = sum(count for count, _ in counted.values())
            segments = sum(used for _, used in counted.values())
            through_team = await self._usage.team_posts_since(THROUGH_TEAM, since)
            return TextMonth(texts, segments, self.monthly_segments, through_team, budgets)
        territory = self._territories.get(territory).id
        texts, segments = counted.get(territory, (0, 0))
        chat = self._territories.get(territory).team_chat_id or self._team_chat_id
        through_team = await self._usage.team_posts_since(THROUGH_TEAM, since, chat)
        own = next(b for b in budgets if b.territory == self._pool(territory))
        return TextMonth(texts, segments, own.budget, through_team, (own,), territory)

    async def paid_by(self, person_id: int) -> str | None:
        """The territory a text to the person counts against (kept in its row): theirs, the
        first's while not known; None with one territory."""
        if self._belonging is None:
            return None
        return (await self._belonging.of_person(person_id)).id

    async def affordable(self, segments: int, territory: str | None = None) -> bool:
        """Whether `segments` more fit in this month's budget (no budget: always): with
        several territories, the budget of `territory` (`paid_by`), its own or the shared one.
        Counted from the stored texts, in the caller's transaction, under the budget's lock."""
        if self._territories is None:
            if self.monthly_segments is None:
                return True
            await self._usage.lock_budget()
            return await self.used_this_month() + segments <= self.monthly_segments
        pool = self._pool(self._territories.get(territory).id)
        budget = self._budget_of(pool)
        if budget is None:
            return True
        await self._usage.lock_budget()
        counted = await self._by_territory(self._month_start())
        used = sum(used for place, (_, used) in counted.items() if self._pool(place) == pool)
        return used + segments <= budget

    async def used_this_month(self) -> int:
        return await self._usage.segments_since(self._month_start())

    @property
    def _region(self) -> Territories:
        """The territories, for what only several have (a budget each)."""
        if self._territories is None:
            raise NotWired("texts counted by territory without territories")
        return self._territories

    def _pool(self, territory: str) -> str | None:
        """Whose budget a territory's texts count against: its own, else the shared one (None)."""
        own = self._region.get(territory).sms_monthly_segments
        return territory if own is not None else None

    def _budget_of(self, pool: str | None) -> int | None:
        if pool is None:
            return self.monthly_segments
        return self._region.get(pool).sms_monthly_segments

    async def _by_territory(self, since: datetime) -> dict[str, tuple[int, int]]:
        """Texts and segments by territory (one not recorded or unknown: the first's)."""
        counted: dict[str, tuple[int, int]] = {}
        for place, (texts, segments) in (await self._usage.texts_by_territory(since)).items():
            found = self._region.get(place).id
            before = counted.get(found, (0, 0))
            counted[found] = (before[0] + texts, before[1] + segments)
        return counted

    def _budgets(self, counted: dict[str, tuple[int, int]]) -> tuple[TextBudget, ...]:
        """Each territory's own budget, then the shared one (when some territory shares it)."""
        budgets: list[TextBudget] = []
        sharing: list[str] = []
        for item in self._region.items:
            used = counted.get(item.id, (0, 0))[1]
            if item.sms_monthly_segments is not None:
                budgets.append(TextBudget(item.id, item.sms_monthly_segments, used))
            else:
                sharing.append(item.id)
        if sharing:
            used = sum(counted.get(item, (0, 0))[1] for item in sharing)
            budgets.append(TextBudget(None, self.monthly_segments, used, tuple(sharing)))
        return tuple(budgets)

    def _month_start(self) -> datetime:
        local = self._clock.now().astimezone(self._zone)  # type: ignore[arg-type]
        return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)

    async def prune(self) -> None:
        await self._inbox.prune(self._clock.now() - KEEP_HANDLED_TEXTS)
