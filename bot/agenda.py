"""The agenda: what is due when, kept in the database so that a restart loses none of it.

An entry is written in the same transaction as the change that causes it (a ride accepted
schedules its reminders, a trip registered its first freshness check). A job ticks often and
carries out what is due (handlers/agenda.py, bot/services/scheduled.py): an entry is marked
done in the same transaction as its work and the messages it writes to the outbox, so an
entry done is not done again. Its work may run more than once all the same: an attempt that
fails is rolled back and tried again later (`retry_delay`), and given up after
`MAX_ATTEMPTS`; and the recurring entries (the digest, the daily passes, a trip's checks, a
need's reposts) schedule their next occurrence each time. Two sorts of entries:

- actions change the state (an introduction left unanswered, a need whose date has passed, a
  trip nobody confirmed) and, in the same transaction, are marked done and say who must be
  told about it;
- messages tell one person or the operators' group, when still relevant (a reminder of a
  ride cancelled meanwhile is skipped); what they say goes through the outbox, whose
  deliverer sends it, tries again, and tells the team of what could not be delivered.

Times are computed in the territory's time zone from calendar dates, so that 18:00 stays
18:00 across daylight-saving changes.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.settings import Settings


class Kind(enum.StrEnum):
    # Actions.
    INTRODUCTION_TIMEOUT = "introduction_timeout"
    NEED_EXPIRY = "need_expiry"
    TRIP_CHECK_TIMEOUT = "trip_check_timeout"
    TRIP_EXPIRY = "trip_expiry"  # a one-off trip whose day is over
    # Messages.
    INTRODUCTION_EXPIRED_DRIVER = "introduction_expired_driver"
    INTRODUCTION_EXPIRED_PASSENGER = "introduction_expired_passenger"
    RIDE_REMINDER_PASSENGER = "ride_reminder_passenger"
    RIDE_REMINDER_DRIVER = "ride_reminder_driver"
    RIDE_OUTCOME_QUESTION = "ride_outcome_question"
    TRIP_CHECK = "trip_check"
    TRIP_PAUSED_NOTICE = "trip_paused_notice"
    NEED_EXPIRED_NOTICE = "need_expired_notice"
    NEED_REPOST = "need_repost"
    CLAIMED_REMINDER = "claimed_reminder"
    DIGEST = "digest"
    RETENTION = "retention"  # the daily pass of bot/services/privacy.py
    PRUNE = "prune"  # the daily pass of bot/services/pruning.py: settled updates, messages, texts
    # Mobility aids: proofs deleted after the decision, applications anonymised later.
    AID_PROOF_EXPIRY = "aid_proof_expiry"
    AID_APPLICATION_ANONYMISE = "aid_application_anonymise"
    AID_REVIEW_REMINDER = "aid_review_reminder"
    # Each week, the aids whose check is older than six months, shown to the team.
    AID_CATALOGUE_REVIEW = "aid_catalogue_review"
    MONTHLY_REPORT = "monthly_report"
    # On-demand transport: "remind me before the deadline to book"; subject: the need.
    ON_DEMAND_REMINDER = "on_demand_reminder"
    # A month before a volunteer driver's insurance ends, to the team; subject: the person.
    VOLUNTEER_INSURANCE = "volunteer_insurance"
    # The first of each month: each volunteer's statement of last month's rides, and the
    # treasurer's CSV (bot/services/volunteer_rides.py); no subject.
    VOLUNTEER_STATEMENTS = "volunteer_statements"
    # Each morning, the coordinator's day in the team's group (bot/services/coordinator.py).
    COORDINATOR_DAY = "coordinator_day"


# The digest is about the whole service, not one subject.
NO_SUBJECT = 0

# After a failed attempt, the next one waits this long; after the last, the entry has failed.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=3),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


def retry_delay(attempts: int) -> timedelta | None:
    """How long to wait after `attempts` failed attempts; None when it is time to give up."""
    if attempts < 1 or attempts >= MAX_ATTEMPTS:
        return None
    return RETRY_DELAYS[attempts - 1]


class Outcome(enum.StrEnum):
    SENT = "sent"
    DONE = "done"  # an action carried out
    SKIPPED = "skipped"  # no longer relevant when due (the ride was cancelled, the need claimed…)
    UNREACHABLE = "unreachable"  # the person blocked the bot or never started it


@dataclass(frozen=True)
class Due:
    """Something to do at a time, about one subject (an introduction, a need, a trip)."""

    kind: Kind
    subject_id: int
    at: datetime


@dataclass(frozen=True)
class AgendaEntry:
    id: int
    kind: Kind
    subject_id: int
    due_at: datetime
    attempts: int


@dataclass(frozen=True)
class FailedEntry:
    kind: Kind
    subject_id: int
    outcome: str
    finished_at: datetime


def utc_text(moment: datetime) -> str:
    """The one text form of a moment in storage, so that texts compare like moments."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class Calendar:
    """Local dates and hours of the territory, turned into moments."""

    zone: ZoneInfo

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def today(self, now: datetime) -> date:
        return self.local(now).date()

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        """That local wall-clock time on that day, as a UTC moment (DST included)."""
        local = datetime.combine(day, time(hour, minute), tzinfo=self.zone)
        return local.astimezone(UTC)

    def moment(self, day: date, wall: time) -> datetime:
        return self.at(day, wall.hour, wall.minute)

    def next_at(self, now: datetime, hour: int) -> datetime:
        """The next time the local clock shows `hour`:00, strictly after `now`."""
        day = self.today(now)
        while (moment := self.at(day, hour)) <= now:
            day += timedelta(days=1)
        return moment

    def next_weekday(self, now: datetime, weekday: int, wall: time) -> date:
        """The first date (today or later) on that weekday whose `wall` time is still ahead."""
        day = self.today(now)
        while day.weekday() != weekday or self.moment(day, wall) <= now:
            day += timedelta(days=1)
        return day


@dataclass(frozen=True)
class Timing:
    """When things happen over a ride's life (from the settings)."""

    calendar: Calendar
    answer_delay: timedelta
    reminder_hour: int
    follow_up_hour: int
    digest_hour: int
    trip_check_every: timedelta
    trip_check_answer: timedelta
    repost_after: timedelta
    claimed_quiet: timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> Timing:
        return cls(
            calendar=Calendar(settings.zone),
            answer_delay=timedelta(hours=settings.introduction_timeout_hours),
            reminder_hour=settings.reminder_hour,
            follow_up_hour=settings.follow_up_hour,
            digest_hour=settings.digest_hour,
            trip_check_every=timedelta(weeks=settings.trip_check_weeks),
            trip_check_answer=timedelta(days=settings.trip_check_answer_days),
            repost_after=timedelta(hours=settings.repost_unclaimed_hours),
            claimed_quiet=timedelta(days=settings.claimed_reminder_days),
        )

    def trip_check_after(self, now: datetime) -> datetime:
        """The next freshness question: that many weeks on, at the hour questions are asked."""
        day = self.calendar.today(now + self.trip_check_every)
        return self.calendar.at(day, self.follow_up_hour)
