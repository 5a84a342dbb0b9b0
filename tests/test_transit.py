"""Public transport and local services for a need: GTFS import, the planner, what people see."""

from __future__ import annotations

import re
import zipfile
from datetime import date, time
from pathlib import Path

import pytest

from bot.matching import TimeMode
from bot.places.gazetteer import Gazetteer
from bot.transit.catalog import read_services
from bot.transit.gtfs import FeedError, read_feed
from bot.transit.planner import TransitPlanner, TransitQuery
from handlers import keyboards as kb
from storage.db import Database
from storage.transit import SqlTimetable
from tests.conftest import RunningBot
from tests.setups import describe_need, driver, team
from tests.transit_feed import write_lot_feed

VERS = (44.48590, 1.55382)
CAJARC = (44.48475, 1.84315)
LALBENQUE = (44.33825, 1.54588)
FIGEAC = (44.60980, 2.03460)
CAHORS = (44.44683, 1.44062)
MONTCUQ = (44.33849, 1.20959)

SERVICES_CSV = (
    "name,kind,communes,departments,phone,booking,who\n"
    "TAD Causses et Vallée du Lot,tad,Cajarc|Saint Géry-Vers|46256,,05 65 00 11 22,"
    "la veille avant 17 h,tout le monde\n"
    "Lot Mobilité,call_centre,,46,05 31 60 09 03,du lundi au vendredi,\n"
    "Atchoum Aveyron,tus,,12,0 806 110 444,,plus de 60 ans\n"
)


@pytest.fixture
async def timetable(tmp_path: Path) -> SqlTimetable:
    database = await Database.open(tmp_path / "t.sqlite3")
    table = SqlTimetable(database)
    await table.import_feeds([write_lot_feed(tmp_path / "lot.zip")])
    return table


def query(
    origin: tuple[float, float],
    destination: tuple[float, float],
    day: date,
    at: time,
    mode: TimeMode = TimeMode.LEAVE_AFTER,
) -> TransitQuery:
    return TransitQuery(origin, destination, day, mode, at.hour * 3600 + at.minute * 60, 3 * 3600)


