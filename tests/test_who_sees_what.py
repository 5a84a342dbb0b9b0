# ruff: noqa: F811 (the `interop` fixture, imported from tests/test_interop_api.py)
"""The "who sees what" table of docs/privacy.md, line by line, on one story: Jean drives
Cahors → Figeac and agreed to show his phone; Marie (on Telegram) needs a ride to a health
appointment in a wheelchair; Yvette phoned the team; the team follows what the bot cannot
solve."""

from __future__ import annotations

import json
import re

from handlers import keyboards as kb
from handlers.http import create_http_app
from tests.conftest import OPERATORS, RunningBot
from tests.fakebot import FakeUser
from tests.setups import agree_if_asked, driver, team
from tests.test_interop_api import TUESDAY_0730, Interop, booking, interop, places  # noqa: F401
from tests.test_privacy import registered_by_phone

PHONE = re.compile(r"0\d( \d\d){4}|\+33\d{9}")


async def story(bot: RunningBot) -> tuple[FakeUser, FakeUser, FakeUser]:
    olga, _, _ = team(bot)
    jean = await driver(bot, 701, "Jean", username="jean_m")
    await bot.rows("UPDATE people SET phone = '+33611111111', phone_visible = 1 WHERE id = 1")
    marie = bot.fake.user(702, "Marie", last_name="Delpech", username="marie_d")
    await marie.command("chercher")
    await agree_if_asked(marie)
    await marie.send("Cahors")
    await marie.send("Figeac")
    await marie.send("mardi")
    await marie.press_doing(kb.FIND, "mode:arrive_before")
    await marie.send("9h")
    await marie.press_doing(kb.FIND, "back:none")
    await marie.press_doing(kb.FIND, "purpose:health")
    await marie.press_doing(kb.FIND, "special:wheelchair")
    await marie.press_doing(kb.FIND, "special:ok")
    await marie.press_doing(kb.FIND, "confirm")
    return olga, jean, marie


async def test_a_passenger_before_a_driver_accepts(bot: RunningBot) -> None:
    _, _, marie = await story(bot)
    shown = marie.last().text + " ".join(marie.buttons())
    assert "Jean M." in shown and "7h30" in shown
    assert "Martin" not in shown and "jean_m" not in shown and not PHONE.search(shown)


async def test_a_driver_asked_before_accepting(bot: RunningBot) -> None:
    _, jean, marie = await story(bot)
    await marie.press_doing(kb.NEED, "ask", naming="Jean M.")
    request = jean.last().text
    assert "Marie D." in request and "Cahors" in request and "mardi 24 novembre" in request
    assert "Santé" in request and "Fauteuil roulant" in request  # to know whether he can
    assert "Delpech" not in request and "marie_d" not in request and not PHONE.search(request)


async def test_both_once_the_driver_accepts_and_a_phone_only_with_consent(
    bot: RunningBot,
) -> None:
    _, jean, marie = await story(bot)
    hidden = await driver(bot, 703, "Jeanne", time="7h40")  # no phone given: none is shown
    await marie.press_doing(kb.NEED, "ask", naming="Jean M.")
    await jean.press_doing(kb.INTRO, "yes")
    to_marie, to_jean = marie.last().text, jean.last().text
    assert "Jean Martin" in to_marie and "@jean_m" in to_marie and "06 11 11 11 11" in to_marie
    assert "Marie Delpech" in to_jean and "@marie_d" in to_jean and not PHONE.search(to_jean)
    assert hidden.messages()[-1].text.startswith("✅ Trajet enregistré")  # Jeanne saw nothing


async def test_someone_reported_is_not_told(bot: RunningBot) -> None:
    _, jean, marie = await story(bot)
    await marie.press_doing(kb.NEED, "ask", naming="Jean M.")
    await jean.press_doing(kb.INTRO, "yes")
    mark = jean.mark()
    await marie.command("signaler")
    await marie.press_doing(kb.REPORT, "pick", naming="Jean M.")
    await marie.press_doing(kb.REPORT, "reason:no_show")
    await marie.press_doing(kb.REPORT, "skip")
    assert jean.texts_since(mark) == []
    assert "Marie Delpech signale Jean Martin" in bot.operators.last().text


async def test_the_team_sees_what_it_follows_and_phones_only_with_consent(
    bot: RunningBot,
) -> None:
    olga, _, _ = team(bot)
    await driver(bot, 711, "Jean", username="jean_m")
    await bot.rows("UPDATE people SET phone = '+33611111111', phone_visible = 0 WHERE id = 1")
    lina = bot.fake.user(712, "Lina", last_name="Vern")
    await lina.command("chercher")
    await agree_if_asked(lina)
    for typed in ("Lacapelle-Marival", "Figeac", "mardi"):
        await lina.send(typed)
    await lina.press_doing(kb.FIND, "mode:arrive_before")
    await lina.send("9h")
    await lina.press_doing(kb.FIND, "back:none")
    await lina.press_doing(kb.FIND, "purpose:health")
    await lina.press_doing(kb.FIND, "special:none")
    await lina.press_doing(kb.FIND, "confirm")
    post = bot.operators.last().text
    assert "Lina Vern" in post and "Santé" in post and "Lacapelle-Marival" in post
    await registered_by_phone(olga, "Yvette Combes", "05 65 00 00 00")
    assert "05 65 00 00 00" in bot.operators.last().text  # the team calls her
    await olga.command("export")
    files = [m.document.content.decode() for m in bot.operators.messages() if m.document]
    assert "06 11 11 11 11" not in "".join(files)  # Jean keeps his number hidden
    await olga.command("mesdonnees")  # her own data only, never anyone else's
    exported = olga.messages()[-1].document
    assert exported is not None
    data = json.loads(exported.content)
    assert data["profile"]["name"] == "Olga Bru" and data["needs"] == []


