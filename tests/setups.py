"""Set-ups many end-to-end tests share: the team, a driver with a registered trip, a
passenger's need. The fixtures are in tests/conftest.py; these are plain functions."""

from __future__ import annotations

from handlers import keyboards as kb
from tests.conftest import OPERATORS, RunningBot
from tests.fakebot import FakeGroup, FakeUser, parse_html

# Two territories in one deployment (issue 22): the Lot, whose team is the operators' group,
# and Corrèze with its own group.
CORREZE = -1009876543210
LOT_NAME, CORREZE_NAME = "Lotocar", "Covoit' Corrèze"


def two_territories(*, lot: str = "", correze: str = "") -> str:
    """TERRITORIES_FILE's text for the Lot (46) and Corrèze (19); `lot` and `correze` add a
    line to each (its own `sms_number = "…"`, `bot_token = "…"`)."""

    def territory(slug: str, name: str, department: str, team: int, more: str) -> str:
        lines = [
            "[[territory]]",
            f'id = "{slug}"',
            f'name = "{name}"',
            f'departments = ["{department}"]',
            f"team_chat_id = {team}",
        ]
        return "\n".join(lines + ([more] if more else [])) + "\n"

    return "\n" + "\n".join(
        (
            territory("lot", LOT_NAME, "46", OPERATORS, lot),
            territory("correze", CORREZE_NAME, "19", CORREZE, correze),
        )
    )


def two_teams(bot: RunningBot) -> tuple[FakeGroup, FakeUser, FakeGroup, FakeUser]:
    """The Lot's group (the operators') with Olga, Corrèze's with Cora."""
    lot = bot.operators
    correze = bot.fake.group(CORREZE, "Équipe Corrèze")
    olga = bot.fake.user(4001, "Olga", last_name="Bru")
    cora = bot.fake.user(4002, "Cora", last_name="Vidal")
    bot.fake.set_member(OPERATORS, olga.id, "member")
    bot.fake.set_member(CORREZE, cora.id, "member")
    return lot, olga, correze, cora


def team(bot: RunningBot) -> tuple[FakeUser, FakeUser, FakeUser]:
    """Olga (an administrator of the operators' group), Omar (a member) and Nadia (who left
    it)."""
    olga = bot.fake.user(401, "Olga", last_name="Bru")
    omar = bot.fake.user(402, "Omar", last_name="Said")
    nadia = bot.fake.user(403, "Nadia")  # not (or no longer) in the operators' group
    bot.fake.set_member(OPERATORS, olga.id, "administrator")
    bot.fake.set_member(OPERATORS, omar.id, "member")
    bot.fake.set_member(OPERATORS, nadia.id, "left")
    return olga, omar, nadia


async def register_trip(
    user: FakeUser, origin: str = "Cahors", destination: str = "Figeac", time: str = "7h30"
) -> None:
    """The shortest way through /proposer, for tests about what comes after."""
    await user.command("proposer")
    if user.has_button(kb.OFFER, "consent:yes"):
        await user.press_doing(kb.OFFER, "consent:yes")
    await user.send(origin)
    await user.send(destination)
    await user.press_doing(kb.OFFER, "often:weekly")
    await user.press_doing(kb.OFFER, "days:work")
    await user.press_doing(kb.OFFER, "days:ok")
    await user.send(time)
    await user.press_doing(kb.OFFER, "noreturn")
    await user.press_doing(kb.OFFER, "seats:3")
    await user.press_doing(kb.OFFER, "skipnote")
    await user.press_doing(kb.OFFER, "contact:tg")
    await user.press_doing(kb.OFFER, "confirm")
    assert "Trajet enregistré" in user.last().text


async def driver(
    bot: RunningBot,
    user_id: int,
    name: str,
    username: str | None = None,
    origin: str = "Cahors",
    destination: str = "Figeac",
    time: str = "7h30",
    language: str = "fr",
) -> FakeUser:
    user = bot.fake.user(
        user_id, name, last_name="Martin", username=username, language_code=language
    )
    await register_trip(user, origin, destination, time)
    return user


async def agree_if_asked(user: FakeUser) -> None:
    """The consent asked before a first need or trip (or a new version of its text)."""
    for kind in (kb.FIND, kb.OFFER):
        if user.messages() and user.has_button(kind, "consent:yes"):
            await user.press_doing(kind, "consent:yes", message=user.last())
            return


async def describe_need(
    user: FakeUser,
    origin: str = "Cahors",
    destination: str = "Figeac",
    when: str = "mardi",
    mode: str = "arrive_before",
    time: str | None = "9h",
    purpose: str = "health",
) -> None:
    await user.command("chercher")
    await agree_if_asked(user)
    await user.send(origin)
    await user.send(destination)
    await user.send(when)
    await user.press_doing(kb.FIND, f"mode:{mode}")
    if time is not None:
        await user.send(time)
    await user.press_doing(kb.FIND, "back:none")
    await user.press_doing(kb.FIND, f"purpose:{purpose}")
    if "un médecin l'a prescrit" in user.last().text:  # where volunteers drive (issue 24)
        await user.press_doing(kb.FIND, "prescribed:no")
    await user.press_doing(kb.FIND, "special:none")
    await user.press_doing(kb.FIND, "confirm")


def reads(bot: RunningBot, key: str, lang: str = "fr", **values: object) -> str:
    """What a person reads for the message `key` with `values`, its HTML made plain: a test
    that looks for it checks which message the bot chose, and survives a rewording."""
    text, _ = parse_html(bot.app.deps.t(lang, key, **values))
    return text
