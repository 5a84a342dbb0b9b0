"""The core's notices worded for a simple phone: short, plain, what to answer said in words.

The notices a person reached by SMS gets most (a driver asked, the drivers found, an
acceptance, the evening's reminder, "did it happen?") have short wordings of their own in
the SMS catalogue (`sms.<key of the notice>`); any other is the Telegram wording made plain
(handlers/sms/text.py). Buttons become what to text back: OUI or NON, or a number, read by
the same readers of words as on Telegram (bot/services/words.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from bot import notices as n
from bot.domain import Introduction, Need, Person, Ride, WayBack
from bot.notices import Notice, NoticeValues, Offer
from bot.phones import show_phone
from bot.services.candidates import Candidate
from bot.transit.planner import DAY, TransitOption
from handlers import render
from handlers.notices import NoticeWords
from handlers.sms.text import choices_hint, numbered, sms, yes_no_hint
from handlers.transit_words import TransitWords
from handlers.volunteer_words import euros
from i18n import Translator

V = TypeVar("V", bound=NoticeValues)

# Offers answered by texting OUI or NON (bot/services/words.py reads them).
YES_NO = frozenset({Offer.ANSWER_INTRODUCTION, Offer.RIDE_OUTCOME})


class TextNotices:
    def __init__(self, t: Translator, words: NoticeWords) -> None:
        self.t = t
        self.words = words
        self._short: dict[type[NoticeValues], Callable[[str, Any], str]] = {}
        self._add(self._request, n.IntroRequest)
        self._add(self._volunteer_request, n.VolunteerRequest)
        self._add(self._drivers, n.CandidatesFound, n.CandidatesNext, n.CandidatesNewDriver)
        self._add(self._asked, n.IntroAsked)
        self._add(self._accepted_passenger, n.IntroAcceptedPassenger)
        self._add(self._accepted_driver, n.IntroAcceptedDriver)
        self._add(self._reminder, n.ReminderDriver, n.ReminderPassenger)
        self._add(self._outcome, n.OutcomeQuestion)
        self._add(self._trip_check, n.TripCheckQuestion)
        self._add(
            self._dropped_out,
            n.IntroDeclinedPassenger,
            n.IntroExpiredPassenger,
            n.IntroUnreachablePassenger,
            n.RidesFullPassenger,
            n.RidesWithdrawnPassenger,
            n.SeatsCalledOffPassenger,
        )
        self._add(self._transit, n.TransitOptions)
        self._add(self._need_expired, n.NeedsExpired)

    def _add(self, words: Callable[[str, V], str], *kinds: type[V]) -> None:
        for kind in kinds:
            self._short[kind] = words

    def word(self, notice: Notice, lang: str) -> str:
        """The whole text: the notice, then what to answer."""
        values = notice.values
        short = self._short.get(type(values))
        if short is not None:
            text = short(lang, values)
        elif self.t.has(f"sms.{values.key}"):  # a plain sentence, shorter by SMS
            text = sms(self.t(lang, f"sms.{values.key}", **values.fields()))
        else:
            text = sms(self.words.word(notice, lang)[0])
        hint = self._hint(notice, lang)
        return f"{text}\n{hint}" if hint else text

    def _hint(self, notice: Notice, lang: str) -> str:
        offers = {button.offer for button in notice.buttons}
        if offers & YES_NO:
            return yes_no_hint(self.t, lang)
        if Offer.CHOOSE_DRIVER in offers and isinstance(notice.values, n.DriverChoices):
            count = len(notice.values.candidates)
            return choices_hint(self.t, lang, count) if count > 1 else yes_no_hint(self.t, lang)
        if Offer.TRIP_CHECK in offers:
            return sms(self.t(lang, "sms.hint_trip_check"))
        return ""

    # The passenger.

    def _drivers(self, lang: str, v: n.DriverChoices) -> str:
        t = self.t
        lines = [
            self._with_back(
                lang,
                v.need,
                c,
                t(
                    lang,
                    "sms.driver_line",
                    name=c.driver.short_name,
                    day=self._day(lang, v.need, c.match.weekdays),
                    time=t.time(lang, c.match.pickup),
                ),
            )
            for c in v.candidates
        ]
        back = render.way_back_news(t, lang, v.need, v.candidates)
        if len(lines) == 1:
            return sms(render.with_line(t(lang, "sms.one_driver", line=lines[0]), back))
        return sms(render.with_line(t(lang, "sms.drivers") + "\n" + numbered(lines), back))

    def _with_back(self, lang: str, need: Need, candidate: Candidate, line: str) -> str:
        """A driver's line, with the way back they can give too (or not) when one is wanted."""
        if need.way_back is not WayBack.AT:
            return line
        if candidate.back is None:
            return self.t(lang, "sms.driver_line_one_way", line=line)
        back = self.t.time(lang, candidate.back.match.pickup)
        return self.t(lang, "sms.driver_line_back", line=line, time=back)

    def _back_ride(self, lang: str, need: Need, introduction: Introduction, driver: bool) -> str:
        """The way back of a ride, short: with this driver, or the longer word of Telegram."""
        if introduction.back_pickup is not None:
            return self.t(
                lang,
                "sms.back_ride",
                time=self.t.time(lang, introduction.back_pickup),
                origin=need.destination.name,
                destination=need.origin.name,
            )
        return render.way_back_ride(self.t, lang, need, introduction, for_driver=driver)

    def _asked(self, lang: str, v: n.IntroAsked) -> str:
        return sms(self.t(lang, "sms.intro_asked", name=v.name))

    def _accepted_passenger(self, lang: str, v: n.Accepted) -> str:
        driver, introduction = v.driver, v.introduction
        shared = driver.phone and driver.phone_visible
        back = self._back_ride(lang, v.need, introduction, False)
        return sms(
            render.with_line(
                self.t(
                    lang,
                    "sms.intro_accepted_passenger"
                    if shared
                    else "sms.intro_accepted_passenger_team",
                    name=driver.display_name,
                    day=self._day(lang, v.need, introduction.travel_day),
                    time=self.t.time(lang, introduction.pickup),
                    phone=show_phone(driver.phone),
                ),
                back,
            )
        )

    def _need_expired(self, lang: str, v: n.NeedsExpired) -> str:
        """Its day passed: which need is closed, and how to ask again, in words."""
        need = v.need
        return sms(
            self.t(
                lang,
                "sms.needs.expired",
                origin=need.origin.name,
                destination=need.destination.name,
                when=render.need_when_going(self.t, lang, need),
            )
        )

    def _dropped_out(self, lang: str, v: n.DriverDroppedOut) -> str:
        return sms(self.t(lang, "sms.driver_dropped_out", name=v.name or "?"))

    # The driver.

    def _request(self, lang: str, v: n.IntroRequest) -> str:
        t, need, introduction = self.t, v.need, v.introduction
        back = self._back_ride(lang, need, introduction, True)
        return sms(
            render.with_line(
                t(
                    lang,
                    "sms.intro_request",
                    passenger=v.passenger.short_name,
                    day=self._day(lang, need, introduction.travel_day),
                    time=t.time(lang, introduction.pickup),
                    origin=need.origin.name,
                    destination=need.destination.name,
                ),
                back,
            )
        )

    def _volunteer_request(self, lang: str, v: n.VolunteerRequest) -> str:
        """A volunteer driver asked (bot/services/volunteers.py): the ride and allowance."""
        t, need, introduction = self.t, v.need, v.introduction
        return sms(
            t(
                lang,
                "sms.volunteers.request",
                passenger=v.passenger.short_name,
                day=self._day(lang, need, introduction.travel_day),
                time=t.time(lang, introduction.pickup),
                origin=need.origin.name,
                destination=need.destination.name,
                km=v.km,
                allowance=(
                    euros(lang, v.allowance_cents)
                    if v.paid
                    else t(lang, "volunteers.allowance_unset")
                ),
            )
        )

    def _accepted_driver(self, lang: str, v: n.Accepted) -> str:
        passenger = v.passenger
        shared = passenger.phone and passenger.phone_visible
        return sms(
            self.t(
                lang,
                "sms.intro_accepted_driver" if shared else "sms.intro_accepted_driver_team",
                name=passenger.display_name,
                phone=show_phone(passenger.phone),
            )
        )

    def _trip_check(self, lang: str, v: n.TripCheckQuestion) -> str:
        trip = v.trip
        return sms(
            self.t(
                lang, "sms.trip_check", origin=trip.origin.name, destination=trip.destination.name
            )
        )

    # Both.

    def _reminder(self, lang: str, v: n.RideNotice) -> str:
        ride = v.ride
        for_driver = isinstance(v, n.ReminderDriver)
        other = ride.passenger if for_driver else ride.driver
        back = self._back_ride(lang, ride.need, ride.introduction, for_driver)
        return sms(
            render.with_line(
                self.t(
                    lang,
                    "sms.reminder",
                    name=other.display_name,
                    **self._ride(lang, ride),
                    phone=self._reach(lang, other),
                ),
                back,
            )
        )

    def _outcome(self, lang: str, v: n.RideNotice) -> str:
        ride = v.ride
        return sms(
            self.t(
                lang, "sms.outcome_question", name=ride.driver.short_name, **self._ride(lang, ride)
            )
        )

    # Coaches and trains.

    def _transit(self, lang: str, v: n.TransitOptions) -> str:
        lines = "\n".join(self._transit_option(lang, option) for option in v.options)
        day = self.t.date(lang, v.options[0].day)
        return sms(self.t(lang, "sms.transit_options", day=day, lines=lines))

    def _transit_option(self, lang: str, option: TransitOption) -> str:
        """One line: when and where it leaves (a night coach: "la veille, mercredi…"), where
        to change, when it arrives."""
        words = TransitWords(self.t)
        first, last = option.legs[0], option.legs[-1]
        if first.departure < 0:
            leaves = self.t(
                lang,
                "sms.transit_leaves_eve",
                time=words.clock(lang, first.departure + DAY),
                eve=self.t.date(lang, option.day - timedelta(days=1)),
            )
        else:
            leaves = self.t(lang, "sms.transit_leaves", time=words.clock(lang, first.departure))
        common = {
            "route": first.line,
            "leaves": leaves,
            "stop": first.board_name,
            "arrival": words.clock(lang, last.arrival),
            "end": last.alight_name,
        }
        if option.changes == 0:
            return self.t(lang, "sms.transit_direct", **common)
        return self.t(
            lang,
            "sms.transit_one_change",
            change=first.alight_name,
            route2=last.line,
            change_departure=words.clock(lang, last.departure),
            **common,
        )

    # Values.

    def _day(self, lang: str, need: Need, days: frozenset[int] | int) -> str:
        return render.match_day(self.t, lang, need, days)

    def _ride(self, lang: str, ride: Ride) -> dict[str, str]:
        return {
            "date": self.t.date(lang, ride.ride_date),
            "time": self.t.time(lang, ride.introduction.pickup),
            "origin": ride.need.origin.name,
            "destination": ride.need.destination.name,
        }

    def _reach(self, lang: str, person: Person) -> str:
        """How to reach them from a simple phone: their number, when they agreed to give it;
        else the team calls (bot/services/telling.py tells it to)."""
        if person.phone and person.phone_visible:
            return show_phone(person.phone)
        return self.t(lang, "sms.through_team")
