"""The first text from a number Mobilot does not know yet (a simple phone): the person agrees
to what is kept and shown, in one short question, then gives their name; what they texted
first ("cahors demain 9h") is then taken as if sent now, nothing lost.

A person on Telegram agrees inside each conversation, with its buttons; by SMS every question
costs a text, so one agreement covers the channel (their number kept, and given to the driver
or passenger who accepts them) and their needs."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

from bot.conversations.engine import Flow, On, Turn
from bot.conversations.model import Press, Question, Text, Words
from bot.conversations.volunteer import says_volunteering
from bot.domain import MAX_NAME_LENGTH
from bot.services import consents as topics
from bot.services.consents import ConsentService
from bot.services.people import PeopleService
from bot.services.places import PlaceService
from bot.understand import read_yes_no, says_offering

AGREE, NAME = "agree", "name"


class WelcomeDraft(BaseModel):
    # What they texted first, taken once they agreed and gave their name.
    first_words: str = ""


Welcome = Turn[WelcomeDraft]


class WelcomeFlow(Flow[WelcomeDraft]):
    name = "welcome"
    draft_type = WelcomeDraft
    button_steps = frozenset({AGREE})

    def __init__(
        self,
        places: PlaceService,
        territory_departments: Sequence[str],
        people: PeopleService,
        consents: ConsentService,
    ) -> None:
        super().__init__(places, territory_departments)
        self.people, self.consents = people, consents
        self.steps[AGREE] = On(press={"agree": self.on_agree}, words=self.on_agree_words)
        self.steps[NAME] = On(words=self.on_name)

    async def begin(self, turn: Welcome) -> None:
        turn.draft = WelcomeDraft()
        turn.ask(AGREE)

    async def begin_with(self, turn: Welcome, opening: Words) -> None:
        turn.draft = WelcomeDraft(first_words=opening.text)
        turn.ask(AGREE)

    def question(self, turn: Welcome, step: str) -> Question:
        if step == NAME:
            return Question(Text("sms.welcome_ask_name"))
        # "Bonjour, ici Mobilot": on a territory's own number, its name (said by the adapter
        # in the name Texted.service gives: bot/services/texting.py).
        driving = _driving(turn.draft.first_words)
        key = "sms.welcome_agree_driver" if driving else "sms.welcome_agree"
        return Question(Text(key), self.yes_no("agree"))

    async def on_agree_words(self, turn: Welcome, answer: Words) -> None:
        said = read_yes_no(answer.text)
        if said is None:
            self.not_understood(turn, answer.text)
            return
        await self.on_agree(turn, Press(f"agree:{'yes' if said else 'no'}"))

    async def on_agree(self, turn: Welcome, answer: Press) -> None:
        if answer.argument != "yes":
            turn.say("sms.welcome_refused")
            turn.end()
            return
        # What they agreed to: their needs, or their trips when they came to drive.
        driving = _driving(turn.draft.first_words)
        person = await self.consents.give(turn.person, topics.TRIP if driving else topics.NEED)
        person = await self.people.reach_by_sms(person)
        turn.person = await self.people.accept_privacy(person)
        if turn.person.display_name.strip():
            self.welcomed(turn)
            return
        turn.ask(NAME)

    async def on_name(self, turn: Welcome, answer: Words) -> None:
        name = " ".join(answer.text.split())
        if not 2 <= len(name) <= MAX_NAME_LENGTH or read_yes_no(name, strict=True) is not None:
            turn.say("sms.welcome_name_invalid")
            turn.ask(NAME)
            return
        if any(character.isdigit() for character in name):
            turn.say("behalf.name_without_number")
            turn.ask(NAME)
            return
        turn.person = await self.people.set_name(
            turn.person, name.title() if name.islower() else name
        )
        self.welcomed(turn)

    def welcomed(self, turn: Welcome) -> None:
        turn.say("sms.welcome_done", name=turn.person.display_name.split()[0])
        turn.reply.then = Words(turn.draft.first_words) if turn.draft.first_words else None
        turn.end()

    def cancel(self, turn: Welcome) -> None:
        turn.say("sms.welcome_refused")
        turn.end()


def _driving(first_words: str) -> bool:
    """They came to drive: to offer a trip, or as a volunteer driver of the association."""
    return says_offering(first_words) or says_volunteering(first_words)
