"""The caller's steps, when the team speaks for someone who phoned (/conducteur, /demande):
their name, their phone, whether it may be shown, and the operator's word that they agreed.
The same conversation as the person's own then goes on, speaking of "la personne"."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from bot.conversations.engine import D, Flow, Handler, On, Turn, echo
from bot.conversations.model import Option, Phone, Press, Question, Text, Words
from bot.domain import Caller
from bot.understand import read_yes_no

NAME, PHONE_NUMBER, SHOWS_PHONE, AGREED = (
    "caller_name",
    "caller_phone",
    "caller_shows_phone",
    "caller_agreed",
)

# The questions that speak of "la personne" rather than "vous" (i18n.Voiced), by conversation.
SPOKEN_FOR_THE_CALLER = {
    "behalf_need": (
        "behalf_need.date_in_past", "behalf_need.ask_mode", "behalf_need.ask_time_leave_after",
        "behalf_need.ask_time_arrive_before", "behalf_need.ask_special", "behalf_need.summary",
        "behalf_need.same_place", "behalf_need.before_or_after",
    ),
    "behalf_driver": (
        "behalf_driver.ask_days", "behalf_driver.ask_time", "behalf_driver.departure_after_return",
        "behalf_driver.ask_return", "behalf_driver.return_before_departure",
        "behalf_driver.ask_seats", "behalf_driver.summary", "behalf_driver.same_place",
        "behalf_driver.ask_how_often", "behalf_driver.date_in_past",
        "behalf_driver.departure_passed",
    ),
}  # fmt: skip


def caller_steps(first: str) -> dict[str, str]:
    """The caller's questions in order, then `first`, the conversation's own first step."""
    return {NAME: PHONE_NUMBER, PHONE_NUMBER: SHOWS_PHONE, SHOWS_PHONE: AGREED, AGREED: first}


class CallerSteps(Flow[D]):
    """A flow that may speak for a caller: the caller's steps, asked first."""

    def caller_handlers(self) -> dict[str, On]:
        yes_no = self.read_yes_no_as
        return {
            NAME: On(words=self.on_caller_name),
            PHONE_NUMBER: On(words=self.on_caller_phone),
            SHOWS_PHONE: On(
                press={"shows": self.on_shows_phone}, words=yes_no("shows", self.on_shows_phone)
            ),
            AGREED: On(press={"agreed": self.on_agreed}, words=yes_no("agreed", self.on_agreed)),
        }

    def read_yes_no_as(self, action: str, handler: Handler) -> Handler:
        """ "oui" / "non" typed for a yes-no question's choices."""

        async def read(turn: Turn[D], answer: Words) -> None:
            said = read_yes_no(answer.text)
            if said is None:
                self.not_understood(turn, answer.text)
                return
            await handler(turn, Press(f"{action}:{'yes' if said else 'no'}"))

        return read

    def caller_of(self, turn: Turn[D]) -> Caller:
        return Caller(**turn.state.caller)

    def caller_question(self, turn: Turn[D], step: str) -> Question:
        caller = turn.state.caller
        if step == NAME:
            return Question(Text("behalf.ask_name"))
        if step == PHONE_NUMBER:
            return Question(Text("behalf.ask_phone", {"name": caller.get("name", "")}))
        if step == SHOWS_PHONE:
            phone = Phone(caller.get("phone", ""))
            return Question(
                Text("behalf.ask_phone_visible", {"phone": phone}), self.yes_no("shows")
            )
        if step == AGREED:
            return Question(
                Text("privacy.ask_caller_agreed", {"name": caller.get("name", "")}),
                (
                    (Option("agreed:yes", Text("privacy.button_caller_agreed")),),
                    (Option("agreed:no", Text("privacy.button_caller_refused")),),
                ),
            )
        raise ValueError(f"no step {step!r} in {self.name}")

    def caller_line(self, turn: Turn[D]) -> Text:
        """Who the need or the trip is for, as the summary shows it."""
        caller = self.caller_of(turn)
        key = "behalf.caller_shown" if caller.phone_visible else "behalf.caller_hidden"
        return Text(key, {"name": caller.name, "phone": Phone(caller.phone)})

    async def on_caller_name(self, turn: Turn[D], answer: Words) -> None:
        if take_caller_name(turn, answer):
            self.advance(turn, NAME)

    async def on_caller_phone(self, turn: Turn[D], answer: Words) -> None:
        if take_caller_phone(turn, answer):
            self.advance(turn, PHONE_NUMBER)

    async def on_shows_phone(self, turn: Turn[D], answer: Press) -> None:
        turn.drop()
        turn.state.caller = {**turn.state.caller, "phone_visible": answer.argument == "yes"}
        self.advance(turn, SHOWS_PHONE)

    async def on_agreed(self, turn: Turn[D], answer: Press) -> None:
        turn.drop()
        if answer.argument != "yes":
            turn.say("privacy.caller_refused")
            turn.end()
            return
        turn.state.caller = {**turn.state.caller, "agreed": True}
        self.advance(turn, AGREED)


def take_caller_name(turn: Turn[Any], answer: Words) -> bool:
    """The caller's name as the team types it, kept in the conversation; False (and why
    said) when it will not do."""
    name = " ".join(answer.text.split())
    if not 2 <= len(name) <= 80:
        turn.say("behalf.name_invalid")
        return False
    if any(character.isdigit() for character in name):
        # A phone or an address typed with the name would travel with it everywhere the
        # name is shown (the team's posts, the digest), whatever the person agreed to.
        turn.say("behalf.name_without_number")
        return False
    turn.state.caller = {**turn.state.caller, "name": name}
    return True


def take_caller_phone(turn: Turn[Any], answer: Words) -> bool:
    """The caller's phone (E.164), kept in the conversation; False (and why said) when it
    is not a phone number."""
    try:
        caller = Caller(name=turn.state.caller.get("name", "??"), phone=answer.text)
    except ValidationError:
        turn.say("behalf.phone_invalid", text=echo(answer.text))
        return False
    turn.state.caller = {**turn.state.caller, "phone": caller.phone}
    return True
