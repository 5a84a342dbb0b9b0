"""Texts (SMS): the team hears about people reached by text; a person, that texts reach them."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain import Person
from bot.notices.base import NoticeValues


@dataclass(frozen=True, eq=False)
class AboutTexter(NoticeValues):
    """The team, about someone reached by SMS (and the text at stake, if any)."""

    person: Person
    text: str = ""


@dataclass(frozen=True, eq=False)
class SmsStoppedTeam(AboutTexter):
    """Someone texted STOP: no more texts; the team may phone them."""

    key = "operators.sms_stopped"


@dataclass(frozen=True, eq=False)
class SmsStoppedMessage(AboutTexter):
    """A notice for someone who texted STOP: the team says it by phone, if it matters."""

    key = "operators.sms_stopped_message"


@dataclass(frozen=True, eq=False)
class SmsThroughTeam(AboutTexter):
    """A text the month's budget cannot pay for: the team passes it on by phone."""

    key = "operators.sms_over_budget"


@dataclass(frozen=True, eq=False)
class SmsUndelivered(AboutTexter):
    """The gateway says a text never reached the phone: the team phones instead."""

    key = "operators.sms_undelivered"


@dataclass(frozen=True, eq=False)
class SmsTeamAgreed(NoticeValues):
    """To someone the team registered: texts reach them from now on, as they told the team
    (STOP to stop them)."""

    key = "smsteam.person_agreed"
