"""/aides: which aids a person may be entitled to, from a few answers (age, situation,
commune), most local first; the answers are kept only if the person agrees."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.aids.catalogue import Catalogue
from bot.aids.model import Aid, Profile
from bot.aids.ports import AidAnswers
from bot.clock import Clock
from bot.domain import Person, PlaceRef
from bot.ports import NeedRepository, TripRepository
from bot.settings import Settings


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
    ) -> None:
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
