"""/aides: which aids a person may be entitled to, from a few answers (age, situation,
commune), most local first; the answers are kept only if the person agrees. And the
catalogue's freshness rule: an aid whose end date is past is never shown, and each week the
team is shown the aids whose check is older than six months (or was never made)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from bot.agenda import NO_SUBJECT, AgendaEntry, Calendar, Due, Kind, Outcome
from bot.aids.catalogue import Catalogue
from bot.aids.model import Aid, Profile
from bot.aids.ports import AidAnswers
from bot.clock import Clock
from bot.domain import Person, PlaceRef
from bot.notices import AidsToReview, Notice, to_team
from bot.ports import Agenda, NeedRepository, TripRepository, UnitOfWork
from bot.services.territories import Belonging
from bot.settings import Settings

# The team's look at the catalogue comes on Mondays.
REVIEW_WEEKDAY = 0


@dataclass(frozen=True)
class Found:
    profile: Profile
    aids: list[Aid]


@dataclass(frozen=True)
class Known:
    """What /aides knows before asking: the answers kept (and the aids they give), or the
    commune the person travels from."""

    found: Found | None
    place: PlaceRef | None


class AidService:
    def __init__(
        self,
        catalogue: Catalogue,
        answers: AidAnswers,
        needs: NeedRepository,
        trips: TripRepository,
        clock: Clock,
        settings: Settings,
        belonging: Belonging | None = None,
    ) -> None:
        self._belonging = belonging
        self.catalogue = catalogue
        self._answers = answers
        self._needs = needs
        self._trips = trips
        self._clock = clock
        self._zone = settings.zone

    def _today(self) -> date:
        return self._clock.now().astimezone(self._zone).date()

    async def start(self, person: Person, *, ask_again: bool = False) -> Known:
        """The answers kept last time (unless the person wants to change them), else the
        commune the person travels from (their latest need, else their latest trip)."""
        kept = None if ask_again else await self._answers.get(person.id)
        if kept is not None:
            return Known(await self.find(person, kept), None)
        needs = await self._needs.for_person(person.id, limit=1)
        if needs:
            return Known(None, needs[0].origin)
        trips = await self._trips.for_driver(person.id)
        return Known(None, trips[-1].origin if trips else None)

    async def find(self, person: Person, profile: Profile) -> Found:
        """The aids for these answers, which are remembered as the last given (for applying,
        and for keeping them if the person agrees)."""
        await self._answers.give(person.id, profile, self._clock.now())
        if self._belonging is not None and profile.commune_code:
            # the commune they travel from tells where they belong, unless known (issue 22)
            await self._belonging.commune_known(
                person.id, profile.commune_code, profile.department or ""
            )
        return self.found(profile)

    def found(self, profile: Profile) -> Found:
        """The aids for someone else's answers (a caller's, with the team): nothing is
        remembered, and nothing placed, for whoever asks."""
        return Found(profile, self.catalogue.for_profile(profile, self._today()))

    async def keep(self, person: Person, profile: Profile) -> None:
        """The person agreed: next time, no questions."""
        await self._answers.keep(person.id, profile, self._clock.now())

    async def answer_keep(self, person: Person, keep: bool) -> bool:
        """ "Keep my answers?" answered: if yes, the answers last given are kept for next
        time. False when there are none to keep (forgotten meanwhile: an old button)."""
        profile = await self._answers.given(person.id)
        if profile is None:
            return False
        if keep:
            await self.keep(person, profile)
        return True

    async def answers_given(self, person_id: int) -> Profile | None:
        """The answers last given in /aides (what an application starts from)."""
        return await self._answers.given(person_id)

    # Privacy (issue "Privacy, consent and trust": /mesdonnees and forget-me wire these in).

    async def kept_answers(self, person_id: int) -> Profile | None:
        """What /aides keeps about a person (only if they agreed)."""
        return await self._answers.get(person_id)

    async def forget(self, person_id: int) -> bool:
        return await self._answers.forget(person_id)

    def aid(self, aid_id: str) -> Aid | None:
        aid = self.catalogue.get(aid_id)
        return aid if aid is not None and aid.shown_on(self._today()) else None


class CatalogueReview:
    """The catalogue's freshness, through the agenda: each Monday at the team's morning hour,
    the aids still shown whose check is older than six months, or was never made, are shown
    to the team's group (nothing is said when there are none). The team checks them and
    dates the check in AIDS_FILE (`checkedOn`; a shipped aid is replaced by a row with its
    id), which takes them off the list."""

    def __init__(
        self,
        catalogue: Catalogue,
        agenda: Agenda,
        unit_of_work: UnitOfWork,
        clock: Clock,
        calendar: Calendar,
        hour: int,
    ) -> None:
        self.catalogue = catalogue
        self._agenda = agenda
        self._uow = unit_of_work
        self._clock = clock
        self._calendar = calendar
        self._hour = hour

    def _next(self, now: datetime) -> datetime:
        wall = time(self._hour)
        return self._calendar.moment(self._calendar.next_weekday(now, REVIEW_WEEKDAY, wall), wall)

    async def ensure_scheduled(self) -> None:
        """At start-up: the next look is on the agenda (once)."""
        now = self._clock.now()
        await self._agenda.schedule_once(
            Due(Kind.AID_CATALOGUE_REVIEW, NO_SUBJECT, self._next(now)), now
        )

    def due(self) -> list[Aid]:
        return self.catalogue.to_review(self._calendar.today(self._clock.now()))

    def notices(self) -> list[Notice]:
        """To the team: the aids to check again (none: nothing to say)."""
        due = self.due()
        return [to_team(AidsToReview(tuple(due)))] if due else []

    async def reviewed(self, entry: AgendaEntry, outcome: Outcome) -> None:
        """Done for this week; the next look next Monday."""
        now = self._clock.now()
        async with self._uow.transaction():
            await self._agenda.finish(entry.id, outcome, now)
            await self._agenda.schedule(
                [Due(Kind.AID_CATALOGUE_REVIEW, NO_SUBJECT, self._next(now))], now
            )
