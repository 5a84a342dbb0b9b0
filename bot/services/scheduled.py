"""Scheduled work: what each agenda entry does, decided in the core (bot/agenda.py).

One call per due entry, `carry_out`, in the entry's transaction: it asks the entry's use case
whether there is still something to do (a ride cancelled meanwhile is not reminded), records
what became of the entry (and what comes next: the trip's answer deadline, the next digest…),
and returns the notices to send. The adapter only words them into the outbox and delivers.
Whether a notice reaches its reader is known here: a person the bot cannot write to is
reached through the team (the notice's `if_unreachable`), the team only when its group is
set. An entry that keeps failing is given up by `failed`, which also keeps a recurring chain
(the digest, a trip's checks, a need's reposts) going.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from bot.agenda import AgendaEntry, Calendar, Kind, Outcome
from bot.clock import Clock
from bot.domain import NotWired
from bot.notices import NeedPostRefresh, Notice, TeamDigest, TeamMonthlyReport, to_team
from bot.ports import UnitOfWork
from bot.services import telling
from bot.services.agenda import AgendaService
from bot.services.aids import CatalogueReview
from bot.services.applications import ApplicationService
from bot.services.coordinator import CoordinatorService
from bot.services.dashboard import DashboardService
from bot.services.digest import DigestService, for_territory
from bot.services.introductions import IntroductionService
from bot.services.needs import NeedService
from bot.services.operators import OperatorService
from bot.services.privacy import PrivacyService
from bot.services.pruning import Pruning
from bot.services.rides import RideService
from bot.services.transit import TransitService
from bot.services.trips import TripService
from bot.services.volunteer_rides import VolunteerRideService
from bot.services.volunteers import VolunteerService
from bot.territories import Territories


@dataclass(frozen=True)
class Carried:
    """What became of an entry (recorded with it) and the notices to send."""

    outcome: Outcome
    notices: list[Notice] = field(default_factory=list)


Work = Callable[[AgendaEntry], Awaitable[Carried]]


class ScheduledWork:
    def __init__(
        self,
        *,
        agenda: AgendaService,
        unit_of_work: UnitOfWork,
        clock: Clock,
        calendar: Calendar,
        team_chat: bool,
        introductions: IntroductionService,
        needs: NeedService,
        trips: TripService,
        rides: RideService,
        operators: OperatorService,
        digest: DigestService,
        dashboard: DashboardService,
        privacy: PrivacyService,
        applications: ApplicationService,
        aid_review: CatalogueReview | None = None,
        transit: TransitService | None = None,
        volunteers: VolunteerService | None = None,
        pruning: Pruning | None = None,
        volunteer_rides: VolunteerRideService | None = None,
        coordinator: CoordinatorService | None = None,
        territories: Territories | None = None,
    ) -> None:
        self._territories = territories
        self._agenda = agenda
        self._uow = unit_of_work
        self._clock = clock
        self._calendar = calendar
        # Whether the team has a group to be written to (OPERATOR_CHAT_ID).
        self._team = team_chat
        self._introductions = introductions
        self._needs = needs
        self._trips = trips
        self._rides = rides
        self._operators = operators
        self._digest = digest
        self._dashboard = dashboard
        self._privacy = privacy
        self._applications = applications
        self._aid_review = aid_review
        self._transit = transit
        self._volunteers = volunteers
        self._pruning = pruning
        self._volunteer_rides = volunteer_rides
        self._coordinator = coordinator
        self._work: dict[Kind, Work] = {
            # Actions.
            Kind.INTRODUCTION_TIMEOUT: self._action(introductions.time_out),
            Kind.NEED_EXPIRY: self._need_expiry,
            Kind.TRIP_CHECK_TIMEOUT: self._action(trips.pause_unconfirmed),
            Kind.TRIP_EXPIRY: self._action(trips.expire),
            Kind.AID_PROOF_EXPIRY: self._action(lambda e: self._applications.expire_proofs(e)),
            Kind.AID_APPLICATION_ANONYMISE: self._action(lambda e: self._applications.anonymise(e)),
            Kind.RETENTION: self._retention,
            Kind.PRUNE: self._action(self._prune),
            # Messages.
            Kind.INTRODUCTION_EXPIRED_DRIVER: self._introduction_expired_driver,
            Kind.INTRODUCTION_EXPIRED_PASSENGER: self._introduction_expired_passenger,
            Kind.RIDE_REMINDER_PASSENGER: self._ride_reminder_passenger,
            Kind.RIDE_REMINDER_DRIVER: self._ride_reminder_driver,
            Kind.RIDE_OUTCOME_QUESTION: self._ride_outcome_question,
            Kind.TRIP_CHECK: self._trip_check,
            Kind.TRIP_PAUSED_NOTICE: self._trip_paused,
            Kind.NEED_EXPIRED_NOTICE: self._need_expired,
            Kind.NEED_REPOST: self._need_repost,
            Kind.CLAIMED_REMINDER: self._claimed_reminder,
            Kind.DIGEST: self._send_digest,
            Kind.MONTHLY_REPORT: self._monthly_report,
            Kind.AID_REVIEW_REMINDER: self._aid_review_reminder,
            Kind.AID_CATALOGUE_REVIEW: self._aid_catalogue_review,
            Kind.ON_DEMAND_REMINDER: self._on_demand_reminder,
            Kind.VOLUNTEER_INSURANCE: self._volunteer_insurance,
            Kind.VOLUNTEER_STATEMENTS: self._volunteer_statements,
            Kind.COORDINATOR_DAY: self._coordinator_day,
        }
        missing = set(Kind) - set(self._work)
        if missing:
            raise NotWired(f"no work for {sorted(missing)}")
        # Recurring entries schedule their next occurrence when done; one given up on must
        # still do so, or the chain (a daily digest, a trip's checks) would stop for good.
        self._after_giving_up: dict[Kind, Callable[[AgendaEntry], Awaitable[None]]] = {
            Kind.DIGEST: lambda entry: digest.sent(entry, Outcome.UNREACHABLE),
            Kind.MONTHLY_REPORT: lambda entry: dashboard.reported(entry, Outcome.UNREACHABLE),
            Kind.AID_CATALOGUE_REVIEW: self._aid_catalogue_reviewed,
            Kind.VOLUNTEER_STATEMENTS: self._volunteer_statements_given_up,
            Kind.COORDINATOR_DAY: self._coordinator_day_given_up,
            Kind.PRUNE: self._pruned,
            Kind.TRIP_CHECK: trips.check_undelivered,
            Kind.NEED_REPOST: lambda entry: operators.reposted(entry, None),
            Kind.CLAIMED_REMINDER: lambda entry: operators.claimer_reminded(
                entry, Outcome.UNREACHABLE
            ),
        }

    async def due(self, limit: int) -> list[AgendaEntry]:
        return await self._agenda.due(limit)

    async def carry_out(self, entry: AgendaEntry) -> Carried:
        """Do what the entry is for, record it done, and return the notices to send; all in
        one transaction (the caller's, where the notices are written too)."""
        async with self._uow.transaction():
            if not await self._agenda.hold(entry):
                # Another worker took it over (this one stalled past its lease) or ran it:
                # run once, by whoever holds it.
                return Carried(Outcome.SKIPPED)
            carried = await self._work[entry.kind](entry)
            notices = await self._operators.with_views(carried.notices)
            # A no-op when the entry's own use case finished it already.
            await self._agenda.finish(entry, carried.outcome)
        return Carried(carried.outcome, notices)

    async def failed(self, entry: AgendaEntry, error: str) -> bool:
        """The entry's attempt failed (rolled back): tried again later, or given up after the
        last attempt, a recurring one still scheduling its next occurrence. True while it is
        still to be tried again."""
        if await self._agenda.attempt_failed(entry, error):
            return True
        carry_on = self._after_giving_up.get(entry.kind)
        if carry_on is not None:
            await carry_on(entry)
        return False

    # Whether notices reach someone.

    def reached(self, notices: Sequence[Notice]) -> int:
        """How many messages the notices make: to a person the bot can write to, to a group
        that is set, or, for a person out of reach, those told in their stead."""
        count = 0
        for notice in notices:
            if isinstance(notice.values, NeedPostRefresh):
                continue  # an edit: tells nobody
            if notice.to is None:
                count += 1 if notice.chat_id is not None or self._team else 0
            elif notice.to.reachable:
                count += 1
            elif isinstance(notice.if_unreachable, tuple):
                count += self.reached(notice.if_unreachable)
        return count

    def _told(self, notices: list[Notice] | None) -> Carried:
        """A message entry: SKIPPED when there was nothing to say any more."""
        if notices is None:
            return Carried(Outcome.SKIPPED)
        reached = self.reached(notices) or not notices
        return Carried(Outcome.SENT if reached else Outcome.UNREACHABLE, notices)

    @staticmethod
    def _action(use_case: Callable[[AgendaEntry], Awaitable[Outcome]]) -> Work:
        async def work(entry: AgendaEntry) -> Carried:
            return Carried(await use_case(entry))

        return work

    # Actions.

    async def _need_expiry(self, entry: AgendaEntry) -> Carried:
        """At midnight; the team's post shows it at once (an edit wakes nobody)."""
        outcome = await self._needs.expire(entry)
        if outcome is not Outcome.DONE:
            return Carried(outcome)
        return Carried(outcome, [to_team(NeedPostRefresh(entry.subject_id))])

    async def _prune(self, entry: AgendaEntry) -> Outcome:
        if self._pruning is None:
            return Outcome.SKIPPED
        return await self._pruning.prune(entry)

    async def _pruned(self, entry: AgendaEntry) -> None:
        if self._pruning is not None:
            await self._pruning.pruned(entry)

    async def _retention(self, entry: AgendaEntry) -> Carried:
        outcome, notices = await self._privacy.retention(entry)
        return Carried(outcome, notices)

    # Introductions nobody answered.

    async def _introduction_expired_driver(self, entry: AgendaEntry) -> Carried:
        notices = await self._introductions.expiry_news(entry.subject_id)
        return self._told(notices) if notices else Carried(Outcome.SKIPPED)

    async def _introduction_expired_passenger(self, entry: AgendaEntry) -> Carried:
        answer = await self._introductions.timed_out(entry.subject_id)
        if answer is None or answer.passenger is None:
            return Carried(Outcome.SKIPPED)
        return self._told(answer.notices)

    # Accepted rides: the evening before, and the day after.

    async def _ride_reminder_passenger(self, entry: AgendaEntry) -> Carried:
        return self._told(await self._rides.reminder(entry.subject_id, for_driver=False))

    async def _ride_reminder_driver(self, entry: AgendaEntry) -> Carried:
        return self._told(await self._rides.reminder(entry.subject_id, for_driver=True))

    async def _ride_outcome_question(self, entry: AgendaEntry) -> Carried:
        return self._told(await self._rides.question(entry.subject_id))

    # Regular trips: still running?

    async def _trip_check(self, entry: AgendaEntry) -> Carried:
        found = await self._trips.check_due(entry.subject_id)
        if found is None:
            return Carried(Outcome.SKIPPED)
        told = self._told(found.notices)
        # Asked (or not even that): without an answer, the trip pauses later.
        await self._trips.check_sent(entry, told.outcome)
        return told

    async def _trip_paused(self, entry: AgendaEntry) -> Carried:
        found = await self._trips.paused_unconfirmed(entry.subject_id)
        return self._told(found.notices if found else None)

    # Needs.

    async def _need_expired(self, entry: AgendaEntry) -> Carried:
        notices = await self._needs.expired(entry.subject_id)
        if notices is None:
            return Carried(Outcome.SKIPPED)
        told_someone = any(n.to is not None for n in notices)
        return Carried(Outcome.SENT if told_someone else Outcome.DONE, notices)

    async def _need_repost(self, entry: AgendaEntry) -> Carried:
        view = await self._operators.to_repost(entry)
        if view is None:
            return Carried(Outcome.SKIPPED)
        notices = [telling.repost(view)]
        written = self.reached(notices) > 0
        await self._operators.repost_written(entry, written)
        return Carried(Outcome.SENT if written else Outcome.UNREACHABLE, notices)

    async def _claimed_reminder(self, entry: AgendaEntry) -> Carried:
        view = await self._operators.to_remind_claimer(entry)
        if view is None or view.need is None or view.claimer is None or view.passenger is None:
            return Carried(Outcome.SKIPPED)
        told = self._told(view.notices)
        await self._operators.claimer_reminded(entry, told.outcome)
        return told

    # The team's group.

    async def _send_digest(self, entry: AgendaEntry) -> Carried:
        if not self._team:
            return Carried(Outcome.SKIPPED)
        digest = await self._digest.digest()
        if self._territories is not None and self._territories.several:
            # each team its own digest, in its own group (issue 22)
            notices = [
                to_team(
                    TeamDigest(for_territory(digest, self._territories, t), self._today()),
                    territory=t,
                )
                for t in self._territories.teams
            ]
        else:
            notices = [to_team(TeamDigest(digest, self._today()))]
        await self._digest.sent(entry, Outcome.SENT)
        return Carried(Outcome.SENT, notices)

    async def _monthly_report(self, entry: AgendaEntry) -> Carried:
        """On the first of the month: last month's report and its chart, in the group."""
        if not self._team:
            await self._dashboard.reported(entry, Outcome.SKIPPED)
            return Carried(Outcome.SKIPPED)
        if self._territories is not None and self._territories.several:
            # each team its own month, in its own group (issue 22)
            notices = [
                to_team(
                    TeamMonthlyReport(await self._dashboard.monthly(self._territories.scope(t))),
                    territory=t,
                )
                for t in self._territories.teams
            ]
        else:
            notices = [to_team(TeamMonthlyReport(await self._dashboard.monthly()))]
        await self._dashboard.reported(entry, Outcome.SENT)
        return Carried(Outcome.SENT, notices)

    # Aid applications nobody answered.

    async def _aid_review_reminder(self, entry: AgendaEntry) -> Carried:
        return self._told(await self._applications.review_reminder(entry.subject_id))

    # The catalogue of aids, each week.

    async def _aid_catalogue_review(self, entry: AgendaEntry) -> Carried:
        """Monday: the aids to check again, to the team (nothing when there are none)."""
        review = self._aid_review
        if review is None:
            return Carried(Outcome.SKIPPED)
        notices = review.notices() if self._team else []
        outcome = Outcome.SENT if notices else Outcome.SKIPPED
        await review.reviewed(entry, outcome)
        return Carried(outcome, notices)

    async def _aid_catalogue_reviewed(self, entry: AgendaEntry) -> None:
        if self._aid_review is not None:
            await self._aid_review.reviewed(entry, Outcome.UNREACHABLE)

    # On-demand transport: before the deadline to book.

    async def _on_demand_reminder(self, entry: AgendaEntry) -> Carried:
        if self._transit is None:
            return Carried(Outcome.SKIPPED)
        outcome, notices = await self._transit.reminder(entry)
        return self._told(notices) if outcome is Outcome.SENT else Carried(outcome)

    # Volunteer drivers: a month before an insurance ends.

    async def _volunteer_insurance(self, entry: AgendaEntry) -> Carried:
        if self._volunteers is None or not self._team:
            return Carried(Outcome.SKIPPED)
        outcome, notices = await self._volunteers.insurance_reminder(entry)
        return self._told(notices) if outcome is Outcome.SENT else Carried(outcome)

    async def _volunteer_statements(self, entry: AgendaEntry) -> Carried:
        """The first of the month: volunteers' statements, the treasurer's CSV."""
        if self._volunteer_rides is None:
            return Carried(Outcome.SKIPPED)
        outcome, notices = await self._volunteer_rides.monthly(entry, self._team)
        return self._told(notices) if outcome is Outcome.SENT else Carried(outcome)

    async def _volunteer_statements_given_up(self, entry: AgendaEntry) -> None:
        if self._volunteer_rides is not None:
            async with self._uow.transaction():
                await self._volunteer_rides.ensure_scheduled()

    async def _coordinator_day(self, entry: AgendaEntry) -> Carried:
        """Each morning: the volunteers' rides, the requests not covered, who is free."""
        if self._coordinator is None:
            return Carried(Outcome.SKIPPED)
        outcome, notices = await self._coordinator.morning(entry, self._team)
        return self._told(notices) if outcome is Outcome.SENT else Carried(outcome)

    async def _coordinator_day_given_up(self, entry: AgendaEntry) -> None:
        if self._coordinator is not None:
            async with self._uow.transaction():
                await self._coordinator.ensure_scheduled()

    def _today(self) -> date:
        return self._calendar.today(self._clock.now())
