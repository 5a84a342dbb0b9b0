"""Words typed outside any conversation, taken as the answer to the one question they can
answer: a driver's "oui" or "non" to the request waiting for them, a passenger's "oui" to
"did the ride happen?", a driver's "oui" to "does your trip still run?", the driver a
passenger names among those shown ("Jean", "le premier"), or a language ("English")."""

from __future__ import annotations

from bot.domain import Person
from bot.services.introductions import Answer, Ask, IntroductionService
from bot.services.people import PeopleService
from bot.services.rides import RecordedOutcome, RideService
from bot.services.trips import TripChangeResult, TripService
from bot.understand import read_language, read_yes_no


class WordsService:
    def __init__(
        self,
        introductions: IntroductionService,
        rides: RideService,
        trips: TripService,
        people: PeopleService,
    ) -> None:
        self._introductions = introductions
        self._rides = rides
        self._trips = trips
        self._people = people

    async def answer(
        self, person: Person, words: str
    ) -> Ask | Answer | RecordedOutcome | TripChangeResult | Person | None:
        """What the words answered, and what came of it (the person, in the language they
        asked for); None when they answer nothing."""
        language = read_language(words)
        if language is not None:
            return await self._people.set_language(person, language)
        yes = read_yes_no(words)
        if yes is not None:
            answered = await self._introductions.answer_waiting(person, yes)
            if answered is not None:
                return answered
            recorded = await self._rides.outcome_said(person, yes)
            if recorded is not None:
                return recorded
        if yes:  # "non" could mean pause it or delete it: its buttons say which
            kept = await self._trips.still_runs_said(person)
            if kept is not None:
                return kept
        return await self._introductions.ask_by_words(person, words)

    async def request_waiting(self, person: Person) -> bool:
        """Whether a request waits for this driver's OUI or NON."""
        return await self._introductions.one_waiting(person)
