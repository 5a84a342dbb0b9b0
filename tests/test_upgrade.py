"""A database made before issue 20 (conversations on python-telegram-bot's ConversationHandler),
opened by the code of today: how many old buttons and conversations in progress still work.

tests/data/before_conversations/ was made by scripts/make_upgrade_fixture.py, run with the code
before the change (commit 72d2d3f): people left in the middle of every conversation, people
holding buttons of finished things; people.json says what each saw and would do next. Here the
new bot starts on a copy of that database, the fake Bot API is given back the messages people
still have in their chats, and each person goes on. Every outcome is one of:

- "continues": the conversation goes on at the same step with the same draft;
- "kindly": an old-button answer, or a clear message saying where to start again;
- "broken": silence, the generic apology, an exception, or a question of another step.

`python -m pytest tests/test_upgrade.py -s` (or scripts/upgrade_check.py) prints the counts.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.places.gazetteer import Gazetteer
from i18n import Translator
from tests.conftest import DATA, START, RunningBot
from tests.fakebot import ChatView, FakeBotAPI, FakeGroup, FakeUser, SentMessage

FIXTURE = DATA / "before_conversations"
FUNDER = -1009876543210

# What each conversation in progress before the upgrade does after it, as the code stands.
# Change a line when a conversation moves onto the engine (its draft migrated: "continues";
# dropped with a word to the person: "kindly"). Keys: people.json's "conversation".
EXPECTED: dict[str, str] = {
    "offer": "continues",  # /proposer: migrated by 0016
    "offer_for": "continues",  # /conducteur: migrated by 0016
    "find": "continues",  # /chercher: still python-telegram-bot's (0017 to come)
    "find_for": "continues",  # /demande: still python-telegram-bot's (0017 to come)
    "aids": "continues",  # /aides: still python-telegram-bot's (0018 to come)
    "apply": "continues",  # applying for an aid: still python-telegram-bot's
    "report": "kindly",  # /signaler: drafts dropped, the old buttons say so
    "forget": "continues",  # /oublier's confirmation: stateless buttons
}

t = Translator("fr")
APOLOGY = t("fr", "common.error")
# Kind answers to a button that no longer acts: it is old, it answers an earlier question (the
# current one follows), or another conversation is open (answer it or /annuler).
KIND = [
    t("fr", key).split("{")[0].split(":")[0]
    for key in (
        "common.old_button",
        "common.button_other_step",
        "offer.busy",
        "find.busy",
        "behalf_need.busy",
        "behalf_driver.busy",
    )
    if t.has(key)
]
# The command that starts each conversation again: a person whose draft could not be carried
# must be told it (in a message that names it).
RESTART = {
    "offer": "/proposer", "offer_for": "/conducteur", "find": "/chercher",
    "find_for": "/demande", "aids": "/aides", "apply": "/aides", "report": "/signaler",
    "forget": "/oublier",
}  # fmt: skip


@dataclass
class Outcome:
    who: str
    what: str  # a conversation, or "button <data>"
    verdict: str  # continues / acting / kindly / broken
    said: list[str] = field(default_factory=list)


def fixture() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FIXTURE / "people.json").read_text())
    return loaded


def restore(fake: FakeBotAPI, chat_id: int, messages: list[dict[str, Any]]) -> None:
    """Gives the fake Bot API back the messages a chat still shows (as Telegram keeps them)."""
    chat = fake._chat(chat_id)
    for m in messages:
        chat.next_message_id = m["message_id"]
        params = {"reply_markup": m["reply_markup"], "parse_mode": m["parse_mode"]}
        fake._store_message(chat, params, m["text"], [], m["raw_text"])


class Seen:
    """What a chat shows from now on: new messages, edits, pop-ups."""

    def __init__(self, chat: ChatView, user: FakeUser | None) -> None:
        self.chat, self.user = chat, user
        self.mark = chat.mark()
        self.before = {m.message_id: (m.text, m.buttons) for m in chat.messages()}
        self.answers = len(user.callback_answers()) if user else 0
        fake = chat.fake
        self.troubles = (len(fake.errors), len(fake.exceptions))

    def troubled(self) -> bool:
        """Telegram refused something, or a handler raised, since."""
        fake = self.chat.fake
        return (len(fake.errors), len(fake.exceptions)) != self.troubles

    def said(self) -> list[str]:
        new = self.chat.texts_since(self.mark)
        edited = [
            m.text or "(buttons changed)"
            for m in self.chat.messages()
            if m.message_id in self.before and self.before[m.message_id] != (m.text, m.buttons)
        ]
        popups = (
            [str(a.get("text")) for a in self.user.callback_answers()[self.answers :]]
            if self.user
            else []
        )
        return [s for s in popups + edited + new if s and s != "None"]


def verdict(seen: Seen, said: list[str], expect: str, restart: str = "") -> str:
    if seen.troubled() or not said:
        return "broken"
    if any(APOLOGY in s for s in said):
        return "broken"
    if any(s.startswith(kind) for s in said for kind in KIND):
        return "kindly"
    if expect and not any(expect in s for s in said):
        return "kindly" if restart and any(restart in s for s in said) else "broken"
    return "continues"


def holder(chat_messages: list[dict[str, Any]], data: str) -> int:
    return next(
        m["message_id"]
        for m in reversed(chat_messages)
        if any(b["data"] == data for b in m["buttons"])
    )


def message(chat: ChatView, message_id: int) -> SentMessage:
    return next(m for m in chat.messages() if m.message_id == message_id)


async def go_on(user: FakeUser, person: dict[str, Any]) -> Outcome:
    seen = Seen(user, user)
    for step in person["next"]:
        if "press" in step:
            held = holder(person["messages"], step["press"])
            await user.press_data(step["press"], message=message(user, held))
        else:
            await user.send(step["type"])
    said = seen.said()
    result = verdict(seen, said, person["expect"], RESTART[person["conversation"]])
    if result == "continues" and person.get("summary_has"):
        for step in person.get("summary_after", []):
            if "press_label" in step:
                await user.press(step["press_label"])
            else:
                await user.send(step["type"])
        # The summary (with, for the team, the person's line just above it).
        summary = "\n".join(m.text for m in user.messages()[-2:])
        if not all(part in summary for part in person["summary_has"]):
            result = "broken"
        said.append(summary)
    return Outcome(str(person["first_name"]), person["conversation"], result, said)


async def press_old(
    chat: FakeUser | FakeGroup, user: FakeUser, message_id: int, data: str
) -> Outcome:
    seen = Seen(chat, user)
    if isinstance(chat, FakeUser):
        await chat.press_data(data, message=message(chat, message_id))
    else:
        await chat.press_data(user, data, message=message(chat, message_id))
    said = seen.said()
    result = verdict(seen, said, "")
    return Outcome(
        user.first_name, f"button {data}", "acting" if result == "continues" else result, said
    )


async def replay(tmp_path: Path, gazetteer: Gazetteer) -> list[Outcome]:
    made = fixture()
    bot = RunningBot(
        tmp_path, gazetteer, aids_file=DATA / "aids.csv", funders_file=DATA / "funders.csv"
    )
    assert bot.clock.current.isoformat() == made["start"]  # the fixture's dates lie ahead
    shutil.copy(FIXTURE / "mobilot.sqlite3", bot.settings.database_path)
    bot.fake._next_update_id = made["next_update_id"]  # Telegram's ids only grow
    funder = bot.fake.group(FUNDER, "Département du Lot : aides")
    users: dict[int, FakeUser] = {}
    for person in made["people"]:
        user = bot.fake.user(
            person["user_id"],
            person["first_name"],
            last_name=person["last_name"],
            username=person["username"],
        )
        user.started = True
        users[user.id] = user
        restore(bot.fake, user.id, person["messages"])
    for chat_id, members in made["memberships"].items():
        for user_id, status in members.items():
            bot.fake.set_member(int(chat_id), int(user_id), status)
    groups = {g["chat_id"]: g for g in made["groups"]}
    for chat_id, group in groups.items():
        restore(bot.fake, chat_id, group["messages"])
    await bot.start()
    outcomes: list[Outcome] = []
    try:
        # The people in the middle of a conversation go on first, each as they would.
        for person in made["people"]:
            if person["role"] == "in_progress":
                outcomes.append(await go_on(users[person["user_id"]], person))
        # Then every other button still in the chats (finished things, earlier questions):
        # each pressed once.
        for person in made["people"]:
            user = users[person["user_id"]]
            done = {step.get("press") for step in person["next"]}
            for m in person["messages"]:
                for button in m["buttons"]:
                    if button["data"] in done or button["data"].startswith("pv:forget:yes"):
                        continue  # pressed already; not "forget me" for real
                    outcomes.append(await press_old(user, user, m["message_id"], button["data"]))
            # And the team's posts, pressed by an operator.
        for group in made["groups"]:
            chat = bot.operators if group["chat_id"] == bot.operators.chat_id else funder
            omar = users[402]
            for m in group["messages"]:
                for button in m["buttons"]:
                    outcomes.append(await press_old(chat, omar, m["message_id"], button["data"]))
            troubles = [str(e) for e in bot.fake.errors] + [repr(e) for e in bot.fake.exceptions]
        if troubles:  # each made its step "broken" already; here what they were
            outcomes.append(Outcome("the bot", "errors", "broken", troubles))
    finally:
        await bot.stop()
    return outcomes


def counts(outcomes: list[Outcome]) -> dict[str, int]:
    buttons = [o for o in outcomes if o.what.startswith("button ")]
    talks = [o for o in outcomes if not o.what.startswith("button ") and o.what != "errors"]
    return {
        "old buttons pressed": len(buttons),
        "still acting": sum(o.verdict == "acting" for o in buttons),
        "answered kindly": sum(o.verdict == "kindly" for o in buttons),
        "conversations in progress": len(talks),
        "continued": sum(o.verdict == "continues" for o in talks),
        "told to start again": sum(o.verdict == "kindly" for o in talks),
        "broken": sum(o.verdict == "broken" for o in outcomes),
    }


def report(outcomes: list[Outcome]) -> str:
    lines = [
        f"{o.verdict:>9}  {o.who:<8} {o.what}  → {' | '.join(o.said)[:110]!r}" for o in outcomes
    ]
    c = counts(outcomes)
    lines.append(
        f"Old buttons pressed: {c['old buttons pressed']}, still acting: {c['still acting']},"
        f" answered kindly: {c['answered kindly']}."
    )
    lines.append(
        f"Conversations in progress: {c['conversations in progress']}, continued:"
        f" {c['continued']}, told to start again: {c['told to start again']}."
    )
    lines.append(f"Broken: {c['broken']}.")
    return "\n".join(lines)


@pytest.mark.sqlite_only(
    reason="it seeds a SQLite file of an older schema; PostgreSQL support starts after it"
)
async def test_a_database_from_before_the_conversations_moved(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    outcomes = await replay(tmp_path, gazetteer)
    print("\n" + report(outcomes))
    assert [o for o in outcomes if o.verdict == "broken"] == []
    talks = {o.what: o.verdict for o in outcomes if not o.what.startswith("button ")}
    assert set(talks) == set(EXPECTED)
    for person in fixture()["people"]:
        if person["role"] == "in_progress":
            outcome = next(o for o in outcomes if o.who == person["first_name"])
            assert outcome.verdict == EXPECTED[person["conversation"]], outcome
    assert START.isoformat() == fixture()["clock_at_the_end"]