async def test_nobody_else_receives_anything_no_funder_yet(bot: RunningBot) -> None:
    olga, jean, marie = await story(bot)
    await marie.press_doing(kb.NEED, "ask", naming="Jean M.")
    await jean.press_doing(kb.INTRO, "yes")
    await olga.command("export")
    allowed = {OPERATORS, olga.id, jean.id, marie.id}
    written = {chat_id for chat_id, chat in bot.fake._chats.items() if chat.messages}
    assert written <= allowed  # Omar and Nadia (not involved), and nobody outside, got nothing
    # Without INTEROP_OPERATOR, no partner platform is served anything.
    app = create_http_app(bot.app.http_context())
    paths = {getattr(route, "path", "") for route in app.routes}
    assert not any(path.startswith("/api/") for path in paths)


async def test_a_partner_platform_sees_aliases_and_only_needs_shown_to_it(
    interop: Interop,
) -> None:
    bot = interop.bot
    olga, _, _ = team(bot)
    jean = await driver(bot, 721, "Jean", username="jean_m")
    await bot.rows("UPDATE people SET phone = '+33611111111', phone_visible = 1 WHERE id = 2")
    where = await places(bot)
    answer = await interop.get("/driver_journeys", **where, departureDate=TUESDAY_0730)
    [journey] = answer.json()
    assert journey["driver"]["alias"] == "Jean M."
    assert "Martin" not in answer.text and "jean_m" not in answer.text
    assert not PHONE.search(answer.text) and "33611111111" not in answer.text
    # Needs: none until their owner presses "show my request"; never the purpose.
    marie = bot.fake.user(722, "Marie", last_name="Delpech")
    await marie.command("chercher")
    await agree_if_asked(marie)
    for typed in ("Lacapelle-Marival", "Gramat", "mardi"):
        await marie.send(typed)
    await marie.press_doing(kb.FIND, "mode:arrive_before")
    await marie.send("9h")
    await marie.press_doing(kb.FIND, "back:none")
    await marie.press_doing(kb.FIND, "purpose:health")
    await marie.press_doing(kb.FIND, "special:wheelchair")
    await marie.press_doing(kb.FIND, "special:ok")
    await marie.press_doing(kb.FIND, "confirm")
    [need] = await bot.rows(
        "SELECT origin_lat, origin_lon, destination_lat, destination_lon FROM needs"
    )
    near = {
        "departureLat": need["origin_lat"],
        "departureLng": need["origin_lon"],
        "arrivalLat": need["destination_lat"],
        "arrivalLng": need["destination_lon"],
        "departureDate": TUESDAY_0730 + 1800,
        "timeDelta": 7200,
    }
    assert (await interop.get("/passenger_journeys", **near)).json() == []
    # Marie's search asked Karos for its journeys: places and times, never who.
    asked_karos = " ".join(str(params) for _, params, _ in interop.partner.calls)
    assert "departureLat" in asked_karos
    assert "Marie" not in asked_karos and "Delpech" not in asked_karos and "722" not in asked_karos
    await marie.press_doing(kb.SHARE, "")
    shown = await interop.get("/passenger_journeys", **near)
    [seen] = shown.json()
    assert seen["passenger"]["alias"] == "Marie D."
    assert "Delpech" not in shown.text and "health" not in shown.text
    assert "wheelchair" not in shown.text.lower() and "fauteuil" not in shown.text.lower()
    # A person the team suspends is shown to partners no more, driver or passenger.
    await bot.rows("UPDATE people SET suspended_at = '2026-11-23T09:00:00+00:00'")
    assert (await interop.get("/driver_journeys", **where, departureDate=TUESDAY_0730)).json() == []
    assert (await interop.get("/passenger_journeys", **near)).json() == []
    await bot.rows("UPDATE people SET suspended_at = NULL")
    # A driver who is forgotten: the partner's passenger's booking is called off, and told.
    asked = booking(journey)
    await interop.send("POST", "/bookings", asked)
    await jean.press_doing(kb.BOOKING, "yes")
    updates = bot.app.core.partner_updates
    assert updates is not None and await updates.run_once() == 1
    await jean.command("oublier")
    await jean.press_doing(kb.FORGET, "forget:yes")
    assert (await interop.get(f"/bookings/{asked['id']}")).json()["status"] == "CANCELLED"
    assert await updates.run_once() == 1
    assert interop.partner.patches[-1] == (asked["id"], "CANCELLED", "our-key-at-karos")
    assert (await interop.get("/driver_journeys", **where, departureDate=TUESDAY_0730)).json() == []
    assert olga
