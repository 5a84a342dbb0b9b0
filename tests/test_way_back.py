"""A passenger's way back (issue 23, item 11): asked with the need, in buttons or in words,
matched as a second leg (destination → origin, the same day, around the return time), and
carried by the driver's request, the acceptance, the evening's reminders and the team's post;
"je ne sais pas encore" is kept and shown to the team."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import date, time

import pytest

from bot.domain import WayBack
from bot.understand import BackWish, read_request, read_way_back
from handlers import keyboards as kb
from handlers.sms.text import segments
from tests.conftest import RunningBot
from tests.fakebot import FakeGroup, FakeUser
from tests.phones import TextingBot, assert_fit_for_a_simple_phone
from tests.setups import agree_if_asked, reads
from tests.test_sms_channel import MARIE, welcome


@pytest.mark.parametrize(
    ("words", "kind", "at"),
    [
        ("retour vers 17h", WayBack.AT, time(17)),
        ("Retour à 16h30", WayBack.AT, time(16, 30)),
        ("17h", WayBack.AT, time(17)),
        ("return at 5pm", WayBack.AT, time(17)),
        ("pas de retour", WayBack.NONE, None),
        ("non, pas de retour", WayBack.NONE, None),
        ("aller simple", WayBack.NONE, None),
        ("no way back", WayBack.NONE, None),
        ("je ne sais pas", WayBack.UNKNOWN, None),
        ("je sais pas encore", WayBack.UNKNOWN, None),
        ("I don't know yet", WayBack.UNKNOWN, None),
        ("aller-retour", None, None),  # wanted, its time to ask
    ],
)
def test_the_way_back_in_words(words: str, kind: WayBack | None, at: time | None) -> None:
    assert read_way_back(words) == BackWish(kind, at)


def test_a_first_message_with_its_way_back() -> None:
    monday = date(2026, 11, 23)
    request = read_request("cahors demain 9h retour 17h", monday)
    assert request is not None
    assert (request.destination, request.day) == ("cahors", date(2026, 11, 24))
    assert request.back == BackWish(WayBack.AT, time(17)) and request.unused is None
    request = read_request("de Gourdon à Cahors mardi avant 9h, retour je ne sais pas", monday)
    assert request is not None and request.origin == "Gourdon"
    assert request.back == BackWish(WayBack.UNKNOWN)
    request = read_request("cahors demain 9h retour bof", monday)
    assert request is not None and request.back is None and request.unused == "retour bof"
    assert read_way_back("bof") is None


async def offer(user: FakeUser, origin: str, destination: str, time: str, back: str | None) -> None:
    """A trip every weekday, with its driver's own way back or none."""
    await user.command("proposer")
    if user.has_button(kb.OFFER, "consent:yes"):
        await user.press_doing(kb.OFFER, "consent:yes")
    await user.send(origin)
    await user.send(destination)
    await user.press_doing(kb.OFFER, "often:weekly")
    await user.press_doing(kb.OFFER, "days:work")
    await user.press_doing(kb.OFFER, "days:ok")
    await user.send(time)
    if back is None:
        await user.press_doing(kb.OFFER, "noreturn")
    else:
        await user.send(back)
    await user.press_doing(kb.OFFER, "seats:3")
    await user.press_doing(kb.OFFER, "skipnote")
    await user.press_doing(kb.OFFER, "contact:tg")
    await user.press_doing(kb.OFFER, "confirm")
    assert "Trajet enregistré" in user.last().text


async def jean_goes_and_comes_back(bot: RunningBot) -> FakeUser:
    jean = bot.fake.user(301, "Jean", last_name="Martin", username="jean_m")
    await offer(jean, "Gourdon", "Cahors", "8h", "17h")
    return jean


async def paul_goes_only(bot: RunningBot) -> FakeUser:
    paul = bot.fake.user(302, "Paul", last_name="Bru", username="paul_b")
    await offer(paul, "Gourdon", "Cahors", "7h50", None)
    return paul


