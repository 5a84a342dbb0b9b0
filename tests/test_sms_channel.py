"""End to end by SMS: people with a simple phone text the territory's number and get the same
conversations as on Telegram, in short texts; the team and the Telegram users around them see
what they would. The gateway beneath is a stand-in here (tests/phones.py); the same paths
through a real Kannel are in tests/test_sms_kannel.py."""

from __future__ import annotations

from pathlib import Path

import httpx

from bot.delivery import Report
from bot.places.gazetteer import Gazetteer
from handlers import keyboards as kb
from handlers.sms.text import segments
from tests.conftest import free_port
from tests.phones import NUMBER, SECRET, TextingBot, assert_fit_for_a_simple_phone
from tests.setups import describe_need, driver

MARIE = "06 12 34 56 78"
PAUL = "06 45 11 22 33"


async def welcome(bot: TextingBot, phone: str, first: str, name: str) -> list[str]:
    """A newcomer's first text, their OUI and their name; what they got back."""
    got = await bot.text(phone, first)
    assert "D'accord ?" in got[-1] and "OUI ou NON" in got[-1]
    got = await bot.text(phone, "oui")
    assert "prénom" in got[-1]
    return await bot.text(phone, name)


async def test_a_passenger_who_only_texts_goes_from_a_sentence_to_a_drivers_acceptance(
    texting: TextingBot,
) -> None:
    bot = texting
    jeanne = await driver(bot, 301, "Jeanne", username="jeanne_m")
    got = await welcome(bot, MARIE, "figeac demain 9h", "marie dupont")
    assert "Merci Marie" in got[-1]
    assert "D'où partez-vous ?" in got[-1]
    got = await bot.text(MARIE, "Cahors")
    assert "1 Partir après une heure\n2 Arriver avant une heure\nRépondez 1 ou 2" in got[-1]
    got = await bot.text(MARIE, "2")
    assert "Et le retour, le meme jour ?" in got[-1] and "1 Pas de retour" in got[-1]
    got = await bot.text(MARIE, "pas de retour")
    assert "Votre demande : Cahors - Figeac, mardi 24 novembre, arrivée avant 9h00" in got[-1]
    got = await bot.text(MARIE, "oui")
    [offered] = got
    assert "Jeanne M., mardi 24 novembre vers 7h30" in offered
    assert offered.endswith("Répondez OUI ou NON")
    got = await bot.text(MARIE, "oui")
    assert got == ["J'ai demandé à Jeanne M., je vous écris dès sa réponse."]

    # Jeanne, on Telegram, sees a first name and an initial, never a number, and accepts.
    request = jeanne.last().text
    assert "Marie D." in request and "06" not in request
    await jeanne.press_doing(kb.INTRO, "yes")
    [told] = bot.inbox(MARIE)
    assert "Bonne nouvelle : Jeanne Martin vous emmène mardi 24 novembre vers 7h30" in told
    # Jeanne shares no number: a simple phone cannot reach her Telegram, the team calls.
    assert "L'équipe vous appelle pour vous mettre en relation" in told
    post = bot.operators.last().text
    assert "À mettre en contact" in post and "06 12 34 56 78" in post and "@jeanne_m" in post
    # Jeanne gets Marie's number, which Marie agreed to give when she first texted.
    assert "06 12 34 56 78" in jeanne.last().text

    [person] = await bot.rows(
        "SELECT display_name, phone, phone_visible, sms_since FROM people WHERE phone = ?",
        "+33612345678",
    )
    assert person["display_name"] == "Marie Dupont" and person["phone_visible"] == 1
    assert person["sms_since"] is not None
    # Nine texts from Marie; what she got back cost this many segments, each one counted.
    [spent] = await bot.rows("SELECT SUM(segments) AS n FROM outbox WHERE method = 'sms'")
    assert spent["n"] == bot.segments_to(MARIE) <= 12
    bot.assert_clean()


