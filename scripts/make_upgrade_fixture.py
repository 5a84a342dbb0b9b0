"""Makes tests/data/before_conversations/: a database left by the bot BEFORE issue 20 (its
conversations on python-telegram-bot's ConversationHandler, state in persisted_data and
conversation_states), with people in the middle of every conversation and people holding old
buttons of finished things; and people.json, what each of them saw and would do next.

Run it with the OLD code (commit 72d2d3f), from its checkout, with its own environment:

    cd /work/wt/old && uv sync
    uv run python /work/wt/upgrade/scripts/make_upgrade_fixture.py \
        --out /work/wt/upgrade/tests/data/before_conversations/

It imports the old code's modules (bot.app, tests.conftest, the fake Bot API) from the current
working directory, so it is not typed against the new code (see mypy's exclude).
tests/test_upgrade.py replays the file on the new code.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, os.getcwd())  # the old checkout's modules, not the new ones

from bot.places.gazetteer import Gazetteer  # noqa: E402
from tests.conftest import DATA, OPERATORS, START, RunningBot  # noqa: E402
from tests.fakebot import FakeUser  # noqa: E402

FUNDER = -1009876543210
AGREE = "✅ J'accepte"


def data_of(user: FakeUser, text: str) -> str:
    """The callback data of the newest button `text` in the user's chat."""
    message = user._message_with_button(text)
    button = message.button(text)
    if button is None:
        raise SystemExit(f"no button {text!r}")
    return str(button["callback_data"])


def press(user: FakeUser, text: str) -> dict[str, Any]:
    return {"press": data_of(user, text), "label": text}


def typed(text: str) -> dict[str, Any]:
    return {"type": text}


def messages_of(chat: Any) -> list[dict[str, Any]]:
    return [
        {
            "message_id": m.message_id,
            "text": m.text,
            "raw_text": m.raw_text,
            "parse_mode": m.parse_mode,
            "reply_markup": m.reply_markup,
            "buttons": [
                {"text": b.get("text"), "data": b.get("callback_data")}
                for row in m.inline_keyboard
                for b in row
                if "callback_data" in b
            ],
        }
        for m in chat.messages()
    ]


