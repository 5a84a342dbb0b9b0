"""Words typed outside any conversation, taken as the answer to the one question they can
answer: a driver's "oui" or "non" to the request waiting for them, a passenger's "oui" to
"did the ride happen?", a driver's "oui" to "does your trip still run?", the driver a
passenger names among those shown ("Jean", "le premier"), or a language ("English")."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain import Person
from bot.services.introductions import Answer, Ask, IntroductionService
from bot.services.people import PeopleService
from bot.services.rides import RecordedOutcome, RideService
from bot.services.trips import TripChangeResult, TripService
from bot.understand import read_language, read_yes_no


@dataclass(frozen=True)
class RequestsWaiting:
    """Words that answer nothing from a driver whom requests wait for: pointed to them
    (their buttons, or OUI or NON for one), not to a new search."""

    count: int


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
    ) -> Ask | Answer | RecordedOutcome | TripChangeResult | Person | RequestsWaiting | None:
        """What the words answered, and what came of it (the person, in the language they
        asked for); the requests waiting for a driver when they answer nothing; else None."""
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
        asked = await self._introductions.ask_by_words(person, words)
        if asked is not None:
            return asked
        waiting = await self._introductions.waiting_count(person)
        return RequestsWaiting(waiting) if waiting else None