async def test_a_driver_who_only_texts_registers_a_trip_and_answers_oui(
    texting: TextingBot,
) -> None:
    bot = texting
    got = await welcome(bot, PAUL, "je propose un trajet", "Paul Durand")
    assert "Enregistrons votre trajet" in got[-1] and "D'où partez-vous ?" in got[-1]
    for words in ("Cahors", "Figeac", "du lundi au vendredi", "7h30", "non", "2", "non"):
        got = await bot.text(PAUL, words)
    assert "Votre trajet : Cahors - Figeac, du lundi au vendredi, départ à 7h30" in got[-1]
    assert "2 places" in got[-1]
    got = await bot.text(PAUL, "1")
    assert "Trajet enregistré" in got[-1]

    # A passenger on Telegram finds Paul and asks him.
    lucie = bot.fake.user(401, "Lucie", last_name="Bernard", username="lucie_b")
    await describe_need(lucie)
    await lucie.press_doing(kb.NEED, "ask")
    [asked] = bot.inbox(PAUL)
    assert asked.startswith("Lucie B. voudrait venir avec vous mardi 24 novembre vers 7h30,")
    assert "de Cahors à Figeac" in asked and asked.endswith("Répondez OUI ou NON")
    assert segments(asked) == 1

    # One text back: his answer taken, and how he will reach Lucie, who shares no number:
    # the team calls him with her Telegram.
    assert await bot.text(PAUL, "OUI") == [
        "Vous avez accepté.\nMerci ! L'équipe vous appelle pour vous mettre en relation avec"
        " Lucie Bernard."
    ]
    assert "06 45 11 22 33" in lucie.last().text
    assert "@lucie_b" in bot.operators.last().text and "06 45 11 22 33" in bot.operators.last().text
    bot.assert_clean()


async def test_stop_is_honoured_and_start_undoes_it(texting: TextingBot) -> None:
    bot = texting
    await welcome(bot, MARIE, "figeac mardi 9h", "Marie Dupont")
    for words in ("Cahors", "2", "1"):
        await bot.text(MARIE, words)
    assert "Pas de conducteur" in (await bot.text(MARIE, "oui"))[-1]
    got = await bot.text(MARIE, "STOP")
    assert got == [
        "C'est noté : vous ne recevrez plus de SMS de Mobilot. Pour reprendre, écrivez START."
    ]
    assert "Marie Dupont" in bot.operators.last().text and "STOP" in bot.operators.last().text
    # Whatever she texts now is kept, and nothing is sent back.
    assert await bot.text(MARIE, "cahors") == []
    [kept] = await bot.rows("SELECT status, error FROM sms_inbox ORDER BY id DESC LIMIT 1")
    assert kept == {"status": "ignored", "error": "STOP"}
    # A driver for her need: no text, the team is told, to say it by phone if it matters.
    await driver(bot, 301, "Jeanne")
    assert bot.inbox(MARIE) == []
    post = bot.operators.last().text
    assert "a écrit STOP" in post and "06 12 34 56 78" in post and "Jeanne M." in post
    got = await bot.text(MARIE, "start")
    assert got == ["C'est noté : Mobilot vous écrit de nouveau par SMS. STOP pour arreter."]


async def test_a_failed_delivery_report_reaches_the_team(texting: TextingBot) -> None:
    bot = texting
    await driver(bot, 301, "Jeanne")
    await welcome(bot, MARIE, "figeac mardi 9h", "Marie Dupont")
    await bot.text(MARIE, "Cahors")
    await bot.report(bot.last_to(MARIE), Report.FAILED)
    post = bot.operators.last().text
    assert "n'est pas arrivé chez" in post and "Marie Dupont" in post
    assert "06 12 34 56 78" in post
    # The same report again changes nothing; a report of success changes nothing either.
    before = len(bot.operators.messages())
    await bot.report(bot.last_to(MARIE), Report.FAILED)
    await bot.report(bot.last_to(MARIE), Report.DELIVERED)
    assert len(bot.operators.messages()) == before
    # A text from her again: her phone works, she is reachable again.
    await bot.text(MARIE, "aide")
    [person] = await bot.rows("SELECT unreachable_at FROM people WHERE phone = '+33612345678'")
    assert person["unreachable_at"] is None