async def build(out: Path) -> None:
    gazetteer = Gazetteer.load(("46",), DATA / "local_places.csv")
    work = Path(tempfile.mkdtemp(prefix="mobilot-fixture-"))
    bot = RunningBot(
        work, gazetteer, aids_file=DATA / "aids.csv", funders_file=DATA / "funders.csv"
    )
    funder = bot.fake.group(FUNDER, "Département du Lot : aides")
    await bot.start()
    people: list[dict[str, Any]] = []
    users: dict[int, FakeUser] = {}

    def user(uid: int, name: str, **kw: Any) -> FakeUser:
        users[uid] = bot.fake.user(uid, name, **kw)
        return users[uid]

    def left(
        u: FakeUser,
        conversation: str,
        step: str,
        next_: list[dict[str, Any]],
        expect: str,
        role: str = "in_progress",
        **more: Any,
    ) -> None:
        people.append(
            {
                "user_id": u.id,
                "first_name": u.first_name,
                "last_name": u.last_name,
                "username": u.username,
                "role": role,
                "conversation": conversation,
                "step": step,
                "last_text": u.last().text,
                "next": next_,
                "expect": expect,
                **more,
            }
        )

    async def offer_until(u: FakeUser, step: str) -> None:
        await u.command("proposer")
        if step == "consent":
            return
        await u.press(AGREE)
        await u.send("Cahors")
        await u.send("Figeac")
        await u.press("🔁 Chaque semaine")
        if step == "days":
            await u.press("lun.")
            await u.press("mer.")
            return
        await u.press("Lun → ven")
        await u.press("✔️ Valider les jours")
        await u.send("7h30")
        await u.press("Pas de retour")
        if step == "seats":
            return
        await u.press("3")
        await u.press("Passer")
        await u.press("Telegram seulement")

    # -- the team -----------------------------------------------------------------------
    olga = user(401, "Olga", last_name="Bru")
    omar = user(402, "Omar", last_name="Said")
    bot.fake.set_member(OPERATORS, olga.id, "administrator")
    bot.fake.set_member(OPERATORS, omar.id, "member")

    # -- finished things: a driver, a passenger put in touch with him ---------------------
    jean = user(451, "Jean", last_name="Martin", username="jean_m")
    await offer_until(jean, "summary")
    await jean.press("✅ Enregistrer ce trajet")
    marie = user(452, "Marie", last_name="Delpech", username="marie_d")
    await marie.command("chercher")
    await marie.press(AGREE)
    for answer in ("Cahors", "Figeac", "mardi"):
        await marie.send(answer)
    await marie.press("🏁 Arriver avant une heure")
    await marie.send("9h")
    await marie.press("🩺 Santé")
    await marie.press("Aucun")
    await marie.press("✅ Chercher un conducteur")
    await marie.press(marie.buttons()[0])
    await jean.press("✅ J'accepte")
    await jean.command("mestrajets")
    left(jean, "", "", [], "", role="old_buttons")

    # -- a need no driver takes: the team's post, with its buttons -------------------------
    nina = user(461, "Nina")
    await nina.command("chercher")
    await nina.press(AGREE)
    for answer in ("Lacapelle-Marival", "Figeac", "mercredi"):
        await nina.send(answer)
    await nina.press("🏁 Arriver avant une heure")
    await nina.send("9h")
    await nina.press("🩺 Santé")
    await nina.press("Aucun")
    await nina.press("✅ Chercher un conducteur")
    left(nina, "", "", [], "", role="old_buttons")

    # -- /proposer at every kind of step --------------------------------------------------
    denis = user(1001, "Denis")
    await offer_until(denis, "consent")
    left(denis, "offer", "consent", [press(denis, AGREE)], "D'où partez-vous")

    daphne = user(1002, "Daphné")
    await offer_until(daphne, "consent")
    await daphne.press(AGREE)
    await daphne.send("Saint-Cirq")
    first = daphne.buttons()[0]
    left(daphne, "offer", "origin_choice", [press(daphne, first)], "Où allez-vous")

    didier = user(1003, "Didier")
    await offer_until(didier, "days")
    left(
        didier,
        "offer",
        "days",
        [press(didier, "✔️ Valider les jours")],
        "À quelle heure",
        summary_after=[
            typed("7h30"),
            {"press_label": "Pas de retour"},
            {"press_label": "2"},
            {"press_label": "Passer"},
            {"press_label": "Telegram seulement"},
        ],
        summary_has=["Cahors", "Figeac", "lun", "mer"],
    )

    delphine = user(1004, "Delphine")
    await offer_until(delphine, "seats")
    left(
        delphine,
        "offer",
        "seats",
        [press(delphine, "3")],
        "Un mot pour les passagers",
        summary_after=[{"press_label": "Passer"}, {"press_label": "Telegram seulement"}],
        summary_has=["Cahors", "Figeac", "7h30", "3 places"],
    )

    dorian = user(1005, "Dorian")
    await offer_until(dorian, "summary")
    left(
        dorian, "offer", "summary", [press(dorian, "✅ Enregistrer ce trajet")], "Trajet enregistré"
    )

    # -- /conducteur: an operator registering a driver who phoned -------------------------
    await omar.command("conducteur")
    await omar.send("Roger Lafon")
    await omar.send("06 12 34 56 78")
    await omar.press("Oui")
    await omar.press("✅ Oui, la personne est d'accord")
    await omar.send("Cahors")
    await omar.send("Figeac")
    await omar.press("🔁 Chaque semaine")
    await omar.press("Lun → ven")
    await omar.press("✔️ Valider les jours")
    left(
        omar,
        "offer_for",
        "departure",
        [typed("7h30")],
        "revient-elle le même jour",
        summary_after=[
            {"press_label": "Pas de retour"},
            {"press_label": "3"},
            {"press_label": "Passer"},
        ],
        summary_has=["Roger Lafon", "06 12 34 56 78", "Cahors", "Figeac", "7h30"],
    )

    # -- /chercher ------------------------------------------------------------------------
    paula = user(1011, "Paula")
    await paula.command("chercher")
    await paula.press(AGREE)
    await paula.send("Cahors")
    await paula.send("Figeac")
    left(
        paula,
        "find",
        "when",
        [typed("mardi")],
        "Qu'est-ce qui compte",
        summary_after=[
            {"press_label": "🏁 Arriver avant une heure"},
            typed("9h"),
            {"press_label": "🩺 Santé"},
            {"press_label": "Aucun"},
        ],
        summary_has=["Cahors", "Figeac", "mardi 24 novembre", "9h"],
    )

    pierre = user(1012, "Pierre")
    await pierre.command("chercher")
    await pierre.press(AGREE)
    await pierre.send("Saint-Cirq")
    left(
        pierre,
        "find",
        "origin_choice",
        [press(pierre, pierre.buttons()[0])],
        "Où voulez-vous aller",
        summary_after=[
            typed("Figeac"),
            typed("mardi"),
            {"press_label": "🏁 Arriver avant une heure"},
            typed("9h"),
            {"press_label": "🩺 Santé"},
            {"press_label": "Aucun"},
        ],
        summary_has=["Saint-Cirq-Lapopie", "Figeac", "mardi 24 novembre"],
    )

    pascale = user(1013, "Pascale")
    await pascale.command("chercher")
    await pascale.press(AGREE)
    for answer in ("Cahors", "Gourdon", "jeudi"):
        await pascale.send(answer)
    await pascale.press("🏁 Arriver avant une heure")
    await pascale.send("10h")
    await pascale.press("🛒 Courses")
    await pascale.press("Aucun")
    left(
        pascale,
        "find",
        "summary",
        [press(pascale, "✅ Chercher un conducteur")],
        "Je n'ai pas trouvé de conducteur",
    )

    # -- /demande: an operator registering a need for someone who phoned ------------------
    await olga.command("demande")
    await olga.send("Yvette Combes")
    await olga.send("05 65 00 00 00")
    await olga.press("Non")
    await olga.press("✅ Oui, la personne est d'accord")
    await olga.send("Cahors")
    await olga.send("Figeac")
    await olga.send("mardi")
    await olga.press("🏁 Arriver avant une heure")
    await olga.send("9h")
    left(
        olga,
        "find_for",
        "purpose",
        [press(olga, "🩺 Santé")],
        "besoin particulier",
        summary_after=[{"press_label": "✔️ Valider"}],
        summary_has=["Yvette Combes", "05 65 00 00 00", "Cahors", "Figeac", "Santé"],
    )

    # -- /aides: the questions, and an application ----------------------------------------
    lea = user(1021, "Léa", last_name="Roux")
    await lea.command("aides")
    await lea.send("24 ans")
    left(lea, "aids", "situation", [press(lea, "Je cherche un emploi")], "RSA ou l'AAH")

    lucas = user(1022, "Lucas", last_name="Roux")
    await lucas.command("aides")
    await lucas.send("24")
    await lucas.press("Je cherche un emploi")
    await lucas.press("Ni l'un ni l'autre")
    await lucas.send("Cahors")
    await lucas.press("📝 Faire la demande ici")
    left(
        lucas,
        "apply",
        "first_field",
        [typed("Auto-école du Quercy")],
        "Envoyez-moi ici vos papiers",
    )

    # -- /signaler at its reason, /oublier at its confirmation ----------------------------
    await marie.command("signaler")
    await marie.press(marie.buttons()[0])
    left(marie, "report", "reason", [press(marie, "🚫 Rendez-vous manqué")], "quelques mots")

    oscar = user(1041, "Oscar")
    await oscar.command("start")
    await oscar.command("oublier")
    left(oscar, "forget", "confirm", [press(oscar, "Non, garder")], "Rien n'a été effacé")

    if bot.fake.errors or bot.fake.exceptions:
        raise SystemExit(f"the walk went wrong: {bot.fake.errors} {bot.fake.exceptions}")
    for person in people:
        person["messages"] = messages_of(users[person["user_id"]])
    group = {"chat_id": OPERATORS, "messages": messages_of(bot.operators)}
    funders = {"chat_id": FUNDER, "messages": messages_of(funder)}
    clock = bot.clock.current.isoformat()
    next_update_id = bot.fake._next_update_id
    await bot.stop()

    out.mkdir(parents=True, exist_ok=True)
    database = out / "mobilot.sqlite3"
    source = sqlite3.connect(bot.settings.database_path)
    source.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    target = sqlite3.connect(database.with_suffix(".tmp"))
    source.backup(target)
    source.close()
    target.execute("PRAGMA journal_mode=DELETE")
    target.execute("VACUUM")
    target.close()
    database.with_suffix(".tmp").replace(database)
    shutil.rmtree(work, ignore_errors=True)
    memberships = {str(OPERATORS): {"401": "administrator", "402": "member"}}
    (out / "people.json").write_text(
        json.dumps(
            {
                "made_with": "commit 72d2d3f (before issue 20)",
                "start": START.isoformat(),
                "clock_at_the_end": clock,
                # Telegram's update ids only grow: the new bot's inbox has seen these.
                "next_update_id": next_update_id,
                "memberships": memberships,
                "people": people,
                "groups": [group, funders],
            },
            ensure_ascii=False,
            indent=1,
        )
        + "\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    asyncio.run(build(parser.parse_args().out))


if __name__ == "__main__":
    main()
