"""A driver who can take a passenger."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain import Person, Trip
from bot.matching import Match


@dataclass(frozen=True)
class Candidate:
    """A driver who can take the passenger, and how (day, times, detour)."""

    match: Match
    trip: Trip
    driver: Person
    # For a need with a way back at a time: the same driver bringing the passenger back
    # (one of their trips from the destination to the origin, that day, around that time).
    back: Candidate | None = None
