"""The services that find drivers, ask them and tell waiting passengers, put together from
the ports, in the one order that needs no service to be handed another after it is built:
the rules every search follows first, then who announces, who matches, who asks, and the
trips last (a driver lowering his seats calls a passenger off through the introductions).
`bot/assembly.py` wires them on SQLite, the tests on memory, through this same function."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.agenda import Timing
from bot.clock import Clock
from bot.domain import Person, Ride
from bot.matching import MatchingParams
from bot.notices import Notice
from bot.ports import (
    Agenda,
    IntroductionRepository,
    NeedRepository,
    PeopleRepository,
    TripRepository,
    TripSearch,
    UnitOfWork,
)
from bot.services.announcements import AnnouncementService
from bot.services.candidates import RideRules
from bot.services.introductions import IntroductionService, VolunteerLookup
from bot.services.needs import NeedService, VolunteerMatcher
from bot.services.rides import RideService
from bot.services.territories import Belonging
from bot.services.transit import TransitService
from bot.services.trips import PartnerPassengers, TripService
from bot.services.trust import MatchGuard


@dataclass(frozen=True)
class Matching:
    rules: RideRules
    needs: NeedService
    rides: RideService
    announcements: AnnouncementService
    introductions: IntroductionService
    trips: TripService


def wire_matching(
    *,
    needs: NeedRepository,
    introductions: IntroductionRepository,
    trips: TripRepository,
    people: PeopleRepository,
    search: TripSearch,
    agenda: Agenda,
    unit_of_work: UnitOfWork,
    params: MatchingParams,
    clock: Clock,
    timing: Timing,
    guard: MatchGuard | None = None,
    alternatives: TransitService | None = None,
    volunteers: VolunteerMatcher | None = None,
    bookings: PartnerPassengers | None = None,
    cost_share_eur_per_km: float | None = None,
    keep_paper: Callable[[Ride], Awaitable[Any]] | None = None,
    membership: Callable[[Person, date, str | None], Awaitable[list[Notice]]] | None = None,
    volunteer_lookup: VolunteerLookup | None = None,
    belonging: Belonging | None = None,
) -> Matching:
    rules = RideRules(introductions, clock, timing.calendar, guard)
    announcements = AnnouncementService(
        rules=rules,
        need_repository=needs,
        introductions=introductions,
        trips=trips,
        people=people,
        params=params,
        clock=clock,
    )
    need_service = NeedService(
        needs=needs,
        introductions=introductions,
        trips=trips,
        people=people,
        search=search,
        params=params,
        clock=clock,
        agenda=agenda,
        unit_of_work=unit_of_work,
        timing=timing,
        alternatives=alternatives,
        rules=rules,
        announcer=announcements,
        volunteers=volunteers,
        belonging=belonging,
    )
    rides = RideService(
        introductions=introductions,
        needs=needs,
        people=people,
        trips=trips,
        clock=clock,
        calendar=timing.calendar,
        keep_paper=keep_paper,
    )
    introduction_service = IntroductionService(
        membership=membership,
        volunteers=volunteer_lookup,
        cost_share_eur_per_km=cost_share_eur_per_km,
        needs=need_service,
        need_repository=needs,
        introductions=introductions,
        trips=trips,
        people=people,
        params=params,
        clock=clock,
        agenda=agenda,
        unit_of_work=unit_of_work,
        timing=timing,
    )
    trip_service = TripService(
        trips,
        search,
        clock,
        people=people,
        agenda=agenda,
        unit_of_work=unit_of_work,
        timing=timing,
        announcer=announcements,
        rides=rides,
        bookings=bookings,
        caller=introduction_service,
        belonging=belonging,
    )
    return Matching(rules, need_service, rides, announcements, introduction_service, trip_service)