async def test_texts_wait_while_the_gateway_is_down_and_go_once_it_is_back(
    texting: TextingBot,
) -> None:
    bot = texting
    bot.network.down = True
    assert await bot.text(MARIE, "bonjour") == []
    [waiting] = await bot.rows("SELECT status, attempts, last_error FROM outbox")
    assert waiting["status"] == "pending" and "SMS gateway" in waiting["last_error"]
    bot.network.down = False
    await bot.later(seconds=5)
    [welcomed] = bot.inbox(MARIE)
    assert "D'accord ?" in welcomed


async def test_a_text_passed_on_twice_takes_effect_once(texting: TextingBot) -> None:
    bot = texting
    await bot.text(MARIE, "bonjour", gateway_id="k-1")
    assert await bot.text(MARIE, "bonjour", gateway_id="k-1") == []
    assert len(await bot.rows("SELECT id FROM sms_inbox")) == 1


async def test_a_hundred_texts_in_a_minute_are_kept_and_slowed_down(texting: TextingBot) -> None:
    bot = texting
    answers: list[str] = []
    for n in range(100):
        answers += await bot.text(MARIE, f"message {n}")
    assert len(await bot.rows("SELECT id FROM sms_inbox")) == 100
    assert (
        answers.count(
            "Trop de messages d'un coup. Attendez quelques minutes avant d'écrire à nouveau."
        )
        == 1
    )  # noqa: E501
    assert len(answers) <= 31
    # Ten minutes later, she is answered again.
    bot.clock.advance(minutes=11)
    assert await bot.text(MARIE, "aide") != []


async def test_what_is_not_a_phone_gets_nothing_and_odd_texts_get_an_answer(
    texting: TextingBot,
) -> None:
    bot = texting
    assert await bot.text("36180", "Votre forfait est épuisé") == []
    [ignored] = await bot.rows("SELECT status, error FROM sms_inbox")
    assert ignored == {"status": "ignored", "error": "not a phone number"}
    await welcome(bot, MARIE, "x" * 5000, "Marie Dupont")
    got = await bot.text(MARIE, "Trifouilly-les-Oies")
    assert "Je ne trouve pas" in got[-1]
    got = await bot.text(MARIE, "")
    assert "cahors demain 9h" in got[-1]
    for reply in got:
        assert_fit_for_a_simple_phone(reply)


async def test_someone_the_team_registered_who_texts_is_that_person(
    texting: TextingBot,
) -> None:
    from tests.setups import team
    from tests.test_privacy import registered_by_phone

    bot = texting
    operator, *_ = team(bot)
    await registered_by_phone(operator, "Yvette Roux", "06 98 76 54 32")
    got = await bot.text("+33698765432", "aide")
    assert "cahors demain 9h" in got[0]  # no welcome: the team already has her agreement
    people = await bot.rows(
        "SELECT sms_since, phone_visible FROM people WHERE phone = ?", "+33698765432"
    )
    assert len(people) == 1 and people[0]["sms_since"] is not None


