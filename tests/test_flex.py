"""On-demand transport with its deadline to book (issue 25), and GTFS frequencies and
agency_timezone (issue 23 item 12): what a passenger, and the team, see."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.places.gazetteer import Gazetteer
from bot.transit.catalog import read_services
from bot.transit.flex import read_flex
from bot.transit.gtfs import FeedError
from bot.transit.planner import TransitPlanner
from handlers import keyboards as kb
from storage.db import Database
from storage.transit import SqlTimetable
from tests.conftest import RunningBot, paris
from tests.fakebot import FakeUser
from tests.setups import describe_need
from tests.test_transit import query
from tests.transit_feed import TAD_NAME, TAD_PHONE, write_flex_feed, write_shuttle_feed

PARIS = ZoneInfo("Europe/Paris")
LINE = "🚐 Transport à la demande du Grand Figeac : réservez avant {} au 05 65 34 00 00."
# The same service as a row of the SERVICES_FILE (the feed's zone: Cajarc and its
# neighbours; its stop: Figeac).
SERVICES_HEADER = (
    "name,kind,communes,phone,booking_type,prior_notice_last_day,prior_notice_last_time,"
    "prior_notice_service_id,days,hours,stops\n"
)
SERVICES_ROW = (
    f"{TAD_NAME},tad,Cajarc|Gréalou,{TAD_PHONE},2,1,16:00,{{counted}},lun-sam,08:00-12:00,Figeac\n"
)


async def flex_bot(
    tmp_path: Path,
    gazetteer: Gazetteer,
    now: str,
    *,
    counted: str = "TAD",
    services: str | None = None,
) -> RunningBot:
    settings: dict[str, Any] = {}
    if services is None:
        settings["gtfs_files"] = str(write_flex_feed(tmp_path / "flex.zip", counted=counted))
    else:
        path = tmp_path / "services.csv"
        path.write_text(services, encoding="utf-8")
        settings["services_file"] = path
    bot = RunningBot(tmp_path, gazetteer, **settings)
    bot.clock.current = bot.fake.now = paris(now)
    await bot.start()
    return bot


async def ask(user: FakeUser, when: str, origin: str = "Cajarc") -> list[str]:
    mark = user.mark()
    await describe_need(user, origin=origin, destination="Figeac", when=when, time="10h")
    return user.texts_since(mark)


def on_demand(texts: list[str]) -> str:
    return next(text for text in texts if text.startswith("🚐"))


async def test_before_the_deadline_the_passenger_and_the_team_see_it(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    # Monday 7 December at 10h, for Wednesday: book on Tuesday by 16h.
    bot = await flex_bot(tmp_path, gazetteer, "2026-12-07 10:00")
    try:
        odette = bot.fake.user(401, "Odette", last_name="Vialard")
        seen = await ask(odette, "mercredi")
        assert on_demand(seen) == LINE.format("mardi 8 décembre à 16h")
        assert odette.buttons() == ["⏰ Me le rappeler mardi 8 décembre à 14h"]
        # No driver: the team follows the need, and sees the same deadline to book for her.
        team = next(m.text for m in bot.operators.messages() if "autres solutions" in m.text)
        assert "Transport à la demande, à réserver pour la personne" in team
        assert LINE.format("mardi 8 décembre à 16h") in team
        # Lalbenque is outside the zone, and Figeac only a stop: nothing on demand.
        marcel = bot.fake.user(402, "Marcel")
        assert not any(t.startswith("🚐") for t in await ask(marcel, "mercredi", "Lalbenque"))
        # In the afternoon, outside the service's hours (8h–12h): nothing either.
        jules = bot.fake.user(403, "Jules")
        mark = jules.mark()
        await describe_need(
            jules,
            origin="Cajarc",
            destination="Figeac",
            when="mercredi",
            mode="leave_after",
            time="15h",
        )
        assert not any(t.startswith("🚐") for t in jules.texts_since(mark))
        bot.assert_clean()
    finally:
        await bot.stop()


@pytest.mark.parametrize(
    ("counted", "deadline"),
    [
        ("TAD", "samedi 12 décembre à 16h"),  # its own days: Monday to Saturday
        ("OUVRE", "vendredi 11 décembre à 16h"),  # working days
        ("", "dimanche 13 décembre à 16h"),  # calendar days
    ],
)
async def test_a_sunday_in_between(
    tmp_path: Path, gazetteer: Gazetteer, counted: str, deadline: str
) -> None:
    # Wednesday 9 December, for Monday 14: "the day before" depends on which days count.
    bot = await flex_bot(tmp_path, gazetteer, "2026-12-09 10:00", counted=counted)
    try:
        odette = bot.fake.user(401, "Odette")
        assert on_demand(await ask(odette, "lundi")) == LINE.format(deadline)
    finally:
        await bot.stop()


async def test_after_the_deadline_the_next_possible_date(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    # Tuesday 8 December at 17h: too late for Wednesday, Thursday can still be booked.
    bot = await flex_bot(tmp_path, gazetteer, "2026-12-08 17:00")
    try:
        odette = bot.fake.user(401, "Odette")
        assert on_demand(await ask(odette, "mercredi")) == (
            "🚐 Transport à la demande du Grand Figeac : trop tard pour mercredi 9 décembre"
            " (il fallait réserver avant mardi 8 décembre à 16h). Prochaine date possible :"
            " jeudi 10 décembre, réservez avant mercredi 9 décembre à 16h au 05 65 34 00 00."
        )
        # Saturday after 16h, for Monday: Sunday has no service, the next is Tuesday.
        bot.clock.current = bot.fake.now = paris("2026-12-12 16:30")
        text = on_demand(await ask(odette, "lundi"))
        assert "trop tard pour lundi 14 décembre" in text
        assert "Prochaine date possible : mardi 15 décembre, réservez avant lundi 14" in text
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_the_reminder_comes_once_before_the_deadline(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    bot = await flex_bot(tmp_path, gazetteer, "2026-12-07 10:00")
    try:
        odette = bot.fake.user(401, "Odette")
        await ask(odette, "mercredi")
        mark = odette.mark()
        await odette.press_doing(kb.REMIND, "remind")
        assert odette.texts_since(mark) == [
            "✅ C'est noté : je vous le rappelle mardi 8 décembre à 14h."
        ]
        mark = odette.mark()
        await bot.run_until(paris("2026-12-08 13:59"))
        assert odette.texts_since(mark) == []
        await bot.run_until(paris("2026-12-08 14:00"))
        [reminder] = odette.texts_since(mark)
        assert reminder == (
            "⏰ Rappel : pensez à réserver votre transport à la demande pour mercredi"
            " 9 décembre.\n" + LINE.format("mardi 8 décembre à 16h")
        )
        await bot.later(days=3)
        reminders = [t for t in odette.texts_since(mark) if "Rappel" in t]
        assert reminders == [reminder]  # once
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_no_reminder_after_the_deadline(tmp_path: Path, gazetteer: Gazetteer) -> None:
    bot = await flex_bot(tmp_path, gazetteer, "2026-12-07 10:00")
    try:
        odette = bot.fake.user(401, "Odette")
        await ask(odette, "mercredi")
        await odette.press_doing(kb.REMIND, "remind")
        mark = odette.mark()
        # The bot was down from Monday evening until Tuesday 16h30: the deadline has passed.
        bot.clock.current = bot.fake.now = paris("2026-12-08 16:30")
        await bot.tick()
        await bot.later(hours=2)
        assert odette.texts_since(mark) == []
        [entry] = await bot.rows(
            "SELECT status, outcome FROM agenda WHERE kind = ?", "on_demand_reminder"
        )
        assert entry == {"status": "done", "outcome": "skipped"}
        # A button pressed too late for a reminder says so.
        await ask(odette, "mercredi")  # too late for Wednesday: Thursday's deadline is 16h
        bot.clock.current = bot.fake.now = paris("2026-12-09 15:00")
        mark = odette.mark()
        await odette.press_doing(kb.REMIND, "remind")
        assert odette.texts_since(mark) == [
            "Il est trop tard pour un rappel : appelez dès maintenant pour réserver."
        ]
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_no_reminder_for_a_need_called_off(tmp_path: Path, gazetteer: Gazetteer) -> None:
    bot = await flex_bot(tmp_path, gazetteer, "2026-12-07 10:00")
    try:
        odette = bot.fake.user(401, "Odette")
        await ask(odette, "mercredi")
        await odette.press_doing(kb.REMIND, "remind")
        await odette.command("mesdemandes")
        need = odette.messages()[-1]
        await odette.press_doing(kb.NEED, "cancel", message=need)
        await odette.press_doing(kb.NEED, "cancel", message=need)
        mark = odette.mark()
        await bot.run_until(paris("2026-12-08 18:00"))
        assert not any("Rappel" in t for t in odette.texts_since(mark))
        # Her old button, pressed again, schedules nothing.
        await odette.press_data("od:1:remind")
        assert odette.callback_answers()[-1]["text"].startswith("Ce bouton")
        [entry] = await bot.rows(
            "SELECT status, outcome FROM agenda WHERE kind = ?", "on_demand_reminder"
        )
        assert entry == {"status": "done", "outcome": "skipped"}
        bot.assert_clean()
    finally:
        await bot.stop()


@pytest.mark.parametrize(
    ("counted", "deadline"),
    [("lun-sam", "samedi 12 décembre à 16h"), ("", "dimanche 13 décembre à 16h")],
)
async def test_a_services_file_row_in_the_same_shape(
    tmp_path: Path, gazetteer: Gazetteer, counted: str, deadline: str
) -> None:
    services = SERVICES_HEADER + SERVICES_ROW.format(counted=counted)
    bot = await flex_bot(tmp_path, gazetteer, "2026-12-09 10:00", services=services)
    try:
        odette = bot.fake.user(401, "Odette")
        assert on_demand(await ask(odette, "lundi")) == LINE.format(deadline)
        # Not shown a second time among the other services, as written.
        assert not any("D'autres services" in t for t in odette.texts_since(0))
        bot.assert_clean()
    finally:
        await bot.stop()


def test_booking_on_the_day_and_up_to_the_moment(tmp_path: Path) -> None:
    """Type 1: an hour's notice on the day; type 0: bookable until it leaves."""
    hour = ["HEURE", "1", "60", "", "", "", TAD_PHONE, "https://tad.example.org"]
    [service] = read_flex(write_flex_feed(tmp_path / "a.zip", booking_rule=hour), PARIS)
    wednesday = date(2026, 12, 9)
    assert service.deadline(wednesday, 9 * 3600) == paris("2026-12-09 08:00")
    assert service.rule.booking_url == "https://tad.example.org"
    now = ["LIBRE", "0", "", "", "", "", TAD_PHONE, ""]
    [service] = read_flex(write_flex_feed(tmp_path / "b.zip", booking_rule=now), PARIS)
    assert service.deadline(wednesday, 9 * 3600) == paris("2026-12-09 09:00")
    # Past it, the next day it runs: Sunday has none.
    assert service.possible(date(2026, 12, 12), 9 * 3600, paris("2026-12-12 09:30")) == (
        date(2026, 12, 14),
        paris("2026-12-14 09:00"),
    )