def hhmm(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


async def test_a_direct_coach_between_two_villages(timetable: SqlTimetable) -> None:
    planner = TransitPlanner(timetable)
    tuesday = date(2026, 11, 24)
    [option] = await planner.options(query(VERS, CAJARC, tuesday, time(7, 0)))
    [leg] = option.legs
    assert (leg.line, leg.board_name, leg.alight_name) == (
        "881",
        "Vers Place",
        "Cajarc Tour de ville",
    )
    assert (hhmm(leg.departure), hhmm(leg.arrival)) == ("07:50", "08:25")
    assert option.walk_to_m <= 100 and option.walk_from_m <= 100
    # Later in the morning, the next coach (within MAX_WAIT_MINUTES, 3 hours here); to
    # arrive before 9h, the first one.
    [later] = await planner.options(query(VERS, CAJARC, tuesday, time(10, 0)))
    assert hhmm(later.departure) == "12:35"
    assert await planner.options(query(VERS, CAJARC, tuesday, time(9, 0))) == []
    [before] = await planner.options(
        query(VERS, CAJARC, tuesday, time(9, 0), TimeMode.ARRIVE_BEFORE)
    )
    assert hhmm(before.arrival) == "08:25"


async def test_calendar_exceptions(timetable: SqlTimetable) -> None:
    planner = TransitPlanner(timetable)
    # No coach on Christmas day (a Friday), nor on an ordinary Saturday or Sunday...
    assert await planner.options(query(VERS, CAJARC, date(2026, 12, 25), time(7, 0))) == []
    assert await planner.options(query(VERS, CAJARC, date(2026, 12, 5), time(7, 0))) == []
    # ...but the market Saturday has its own coach; the day before Christmas runs as usual.
    [market] = await planner.options(query(VERS, CAJARC, date(2026, 11, 28), time(7, 0)))
    assert (hhmm(market.departure), hhmm(market.arrival)) == ("08:20", "08:55")
    assert len(await planner.options(query(VERS, CAJARC, date(2026, 12, 24), time(7, 0)))) == 1


async def test_one_change_when_nothing_is_direct(timetable: SqlTimetable) -> None:
    planner = TransitPlanner(timetable)
    [option] = await planner.options(query(LALBENQUE, CAJARC, date(2026, 11, 24), time(6, 0)))
    first, second = option.legs
    assert (first.line, hhmm(first.departure), first.alight_name, hhmm(first.arrival)) == (
        "875",
        "06:40",
        "Cahors Gare routière",
        "07:10",
    )
    assert (second.line, hhmm(second.departure), hhmm(second.arrival)) == (
        "881",
        "07:30",
        "08:25",
    )
    # Montcuq is on no line: nothing to offer.
    assert await planner.options(query(MONTCUQ, CAJARC, date(2026, 11, 24), time(6, 0))) == []


async def test_a_train_that_arrives_after_midnight(timetable: SqlTimetable) -> None:
    planner = TransitPlanner(timetable)
    option, later = await planner.options(query(FIGEAC, CAHORS, date(2026, 11, 24), time(22, 0)))
    assert hhmm(later.departure) == "24:10"
    assert option.legs[0].line == "TER Figeac - Cahors"  # no short name: the long one
    assert option.arrival == 24 * 3600 + 40 * 60
    # The Friday's 24:10 train is Saturday's 00:10; nothing runs after Sunday midnight.
    [night] = await planner.options(query(FIGEAC, CAHORS, date(2026, 11, 28), time(0, 0)))
    assert (hhmm(night.departure), hhmm(night.arrival)) == ("00:10", "01:05")
    assert await planner.options(query(FIGEAC, CAHORS, date(2026, 11, 30), time(0, 0))) == []


async def test_a_feed_is_imported_again_only_when_its_file_changed(tmp_path: Path) -> None:
    database = await Database.open(tmp_path / "t.sqlite3")
    table = SqlTimetable(database)
    feed = write_lot_feed(tmp_path / "lot.zip")
    [first] = await table.import_feeds([feed])
    assert first.imported and first.stops == 7 and first.trips == 8
    [again] = await table.import_feeds([feed])
    assert not again.imported
    write_lot_feed(feed, extra_run=False)  # the market coach is withdrawn
    [changed] = await table.import_feeds([feed])
    assert changed.imported
    planner = TransitPlanner(table)
    assert await planner.options(query(VERS, CAJARC, date(2026, 11, 28), time(7, 0))) == []
    await table.import_feeds([])  # the feed is no longer named: its times are gone
    assert not await table.has_stops()
    await database.close()


def test_a_broken_feed_is_named(tmp_path: Path) -> None:
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"not a zip")
    with pytest.raises(FeedError, match="broken.zip"):
        read_feed(broken)


def test_the_services_file(tmp_path: Path, gazetteer: Gazetteer) -> None:
    path = tmp_path / "services.csv"
    path.write_text(SERVICES_CSV, encoding="utf-8")
    tad, call_centre, aveyron = read_services(path, gazetteer)
    assert tad.communes == {"46045", "46268", "46256"}
    assert call_centre.departments == {"46"}
    assert aveyron.kind == "tus"
    path.write_text("name,phone,communes\nTAD,05 00,Nowhereville\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2: commune 'Nowhereville'"):
        read_services(path, gazetteer)


@pytest.fixture
async def transit_bot(tmp_path: Path, gazetteer: Gazetteer) -> RunningBot:
    services = tmp_path / "services.csv"
    services.write_text(SERVICES_CSV, encoding="utf-8")
    running = RunningBot(
        tmp_path,
        gazetteer,
        gtfs_files=str(write_lot_feed(tmp_path / "lot.zip")),
        services_file=services,
    )
    await running.start()
    return running


