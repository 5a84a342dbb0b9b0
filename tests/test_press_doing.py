"""The tests' way of pressing a button by what it does (tests/fakebot: `press_doing`), so
that they survive a rewording of its label."""

from __future__ import annotations

import pytest

from handlers import keyboards as kb
from tests.conftest import RunningBot
from tests.fakebot import EXACT, LEADING, does
from tests.setups import describe_need, driver


def test_what_a_button_does_is_its_data_without_subject_nor_nonce() -> None:
    assert does("in:12:yes", kb.INTRO, "yes") == EXACT
    assert does("in:12:yes", kb.INTRO, "yes", subject=12) == EXACT
    assert does("in:12:yes", kb.INTRO, "yes", subject=13) == 0
    assert does("in:12:yes", kb.INTRO, "no") == 0
    assert does("in:12:yes", kb.BOOKING, "yes") == 0  # another kind
    assert does("of:a3f9c1:seats:2", kb.OFFER, "seats:2") == EXACT
    assert does("of:a3f9c1:seats:2", kb.OFFER, "seats:3") == 0
    assert does("op:7:close:solved", kb.OPERATOR, "close") == LEADING
    assert does("op:7:close:solved", kb.OPERATOR, "close:solved", 7) == EXACT
    assert does("pv:forget:yes:7", kb.PRIVACY, "forget:yes") == EXACT
    assert does("st:offer", kb.START, "offer") == EXACT
    assert does("st:offer", kb.START) == EXACT  # any button of the kind
    assert does("not a button", kb.START) == 0


async def test_a_press_by_what_it_does_and_a_clear_failure(bot: RunningBot) -> None:
    await driver(bot, 301, "Jean", username="jean_m")
    await driver(bot, 302, "Paul", username="paul_c", time="7h40")
    marie = bot.fake.user(303, "Marie", last_name="Delpech")
    await describe_need(marie)
    with pytest.raises(AssertionError, match=r"2 buttons of message .* do nd:ask"):
        marie.button_doing(kb.NEED, "ask")  # two drivers: say which
    with pytest.raises(AssertionError, match=r"no bot message .* does in:yes.*Jean M\."):
        marie.button_doing(kb.INTRO, "yes")  # the failure lists the buttons there are
    _, data = marie.button_doing(kb.NEED, "ask", naming="Paul M.")
    assert marie.has_button(kb.NEED, "team") and not marie.has_button(kb.INTRO)
    await marie.press_doing(kb.NEED, "ask", naming="Paul M.")
    [asked] = await bot.rows("SELECT trip_id FROM introductions")
    assert data == f"nd:1:ask:{asked['trip_id']}"
    bot.assert_clean()
