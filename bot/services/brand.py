"""A territory's own SMS number (issue 22, item 1): a text received on it places a newcomer
in that territory and welcomes them in its name; every text to a person goes out from their
territory's number, else from SMS_NUMBER (the gateway's own sender).

A territory's name too: with several territories, a person whose territory is known is
spoken to in its name ("Covoit' Corrèze"), on Telegram and by SMS, wherever a message says
`{service}` (`name_for`; the adapters word it with i18n's `Translator.named`). With one
territory, or for someone whose territory is not known yet, None: the deployment's own words
("Mobilot").

The number a text leaves from is decided when it is written, in the transaction that writes
it, and kept in its outbox row (`from`): the deliverer sends what the row says, reads nothing
at send time, and a text written before a territory got its number still leaves as written.
"""

from __future__ import annotations

from bot.phones import parse_phone
from bot.services.territories import Belonging
from bot.territories import Territories, Territory


def same_number(number: str) -> str:
    """A number as compared and sent: E.164 for a phone ("+33612345678"), else its digits
    (a short code such as 36111)."""
    return parse_phone(number) or "".join(ch for ch in number if ch.isdigit() or ch == "+")


class Brand:
    def __init__(
        self, territories: Territories, belonging: Belonging, shared_number: str = ""
    ) -> None:
        self._belonging = belonging
        self._several = territories.several
        # SMS_NUMBER is everyone's (the single territory's, or a region's shared number): a
        # territory naming it has no number of its own, and texts leave as they always did.
        shared = same_number(shared_number) if shared_number.strip() else None
        self._numbers = {
            same_number(t.sms_number): t
            for t in territories.items
            if t.sms_number.strip() and same_number(t.sms_number) != shared
        }

    @property
    def numbered(self) -> bool:
        """Some territory has its own number (without, nothing here is ever asked)."""
        return bool(self._numbers)

    @property
    def named(self) -> bool:
        """Some person may be spoken to in their territory's name (several territories)."""
        return self._several

    async def name_for(self, person_id: int) -> str | None:
        """The name the person's service goes by: their territory's, when there are several
        and theirs is known; else None (the deployment's own words)."""
        if not self._several:
            return None
        theirs = await self._belonging.known_of_person(person_id)
        return theirs.name if theirs is not None else None

    def of_number(self, number: str) -> Territory | None:
        """The territory whose own number this is (what a text was sent to)."""
        if not self._numbers or not number.strip():
            return None
        return self._numbers.get(same_number(number))

    async def received_on(self, person_id: int, number: str) -> None:
        """A text from the person came to `number`: a territory's own number places them in
        that territory unless they already belong somewhere (whose name the welcome then
        says: `name_for`)."""
        territory = self.of_number(number)
        if territory is not None:
            await self._belonging.settle(person_id, territory.id)

    async def sender_of(self, person_id: int) -> str | None:
        """The number a text to the person leaves from: their territory's own, else None
        (the gateway's SMS_NUMBER)."""
        if not self._numbers:
            return None
        theirs = await self._belonging.of_person(person_id)
        return same_number(theirs.sms_number) if self._own(theirs) else None

    def _own(self, territory: Territory) -> bool:
        return any(t.id == territory.id for t in self._numbers.values())