async def test_a_passenger_between_two_villages_with_no_driver_sees_the_coach(
    transit_bot: RunningBot,
) -> None:
    bot = transit_bot
    try:
        odette = bot.fake.user(401, "Odette", last_name="Vialard")
        await odette.command("start")
        mark = odette.mark()
        await describe_need(
            odette,
            origin="Saint-Cirq-Lapopie",
            destination="Cajarc",
            mode="leave_after",
            time="7h",
        )
        seen = odette.texts_since(mark)
        coach = next(text for text in seen if "En car ou en train" in text)
        assert "mardi 24 novembre" in coach
        assert (
            "Ligne 881 : départ à 8h05 de l'arrêt « Saint-Cirq-Lapopie Parking »"
            " (100 m à pied), arrivée à 8h25 à « Cajarc Tour de ville »"
        ) in coach
        services = next(text for text in seen if "D'autres services" in text)
        assert (
            "TAD Causses et Vallée du Lot (transport à la demande) : appelez le 05 65 00 11 22"
            in services
        )
        assert "la veille avant 17 h" in services
        assert "Lot Mobilité" in services and "Atchoum Aveyron" not in services
        team = [m.text for m in bot.operators.messages()]
        other = next(text for text in team if "autres solutions possibles" in text)
        assert "Saint-Cirq-Lapopie" in other and "8h05" in other and "05 65 00 11 22" in other
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_a_cost_sharing_guide_on_introductions(tmp_path: Path, gazetteer: Gazetteer) -> None:
    bot = RunningBot(tmp_path, gazetteer, cost_share_eur_per_km=0.10)
    await bot.start()
    try:
        jean = await driver(bot, 301, "Jean")
        lina = bot.fake.user(302, "Lina")
        await describe_need(lina)
        await lina.press_doing(kb.NEED, "ask", naming="Jean M.")
        await jean.press_doing(kb.INTRO, "yes")
        guide = re.compile(
            r"Repère pour partager les frais : environ (\d+) km × 0,10 € par km = (\d+,\d\d) €"
        )
        for person in (lina, jean):
            [text] = [t for t in person.texts_since(0) if "partager les frais" in t]
            found = guide.search(text)
            assert found is not None, text
            km = int(found[1])
            assert 60 <= km <= 80  # Cahors → Figeac, about 55 km as the crow flies
            assert found[2] == f"{km * 0.10:.2f}".replace(".", ",")
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_without_a_guide_rides_are_free(bot: RunningBot) -> None:
    jean = await driver(bot, 301, "Jean")
    lina = bot.fake.user(302, "Lina")
    await describe_need(lina)
    await lina.press_doing(kb.NEED, "ask", naming="Jean M.")
    await jean.press_doing(kb.INTRO, "yes")
    assert not any("partager les frais" in t for t in lina.texts_since(0) + jean.texts_since(0))


async def test_a_need_phoned_in_shows_the_team_the_coach_and_the_services(
    transit_bot: RunningBot,
) -> None:
    bot = transit_bot
    try:
        olga, _, _ = team(bot)
        await olga.command("demande")
        await olga.send("Yvette Combes")
        await olga.send("05 65 00 00 00")
        await olga.press_doing(kb.FIND, "shows:no")
        await olga.press_doing(kb.FIND, "agreed:yes")
        await olga.send("Saint-Cirq-Lapopie")
        await olga.send("Cajarc")
        await olga.send("mardi")
        await olga.press_doing(kb.FIND, "mode:arrive_before")
        await olga.send("9h")
        await olga.press_doing(kb.FIND, "back:none")
        await olga.press_doing(kb.FIND, "purpose:health")
        await olga.press_doing(kb.FIND, "special:ok")
        await olga.press_doing(kb.FIND, "confirm")
        other = next(
            m.text for m in bot.operators.messages() if "autres solutions possibles" in m.text
        )
        assert "Demande n° 1 (Saint-Cirq-Lapopie (46) → Cajarc (46))" in other
        assert "Ligne 881 : départ à 8h05" in other and "arrivée à 8h25" in other
        assert "TAD Causses et Vallée du Lot" in other and "05 65 00 11 22" in other
        bot.assert_clean()
    finally:
        await bot.stop()


def test_a_feed_or_services_file_that_cannot_be_read_stops_the_start(tmp_path: Path) -> None:
    from tests.test_settings import run_bot

    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("stops.txt", "stop_id,stop_name,stop_lat,stop_lon\nA,A,x,1\n")
    result = run_bot(tmp_path, {"BOT_TOKEN": "1:abc", "GTFS_FILES": str(broken)})
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Setting GTFS_FILES:") and "broken.zip: no routes.txt" in line
    services = tmp_path / "services.csv"
    services.write_text("name,phone,communes\nTAD,05 00,Nowhereville\n", encoding="utf-8")
    result = run_bot(tmp_path, {"BOT_TOKEN": "1:abc", "SERVICES_FILE": str(services)})
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Setting SERVICES_FILE:") and "line 2" in line