def test_a_wrong_row_is_named(tmp_path: Path, gazetteer: Gazetteer) -> None:
    path = tmp_path / "services.csv"
    path.write_text(SERVICES_HEADER + SERVICES_ROW.format(counted="lun-dimanch"), "utf-8")
    with pytest.raises(ValueError, match=r"services.csv, line 2: 'lun-dimanch' is not"):
        read_services(path, gazetteer)
    wrong = ["VEILLE16", "3", "", "1", "16:00:00", "", TAD_PHONE, ""]
    with pytest.raises(FeedError, match=r"flex.zip, booking_rules.txt line 2: booking_type"):
        read_flex(write_flex_feed(tmp_path / "flex.zip", booking_rule=wrong), PARIS)
    late = ["VEILLE16", "2", "", "1", "", "", TAD_PHONE, ""]
    with pytest.raises(FeedError, match=r"line 2: booking_type 2 needs prior_notice_last_day"):
        read_flex(write_flex_feed(tmp_path / "flex.zip", booking_rule=late), PARIS)


def test_a_wrong_flex_feed_stops_the_start(tmp_path: Path) -> None:
    from tests.test_settings import run_bot

    wrong = ["VEILLE16", "2", "", "un", "16:00:00", "", TAD_PHONE, ""]
    feed = write_flex_feed(tmp_path / "flex.zip", booking_rule=wrong)
    result = run_bot(tmp_path, {"BOT_TOKEN": "1:abc", "GTFS_FILES": str(feed)})
    assert result.returncode == 2
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith("Setting GTFS_FILES:") and "booking_rules.txt line 2" in line, line