class Recorder:
    """What a person typed or pressed and what the bot answered them, in order, with the
    buttons as they were then (for the closing note)."""

    def __init__(self, user: FakeUser, who: str) -> None:
        self.user, self.who = user, who
        self.lines: list[str] = []

    async def say(self, text: str) -> None:
        await self.during(f"{self.who}: {text}", self.user.send(text))

    async def tap(self, kind: str, action: str, *, naming: str | None = None) -> None:
        """Presses the button that does `action` (see FakeUser.press_doing); the words show
        its label."""
        message, data = self.user.button_doing(kind, action, naming=naming)
        label = next(b["text"] for row in message.inline_keyboard for b in row
                     if b.get("callback_data") == data)  # fmt: skip
        await self.during(f"{self.who}: [{label}]", self.user.press_data(data, message=message))

    async def during(self, what: str, action: Awaitable[object]) -> None:
        mark = self.user.mark()
        await action
        self.lines.append(what)
        for message in self.user.messages()[mark:]:
            buttons = f"   [{' | '.join(message.buttons)}]" if message.buttons else ""
            self.lines.append("  Mobilot: " + message.text.replace("\n", "\n           ") + buttons)

    def text(self) -> str:
        return "\n".join(self.lines)


def transcript(user: FakeUser | FakeGroup, since: int = 0) -> str:
    """What the person saw, as they saw it: each message, then its buttons."""
    lines = []
    for message in user.messages()[since:]:
        lines.append(message.text)
        if message.buttons:
            lines.append("  [" + "] [".join(message.buttons) + "]")
    return "\n".join(lines)


async def test_cahors_tomorrow_9_back_at_17_finds_one_driver_for_both_legs(
    bot: RunningBot,
) -> None:
    jean = await jean_goes_and_comes_back(bot)
    paul = await paul_goes_only(bot)
    marie = bot.fake.user(401, "Marie", last_name="Delpech", username="marie_d")
    words = Recorder(marie, "Marie")

    await words.say("cahors demain 9h retour 17h")
    await words.tap(kb.FIND, "consent:yes")
    said = "\n".join(marie.texts_since(0))
    assert "↩️ Retour vers 17h00." in said
    assert "D'où partez-vous ?" in marie.last().text
    await words.say("Gourdon")
    await words.tap(kb.FIND, "mode:arrive_before")
    # The way back was said: the next question is the purpose, not "Et le retour ?".
    assert "C'est pour quoi ?" in marie.last().text
    await words.tap(kb.FIND, "purpose:health")
    await words.tap(kb.FIND, "special:none")
    summary = marie.last().text
    assert "mardi 24 novembre, arrivée avant 9h00 · ↩️ retour vers 17h00" in summary
    assert reads(bot, "button.edit_return") in marie.buttons()
    await words.tap(kb.FIND, "confirm")

    [need] = await bot.rows("SELECT way_back, back_at FROM needs")
    assert need == {"way_back": "at", "back_at": "17:00"}
    found = marie.last().text
    # Jean brings her back too: he comes first; Paul does the way there only.
    assert found.index("Jean M.") < found.index("Paul B.")
    assert "↩️ et le retour : départ vers 17h00" in found
    assert reads(bot, "back.candidate_one_way") in found
    assert "personne pour l'instant" not in found
    assert bot.operators.messages() == []  # both legs have a driver: nothing for the team

    await words.tap(kb.NEED, "ask", naming="Jean M.")
    request = jean.last().text
    assert "Marie D." in request
    assert "prise en charge vers 8h00 à Gourdon" in request
    assert "↩️ Retour aussi : prise en charge vers 17h00 à Cahors" in request
    assert "à Gourdon" in request.split("↩️ Retour aussi")[1]
    assert not any("Demande de covoiturage" in text for text in paul.texts_since(0))

    await words.during("(Jean accepte)", jean.press_doing(kb.INTRO, "yes"))
    accepted = marie.last().text
    assert "Jean Martin accepte de vous emmener" in accepted
    assert "↩️ Retour aussi : prise en charge vers 17h00 à Cahors" in accepted
    [introduction] = await bot.rows("SELECT status, back_trip_id, back_pickup FROM introductions")
    assert introduction["status"] == "accepted"
    assert introduction["back_pickup"] == "17:00" and introduction["back_trip_id"]

    # The evening before, both are reminded of both legs.
    jean_mark, marie_mark = jean.mark(), marie.mark()
    await bot.later(hours=9)  # Monday 19:00 in Cahors: the reminders of 18:00 are out
    [to_marie] = [t for t in marie.texts_since(marie_mark) if "Rappel" in t]
    [to_jean] = [t for t in jean.texts_since(jean_mark) if "Rappel" in t]
    for reminder in (to_marie, to_jean):
        assert "prise en charge vers 8h00 à Gourdon, pour Cahors" in reminder
        assert "↩️ Retour aussi : prise en charge vers 17h00 à Cahors" in reminder
    print("\n--- Marie ---\n" + words.text() + "\n(the evening before)\n" + to_marie)
    print("\n--- Jean ---\n" + transcript(jean, 10))


