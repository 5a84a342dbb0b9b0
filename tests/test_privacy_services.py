# ruff: noqa: F811 (the `world` fixture, imported from tests/test_services.py, is a parameter)
"""The privacy and trust services on their own (in-memory ports, tests/memory.py): consents,
forgetting someone (who is told), reports, suspensions and whom the matching leaves out; and
the pure parts: phones, neutralised CSV cells."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from bot.notices import Offer
from bot.phones import parse_phone, show_phone
from bot.services import consents
from bot.services.consents import ConsentService
from bot.services.privacy import ForgetResult, PrivacyService
from bot.services.reports import csv_bytes, neutralise
from bot.services.rides import RideService
from bot.services.trust import MatchGuard, TrustResult, TrustService
from bot.services.wiring import Matching, wire_matching
from bot.settings import Settings
from tests.memory import MemoryConsents, MemoryPersonReports, MemoryUnitOfWork
from tests.test_services import World, told, world  # noqa: F401 (the fixture)


class HeldInMemory:
    """A feature's data holder, as another feature would register one."""

    section = "aids"

    def __init__(self) -> None:
        self.forgotten: list[int] = []

    async def export(self, person_id: int) -> list[dict[str, Any]]:
        return [{"aid": "permis", "person": person_id}]

    async def forget(self, person_id: int, now: datetime) -> None:
        self.forgotten.append(person_id)


class NoAnonymiser:
    async def anonymise(
        self, where: str, parameters: tuple[Any, ...], now: datetime, *, limit: int = -1
    ) -> int:
        return 0


def privacy_of(world: World) -> tuple[PrivacyService, HeldInMemory]:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    from bot.agenda import Timing

    timing = Timing.from_settings(settings)
    service = PrivacyService(
        people=world.people,
        need_repository=world.need_rows,
        introduction_repository=world.introduction_rows,
        needs=world.needs,
        introductions=world.introductions,
        trips=world.trips,
        rides=RideService(
            introductions=world.introduction_rows,
            needs=world.need_rows,
            people=world.people,
            trips=world.trip_rows,
            clock=world.clock,
            calendar=timing.calendar,
        ),
        anonymiser=NoAnonymiser(),
        clock=world.clock,
        agenda=world.agenda,
        unit_of_work=MemoryUnitOfWork(world.store),
        calendar=timing.calendar,
        retention_months=24,
        inactive_months=36,
        run_hour=10,
    )
    holder = HeldInMemory()
    service.register(holder)
    return service, holder


