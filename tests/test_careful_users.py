"""End to end: smaller things careful users noticed (issue 23, items 13, 14 and 17)."""

from __future__ import annotations

from tests.conftest import RunningBot
from tests.test_find_flow import describe_need, driver
from tests.test_operators import team


def links(message: object) -> list[str]:
    entities = getattr(message, "entities", None) or []
    return [e["url"] for e in entities if e.get("type") == "text_link"]


# Item 13: someone without a username, as the team sees them.


async def test_the_team_sees_a_name_once_and_a_way_to_write_to_someone_without_a_username(
    bot: RunningBot,
) -> None:
    team(bot)
    lina = bot.fake.user(2330, "Lina", last_name="Vern")  # neither a username nor a phone
    await describe_need(lina, origin="Lacapelle-Marival")  # no driver: the team's post
    post = bot.operators.last()
    assert post.text.count("Lina Vern") == 1, post.text
    assert "👤 Lina Vern · profil Telegram" in post.text
    assert "tg://user?id=2330" in links(post)
    bot.assert_clean()


async def test_a_passenger_without_username_nor_phone_who_blocked_the_bot_can_be_written_to(
    bot: RunningBot,
) -> None:
    team(bot)
    jean = await driver(bot, 2331, "Jean", username="jean_m")
    lina = bot.fake.user(2332, "Lina", last_name="Vern")
    await describe_need(lina)
    await lina.press(lina.buttons()[0])
    lina.blocked = True
    await jean.press("✅ J'accepte")
    call = bot.operators.last()
    assert call.text.startswith("📞 À appeler — demande n° 1")
    assert (
        "Appelez Lina Vern : pas de numéro enregistré ; écrivez-lui sur Telegram : profil Telegram"
        in call.text
    )
    assert "tg://user?id=2332" in links(call)
    bot.take_blocked_errors()
    bot.assert_clean()