async def test_the_question_after_the_time_reads_words_and_buttons(bot: RunningBot) -> None:
    await jean_goes_and_comes_back(bot)
    marie = bot.fake.user(401, "Marie", last_name="Delpech", username="marie_d")
    await marie.command("chercher")
    await agree_if_asked(marie)
    await marie.send("Gourdon")
    await marie.send("Cahors")
    await marie.send("demain")
    await marie.press_doing(kb.FIND, "mode:arrive_before")
    words = Recorder(marie, "Marie")
    await words.say("9h")
    asked = marie.last().text
    assert "Et le retour ?" in asked and "de Cahors à Gourdon le même jour" in asked
    assert marie.buttons() == [
        "➡️ Pas de retour",
        "🕔 Retour à une heure",
        "🤷 Je ne sais pas encore",
    ]

    mark = marie.mark()
    await words.say("bof")  # not understood: said, and asked again with its buttons
    assert "Je n'ai pas compris « bof »" in marie.texts_since(mark)[0]
    assert reads(bot, "button.back_at") in marie.buttons()
    await words.say("8h")  # before the way there: refused, the time asked again
    assert "Le retour à 8h00 serait avant l'aller (9h00)" in "\n".join(marie.texts_since(mark))
    assert "À quelle heure voulez-vous repartir de Cahors ?" in marie.last().text
    await words.say("vers 17h")
    assert "↩️ Retour vers 17h00." in marie.texts_since(mark)
    print("\n--- Marie, step by step ---\n" + words.text())
    await marie.press_doing(kb.FIND, "purpose:health")
    await marie.press_doing(kb.FIND, "special:none")
    assert "↩️ retour vers 17h00" in marie.last().text

    # Corrected from the summary, in words each time.
    for typed, shown in (
        ("pas de retour", "➡️ aller simple"),
        ("je ne sais pas", "↩️ retour : heure pas encore connue"),
        ("retour vers 16h30", "↩️ retour vers 16h30"),
    ):
        await marie.press_doing(kb.FIND, "edit:return")
        assert "Et le retour ?" in marie.last().text
        await marie.send(typed)
        assert shown in marie.last().text, typed
    # And with the buttons: "at a time" asks the time.
    await marie.press_doing(kb.FIND, "edit:return")
    await marie.press_doing(kb.FIND, "back:at")
    assert "À quelle heure voulez-vous repartir de Cahors ?" in marie.last().text
    await marie.send("18h")
    assert "↩️ retour vers 18h00" in marie.last().text
    await marie.press_doing(kb.FIND, "confirm")
    [need] = await bot.rows("SELECT way_back, back_at FROM needs")
    assert need == {"way_back": "at", "back_at": "18:00"}