async def test_consent_is_asked_until_given_and_again_for_a_new_text(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = ConsentService(MemoryConsents(world.store), world.clock)
    marie = await world.on_telegram(302, "Marie Dupont")
    assert await service.to_ask(marie)
    assert await service.give(marie) == marie
    assert not await service.to_ask(marie) and await service.to_ask(marie, consents.SENSITIVE)
    monkeypatch.setitem(consents.VERSIONS, "need", "2099-01-01")
    assert await service.to_ask(marie)
    yvette = await world.by_phone("Yvette")
    vouched = await service.confirmed_by_operator(yvette.id, world.operator)
    assert vouched.confirmed_by == world.operator.id and vouched.version == "2099-01-01"


async def test_forgetting_a_passenger_tells_the_driver_and_every_holder_forgets(
    world: World,
) -> None:
    privacy, holder = privacy_of(world)
    jean = await world.on_telegram(301, "Jean Martin", "jean_m")
    marie = await world.on_telegram(302, "Marie Dupont", "marie_d")
    asked = await world.asked(jean, marie)
    assert asked.introduction is not None
    await world.introductions.answer(jean, asked.introduction.id, True)
    assert (await privacy.export(marie)).sections["aids"] == [{"aid": "permis", "person": marie.id}]

    forgotten = await privacy.forget(marie)
    assert forgotten.result is ForgetResult.DONE
    assert ("intro.trip_cancelled_driver", "Jean Martin") in told(forgotten.notices)
    assert all(n.to is None or n.to.id != marie.id for n in forgotten.notices)
    assert holder.forgotten == [marie.id]
    gone = world.people.rows[marie.id]
    assert gone.display_name == "" and gone.telegram_user_id is None and gone.forgotten_at
    with pytest.raises(ValueError, match="aids"):
        privacy.register(HeldInMemory())


async def test_forgetting_a_driver_frees_the_passenger_and_deletes_the_trips(
    world: World,
) -> None:
    privacy, _ = privacy_of(world)
    jean = await world.on_telegram(301, "Jean Martin", "jean_m")
    marie = await world.on_telegram(302, "Marie Dupont", "marie_d")
    asked = await world.asked(jean, marie)
    assert asked.introduction is not None
    await world.introductions.answer(jean, asked.introduction.id, True)
    forgotten = await privacy.forget(jean)
    keys = told(forgotten.notices)
    assert ("rides.withdrawn_passenger", "Marie Dupont") in keys
    assert {t.status.value for t in world.trip_rows.rows.values()} == {"deleted"}


async def test_the_team_forgets_only_people_it_registered_by_phone(world: World) -> None:
    privacy, _ = privacy_of(world)
    marie = await world.on_telegram(302, "Marie Dupont")
    yvette = await world.by_phone("Yvette Combes", "+33565000000")
    assert (await privacy.registered_by_phone("05 65 00 00 00")).person == yvette
    assert (await privacy.registered_by_phone("pas un numéro")).result is ForgetResult.NOT_FOUND
    refused = await privacy.forget_for_caller(world.operator, marie.id)
    assert refused.result is ForgetResult.HAS_TELEGRAM
    done = await privacy.forget_for_caller(world.operator, yvette.id)
    assert told(done.notices)[-1] == ("privacy.team_forgot", "team")
    again = await privacy.forget_for_caller(world.operator, yvette.id)
    assert again.result is ForgetResult.NOT_FOUND


def trust_of(world: World) -> tuple[TrustService, Matching]:
    reports = MemoryPersonReports(world.store)
    trust = TrustService(
        reports=reports,
        people=world.people,
        needs=world.need_rows,
        introductions=world.introduction_rows,
        clock=world.clock,
        unit_of_work=MemoryUnitOfWork(world.store),
    )
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    from bot.agenda import Timing
    from bot.matching import MatchingParams

    guarded = wire_matching(
        needs=world.need_rows,
        introductions=world.introduction_rows,
        trips=world.trip_rows,
        people=world.people,
        search=world.search,
        agenda=world.agenda,
        unit_of_work=MemoryUnitOfWork(world.store),
        params=MatchingParams.from_settings(settings),
        clock=world.clock,
        timing=Timing.from_settings(settings),
        guard=MatchGuard(world.people, reports),
    )
    return trust, guarded


async def test_a_report_a_suspension_and_whom_the_matching_leaves_out(world: World) -> None:
    trust, wired = trust_of(world)
    guarded = wired.needs
    jean = await world.on_telegram(301, "Jean Martin", "jean_m")
    marie = await world.on_telegram(302, "Marie Dupont")
    asked = await world.asked(jean, marie)
    assert asked.introduction is not None and asked.need is not None
    assert await trust.reportable(marie) == []  # not before the driver answered
    await world.introductions.answer(jean, asked.introduction.id, True)
    [reportable] = await trust.reportable(marie)
    assert reportable.other == world.people.rows[jean.id]
    assert (await trust.report(marie, 99, "other", "")).result is TrustResult.NOT_FOUND
    assert (await trust.report(marie, asked.introduction.id, "??", "")).result is (
        TrustResult.NOT_FOUND
    )
    reported = await trust.report(marie, asked.introduction.id, "no_show", "  pas   venu ")
    [to_team] = reported.notices
    assert to_team.to is None and to_team.values["words"] == "pas venu"
    assert to_team.buttons[0].offer is Offer.SUSPEND and to_team.buttons[0].subject_id == jean.id

    lina = await world.on_telegram(303, "Lina Vern")
    lina_need = (await world.submit(lina)).need
    assert [c.driver.id for c in await guarded.candidates(lina_need)] == [jean.id]
    suspended = await trust.suspend(world.operator, jean.id)
    assert told(suspended.notices) == [
        ("privacy.suspended_team", "team"),
        ("privacy.suspended_person", "Jean Martin"),
    ]
    assert (await trust.suspend(world.operator, jean.id)).result is TrustResult.ALREADY
    assert await guarded.candidates(lina_need) == []
    await trust.lift(world.operator, jean.id)
    assert [c.driver.id for c in await guarded.candidates(lina_need)] == [jean.id]

    # Marie reported Jean: one report is enough, they are never matched again (issue 23),
    # and a report back changes nothing.
    marie_again = (await world.submit(marie)).need
    assert await guarded.candidates(marie_again) == []
    await trust.report(jean, asked.introduction.id, "behaviour", "")
    assert await guarded.candidates(marie_again) == []
    assert [c.driver.id for c in await guarded.candidates(lina_need)] == [jean.id]

    # A suspended passenger is offered nobody.
    await trust.suspend(world.operator, lina.id)
    assert await guarded.candidates(lina_need) == []


async def test_one_report_is_enough_never_to_be_matched_again_either_way(world: World) -> None:
    trust, wired = trust_of(world)
    guarded, announcements = wired.needs, wired.announcements
    jean = await world.on_telegram(311, "Jean Martin", "jean_m")
    marie = await world.on_telegram(312, "Marie Dupont")
    paul = await world.on_telegram(313, "Paul Roc")
    asked = await world.asked(jean, marie)
    assert asked.introduction is not None
    await world.introductions.answer(jean, asked.introduction.id, True)
    # Marie reports Jean; the team suspends nobody. Jean is not told.
    reported = await trust.report(marie, asked.introduction.id, "behaviour", "")
    assert told(reported.notices) == [("privacy.report_team", "team")]

    world.needs = guarded  # her next search, as bot/assembly.py puts the guard in
    searched = await world.submit(marie)
    assert searched.candidates == []
    again = searched.need
    assert await guarded.candidates(again) == []
    assert await guarded.candidates(again, include_full=True) == []  # the team's search too
    assert not await guarded.may_propose(marie.id, jean)
    # A new trip of his is not announced to her (registered as TripService does, announced
    # by the guarded announcements).
    first = world.trip_rows.rows[asked.introduction.trip_id]
    second = await world.trip_rows.add(jean.id, first, world.clock.now())
    await world.search.index(second.id)
    assert await announcements.announce_trip(second) == []
    # Anyone else still gets Jean.
    pauls = (await world.submit(paul)).need
    assert [c.driver.id for c in await guarded.candidates(pauls)][:1] == [jean.id]

    # A driver who reports a passenger is not offered her needs either (nor told of them).
    lina = await world.on_telegram(314, "Lina Vern")
    ride = await world.asked(paul, lina)
    assert ride.introduction is not None
    await world.introductions.answer(paul, ride.introduction.id, True)
    await trust.report(paul, ride.introduction.id, "no_show", "")
    linas = (await world.submit(lina)).need
    assert paul.id not in {c.driver.id for c in await guarded.candidates(linas)}
    assert not await guarded.may_propose(lina.id, paul)


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("06 12 34 56 78", "+33612345678", "06 12 34 56 78"),
        ("06.12.34.56.78", "+33612345678", "06 12 34 56 78"),
        ("+33 6 12 34 56 78", "+33612345678", "06 12 34 56 78"),
        ("33612345678", "+33612345678", "06 12 34 56 78"),  # a Telegram contact
        ("+33 (0)5 65 00 00 00", "+33565000000", "05 65 00 00 00"),
        ("+32 470 12 34 56", "+32470123456", "+32 470 12 34 56"),
        ("06 12 34 56", None, ""),
        ("12", None, ""),
        ("appelez-moi", None, ""),
        ("0" * 60, None, ""),
    ],
)
def test_phones_one_way(typed: str, stored: str | None, shown: str) -> None:
    assert parse_phone(typed) == stored
    assert show_phone(stored) == shown


def test_a_number_stored_before_phones_were_checked_is_shown_as_it_is() -> None:
    assert show_phone("0612345678") == "06 12 34 56 78"
    assert show_phone("12345") == "12345"


def test_cells_a_spreadsheet_would_run_are_neutralised() -> None:
    for dangerous in ("=1+1", "+33", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(dangerous) == "'" + dangerous
    assert neutralise("Cahors") == "Cahors" and neutralise(-2) == -2 and neutralise(None) is None
    assert csv_bytes([]) == "\ufeff".encode()
    assert csv_bytes([{"name": "=cmd|' /C calc'!A0"}]).decode("utf-8-sig") == (
        "name\r\n'=cmd|' /C calc'!A0\r\n"
    )
