"""What careful users found in the aids (issue 23): the aids in English (6), an amount out of
the ordinary confirmed before anyone is told (7), the shipped catalogue checked, dated and
kept fresh (8), and a funder's reviewer who never opened a chat with the bot (22)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest

from bot.aids.catalogue import AidsFileError, load_catalogue, parse_aids, say_untranslated
from bot.aids.model import Frequency, Profile, Situation, Status
from bot.places.gazetteer import Gazetteer
from bot.services.applications import Result
from handlers import keyboards as kb
from tests.conftest import DATA, OPERATORS, RunningBot
from tests.fakebot import FakeGroup, FakeUser
from tests.setups import reads
from tests.test_aids import FUNDER, JPEG, PDF, apply, reviewer
from tests.test_aids_core import HEADER, row
from tests.test_applications_service import members, person, submitted
from tests.test_applications_service import world as world  # noqa: F401 (a fixture)

TODAY = date(2026, 11, 23)
# What the shipped catalogue says in French, which an English reader must not get.
FRENCH = ("Avoir 18 ans ou plus", "Réservez sur", "Montant :", "Qui peut l'avoir", "Pour qui")


@pytest.fixture
async def bot(tmp_path: Path, gazetteer: Gazetteer) -> AsyncIterator[RunningBot]:
    running = RunningBot(
        tmp_path, gazetteer, aids_file=DATA / "aids.csv", funders_file=DATA / "funders.csv"
    )
    running.funder = running.fake.group(FUNDER, "Département du Lot : aides")  # type: ignore[attr-defined]
    await running.start()
    yield running
    await running.stop()


def aid_messages(user: FakeUser) -> list[str]:
    return [m.text for m in user.messages() if "💶" in m.text]


# 6. An English chat gets the aids in English.


async def test_an_english_chat_reads_the_shipped_aids_in_english(bot: RunningBot) -> None:
    tom = bot.fake.user(505, "Tom", language_code="en")
    await tom.command("aids")
    await tom.send("30")
    await tom.send("I work")
    await tom.send("rqth")
    await tom.send("Figeac")
    aids = aid_messages(tom)
    assert len(aids) >= 5
    texts = "\n".join(tom.texts_since(0))
    assert not any(french in texts for french in FRENCH), texts
    assert "Social leasing of an electric car" in texts
    assert "Be an adult, taxable income per share of €16,300 or less." in texts
    assert "Agefiph: mobility aid" in texts and "Agefiph : aide à la mobilité" not in texts
    # Every shipped aid is in English: nothing is said about French.
    assert "French only" not in texts
    bot.assert_clean()


async def test_a_territory_file_in_french_only_is_shown_in_french_and_said_once(
    bot: RunningBot,
) -> None:
    lucy = bot.fake.user(506, "Lucy", language_code="en")
    await lucy.command("aids")
    await lucy.send("24")
    await lucy.send("I am looking for a job")
    await lucy.send("none")
    await lucy.send("Cahors")
    texts = lucy.texts_since(0)
    notes = [t for t in texts if reads(bot, "aidcheck.french_only", "en") in t]
    assert len(notes) == 1 and "Here are the aids you might get in Cahors" in notes[0]
    [lot] = [t for t in aid_messages(lucy) if "Coup de pouce permis du Lot" in t]
    assert "Jusqu'à 600 €" in lot  # the territory's words, as they are
    assert "Driving licence aid (France Travail)" in "\n".join(texts)
    # Applying for it: the questions in the aid's own words, the bot's in English.
    await lucy.press_doing(kb.APPLY, "lot-permis")
    assert "Nom de votre auto-école" in lucy.last().text
    bot.assert_clean()


def test_english_columns_are_read_and_checked() -> None:
    header = HEADER + ",title_en,allocatedAmount_en,attachments,attachments_en,fields,fields_en\n"
    good = row(title="Aide", allocatedAmount="Jusqu'à 600 €") + (
        ',Aid,Up to €600,"Facture|RIB","Bill|Bank details","Votre école","Your school"\n'
    )
    [aid] = parse_aids(header + good, "aids.csv")
    english = aid.in_language("en")
    assert (english.title, english.amount, english.proofs) == (
        "Aid",
        "Up to €600",
        ("Bill", "Bank details"),
    )
    assert english.fields == ("Your school",) and english.conditions == "C"  # not given: French
    assert aid.in_language("fr") is aid and not aid.written_in("en")  # "conditions" is missing
    wrong = row() + ',Aid,,"Facture|RIB","Bill",,\n'
    with pytest.raises(
        AidsFileError, match="line 2: attachments_en has 1 items, attachments has 2"
    ):
        parse_aids(header + wrong, "aids.csv")
    with pytest.raises(AidsFileError, match="unknown columns title_de"):
        parse_aids(HEADER + ",title_de\n" + row() + ",Hilfe\n", "aids.csv")


def test_a_french_only_territory_file_is_said_once_at_start(
    caplog: pytest.LogCaptureFixture,
) -> None:
    catalogue = load_catalogue(DATA / "aids.csv")
    with caplog.at_level(logging.WARNING, logger="bot.aids.catalogue"):
        say_untranslated(catalogue, DATA / "aids.csv")
        say_untranslated(load_catalogue(), None)  # the shipped one alone: nothing to say
    said = [r.getMessage() for r in caplog.records if "no text in 'en'" in r.getMessage()]
    assert len(said) == 1 and "lot-permis" in said[0]
    assert all(aid.written_in("en") for aid in catalogue.aids if not aid.from_territory)


# 7. An amount out of the ordinary is confirmed first; the person is told only then.


async def test_an_amount_above_the_most_waits_for_the_reviewers_word(world) -> None:  # type: ignore[no-untyped-def]
    service, applications, files, agenda, people = world
    lea = await person(people)
    application = await submitted(service, lea)
    regine = await person(people, "Régine", 601)
    asked = await service.validate(regine, application.id, 5000_00, Frequency.ONCE, members)
    assert asked.result is Result.UNUSUAL_AMOUNT and asked.notices == []
    assert asked.check is not None and asked.check.most == 600_00  # "Jusqu'à 600 €"
    assert applications.rows[application.id].status is Status.TO_PROCESS
    done = await service.validate(
        regine, application.id, 5000_00, Frequency.ONCE, members, confirmed=True
    )
    assert done.result is Result.DONE and done.notices
    assert applications.rows[application.id].amount_cents == 5000_00


async def test_an_amount_far_from_the_usual_grants_is_confirmed_first(world) -> None:  # type: ignore[no-untyped-def]
    service, applications, files, agenda, people = world
    regine = await person(people, "Régine", 601)
    for number in range(3):
        lea = await person(people, f"Léa {number}", 700 + number)
        granted = await submitted(service, lea)
        done = await service.validate(regine, granted.id, 100_00, Frequency.ONCE, members)
        assert done.result is Result.DONE  # no usual amount yet, and below the most
    lea = await person(people, "Léa 3", 710)
    application = await submitted(service, lea)
    asked = await service.validate(regine, application.id, 350_00, Frequency.ONCE, members)
    assert asked.result is Result.UNUSUAL_AMOUNT and asked.check is not None
    assert (asked.check.usual, asked.check.most) == (100_00, None)
    monthly = await service.validate(regine, application.id, 350_00, Frequency.MONTHLY, members)
    assert monthly.result is Result.DONE  # no usual monthly amount to compare with


async def test_a_reviewer_who_typed_5000_confirms_before_the_person_is_told(
    bot: RunningBot,
) -> None:
    funder: FakeGroup = bot.funder  # type: ignore[attr-defined]
    lea, regine = bot.fake.user(501, "Léa", last_name="Roux"), reviewer(bot)
    await regine.command("start")
    await apply(bot, lea, [("photo", JPEG)])
    post = funder.last()
    told = lea.mark()
    await funder.press_doing(regine, kb.REVIEW, "validate", message=post)
    await regine.send("5000")
    question = regine.last()
    assert (
        "5\u202f000 € en une fois, c'est plus que le maximum de cette aide (600 €)" in question.text
    )
    assert question.buttons == [
        "✅ Oui, accorder 5\u202f000 € en une fois",
        "✏️ Non, taper un autre montant",
    ]
    assert lea.texts_since(told) == [] and post.buttons  # nothing decided, nobody told
    [waiting] = await bot.rows("SELECT status, amount_cents FROM aid_applications")
    assert waiting == {"status": "to_process", "amount_cents": None}
    await regine.send("bof")  # neither yes, no, nor an amount
    assert regine.last().buttons == question.buttons
    await regine.press_doing(kb.OFFER, "retype")
    assert "quel montant accepter" in regine.last().text
    await regine.send("5 000 €")
    assert lea.texts_since(told) == []
    await regine.press_doing(kb.OFFER, "grant")
    assert "est acceptée. Montant : 5\u202f000 €, en une fois." in lea.last().text
    assert post.text.endswith("✅ Acceptée par Régine Lafon : 5\u202f000 € en une fois")
    [decided] = await bot.rows("SELECT status, amount_cents FROM aid_applications")
    assert decided == {"status": "validated", "amount_cents": 500000}
    # An amount within the aid's most is granted at once, as before.
    await apply(bot, lea, [("photo", JPEG)])
    await funder.press_doing(regine, kb.REVIEW, "validate", message=funder.last())
    await regine.send("600")
    assert "Montant : 600 €, en une fois." in lea.last().text
    bot.assert_clean()


async def test_oui_confirms_and_another_amount_is_checked_again(bot: RunningBot) -> None:
    funder: FakeGroup = bot.funder  # type: ignore[attr-defined]
    lea, regine = bot.fake.user(501, "Léa", last_name="Roux"), reviewer(bot)
    await regine.command("start")
    await apply(bot, lea, [("photo", JPEG)])
    await funder.press_doing(regine, kb.REVIEW, "validate", message=funder.last())
    await regine.send("900")
    await regine.send("800")  # another amount, still above the most: asked again
    assert "800 € en une fois, c'est plus que le maximum" in regine.last().text
    await regine.send("oui")
    assert "Montant : 800 €, en une fois." in lea.last().text
    bot.assert_clean()


# 8. The shipped catalogue: checked, dated, sourced; what has ended is never shown.


def test_every_shipped_aid_says_when_and_against_what_it_was_checked() -> None:
    catalogue = load_catalogue()
    for aid in catalogue.aids:
        assert aid.source.startswith("http") and aid.amount and aid.conditions, aid.id
        if aid.checked_on is not None:
            assert aid.checked_against and aid.check_note, aid.id  # the check's source
        else:
            assert aid.check_note.startswith("Pas vérifiée"), aid.id  # and why not
    unchecked = {aid.id for aid in catalogue.aids if aid.checked_on is None}
    assert unchecked == {
        "libertio-jeunes",
        "eco-cheque-voiture",
        "eco-cheque-velo",
        "agefiph-mobilite",
        "fastt-location",
    }


def test_the_carpooling_bonus_has_ended_and_is_never_shown() -> None:
    catalogue = load_catalogue()
    bonus = catalogue.get("prime-covoiturage")
    assert bonus is not None and bonus.valid_until == date(2025, 1, 31)
    assert "25 € après le 1er trajet" not in bonus.amount
    driver = Profile(40, Situation.EMPLOYEE, "46042", "Cahors", "46")
    assert "prime-covoiturage" not in {aid.id for aid in catalogue.for_profile(driver, TODAY)}
    assert bonus not in catalogue.to_review(TODAY)  # ended: nothing to check any more


def test_the_lio_plus_equals_zero_entry_says_what_it_costs_since_december_2023() -> None:
    lio = load_catalogue().get("lio-gratuite-jeunes")
    assert lio is not None and (lio.rules.min_age, lio.rules.max_age) == (12, 26)
    assert "10 premiers trajets du mois" in lio.amount and "gratuits dès le 11e" in lio.amount
    assert "Cars : 1 € le trajet" in lio.amount and "dès le 10e" not in lio.amount
    assert "18-26" not in lio.source and "18-26" not in lio.link
    assert "12-26" in lio.check_note or "12 ans" in lio.source


def test_a_check_older_than_six_months_is_due() -> None:
    lines = [
        row(id="fresh") + ",2026-06-01,",
        row(id="stale") + ",2026-05-22,",
        row(id="never") + ",,",
        row(id="ended") + ",2025-01-01,2026-01-31",
    ]
    aids = parse_aids(HEADER + ",checkedOn,validityDate\n" + "\n".join(lines) + "\n", "a.csv")
    due = [aid.id for aid in aids if aid.check_due(TODAY)]
    assert due == ["stale", "never"]  # 2026-05-23 is six months before 23 November


async def test_the_team_is_shown_the_aids_to_check_each_monday(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    own = tmp_path / "aids.csv"
    own.write_text(
        HEADER
        + ",checkedOn,validityDate,source\n"
        + row(id="lot-vieux", title="Aide du Lot vérifiée au printemps")
        + ",2026-04-01,,https://lot.fr/a\n"
        + row(id="lot-frais", title="Aide du Lot vérifiée ce mois-ci")
        + ",2026-11-02,,\n"
        + row(id="lot-fini", title="Aide du Lot finie")
        + ",2025-01-01,2026-06-30,\n"
        + row(id="ft-permis-b", title="Aide au permis version du Lot")
        + ",2026-11-20,,\n",
        encoding="utf-8",
    )
    bot = RunningBot(tmp_path, gazetteer, aids_file=own)
    await bot.start()
    try:
        mark = bot.operators.mark()
        await bot.later(days=6, hours=20)  # Sunday 29 November, evening
        assert not any("Aides à vérifier encore" in t for t in bot.operators.texts_since(mark))
        await bot.later(hours=12)  # Monday 30 November, 8:00 in Paris
        [notice] = [t for t in bot.operators.texts_since(mark) if "Aides à vérifier" in t]
        assert notice.startswith("🔎 Aides à vérifier encore (6)")
        assert (
            "• Aide du Lot vérifiée au printemps (lot-vieux) : vérifiée le 1er avril 2026."
            in notice
        )
        assert "Page : https://lot.fr/a" in notice
        assert "• libertiO' Jeunes (libertio-jeunes) : jamais vérifiée. Pas vérifiée" in notice
        assert "lot-frais" not in notice and "lot-fini" not in notice
        assert "ft-permis-b" not in notice and "prime-covoiturage" not in notice
        [entry] = await bot.rows(
            "SELECT due_at FROM agenda WHERE kind = 'aid_catalogue_review' AND status = 'pending'"
        )
        assert entry["due_at"].startswith("2026-12-07T07:00")  # next Monday, 8:00 in Paris
        await bot.later(days=7)
        again = [t for t in bot.operators.texts_since(mark) if "Aides à vérifier" in t]
        assert len(again) == 2
        bot.assert_clean()
    finally:
        await bot.stop()


# 22. A reviewer who never opened a chat with the bot; a stranger's press on "Refuser".


async def test_a_reviewer_without_a_chat_is_told_to_open_one_and_then_gets_the_papers(
    bot: RunningBot,
) -> None:
    funder: FakeGroup = bot.funder  # type: ignore[attr-defined]
    lea = bot.fake.user(501, "Léa", last_name="Roux")
    regine = reviewer(bot)  # a member of the group who never wrote to the bot
    await apply(bot, lea, [("photo", JPEG), ("devis.pdf", PDF)])
    post = funder.last()
    await funder.press_doing(regine, kb.REVIEW, "proofs", message=post)
    answer = regine.callback_answers()[-1]["text"]
    assert answer.startswith("Je ne peux pas encore vous écrire en privé.")
    assert "envoyé" not in answer
    ask = funder.last()
    assert ask.text.startswith("Régine Lafon, je ne peux pas encore vous écrire en privé.")
    assert "justificatifs de la demande n° 1" in ask.text
    [[button]] = ask.inline_keyboard
    assert button["url"] == "https://t.me/mobilot_test_bot?start=proofs-1"
    # Only the question "can I write to her?" was refused; no paper was sent to fail.
    assert regine.messages() == []
    assert [error.method for error in bot.fake.take_errors()] == ["sendChatAction"]
    # She opens the chat with the link: Telegram sends /start proofs-1, the papers follow.
    await regine.start("proofs-1")
    here, photo, document = regine.messages()[-3:]
    assert here.text == "Voici les justificatifs de la demande n° 1 (2)."
    assert photo.photo and document.document is not None
    assert document.document.content == PDF
    assert all(m.document is None for m in funder.messages())
    # From now on the button sends them at once.
    await funder.press_doing(regine, kb.REVIEW, "proofs", message=post)
    assert (
        regine.callback_answers()[-1]["text"] == "Je vous ai envoyé les justificatifs en privé (2)."
    )
    assert len([m for m in regine.messages() if m.document is not None]) == 4
    # Someone outside the group who follows the link gets nothing.
    nadia = bot.fake.user(602, "Nadia")
    await nadia.start("proofs-1")
    assert nadia.last().text.startswith("Seules les personnes du groupe")
    assert all(m.document is None for m in nadia.messages())
    bot.assert_clean()


async def test_a_strangers_press_on_refuser_is_refused_before_the_post_changes(
    bot: RunningBot,
) -> None:
    funder: FakeGroup = bot.funder  # type: ignore[attr-defined]
    lea, regine = bot.fake.user(501, "Léa", last_name="Roux"), reviewer(bot)
    nadia = bot.fake.user(602, "Nadia")
    bot.fake.set_member(OPERATORS, nadia.id, "member")  # of the team, not of this funder
    await apply(bot, lea, [("photo", JPEG)])
    post = funder.last()
    buttons = list(post.buttons)
    await funder.press_doing(nadia, kb.REVIEW, "reject", message=post)
    assert nadia.callback_answers()[-1]["text"] == (reads(bot, "aids.reviewers_only"))
    assert post.buttons == buttons
    await funder.press_data(nadia, "ar:1:back", message=post)
    assert nadia.callback_answers()[-1]["text"].startswith("Seules les personnes du groupe")
    await funder.press_doing(regine, kb.REVIEW, "reject", message=post)  # a reviewer: the reasons
    assert reads(bot, "aids.reason.missing_proof") in post.buttons
    await funder.press_doing(regine, kb.REVIEW, "reason:missing_proof", message=post)
    await funder.press_data(regine, "ar:1:reject", message=post)  # decided: refused too
    assert regine.callback_answers()[-1]["text"] == reads(bot, "aids.already_decided")
    assert post.buttons == []
    bot.take_blocked_errors()
    bot.assert_clean()