async def test_over_the_months_budget_texts_go_through_the_team(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    bot = TextingBot(tmp_path, gazetteer, sms_monthly_segments=3)
    await bot.start()
    try:
        # Thursday: "mardi" is tomorrow, said so in a longer text (issue 23, item 18).
        await welcome(bot, MARIE, "figeac jeudi 9h", "Marie Dupont")
        got = await bot.text(MARIE, "Cahors")
        assert got == []
        post = bot.operators.last().text
        assert "Budget SMS du mois atteint" in post and "06 12 34 56 78" in post
        assert "Partir après une heure" in post
        # STOP is answered whatever the budget: the last text she gets.
        assert await bot.text(MARIE, "STOP") != []
    finally:
        await bot.stop()


async def test_the_gateways_calls_need_the_secret(tmp_path: Path, gazetteer: Gazetteer) -> None:
    port = free_port()
    bot = TextingBot(tmp_path, gazetteer, http_port=port)
    await bot.start(serve_http=True)
    try:
        base = f"http://127.0.0.1:{port}"
        query = {"from": "+33612345678", "to": NUMBER, "text": "bonjour", "id": "abc"}
        async with httpx.AsyncClient() as client:
            refused = await client.get(f"{base}/sms/incoming", params=query)
            forged = await client.get(f"{base}/sms/incoming", params={**query, "secret": "x"})
            report = await client.get(f"{base}/sms/report", params={"id": 1, "type": 2})
            assert (refused.status_code, forged.status_code, report.status_code) == (403,) * 3
            assert "06" not in refused.text and "bonjour" not in refused.text
            assert await bot.rows("SELECT id FROM sms_inbox") == []
            taken = await client.get(f"{base}/sms/incoming", params={**query, "secret": SECRET})
            again = await client.get(f"{base}/sms/incoming", params={**query, "secret": SECRET})
            assert (taken.status_code, taken.text, again.status_code) == (200, "", 200)
        assert len(await bot.rows("SELECT id FROM sms_inbox")) == 1
    finally:
        await bot.stop()


async def sms_driver(bot: TextingBot, phone: str = PAUL, name: str = "Paul Durand") -> None:
    """A driver registered by text only: Cahors → Figeac, weekdays at 7:30, 2 seats."""
    await welcome(bot, phone, "je propose un trajet", name)
    for words in ("Cahors", "Figeac", "du lundi au vendredi", "7h30", "non", "2", "non", "1"):
        got = await bot.text(phone, words)
    assert "Trajet enregistré" in got[-1]


async def test_a_ride_by_text_reminded_asked_and_checked_by_text(texting: TextingBot) -> None:
    from tests.conftest import paris

    bot = texting
    await sms_driver(bot)
    await welcome(bot, MARIE, "figeac mardi 9h", "Marie Dupont")
    for words in ("Cahors", "2", "1", "oui", "oui"):
        await bot.text(MARIE, words)
    bot.inbox(PAUL)  # asked whether Marie may come
    assert (await bot.text(PAUL, "oui"))[0].startswith("Vous avez accepté.\nMerci !")
    bot.inbox(MARIE)

    # The evening before, both are reminded, each with the other's number.
    await bot.run_until(paris("2026-11-23 18:00"))
    [to_marie] = bot.inbox(MARIE)
    [to_paul] = bot.inbox(PAUL)
    assert to_marie == (
        "Rappel : mardi 24 novembre vers 7h30, de Cahors à Figeac, avec Paul Durand :"
        " 06 45 11 22 33."
    )
    assert "avec Marie Dupont : 06 12 34 56 78" in to_paul
    # The day after, Marie is asked whether it happened, and answers by text.
    await bot.run_until(paris("2026-11-25 10:00"))
    [question] = bot.inbox(MARIE)
    assert question == (
        "Le trajet du mardi 24 novembre avec Paul D. a-t-il eu lieu ?\nRépondez OUI ou NON"
    )
    assert await bot.text(MARIE, "oui") == ["Merci ! Ravi que cela ait marché."]
    [ride] = await bot.rows("SELECT ride_outcome FROM introductions")
    assert ride == {"ride_outcome": "happened"}

    # Four weeks on, Paul is asked whether his trip still runs; OUI keeps it.
    await bot.run_until(paris("2026-12-21 10:00"))
    assert bot.inbox(PAUL)[-1] == (
        "Votre trajet Cahors - Figeac a-t-il toujours lieu ?\nRépondez OUI s'il a toujours lieu."
    )
    assert await bot.text(PAUL, "oui") == ["Merci ! Votre trajet reste proposé."]
    bot.assert_clean()


async def test_a_new_trip_is_announced_by_text_to_a_passenger_waiting(
    texting: TextingBot,
) -> None:
    bot = texting
    await welcome(bot, MARIE, "figeac mardi 9h", "Marie Dupont")
    for words in ("Cahors", "2", "1"):
        await bot.text(MARIE, words)
    assert "Pas de conducteur pour l'instant" in (await bot.text(MARIE, "oui"))[-1]
    await driver(bot, 301, "Jeanne")
    [announced] = bot.inbox(MARIE)
    assert "Jeanne M." in announced and "vers 7h30" in announced
    assert announced.endswith("Répondez OUI ou NON") and segments(announced) <= 2
    assert "J'ai demandé à Jeanne M." in (await bot.text(MARIE, "oui"))[0]


async def test_annuler_stops_the_conversation_or_calls_off_the_newest_need(
    texting: TextingBot,
) -> None:
    bot = texting
    jeanne = await driver(bot, 301, "Jeanne")
    await welcome(bot, MARIE, "figeac mardi 9h", "Marie Dupont")
    assert await bot.text(MARIE, "annuler") == ["C'est arreté, rien n'est enregistré."]
    assert await bot.text(MARIE, "ANNULER") == [
        "Rien à annuler. Un trajet ? Ecrivez par ex. : cahors demain 9h."
    ]
    for words in ("figeac mardi 9h", "Cahors", "2", "1", "oui", "oui"):
        await bot.text(MARIE, words)
    await jeanne.press_doing(kb.INTRO, "yes")
    bot.inbox(MARIE)
    got = await bot.text(MARIE, "annuler")
    assert got == ["Annuler votre demande Cahors - Figeac ?\nRépondez OUI ou NON"]
    assert await bot.text(MARIE, "non") == ["D'accord, votre demande reste en place."]
    await bot.text(MARIE, "annuler")
    assert await bot.text(MARIE, "oui") == [
        "C'est annulé. Si un conducteur avait accepté, il est prévenu."
    ]
    assert "Marie D." in jeanne.last().text and "annul" in jeanne.last().text
    [need] = await bot.rows("SELECT status FROM needs")
    assert need == {"status": "cancelled"}


async def test_a_driver_who_texts_every_week_writes_the_days(texting: TextingBot) -> None:
    """The days are ticked on Telegram; by SMS they are written, never pressed nor numbered."""
    bot = texting
    await welcome(bot, "06 45 11 22 33", "je propose un trajet", "paul durand")
    await bot.text("06 45 11 22 33", "Cahors")
    await bot.text("06 45 11 22 33", "Figeac")
    [asked] = await bot.text("06 45 11 22 33", "1")  # every week
    assert asked.endswith(
        "Quels jours faites-vous ce trajet ? Ecrivez-les, ex. : lundi jeudi, ou : du lundi au"
        " vendredi."
    )
    [said] = await bot.text("06 45 11 22 33", "lundi jeudi")
    assert said.startswith("Jours : lundi et jeudi")


async def test_a_whole_trip_answered_to_where_from_is_read_as_one(texting: TextingBot) -> None:
    """Who texted "bonjour" first answers "D'où partez-vous ?" with the whole trip."""
    bot = texting
    asked = await welcome(bot, MARIE, "bonjour", "marie dupont")
    assert asked[-1].endswith("D'où partez-vous ? Ecrivez la commune.")
    [said] = await bot.text(MARIE, "de cahors a figeac lundi")
    assert "Le lundi 30 novembre\nDépart : Cahors (46)\nArrivée : Figeac (46)" in said
    assert said.endswith("Répondez 1 ou 2")  # leave after / arrive before, next


async def test_yes_where_a_village_is_asked_is_not_looked_up(texting: TextingBot) -> None:
    bot = texting
    await welcome(bot, MARIE, "bonjour", "marie dupont")
    assert await bot.text(MARIE, "oui") == ["Ecrivez le nom de la commune, par ex. : Cahors."]
    [said] = await bot.text(MARIE, "Cahors")
    assert said.startswith("Départ : Cahors (46)")


async def test_every_week_said_with_the_places_asks_which_days(texting: TextingBot) -> None:
    """ "cahors figeac chaque semaine": the places and "every week" kept, the days asked."""
    bot = texting
    said = await welcome(bot, MARIE, "cahors figeac chaque semaine", "marie dupont")
    assert "Départ : Cahors (46)\nArrivée : Figeac (46)" in said[-1]
    assert said[-1].endswith("Quels jours de la semaine ? Ecrivez-les, ex. : lundi jeudi.")
    [days] = await bot.text(MARIE, "lundi jeudi")
    assert days.startswith("Jours : lundi et jeudi")


async def test_brive_demain_9h_by_sms_is_brive_la_gaillarde_tomorrow_at_nine(
    texting: TextingBot,
) -> None:
    # A simple phone, the way people say it: "brive" is Brive-la-Gaillarde (19).
    bot = texting
    got = await welcome(bot, MARIE, "brive demain 9h", "marie dupont")
    assert "Demain, mardi 24 novembre" in got[-1]
    assert "Arrivée : Brive-la-Gaillarde (19)" in got[-1]
    assert "brive" not in got[-1] and "D'où partez-vous ?" in got[-1]
    got = await bot.text(MARIE, "Gramat")
    assert "Départ : Gramat (46)" in got[-1] and "Répondez 1 ou 2" in got[-1]
    got = await bot.text(MARIE, "2")
    got = await bot.text(MARIE, "pas de retour")
    assert (
        "Votre demande : Gramat - Brive-la-Gaillarde, mardi 24 novembre, arrivée avant 9h00"
        in got[-1]
    )
    bot.assert_clean()


async def test_a_short_name_in_doubt_by_sms_is_a_numbered_choice(texting: TextingBot) -> None:
    bot = texting
    got = await welcome(bot, PAUL, "lacapelle demain 9h", "paul roux")
    assert "1 Lacapelle-Marival (46)\n2 Lacapelle-Cabanac (46)" in got[-1]
    got = await bot.text(PAUL, "1")
    assert "Arrivée : Lacapelle-Marival (46)" in got[-1] and "D'où partez-vous ?" in got[-1]
    bot.assert_clean()


async def test_a_driver_who_texts_a_whole_request_is_asked_the_consent_alone_then_read_back(
    texting: TextingBot,
) -> None:
    """Paul agreed to the drivers' text only. "brive demain 9h": the passengers' consent comes
    alone (not the reading with it: 3 segments), and what he said is read once he agrees."""
    bot = texting
    await sms_driver(bot)
    [asked] = await bot.text(PAUL, "brive demain 9h")  # within 2 segments, or refused
    assert "D'accord ?" in asked and asked.endswith("Répondez 1, 2 ou 3")
    assert "Brive" not in asked and "novembre" not in asked
    [read] = await bot.text(PAUL, "1")
    assert "Demain, mardi 24 novembre\nArrivée : Brive-la-Gaillarde (19)" in read
    assert read.endswith("D'où partez-vous ? Ecrivez la commune.")
    assert read.count("ANNULER") == 1  # "Cherchons un conducteur" once, not twice
    [origin] = await bot.text(PAUL, "Gramat")
    assert "Départ : Gramat (46)" in origin and origin.endswith("Répondez 1 ou 2")
    [back] = await bot.text(PAUL, "2")
    assert back.startswith("Arrivée avant 9h00")  # the time said is kept, not asked
    bot.assert_clean()


async def test_special_needs_by_sms_are_chosen_by_number_one_after_the_other(
    texting: TextingBot,
) -> None:
    """Paul agreed to say why and what he needs ("1"): the special needs, a list to tick, are
    asked in words a simple phone can follow (no "press"), ticked by number, then confirmed."""
    bot = texting
    await sms_driver(bot)
    await bot.text(PAUL, "brive demain 9h")
    for said in ("1", "Gramat", "2", "1", "1"):  # agreed, from, arrive before, no way back, health
        [asked] = await bot.text(PAUL, said)  # every text fit for a simple phone, or refused
    assert "besoin particulier" in asked
    [ticked] = await bot.text(PAUL, "2")
    assert "Aide pour marcher (ok)" in ticked
    [summary] = await bot.text(PAUL, "7")  # done
    assert "Gramat - Brive-la-Gaillarde" in summary
    await bot.text(PAUL, "oui")
    [row] = await bot.rows("SELECT special_needs FROM needs")
    assert "walking_help" in row["special_needs"]
    bot.assert_clean()