async def test_nobody_for_the_way_back_the_team_looks_and_its_post_carries_both_legs(
    bot: RunningBot,
) -> None:
    paul = await paul_goes_only(bot)
    marie = bot.fake.user(401, "Marie", last_name="Delpech", username="marie_d")
    await marie.send("de Gourdon à Cahors demain avant 9h, retour vers 17h")
    await agree_if_asked(marie)
    await marie.press_doing(kb.FIND, "purpose:health")
    await marie.press_doing(kb.FIND, "special:none")
    await marie.press_doing(kb.FIND, "confirm")
    found = marie.last().text
    assert "Paul B." in found and reads(bot, "back.candidate_one_way") in found
    assert "↩️ Pour le retour vers 17h00, personne pour l'instant : l'équipe cherche" in found
    [post] = bot.operators.messages()
    assert "📍 Gourdon (46) → Cahors (46)" in post.text
    assert "arrivée avant 9h00 · ↩️ retour vers 17h00" in post.text
    assert "personne pour le retour : à trouver" in post.text
    print("\n--- the team's post, as posted ---\n" + transcript(bot.operators))

    await marie.press_doing(kb.NEED, "ask", naming="Paul B.")
    request = paul.last().text
    assert reads(bot, "back.ride_one_way_driver") in request
    await paul.press_doing(kb.INTRO, "yes")
    await bot.later(hours=9)
    reminder = next(t for t in reversed(marie.texts_since(0)) if "Rappel" in t)
    assert "↩️ Retour vers 17h00 : l'équipe vous cherche un conducteur." in reminder
    print("\n--- the team ---\n" + transcript(bot.operators))


async def test_i_dont_know_yet_is_kept_and_shown_to_the_team(bot: RunningBot) -> None:
    jean = await jean_goes_and_comes_back(bot)
    marie = bot.fake.user(401, "Marie", last_name="Delpech", username="marie_d")
    await marie.command("chercher")
    await agree_if_asked(marie)
    await marie.send("Gourdon")
    await marie.send("Cahors")
    await marie.send("demain avant 9h")
    mark = marie.mark()
    await marie.send("je ne sais pas encore")
    assert reads(bot, "find.back_set_unknown") in marie.texts_since(mark)
    await marie.press_doing(kb.FIND, "purpose:health")
    await marie.press_doing(kb.FIND, "special:none")
    assert reads(bot, "back.unknown") in marie.last().text
    await marie.press_doing(kb.FIND, "confirm")
    [need] = await bot.rows("SELECT way_back, back_at FROM needs")
    assert need == {"way_back": "unknown", "back_at": None}
    found = marie.last().text
    assert "Jean M." in found
    assert "l'équipe est prévenue : dites-lui l'heure dès que vous la connaissez" in found
    [post] = bot.operators.messages()
    assert reads(bot, "back.unknown") in post.text
    assert "la personne ne connaît pas encore l'heure" in post.text

    await marie.press_doing(kb.NEED, "ask", naming="Jean M.")
    assert "➡️ L'aller seulement" in jean.last().text
    await jean.press_doing(kb.INTRO, "yes")
    await bot.later(hours=9)
    reminder = next(t for t in reversed(marie.texts_since(0)) if "Rappel" in t)
    assert reads(bot, "back.ride_unknown") in reminder


async def test_by_sms_the_way_back_is_a_numbered_choice_and_reads_words(
    texting: TextingBot,
) -> None:
    bot = texting
    jean = await jean_goes_and_comes_back(bot)
    lines: list[str] = []

    async def text(words: str) -> list[str]:
        got = await bot.text(MARIE, words)
        lines.extend([f"Marie > {words}", *(f"  < {text}" for text in got)])
        return got

    await welcome(bot, MARIE, "cahors demain 9h", "marie dupont")
    await text("Gourdon")
    asked = (await text("2"))[-1]
    assert "Et le retour, le meme jour ?" in asked
    assert "1 Pas de retour\n2 Retour à une heure\n3 Je ne sais pas encore" in asked
    assert asked.endswith("Répondez 1, 2 ou 3") and segments(asked) == 1
    assert_fit_for_a_simple_phone(asked)
    assert reads(bot, "sms.find.ask_back_time") in (await text("2"))[-1]
    assert "retour vers 17h00" in (await text("vers 17h"))[-1]
    [offered] = await text("oui")
    assert "Jean M., mardi 24 novembre vers 8h00, retour vers 17h00" in offered
    await text("oui")
    assert "Retour aussi : prise en charge vers 17h00 à Cahors" in jean.last().text
    await jean.press_doing(kb.INTRO, "yes")
    [told] = bot.inbox(MARIE)
    lines.append(f"  < {told}")
    assert told.endswith("\nRetour aussi : vers 17h00, de Cahors à Gourdon.")
    print("\n--- Marie by SMS ---\n" + "\n".join(lines))
