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