# GTFS frequencies.txt and agency_timezone (issue 23 item 12).

CAHORS = (44.44683, 1.44062)
LABASTIDE = (44.3865, 1.3985)


@pytest.mark.parametrize("exact_times", ["1", "0"])
async def test_a_shuttle_every_30_minutes_is_found_at_noon(
    tmp_path: Path, exact_times: str
) -> None:
    database = await Database.open(tmp_path / "t.sqlite3")
    table = SqlTimetable(database, PARIS)
    await table.import_feeds([write_shuttle_feed(tmp_path / "n.zip", exact_times=exact_times)])
    planner = TransitPlanner(table)
    # At noon (a few minutes' walk to the stop first).
    options = await planner.options(query(CAHORS, LABASTIDE, date(2026, 12, 9), time(11, 55)))
    departures = [o.departure // 60 for o in options]
    assert departures == [12 * 60, 12 * 60 + 30, 13 * 60]
    assert options[0].arrival == 12 * 3600 + 20 * 60
    # The last run leaves at 18:30, none at 19:00.
    [last] = await planner.options(query(CAHORS, LABASTIDE, date(2026, 12, 9), time(18, 25)))
    assert last.departure == 18 * 3600 + 30 * 60
    await database.close()


async def test_the_agency_timezone_is_honoured(tmp_path: Path) -> None:
    """A feed counted in London's time: its 7:00 is 8:00 in Cahors."""
    database = await Database.open(tmp_path / "t.sqlite3")
    table = SqlTimetable(database, PARIS)
    await table.import_feeds([write_shuttle_feed(tmp_path / "n.zip", timezone="Europe/London")])
    planner = TransitPlanner(table)
    first, *_ = await planner.options(query(CAHORS, LABASTIDE, date(2026, 12, 9), time(6, 0)))
    assert (first.departure, first.arrival) == (8 * 3600, 8 * 3600 + 20 * 60)
    await database.close()


async def test_a_passenger_sees_the_shuttle_on_the_territorys_clock(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    """The shuttle's feed counts in London's time: its first run, 7:00 there, is 8:00 here."""
    feed = write_shuttle_feed(tmp_path / "n.zip", timezone="Europe/London")
    bot = RunningBot(tmp_path, gazetteer, gtfs_files=str(feed))
    await bot.start()
    try:
        for user_id, asked, first in ((401, "7h", "8h00"), (402, "11h55", "12h00")):
            user = bot.fake.user(user_id, "Odette")
            mark = user.mark()
            await describe_need(
                user,
                origin="Cahors",
                destination="Labastide-Marnhac",
                mode="leave_after",
                time=asked,
            )
            coach = next(t for t in user.texts_since(mark) if "En car ou en train" in t)
            lines = coach.splitlines()
            assert lines[1].startswith(f"• Ligne N1 : départ à {first} de l'arrêt"), lines
            assert len(lines) == 5  # three runs, 30 minutes apart
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_by_sms_the_same_line(tmp_path: Path, gazetteer: Gazetteer) -> None:
    from tests.phones import TextingBot
    from tests.test_sms_channel import welcome

    feed = write_flex_feed(tmp_path / "flex.zip")
    bot = TextingBot(tmp_path, gazetteer, gtfs_files=str(feed))
    bot.clock.current = bot.fake.now = paris("2026-12-07 10:00")
    await bot.start()
    try:
        phone = "06 12 34 56 78"
        await welcome(bot, phone, "figeac mercredi 10h", "odette vialard")
        await bot.text(phone, "Cajarc")
        await bot.text(phone, "2")  # arrive before
        await bot.text(phone, "1")  # no way back
        got = await bot.text(phone, "oui")
        text = next(text for text in got if "Grand Figeac" in text)
        assert text.endswith(
            "\nTransport à la demande du Grand Figeac : réservez avant mardi 8 décembre à 16h"
            " au 05 65 34 00 00."
        )
        bot.assert_clean()
    finally:
        await bot.stop()
