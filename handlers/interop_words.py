"""Wording the interop notices (bot/interop): partners' journeys, their passengers' requests
and messages. Registered in handlers/notices.py."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from bot.domain import Person, Trip
from bot.interop.theirs import TheirJourney
from handlers.pages import PAGE_LIMIT, chunks
from i18n import Html, Translator

Values = dict[str, Any]


def interop_words(t: Translator) -> dict[str, Callable[[str, str, Values], str]]:
    def their_journeys(key: str, lang: str, values: Values) -> str:
        # However many partners answer, one message under Telegram's length: the first
        # journeys, and how many more.
        lines = [_their_line(t, lang, j) for j in values["journeys"]]
        shown = chunks(lines, PAGE_LIMIT - 200, separator="\n")[0]
        if len(shown) < len(lines):
            shown.append(t(lang, "digest.more", count=len(lines) - len(shown)))
        return t(lang, key, lines=Html("\n".join(shown)))

    def booking_request(key: str, lang: str, values: Values) -> str:
        trip: Trip = values["trip"]
        message = values.get("message") or ""
        outbound = values.get("leg", "outbound") == "outbound"
        start, end = (
            (trip.origin, trip.destination) if outbound else (trip.destination, trip.origin)
        )
        leaves = trip.departure if outbound or trip.return_time is None else trip.return_time
        return t(
            lang, key, platform=values["platform"], passenger=values["passenger"],
            day=t.date(lang, values["day"]), pickup=t.time(lang, values["pickup"]),
            origin=start.name, destination=end.name, time=t.time(lang, leaves),
            message=Html(t(lang, "interop.booking_message", text=message) if message else ""),
        )  # fmt: skip

    def booking_cancelled(key: str, lang: str, values: Values) -> str:
        message = values.get("message") or ""
        return t(
            lang, key, platform=values["platform"], passenger=values["passenger"],
            day=t.date(lang, values["day"]),
            message=Html(t(lang, "interop.booking_message", text=message) if message else ""),
        )  # fmt: skip

    def message_call(key: str, lang: str, values: Values) -> str:
        person: Person = values["person"]
        return t(
            lang, key, platform=values["platform"], sender=values["sender"],
            name=person.display_name, phone=values["phone"] or t(lang, "interop.no_phone"),
            text=values["text"],
        )  # fmt: skip

    return {
        "interop.their_journeys": their_journeys,
        "interop.booking_request": booking_request,
        "interop.booking_cancelled_driver": booking_cancelled,
        "interop.message_call": message_call,
    }


def _their_line(t: Translator, lang: str, journey: TheirJourney) -> str:
    if journey.pickup_at is not None:
        when = t(
            lang, "interop.their_when_dated", day=t.date(lang, journey.pickup_at.date()),
            time=t.time(lang, journey.pickup_at.time()),
        )  # fmt: skip
    else:
        assert journey.pickup_time is not None
        when = t(
            lang, "interop.their_when_regular", days=t.weekdays(lang, journey.days),
            time=t.time(lang, journey.pickup_time),
        )  # fmt: skip
    link = (
        Html(
            t(
                lang,
                "interop.their_link",
                platform=journey.platform,
                url=Html(html.escape(journey.web_url, quote=True)),
            )  # fmt: skip
        )
        if journey.web_url
        else ""
    )
    return t(
        lang, "interop.their_line", platform=journey.platform, driver=journey.driver,
        when=Html(when), link=link,
    )  # fmt: skip
