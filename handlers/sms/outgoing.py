"""Texts into the outbox: each one folded to the GSM alphabet, its segments counted, and
what happens if it never reaches the phone decided before it leaves.

A text is written in the transaction of the update, text or agenda entry that causes it,
like a Telegram message (handlers/outbox_bot.py), and sent by the deliverer through the
gateway (handlers/sms/sending.py). One the month's budget cannot pay for is not written: the
caller tells the team instead (`False`). Each keeps whose budget it counts against: the
territory of the person it goes to (bot/services/texts.py)."""

from __future__ import annotations

from bot.delivery import SMS, SMS_LANES, Outgoing, Step, WordedMessage, sms_lane
from bot.domain import Person
from bot.services.brand import Brand
from bot.services.delivery import DeliveryService
from bot.services.texts import TextService
from handlers.sms.text import fold, segments

# The longest text sent: a concatenated message of 4 segments; more is never worth its cost
# to someone reading on a small screen.
MOST_SEGMENTS = 4
MOST_CHARACTERS = 153 * MOST_SEGMENTS


def cut(text: str) -> str:
    """At most `MOST_SEGMENTS`, cut at a line or a word."""
    text = fold(text).strip()
    if segments(text) <= MOST_SEGMENTS:
        return text
    kept = text[: MOST_CHARACTERS - 3]
    for separator in ("\n", " "):
        if separator in kept[MOST_CHARACTERS // 2 :]:
            kept = kept[: kept.rindex(separator)]
            break
    while segments(kept + "...") > MOST_SEGMENTS:
        kept = kept[:-10]
    return kept.rstrip() + "..."


class TextWriter:
    def __init__(
        self, delivery: DeliveryService, texts: TextService, brand: Brand | None = None
    ) -> None:
        self._delivery = delivery
        self._texts = texts
        # Which number each text leaves from, when a territory has its own (bot/services/brand.py).
        self._brand = brand

    async def _params(self, person_id: int, to: str, text: str) -> dict[str, object]:
        """What the gateway is asked: the number it leaves from is kept in the row (`from`)
        only when the person's territory has its own; else the gateway's SMS_NUMBER."""
        params: dict[str, object] = {"to": to, "text": text}
        if self._brand is not None and self._brand.numbered:
            sender = await self._brand.sender_of(person_id)
            if sender is not None:
                params["from"] = sender
        return params

    async def write(
        self,
        person: Person,
        text: str,
        *,
        to: str | None = None,
        if_unreachable: Step | None = None,
        urgent: bool = True,
        topic: str = "message",
        within_budget: bool = True,
    ) -> bool:
        """A text to `person`, at `to` (the number they texted from) or their own; False
        when it cannot go by SMS: no number, or over the month's budget (unless
        `within_budget` is False: a word the person must get, such as STOP's answer)."""
        number = to or person.phone
        if not number:
            return False
        text = cut(text)
        count = segments(text)
        # Whose budget it counts against: their territory's own, or the one it shares.
        territory = await self._texts.paid_by(person.id)
        if within_budget and not await self._texts.affordable(count, territory):
            return False
        await self._delivery.write(
            Outgoing(
                chat_id=sms_lane(person.id),
                method=SMS,
                params=await self._params(person.id, number, text),
                person_id=person.id,
                if_unreachable=if_unreachable,
                urgent=urgent,
                topic=topic,
                segments=count,
                territory=territory,
            )
        )
        return True

    async def write_worded(self, message: WordedMessage) -> None:
        """A text worded earlier (a notice's fall-back), now that a step asks for it."""
        if message.sms_to is None:
            return
        await self._delivery.write(
            Outgoing(
                chat_id=message.chat_id,
                method=SMS,
                params=await self._params(
                    message.chat_id - SMS_LANES, message.sms_to, message.text
                ),
                person_id=message.chat_id - SMS_LANES,
                segments=segments(message.text),
                territory=await self._texts.paid_by(message.chat_id - SMS_LANES),
            )
        )


def texted(person: Person, text: str) -> WordedMessage:
    """A text worded now, sent only if a step asks for it (a notice's fall-back)."""
    return WordedMessage(sms_lane(person.id), cut(text), None, sms_to=person.phone)
