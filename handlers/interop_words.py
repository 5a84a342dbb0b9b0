"""Wording the interop notices (bot/interop): partners' journeys, their passengers' requests
and messages. Registered in handlers/notices.py."""

from __future__ import annotations

import html
from collections.abc import Sequence

from bot import notices as n
from bot.domain import Missing
from bot.interop.theirs import TheirJourney
from handlers.pages import PAGE_LIMIT, chunks
from handlers.wordings import Wordings
from i18n import Html, Translator


def their_journeys(t: Translator, lang: str, journeys: Sequence[TheirJourney]) -> str:
    """However many partners answer, one message under Telegram's length: the first
    journeys, and how many more."""
    lines = [_their_line(t, lang, j) for j in journeys]
    shown = chunks(lines, PAGE_LIMIT - 200, separator="\n")[0]
    if len(shown) < len(lines):
        shown.append(t(lang, "digest.more", count=len(lines) - len(shown)))
    return t(lang, "interop.their_journeys", lines=Html("\n".join(shown)))


def interop_words(t: Translator) -> Wordings:
    def journeys(lang: str, v: n.InteropTheirJourneys) -> str:
        return their_journeys(t, lang, v.journeys)

    def booking_request(lang: str, v: n.InteropBookingRequest) -> str:
        trip = v.trip
        message = v.message
        outbound = v.leg == "outbound"
        start, end = (
            (trip.origin, trip.destination) if outbound else (trip.destination, trip.origin)
        )
        leaves = trip.departure if outbound or trip.return_time is None else trip.return_time
        return t(
            lang,
            v.key,
            platform=v.platform,
            passenger=v.passenger,
            day=t.date(lang, v.day),
            pickup=t.time(lang, v.pickup),
            origin=start.name,
            destination=end.name,
            time=t.time(lang, leaves),
            message=Html(t(lang, "interop.booking_message", text=message) if message else ""),
        )

    def booking_cancelled(lang: str, v: n.InteropBookingCancelledDriver) -> str:
        message = v.message
        return t(
            lang,
            v.key,
            platform=v.platform,
            passenger=v.passenger,
            day=t.date(lang, v.day),
            message=Html(t(lang, "interop.booking_message", text=message) if message else ""),
        )

    def message_call(lang: str, v: n.InteropMessageCall) -> str:
        return t(
            lang,
            v.key,
            platform=v.platform,
            sender=v.sender,
            name=v.person.display_name,
            phone=v.phone or t(lang, "interop.no_phone"),
            text=v.text,
        )

    w = Wordings()
    w.add(journeys, n.InteropTheirJourneys)
    w.add(booking_request, n.InteropBookingRequest)
    w.add(booking_cancelled, n.InteropBookingCancelledDriver)
    w.add(message_call, n.InteropMessageCall)
    return w


def _their_line(t: Translator, lang: str, journey: TheirJourney) -> str:
    if journey.pickup_at is not None:
        when = t(
            lang,
            "interop.their_when_dated",
            day=t.date(lang, journey.pickup_at.date()),
            time=t.time(lang, journey.pickup_at.time()),
        )
    else:
        if journey.pickup_time is None:
            raise Missing("a journey with neither a pickup moment nor a pickup time")
        when = t(
            lang,
            "interop.their_when_regular",
            days=t.weekdays(lang, journey.days),
            time=t.time(lang, journey.pickup_time),
        )
    link = (
        Html(
            t(
                lang,
                "interop.their_link",
                platform=journey.platform,
                url=Html(html.escape(journey.web_url, quote=True)),
            )
        )
        if journey.web_url
        else ""
    )
    return t(
        lang,
        "interop.their_line",
        platform=journey.platform,
        driver=journey.driver,
        when=Html(when),
        link=link,
    )
