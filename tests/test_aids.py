"""End to end: /aides, applying with proofs, and a funder's reviewers deciding."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.places.gazetteer import Gazetteer
from handlers import keyboards as kb
from tests.conftest import DATA, OPERATORS, RunningBot
from tests.fakebot import FakeGroup, FakeUser
from tests.setups import describe_need, reads
from tests.test_settings import run_bot

FUNDER = -1009876543210
PDF = b"%PDF-1.4\n% a devis from the driving school\n"
PNG = b"\x89PNG\r\n\x1a\n fake png of an identity card"
JPEG = b"\xff\xd8\xff\xe0 fake jpeg of a bill"
SHOWING = os.environ.get("MOBILOT_TRANSCRIPT") == "1"


@pytest.fixture
async def bot(tmp_path: Path, gazetteer: Gazetteer) -> AsyncIterator[RunningBot]:
    running = RunningBot(
        tmp_path, gazetteer, aids_file=DATA / "aids.csv", funders_file=DATA / "funders.csv"
    )
    running.funder = running.fake.group(FUNDER, "Département du Lot : aides")  # type: ignore[attr-defined]
    await running.start()
    yield running
    await running.stop()


class Transcript:
    """What a person reads, as it happens: printed with MOBILOT_TRANSCRIPT=1 (pytest -s)."""

    def __init__(self, *chats: FakeUser | FakeGroup) -> None:
        self.chats = chats
        self.marks = {id(chat): chat.mark() for chat in chats}
        self.answers = {id(c): len(c.callback_answers()) for c in chats if isinstance(c, FakeUser)}
        self.lines: list[str] = []

    def said(self, who: str, what: str) -> None:
        self.flush()
        self.lines.append(f"\n>>> {who}: {what}")

    def flush(self) -> None:
        for chat in self.chats:
            if isinstance(chat, FakeUser):
                answers = chat.callback_answers()
                for answer in answers[self.answers[id(chat)] :]:
                    if answer.get("text"):
                        self.lines.append(
                            f"--- bot (pop-up to {chat.first_name}): {answer['text']}"
                        )
                self.answers[id(chat)] = len(answers)
            new = chat.messages(include_deleted=True)[self.marks[id(chat)] :]
            self.marks[id(chat)] = chat.mark()
            for message in new:
                where = (
                    f"in the group « {chat.title} »"
                    if isinstance(chat, FakeGroup)
                    else f"to {chat.first_name}, in private"
                )
                kind = " [photo]" if message.photo else " [document]" if message.document else ""
                self.lines.append(f"--- bot ({where}){kind}:\n{message.text}")
                if message.buttons:
                    self.lines.append("    [" + "] [".join(message.buttons) + "]")

    def note(self, text: str) -> None:
        self.flush()
        self.lines.append(text)

    def show(self) -> None:
        self.flush()
        if SHOWING:
            print("\n".join(self.lines))


async def answer_questions(
    user: FakeUser, age: str, situation: str, commune: str, benefits: str = "none"
) -> None:
    await user.command("aides")
    await user.send(age)
    await user.press_doing(kb.AIDS, f"situation:{situation}")
    await user.press_doing(kb.AIDS, f"benefits:{benefits}")
    await user.send(commune)


def titles(user: FakeUser) -> list[str]:
    return [m.text.split("\n")[0] for m in user.messages() if "Montant :" in m.text]


async def test_a_young_job_seeker_in_the_lot_and_a_retired_person(bot: RunningBot) -> None:
    lea = bot.fake.user(501, "Léa", last_name="Roux")
    await answer_questions(lea, "24 ans", "job_seeker", "Cahors")
    seen = titles(lea)
    assert "Aide au permis de conduire B (France Travail)" in seen
    assert "liO gratuit pour les jeunes (« + = 0 »)" in seen
    # The territory's own aid first (most local), the one past its date not at all.
    assert seen[0] == "Coup de pouce permis du Lot"
    assert "Ancienne aide du Lot" not in seen
    assert "Agefiph : aide à la mobilité" not in seen  # she said she has no RQTH
    licence = next(m for m in lea.messages() if m.text.startswith("Aide au permis de conduire B"))
    assert "Jusqu'à 1 200 €" in licence.text and "Formulaire 303" in licence.text
    assert "conseiller France Travail" in licence.text and "Vérifié le" in licence.text
    assert lea.last().buttons == ["Oui, gardez mes réponses", "Non, merci"]

    rene = bot.fake.user(502, "René", last_name="Bos")
    await answer_questions(rene, "70", "retired", "Cahors")
    seen = titles(rene)
    assert seen and "Aide au permis de conduire B (France Travail)" not in seen
    assert not any("liO" in title for title in seen)
    assert "Coup de pouce permis du Lot" not in seen
    bot.assert_clean()


async def test_answers_kept_only_with_consent(bot: RunningBot) -> None:
    lea = bot.fake.user(501, "Léa")
    await answer_questions(lea, "24", "job_seeker", "Cahors")
    await lea.press_doing(kb.KEEP, "no")
    assert await bot.rows("SELECT * FROM aid_answers") == []
    await answer_questions(lea, "24", "job_seeker", "Cahors")
    await lea.press_doing(kb.KEEP, "yes")
    [kept] = await bot.rows("SELECT age, situation, commune_code FROM aid_answers")
    assert kept == {"age": 24, "situation": "job_seeker", "commune_code": "46042"}
    mark = lea.mark()
    await lea.command("aides")  # no questions this time
    assert not any("Quel âge" in text for text in lea.texts_since(mark))
    assert "Coup de pouce permis du Lot" in "\n".join(lea.texts_since(mark))
    assert lea.last().buttons == ["Changer mes réponses"]
    bot.assert_clean()


async def test_no_driver_found_offers_the_aids(bot: RunningBot) -> None:
    lina = bot.fake.user(503, "Lina")
    await describe_need(lina, origin="Lacapelle-Marival")  # nobody drives there
    nothing = next(m for m in lina.messages() if "pas trouvé de conducteur" in m.text)
    assert nothing.buttons == ["💶 Voir les aides pour se déplacer"]
    await lina.press_doing(kb.START, "")
    assert "Quel âge avez-vous" in lina.last().text
    await lina.send("24")
    await lina.press_doing(kb.AIDS, "situation:job_seeker")
    await lina.press_doing(kb.AIDS, "benefits:unsaid")
    # The commune she travels from is offered.
    assert lina.last().buttons == ["📍 Lacapelle-Marival"]
    await lina.press_doing(kb.AIDS, "known")
    assert "Coup de pouce permis du Lot" in titles(lina)
    bot.take_blocked_errors()
    bot.assert_clean()


async def test_the_funder_group_has_its_menu(bot: RunningBot) -> None:
    scope = {"type": "chat", "chat_id": FUNDER}
    assert bot.fake.command_names(scope) == ["statsaides", "exportaides"]


def reviewer(bot: RunningBot, user_id: int = 601, name: str = "Régine") -> FakeUser:
    user = bot.fake.user(user_id, name, last_name="Lafon")
    bot.fake.set_member(FUNDER, user.id, "member")
    return user


async def apply(bot: RunningBot, user: FakeUser, files: list[tuple[str, bytes]]) -> None:
    await answer_questions(user, "24", "job_seeker", "Cahors")
    await user.press_doing(kb.APPLY, "lot-permis")
    await user.send("Auto-école du Quercy")
    for kind, content in files:
        if kind == "photo":
            await user.send_photo(content=content)
        else:
            await user.send_document(kind, content)
    await user.press_doing(kb.APPLY, "done")
    await user.press_doing(kb.APPLY, "submit")


def no_file_in_any_group(bot: RunningBot) -> bool:
    return all(
        message.document is None
        for group in (bot.operators, bot.funder)  # type: ignore[attr-defined]
        for message in group.messages(include_deleted=True)
    )


async def test_from_aides_to_a_validated_application(bot: RunningBot, tmp_path: Path) -> None:
    funder: FakeGroup = bot.funder  # type: ignore[attr-defined]
    lea = bot.fake.user(501, "Léa", last_name="Roux")
    regine = reviewer(bot)
    await regine.command("start")  # a reviewer starts the bot once, to get proofs in private
    script = Transcript(lea, funder, regine)

    script.said("Léa", "/aides")
    await lea.command("aides")
    script.said("Léa", "24 ans")
    await lea.send("24 ans")
    script.said("Léa", "[Je cherche un emploi]")
    await lea.press_doing(kb.AIDS, "situation:job_seeker")
    script.said("Léa", "[Ni l'un ni l'autre]")
    await lea.press_doing(kb.AIDS, "benefits:none")
    script.said("Léa", "Cahors")
    await lea.send("Cahors")
    script.said("Léa", "[📝 Faire la demande ici] (under « Coup de pouce permis du Lot »)")
    await lea.press_doing(kb.APPLY, "lot-permis")
    script.said("Léa", "Auto-école du Quercy")
    await lea.send("Auto-école du Quercy")
    script.said("Léa", "(a photo of her identity card)")
    await lea.send_photo(content=JPEG)
    script.said("Léa", "(a photo of an electricity bill)")
    await lea.send_photo(content=JPEG + b" bill")
    script.said("Léa", "(devis.pdf, the driving school's quote)")
    await lea.send_document("devis.pdf", PDF)
    script.said("Léa", "[✅ J'ai tout envoyé]")
    await lea.press_doing(kb.APPLY, "done")
    script.said("Léa", "[✅ Envoyer ma demande]")
    await lea.press_doing(kb.APPLY, "submit")

    post = funder.last()
    assert "Demande d'aide n° 1" in post.text and "Léa Roux, 24 ans" in post.text
    assert "Nom de votre auto-école : Auto-école du Quercy" in post.text
    assert "Justificatifs envoyés : 3" in post.text
    assert post.buttons == ["📎 Voir les justificatifs (en privé)", "✅ Accepter", "❌ Refuser"]
    assert "envoyée à Département du Lot" in lea.last().text
    stored = sorted((tmp_path / "proofs" / "1").iterdir())
    assert len(stored) == 3 and {p.suffix for p in stored} == {".jpg", ".pdf"}

    script.said("Régine (in the group)", "[📎 Voir les justificatifs (en privé)]")
    await funder.press_doing(regine, kb.REVIEW, "proofs", message=post)
    shown = [m for m in regine.messages() if m.document is not None]
    assert [m.photo for m in shown] == [True, True, False]
    assert shown[2].document is not None and shown[2].document.content == PDF
    answer = regine.callback_answers()[-1]["text"]
    assert answer.startswith("Je vous ai envoyé les justificatifs en privé (3).")

    script.said("Régine (in the group)", "[✅ Accepter]")
    await funder.press_doing(regine, kb.REVIEW, "validate", message=post)
    assert "quel montant accepter" in regine.last().text
    script.said("Régine (in private)", "500")
    await regine.send("500")

    assert "est acceptée. Montant : 500 €, en une fois." in lea.last().text
    assert "Demande n° 1 acceptée par Régine Lafon : 500 € en une fois" in funder.last().text
    assert post.buttons == []  # decided: nothing more to press
    assert post.text.endswith("✅ Acceptée par Régine Lafon : 500 € en une fois")
    assert "Léa Roux, 24 ans" in post.text
    [row] = await bot.rows(
        "SELECT status, amount_cents, frequency, decided_by FROM aid_applications"
    )
    assert row["status"] == "validated" and row["amount_cents"] == 50000
    assert row["frequency"] == "once"
    events = await bot.rows("SELECT to_status FROM aid_application_events ORDER BY id")
    assert [e["to_status"] for e in events] == ["draft", "to_process", "validated"]

    script.note(f"--- the group's post is now (edited, buttons gone):\n{post.text}")
    script.said("Léa", "/mesdemandes")
    await lea.command("mesdemandes")
    assert "Coup de pouce permis du Lot (n° 1) : acceptée, 500 € en une fois" in lea.last().text
    script.said("Régine (in the group)", "/statsaides")
    await funder.command(regine, "statsaides")
    assert "Coup de pouce permis du Lot : 0 à étudier, 1 acceptées (500 €)" in funder.last().text
    script.said("Régine (in the group)", "/exportaides")
    await funder.command(regine, "exportaides")
    script.show()
    export = funder.last().document
    if SHOWING and export is not None:
        print("(the CSV file)\n" + export.content.decode("utf-8-sig"))
    assert export is not None and b"lot-permis" in export.content and b"500.00" in export.content
    assert no_file_in_any_group(bot) or all(
        m.document is None or m.document.filename == "aides-validees.csv" for m in funder.messages()
    )
    assert all(m.document is None for m in bot.operators.messages())

    # The proofs go PROOF_RETENTION_DAYS (90) after the decision.
    await bot.later(days=89)
    assert len(list((tmp_path / "proofs" / "1").iterdir())) == 3
    await bot.later(days=2)
    assert list((tmp_path / "proofs" / "1").iterdir()) == []
    assert await bot.rows("SELECT * FROM aid_proofs") == []
    bot.assert_clean()


async def test_an_application_nobody_answered_is_shown_again(bot: RunningBot) -> None:
    funder: FakeGroup = bot.funder  # type: ignore[attr-defined]
    lea, regine = bot.fake.user(501, "Léa", last_name="Roux"), reviewer(bot)
    await apply(bot, lea, [("photo", JPEG)])
    await bot.later(days=6)
    assert "attend une réponse" not in funder.last().text
    await bot.later(days=1)
    reminder = funder.last()
    assert "La demande d'aide n° 1 (Coup de pouce permis du Lot) attend une réponse depuis 7" in (
        reminder.text
    )
    assert reminder.buttons == ["📎 Voir les justificatifs (en privé)", "✅ Accepter", "❌ Refuser"]
    await funder.press_doing(regine, kb.REVIEW, "validate", message=reminder)
    await regine.send("400")
    assert "Montant : 400 €, en une fois." in lea.last().text
    await apply(bot, lea, [("photo", JPEG)])  # a second one, answered at once: no reminder
    await funder.press_doing(regine, kb.REVIEW, "reject")
    await funder.press_doing(regine, kb.REVIEW, "reason:already_granted")
    mark = funder.mark()
    await bot.later(days=8)
    assert not any("attend une réponse" in text for text in funder.texts_since(mark))
    bot.take_blocked_errors()
    bot.assert_clean()


async def test_the_validated_aids_file_is_in_words_and_local_times(bot: RunningBot) -> None:
    funder: FakeGroup = bot.funder  # type: ignore[attr-defined]
    lea, regine = bot.fake.user(501, "Léa", last_name="Roux"), reviewer(bot)
    await regine.command("start")  # to be asked the amount in private
    await apply(bot, lea, [("photo", JPEG)])
    await bot.later(minutes=7, seconds=42)
    await funder.press_doing(regine, kb.REVIEW, "validate")
    await regine.send("500")
    await funder.command(regine, "exportaides")
    export = funder.last().document
    assert export is not None and export.filename == "aides-validees.csv"
    lines = export.content.decode("utf-8-sig").split("\r\n")
    assert lines[0].startswith("n° de demande,aide,intitulé,commune,âge,situation,déposée le")
    assert "job_seeker" not in lines[1] and reads(bot, "aids.situation.job_seeker") in lines[1]
    assert "en une fois" in lines[1] and "500.00" in lines[1] and "once" not in lines[1]
    # 9:00 UTC on 23 November is 10:00 in Paris; to the minute, no seconds, no offset.
    assert ",2026-11-23 10:00,2026-11-23 10:07," in lines[1]
    assert "T09:" not in lines[1] and "+00:00" not in lines[1] and ":42" not in lines[1]
    bot.assert_clean()


async def test_a_rejection_for_a_missing_proof(bot: RunningBot, tmp_path: Path) -> None:
    funder: FakeGroup = bot.funder  # type: ignore[attr-defined]
    lea = bot.fake.user(501, "Léa", last_name="Roux")
    regine = reviewer(bot)
    await apply(bot, lea, [("photo", JPEG)])
    post = funder.last()
    await funder.press_doing(regine, kb.REVIEW, "reject", message=post)
    assert reads(bot, "aids.reason.missing_proof") in post.buttons
    await funder.press_doing(regine, kb.REVIEW, "back", message=post)
    assert post.buttons[0] == reads(bot, "aids.button_see_proofs")
    await funder.press_doing(regine, kb.REVIEW, "reject", message=post)
    await funder.press_doing(regine, kb.REVIEW, "reason:missing_proof", message=post)
    assert "est refusée. Raison : Il manque un justificatif." in lea.last().text
    assert "Vos justificatifs sont effacés" in lea.last().text
    assert "refusée par Régine Lafon : Il manque un justificatif" in funder.last().text
    assert list((tmp_path / "proofs" / "1").iterdir()) == []  # deleted on rejection
    assert post.text.endswith("❌ Refusée par Régine Lafon : Il manque un justificatif")
    [row] = await bot.rows("SELECT status, reason, answers FROM aid_applications")
    assert row == {"status": "rejected", "reason": "missing_proof", "answers": "[]"}
    assert post.buttons == []
    await funder.press_data(regine, "ar:1:proofs", message=post)  # an old press, say
    assert regine.callback_answers()[-1]["text"].startswith("Il n'y a pas (ou plus)")
    bot.take_blocked_errors()
    bot.assert_clean()


async def test_a_forged_or_stale_press_is_refused(bot: RunningBot) -> None:
    funder: FakeGroup = bot.funder  # type: ignore[attr-defined]
    lea = bot.fake.user(501, "Léa", last_name="Roux")
    regine = reviewer(bot)
    nadia = bot.fake.user(602, "Nadia")  # not in the funder's group
    bot.fake.set_member(OPERATORS, nadia.id, "member")  # an operator is no reviewer of it
    await apply(bot, lea, [("photo", JPEG)])
    post = funder.last()
    for data in ("ar:1:validate", "ar:1:reason:conditions_not_met", "ar:1:proofs"):
        await funder.press_data(nadia, data, message=post)
        assert nadia.callback_answers()[-1]["text"] == (reads(bot, "aids.reviewers_only"))
    await nadia.command("start")
    await nadia.press_data("ar:1:validate")  # in private, too
    assert nadia.callback_answers()[-1]["text"].startswith("Seules les personnes du groupe")
    assert all(m.document is None for m in nadia.messages())
    [row] = await bot.rows("SELECT status FROM aid_applications")
    assert row["status"] == "to_process"
    assert "acceptée" not in lea.last().text

    for command in ("statsaides", "exportaides"):
        await funder.command(nadia, command)
        assert funder.last().text.startswith("Seules les personnes du groupe")
    assert all(m.document is None for m in funder.messages())

    await funder.press_data(regine, "ar:999:validate", message=post)
    assert regine.callback_answers()[-1]["text"].startswith("Ce bouton ne sert plus")
    await funder.press_doing(regine, kb.REVIEW, "validate", message=post)
    await regine.send("beaucoup")
    assert "Je n'ai pas compris ce montant" in regine.last().text
    await regine.command("chercher")  # something else to do first: the amount waits
    assert "laissée de côté" in regine.last().text
    await regine.send("Cahors")
    assert "Je n'ai pas compris ce montant" not in regine.last().text
    await regine.command("annuler")
    await funder.press_doing(regine, kb.REVIEW, "validate", message=post)
    await regine.send("50 par mois")
    assert "Montant : 50 € par mois." in lea.last().text
    await funder.press_data(regine, "ar:1:reason:already_granted", message=post)
    assert regine.callback_answers()[-1]["text"] == reads(bot, "aids.already_decided")
    bot.take_blocked_errors()
    bot.assert_clean()


async def test_a_big_file_and_a_program_renamed_pdf_are_refused_kindly(
    bot: RunningBot, tmp_path: Path
) -> None:
    lea = bot.fake.user(501, "Léa")
    await answer_questions(lea, "24", "job_seeker", "Cahors")
    await lea.press_doing(kb.APPLY, "lot-permis")
    await lea.send("Auto-école du Quercy")
    await lea.send_document("scan.pdf", b"%PDF-1.4\n" + b"0" * 12_000_000)
    assert "trop gros (10 Mo au plus)" in lea.last().text
    await lea.send_document("facture.pdf", b"MZ\x90\x00 this is a Windows program")
    assert "seulement les photos (JPEG, PNG) et les PDF" in lea.last().text
    await lea.send_document("carte.png", PNG)
    assert "Papiers reçus : 1" in lea.last().text
    await lea.send_sticker()
    assert "Envoyez une photo ou un fichier PDF" in lea.last().text
    assert len(list((tmp_path / "proofs" / "1").iterdir())) == 1
    await lea.press_doing(kb.APPLY, "done")
    await lea.send("ok")  # text where a button is expected
    assert lea.last().buttons == ["✅ Envoyer ma demande", "Abandonner la demande"]
    await lea.press_doing(kb.APPLY, "cancel")
    assert "abandonnée, vos papiers sont effacés" in lea.last().text
    assert list((tmp_path / "proofs" / "1").iterdir()) == []
    bot.assert_clean()


def test_a_wrong_aids_file_line_stops_the_start_with_its_number(tmp_path: Path) -> None:
    lines = (DATA / "aids.csv").read_text(encoding="utf-8").splitlines()
    header, first = lines[0], lines[1]
    wrong = first.replace(",18,30,", ",soixante,30,")
    assert wrong != first
    bad = tmp_path / "aides.csv"
    bad.write_text("\n".join([header, first.replace("lot-permis", "lot-a"), wrong]) + "\n")
    result = run_bot(tmp_path, {"BOT_TOKEN": "1:abc", "AIDS_FILE": str(bad)})
    assert result.returncode == 2
    assert f"Setting AIDS_FILE: {bad}, line 3: minAge 'soixante' is not a whole number" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr


async def test_an_operator_applies_for_someone_who_phoned(bot: RunningBot, tmp_path: Path) -> None:
    funder: FakeGroup = bot.funder  # type: ignore[attr-defined]
    olga = bot.fake.user(401, "Olga", last_name="Bru")
    bot.fake.set_member(OPERATORS, olga.id, "member")
    stranger = bot.fake.user(402, "Sam")
    await stranger.command("aidepour")
    assert stranger.last().text == reads(bot, "operators.only")

    await olga.command("aidepour")
    await olga.send("Jeanne Mas")
    await olga.send("06 12 34 56 78")
    assert "Quel âge a Jeanne Mas" in olga.last().text
    await olga.send("24")
    await olga.send("bof")  # words that say nothing the question can use
    assert olga.last().text.startswith("Répondez avec un bouton sous la question")
    await olga.send("chômeuse")  # words for a button
    assert "C'est noté : Cherche un emploi." in olga.texts_since(0)[-2]
    await olga.send("Cahors")
    assert any("Aide au permis de conduire B" in text for text in olga.texts_since(0))
    await olga.press_doing(kb.APPLY, "aid:lot-permis")
    await olga.send("Auto-école du Quercy")
    await olga.send_photo(content=JPEG)  # her papers, photographed at the town hall
    await olga.send_photo(content=JPEG + b" 2")
    await olga.press_doing(kb.APPLY, "done")
    assert "Demandez à Jeanne Mas au téléphone" in olga.last().text
    await olga.press_doing(kb.APPLY, "submit")
    assert "C'est envoyé pour Jeanne Mas" in "\n".join(olga.texts_since(0))
    post = funder.last()
    assert "Jeanne Mas, 24 ans" in post.text
    assert "Demande faite par téléphone avec Olga Bru" in post.text
    assert "06" not in post.text  # her phone stays with the team
    assert "À appeler : Jeanne Mas (06 12 34 56 78)" in bot.operators.last().text
    assert "est envoyée à Département du Lot" in bot.operators.last().text

    regine = reviewer(bot)
    await funder.press_doing(regine, kb.REVIEW, "validate", message=post)
    await regine.send("300")
    call = bot.operators.last().text
    assert "À appeler : Jeanne Mas (06 12 34 56 78)" in call
    assert "est acceptée. Montant : 300 €, en une fois." in call
    operator = await bot.app.core.people.find_by_telegram_id(olga.id)
    [row] = await bot.rows("SELECT filed_by, status FROM aid_applications")
    assert operator is not None and row == {"filed_by": operator.id, "status": "validated"}
    bot.take_blocked_errors()
    bot.assert_clean()


async def test_everything_about_a_person_and_forgetting_them(
    bot: RunningBot, tmp_path: Path
) -> None:
    lea = bot.fake.user(501, "Léa", last_name="Roux")
    await apply(bot, lea, [("photo", JPEG), ("devis.pdf", PDF)])
    person = await bot.app.core.people.find_by_telegram_id(lea.id)
    assert person is not None
    [(application, proofs)] = await bot.app.core.applications.everything_about(person.id)
    assert application.aid_id == "lot-permis" and len(proofs) == 2
    assert application.answers == ("Auto-école du Quercy",)
    assert await bot.app.core.aids.kept_answers(person.id) is None  # she was not asked yet
    await lea.press_doing(kb.KEEP, "yes")
    assert await bot.app.core.aids.kept_answers(person.id) is not None
    assert await bot.app.core.aids.forget(person.id)
    assert await bot.app.core.aids.kept_answers(person.id) is None
    assert await bot.app.core.applications.forget(person.id) == 1
    assert await bot.app.core.applications.everything_about(person.id) == []
    assert list((tmp_path / "proofs" / "1").iterdir()) == []
    [row] = await bot.rows("SELECT person_id, age, answers, status FROM aid_applications")
    assert row == {"person_id": None, "age": None, "answers": "[]", "status": "to_process"}


async def test_a_draft_left_alone_loses_its_papers_and_old_applications_are_anonymised(
    bot: RunningBot, tmp_path: Path
) -> None:
    lea = bot.fake.user(501, "Léa", last_name="Roux")
    await answer_questions(lea, "24", "job_seeker", "Cahors")
    await lea.press_doing(kb.APPLY, "lot-permis")
    await lea.send("Auto-école du Quercy")
    await lea.send_photo(content=JPEG)  # then she goes away
    await bot.later(days=91)
    assert list((tmp_path / "proofs" / "1").iterdir()) == []
    bot.clock.advance(days=3 * 365)  # one tick then: not a digest a day for three years
    await bot.tick()
    [row] = await bot.rows("SELECT person_id, anonymised_at FROM aid_applications")
    assert row["person_id"] is None and row["anonymised_at"] is not None
    bot.take_blocked_errors()


async def test_in_english_and_whatever_a_person_sends(bot: RunningBot) -> None:
    tom = bot.fake.user(505, "Tom", language_code="en")
    await tom.command("aids")
    assert "How old are you?" in tom.last().text
    await tom.send_sticker()
    assert "How old are you?" in tom.last().text  # asked again, after saying why
    await tom.send("x" * 5000)  # 4,096 then the rest, as Telegram's apps send it
    assert "Type your age in numbers" in tom.messages()[-2].text
    await tom.send("30")
    await tom.send("hmm")  # words that say nothing the question can use
    assert "Answer with a button" in tom.texts_since(0)[-2]
    await tom.send("I work")  # words for a button
    assert "Noted: I work (employee)." in tom.texts_since(0)[-2]
    await tom.send("rqth")
    assert "Noted: I have an RQTH." in tom.texts_since(0)[-2]
    await tom.send("Figeak")  # a typo: suggestions
    await tom.press_doing(kb.AIDS, "pick", naming="Figeac")
    texts = "\n".join(tom.texts_since(0))
    assert "Here are the aids you might get in Figeac" in texts
    assert "Aide au permis de conduire B" not in texts  # for job seekers only
    assert "Social leasing of an electric car" in texts  # the shipped aids, in English
    assert "Agefiph: mobility aid" in texts  # for people with an RQTH
    await tom.press_data("ai:ffffff:situation:retired")  # a forged, stale button
    assert tom.callback_answers()[-1]["text"].startswith("This button no longer works")
    await tom.press_data("ap:new:ft-permis-b")  # not applied for in the bot
    assert tom.callback_answers()[-1]["text"].startswith("This application is no longer")
    bot.assert_clean()


async def test_a_rejection_for_another_reason_typed_in_private(bot: RunningBot) -> None:
    funder: FakeGroup = bot.funder  # type: ignore[attr-defined]
    lea = bot.fake.user(501, "Léa", last_name="Roux")
    regine = reviewer(bot)
    await regine.command("start")
    await apply(bot, lea, [("devis.pdf", PDF)])
    post = funder.last()
    await funder.press_doing(regine, kb.REVIEW, "reject", message=post)
    await funder.press_doing(regine, kb.REVIEW, "reason:other", message=post)
    assert "tapez la raison du refus, en 80 caractères au plus" in regine.last().text
    await regine.send("x" * 81)
    assert regine.last().text == "C'est trop long : 80 caractères au plus."
    await regine.send("Vous habitez hors du Lot")
    assert "est refusée. Raison : Vous habitez hors du Lot." in lea.last().text
    assert "refusée par Régine Lafon : Vous habitez hors du Lot" in funder.last().text
    assert post.buttons == []
    bot.assert_clean()


async def test_an_application_goes_with_my_data_and_forget_me(bot: RunningBot) -> None:
    lea = bot.fake.user(571, "Léa", last_name="Roux")
    await apply(bot, lea, [("photo", JPEG)])
    await lea.command("mesdonnees")
    summary, document = lea.messages()[-2:]
    assert "💶 Aides à la mobilité (réponses et demandes) : 1" in summary.text
    assert document.document is not None
    held = json.loads(document.document.content)["aid_applications"]
    [application] = [item["application"] for item in held if "application" in item]
    assert application["aid_id"] == "lot-permis" and application["papers"][0]["kind"] == "jpeg"
    await lea.command("oublier")
    await lea.press_doing(kb.FORGET, "forget:yes")
    assert await bot.rows("SELECT * FROM aid_answers") == []
    [application] = await bot.rows("SELECT person_id, anonymised_at FROM aid_applications")
    assert application["person_id"] is None and application["anonymised_at"]
    assert await bot.rows("SELECT * FROM aid_proofs") == []


async def test_a_paper_that_cannot_be_fetched_is_asked_again_and_a_slow_one_blocks_no_one(
    bot: RunningBot, tmp_path: Path
) -> None:
    """Proofs are downloaded outside the update's transaction (bot/outside.py)."""
    lea = bot.fake.user(501, "Léa")
    await answer_questions(lea, "24", "job_seeker", "Cahors")
    await lea.press_doing(kb.APPLY, "lot-permis")
    await lea.send("Auto-école du Quercy")
    bot.fake.inject("getFile", 502)
    await lea.send_document("carte.png", PNG)
    assert "Envoyez-le encore" in lea.last().text
    assert "problème est survenu" not in lea.last().text
    assert not (tmp_path / "proofs").exists() or not any((tmp_path / "proofs").rglob("*.*"))
    # Telegram is slow to give the file: someone else is answered meanwhile.
    slow = bot.fake.hold("getFile")
    sending = asyncio.create_task(lea.send_document("carte.png", PNG))
    await slow.entered.wait()
    zoe = bot.fake.user(305, "Zoé")
    await zoe.command("start")
    assert any("Bonjour Zoé" in m.text for m in zoe.messages())
    assert not sending.done()
    slow.release()
    await sending
    assert "Papiers reçus : 1" in lea.last().text
    assert len(list((tmp_path / "proofs" / "1").iterdir())) == 1
    bot.fake.take_errors()
    bot.assert_clean()
