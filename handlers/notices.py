"""Wording the core's notices (bot/notices.py) for Telegram: a text in the reader's language
(the team reads the territory's) and the buttons its offers stand for.

Nothing here decides who is told: each function words one message key from the facts the
core gave. A key not known here is a bug, and says so loudly in the tests.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup

from bot.domain import Introduction, Need, Person, Trip
from bot.notices import NEED_POST, Button, Notice, Offer
from bot.phones import show_phone
from bot.services.candidates import Candidate
from bot.services.rides import Ride
from handlers import aid_keyboards as aid_kb
from handlers import keyboards as kb
from handlers import render
from handlers.aid_words import AidWords
from handlers.interop_words import interop_words
from handlers.transit_words import TransitWords
from i18n import Html, Translator

Worded = tuple[str, InlineKeyboardMarkup | None]
# The counts a notice may carry, and the message that says each with its unit.
COUNTED = {"hours": "words.hours", "days": "words.days", "weeks": "words.weeks"}
Values = dict[str, Any]


class NoticeWords:
    def __init__(self, t: Translator, zone: ZoneInfo | None = None) -> None:
        self.t = t
        self.zone = zone or ZoneInfo("Europe/Paris")
        self._words: dict[str, Callable[[str, str, Values], str]] = {
            "intro.asked": self._asked,
            "candidates.found": self._candidates,
            "candidates.next": self._candidates,
            "candidates.new_driver": self._new_driver,
            "intro.request": self._request,
            "intro.accepted_driver": self._accepted_driver,
            "intro.accepted_passenger": self._accepted_passenger,
            "intro.accepted_passenger_via_team": self._accepted_passenger,
            "intro.passenger_unreachable_driver": self._passenger_unreachable,
            "intro.trip_cancelled_driver": self._trip_cancelled_driver,
            "intro.need_cancelled_driver": self._need_cancelled_driver,
            NEED_POST: self._need_post,
            "operators.back_to_team": self._back_to_team,
            "operators.driver_asked": self._driver_asked,
            "operators.call_driver": self._call_driver,
            "operators.driver_accepted": self._driver_answer,
            "operators.driver_refused": self._driver_answer,
            "operators.driver_withdrew": self._driver_answer,
            "operators.call_driver_cancelled": self._call_driver_cancelled,
            "operators.need_cancelled": self._need_cancelled,
            "operators.call_passenger_accepted": self._call_passenger,
            "operators.call_passenger_offline": self._call_passenger,
            "operators.connect_driver": self._connect_driver,
            "operators.person_told_closed": self._told_closed,
            "trips.ride_still_on": self._ride_still_on,
            "reminder.driver": self._reminder,
            "reminder.passenger": self._reminder,
            "reminder.call": self._reminder_call,
            "outcome.question": self._question,
            "outcome.call": self._question_call,
            "tripcheck.question": self._trip_check,
            "tripcheck.call": self._trip_check,
            "tripcheck.paused": self._trip_check,
            "tripcheck.paused_call": self._trip_check,
            "needs.expired": self._need_expired,
            "operators.claimed_quiet": self._claimed_quiet,
            "operators.claimed_quiet_group": self._claimed_quiet,
            "privacy.report_team": self._report,
            **AidWords(t).table(),
            **TransitWords(t).words(),
            **interop_words(t),
        }

    def word(self, notice: Notice, lang: str) -> Worded:
        values = dict(notice.values)
        for unit, key in COUNTED.items():
            # Counts are said with their unit, in each language's plural: "1 heure", "12 hours".
            count = values.get(unit)
            if isinstance(count, int):
                values[unit] = Html(self.t.plural(lang, key, count, n=count))
        words = self._words.get(notice.key)
        text = words(notice.key, lang, values) if words else self._plain(notice.key, lang, values)
        return text, self._buttons(notice.buttons, lang, values)

    def _report(self, key: str, lang: str, values: Values) -> str:
        """A report to the team: its reason in words, and the reporter's own, if any."""
        reason = Html(self.t(lang, f"privacy.reason.{values['reason']}"))
        words = values.get("words") or ""
        said = Html(self.t(lang, "privacy.report_words", words=words) if words else "")
        return self.t(lang, key, **{**values, "reason": reason, "words": said})

    def _plain(self, key: str, lang: str, values: Values) -> str:
        """A catalog sentence whose values are plain (names, numbers)."""
        return self.t(lang, key, **values)

    def _buttons(
        self, buttons: tuple[Button, ...], lang: str, values: Values
    ) -> InlineKeyboardMarkup | None:
        for button in buttons:  # one keyboard per notice
            if button.offer is Offer.ANSWER_INTRODUCTION:
                return kb.introduction_answer(self.t, lang, button.subject_id)
            if button.offer is Offer.ANSWER_BOOKING:
                return kb.booking_answer(self.t, lang, button.subject_id)
            if button.offer is Offer.SHARE_NEED:
                return kb.share_need(self.t, lang, button.subject_id)
            if button.offer is Offer.FOLLOW_NEED:
                return kb.operator_actions(self.t, lang, button.subject_id)
            if button.offer is Offer.WITHDRAW_RIDE:
                return kb.ride_reminder_driver(self.t, lang, button.subject_id)
            if button.offer is Offer.CANCEL_RIDE:
                return kb.ride_reminder_passenger(self.t, lang, button.subject_id)
            if button.offer is Offer.RIDE_OUTCOME:
                return kb.ride_outcome(self.t, lang, button.subject_id)
            if button.offer is Offer.TRIP_CHECK:
                return kb.trip_check(self.t, lang, button.subject_id)
            if button.offer is Offer.RESUME_TRIP:
                return kb.resume_trip(self.t, lang, button.subject_id)
            if button.offer in (Offer.SUSPEND, Offer.LIFT):
                return kb.suspension(self.t, lang, button.subject_id, button.offer.value)
            if button.offer is Offer.STAY:
                return kb.stay(self.t, lang, button.subject_id, for_team="name" in values)
            if button.offer is Offer.RESUME_CHECKED_TRIP:
                return kb.resume_checked_trip(self.t, lang, button.subject_id)
            if button.offer is Offer.REVIEW_APPLICATION:
                return aid_kb.review(self.t, lang, button.subject_id)
            if button.offer is Offer.SHOW_AIDS:
                return aid_kb.show_aids(self.t, lang)
            if button.offer is Offer.CHOOSE_DRIVER:
                need: Need = values["need"]
                candidates: list[Candidate] = values["candidates"]
                labels = [
                    (render.candidate_button(self.t, lang, need, c), c.trip.id) for c in candidates
                ]
                return kb.candidates(self.t, lang, button.subject_id, labels)
        return None

    # The passenger.

    def _candidates(self, key: str, lang: str, values: Values) -> str:
        need: Need = values["need"]
        lines = "\n".join(
            render.candidate_line(self.t, lang, need, c) for c in values["candidates"]
        )
        return self.t(lang, key, lines=Html(lines))

    def _new_driver(self, key: str, lang: str, values: Values) -> str:
        need: Need = values["need"]
        [candidate] = values["candidates"]
        return self.t(
            lang, "candidates.new_driver",
            origin=Html(render.place(self.t, lang, need.origin)),
            destination=Html(render.place(self.t, lang, need.destination)),
            line=Html(render.candidate_line(self.t, lang, need, candidate)),
        )  # fmt: skip

    def _asked(self, key: str, lang: str, values: Values) -> str:
        return self.t(lang, key, name=values["name"], deadline=self._deadline(lang, values))

    def _deadline(self, lang: str, values: Values) -> str:
        return render.deadline(self.t, lang, values["deadline"], values["asked_at"], self.zone)

    def _accepted_passenger(self, key: str, lang: str, values: Values) -> str:
        need: Need = values["need"]
        introduction: Introduction = values["introduction"]
        driver: Person = values["driver"]
        return self.t(
            lang, key, name=driver.display_name,
            day=render.match_day(self.t, lang, need, introduction.travel_day),
            pickup=self.t.time(lang, introduction.pickup),
            contact=Html(render.reach(self.t, lang, driver)),
        )  # fmt: skip

    # The driver.

    def _request(self, key: str, lang: str, values: Values) -> str:
        need: Need = values["need"]
        introduction: Introduction = values["introduction"]
        trip: Trip = values["trip"]
        passenger: Person = values["passenger"]
        t = self.t
        answer_by = t(
            lang, "rides.answer_by",
            deadline=render.deadline(
                t, lang, introduction.expires_at, introduction.created_at, self.zone
            ),
        )  # fmt: skip
        return t(
            lang, "intro.request",
            passenger=passenger.short_name,
            origin=need.origin.name,
            destination=need.destination.name,
            day=render.match_day(t, lang, need, introduction.travel_day),
            pickup=t.time(lang, introduction.pickup),
            dropoff=t.time(lang, introduction.dropoff),
            trip_origin=trip.origin.name,
            trip_destination=trip.destination.name,
            trip_time=t.time(lang, _leg_start(trip, introduction.leg)),
            detour=Html(render.detour(t, lang, introduction.extra_minutes, "detour.none_driver")),
            purpose=Html(render.purpose(t, lang, need)),
            special=Html(render.special_needs(t, lang, need)),
        ) + "\n" + answer_by  # fmt: skip

    def _accepted_driver(self, key: str, lang: str, values: Values) -> str:
        passenger: Person = values["passenger"]
        return self.t(
            lang, "intro.accepted_driver", name=passenger.display_name,
            contact=Html(render.reach(self.t, lang, passenger) or self._via_team(lang)),
        )  # fmt: skip

    def _passenger_unreachable(self, key: str, lang: str, values: Values) -> str:
        passenger: Person = values["passenger"]
        return self.t(lang, "intro.passenger_unreachable_driver", name=passenger.display_name)

    def _trip_cancelled_driver(self, key: str, lang: str, values: Values) -> str:
        passenger: Person = values["passenger"]
        return self.t(
            lang, "intro.trip_cancelled_driver", name=passenger.short_name,
            day=self._ride_day(lang, values),
            pickup=self.t.time(lang, values["introduction"].pickup),
        )  # fmt: skip

    def _need_cancelled_driver(self, key: str, lang: str, values: Values) -> str:
        passenger: Person = values["passenger"]
        return self.t(lang, "intro.need_cancelled_driver", name=passenger.short_name)

    # The team.

    def _need_post(self, key: str, lang: str, values: Values) -> str:
        return render.operator_post(self.t, lang, values["view"], values["reason"])

    def _back_to_team(self, key: str, lang: str, values: Values) -> str:
        need: Need = values["need"]
        reason = Html(self.t(lang, f"operators.reason.{values['reason']}"))
        return self.t(lang, "operators.back_to_team", id=need.id, reason=reason)

    def _driver_asked(self, key: str, lang: str, values: Values) -> str:
        need: Need = values["need"]
        driver: Person = values["driver"]
        return self.t(
            lang, "operators.driver_asked", id=need.id, driver=driver.display_name,
            deadline=self._deadline(lang, values),
        )  # fmt: skip

    def _call_driver(self, key: str, lang: str, values: Values) -> str:
        need: Need = values["need"]
        introduction: Introduction = values["introduction"]
        driver: Person = values["driver"]
        passenger: Person = values["passenger"]
        t = self.t
        return t(
            lang, "operators.call_driver",
            id=need.id, driver=driver.display_name, phone=self._phone(lang, driver),
            passenger=passenger.short_name,
            origin=need.origin.name, destination=need.destination.name,
            day=render.match_day(t, lang, need, introduction.travel_day),
            pickup=t.time(lang, introduction.pickup), deadline=self._deadline(lang, values),
        )  # fmt: skip

    def _driver_answer(self, key: str, lang: str, values: Values) -> str:
        need: Need = values["need"]
        driver: Person = values["driver"]
        passenger: Person | None = values.get("passenger")
        contact = Html(render.reach(self.t, lang, driver) or self._phone(lang, driver))
        who = passenger.display_name if passenger else Html(self.t(lang, "words.the_person"))
        return self.t(
            lang, key, id=need.id, driver=driver.display_name, contact=contact, passenger=who
        )

    def _call_driver_cancelled(self, key: str, lang: str, values: Values) -> str:
        need: Need = values["need"]
        driver: Person = values["driver"]
        passenger: Person = values["passenger"]
        return self.t(
            lang, "operators.call_driver_cancelled", id=need.id,
            passenger=passenger.display_name, driver=driver.display_name,
            phone=self._phone(lang, driver),
            pickup=self.t.time(lang, values["introduction"].pickup),
            day=self._ride_day(lang, values),
        )  # fmt: skip

    def _need_cancelled(self, key: str, lang: str, values: Values) -> str:
        need: Need = values["need"]
        passenger: Person = values["passenger"]
        return self.t(
            lang, "operators.need_cancelled", passenger=passenger.display_name, id=need.id,
            origin=need.origin.name, destination=need.destination.name,
        )  # fmt: skip

    def _call_passenger(self, key: str, lang: str, values: Values) -> str:
        need: Need = values["need"]
        introduction: Introduction = values["introduction"]
        passenger: Person = values["passenger"]
        driver: Person = values["driver"]
        return self.t(
            lang, key, id=need.id,
            passenger=passenger.display_name, phone=self._phone(lang, passenger),
            driver=driver.display_name,
            day=render.match_day(self.t, lang, need, introduction.travel_day),
            pickup=self.t.time(lang, introduction.pickup),
            contact=Html(render.reach(self.t, lang, driver) or self._relay(lang)),
        )  # fmt: skip

    def _connect_driver(self, key: str, lang: str, values: Values) -> str:
        need: Need = values["need"]
        introduction: Introduction = values["introduction"]
        passenger: Person = values["passenger"]
        driver: Person = values["driver"]
        # The driver has no Telegram: only a number its owner agreed to share is passed on.
        shared = (
            show_phone(passenger.phone) if passenger.phone and passenger.phone_visible else None
        )
        return self.t(
            lang, key, id=need.id,
            driver=driver.display_name, driver_phone=self._phone(lang, driver),
            passenger=passenger.display_name,
            day=render.match_day(self.t, lang, need, introduction.travel_day),
            pickup=self.t.time(lang, introduction.pickup),
            passenger_phone=shared or self._relay(lang),
            contact=Html(render.reach(self.t, lang, passenger) or self._phone(lang, passenger)),
        )  # fmt: skip

    def _ride_still_on(self, key: str, lang: str, values: Values) -> str:
        ride = values["ride"]
        when = (
            self.t.date(lang, ride.ride_date)
            if ride.need.travel_date is not None
            else self.t.weekdays(lang, {ride.introduction.travel_day})
        )
        return self.t(
            lang, key, passenger=ride.passenger.display_name, when=when,
            pickup=self.t.time(lang, ride.introduction.pickup),
        )  # fmt: skip

    # The agenda's reminders and questions.

    def _ride(self, lang: str, ride: Ride) -> Values:
        return {
            "date": self.t.date(lang, ride.ride_date),
            "pickup": self.t.time(lang, ride.introduction.pickup),
            "origin": ride.need.origin.name,
            "destination": ride.need.destination.name,
        }

    def _reminder(self, key: str, lang: str, values: Values) -> str:
        ride: Ride = values["ride"]
        other = ride.passenger if key == "reminder.driver" else ride.driver
        return self.t(
            lang, key, **self._ride(lang, ride),
            driver=ride.driver.display_name, passenger=ride.passenger.display_name,
            contact=Html(render.reach(self.t, lang, other) or "—"),
        )  # fmt: skip

    def _reminder_call(self, key: str, lang: str, values: Values) -> str:
        ride: Ride = values["ride"]
        person: Person = values["person"]
        return self.t(
            lang, key, **self._ride(lang, ride), id=ride.need.id,
            passenger=ride.passenger.display_name, driver=ride.driver.display_name,
            name=person.display_name, phone=self._phone(lang, person),
        )  # fmt: skip

    def _question(self, key: str, lang: str, values: Values) -> str:
        ride: Ride = values["ride"]
        return self.t(lang, key, **self._ride(lang, ride), driver=ride.driver.short_name)

    def _question_call(self, key: str, lang: str, values: Values) -> str:
        ride: Ride = values["ride"]
        return self.t(
            lang, key, **self._ride(lang, ride), id=ride.need.id,
            passenger=ride.passenger.display_name, phone=show_phone(ride.passenger.phone) or "—",
            driver=ride.driver.display_name,
        )  # fmt: skip

    def _trip_check(self, key: str, lang: str, values: Values) -> str:
        extra: Values = {"trip": Html(render.trip_line(self.t, lang, values["trip"]))}
        if "days" in values:
            extra["days"] = values["days"]
        driver: Person | None = values.get("driver")
        if driver is not None:
            extra |= {"driver": driver.display_name, "phone": show_phone(driver.phone) or "—"}
        return self.t(lang, key, **extra)

    def _need_expired(self, key: str, lang: str, values: Values) -> str:
        return self.t(lang, key, need=Html(render.need_item(self.t, lang, values["need"])))

    def _claimed_quiet(self, key: str, lang: str, values: Values) -> str:
        view = values["view"]
        need: Need = view.need
        extra: Values = {"operator": view.claimer.display_name} if key.endswith("_group") else {}
        return self.t(
            lang, key, id=need.id, passenger=view.passenger.display_name,
            origin=need.origin.name, destination=need.destination.name, days=values["days"],
            when=Html(render.need_when(self.t, lang, need)), **extra,
        )  # fmt: skip

    def _told_closed(self, key: str, lang: str, values: Values) -> str:
        need: Need = values["need"]
        if values["reason"] == "no_driver":
            # Not a file closed: what the person can still do.
            return self.t(
                lang, "words.told_no_driver",
                origin=need.origin.name, destination=need.destination.name,
            )  # fmt: skip
        return self.t(
            lang, key, origin=need.origin.name, destination=need.destination.name,
            reason=Html(self.t(lang, f"close.{values['reason']}")),
        )  # fmt: skip

    # Pieces.

    def _phone(self, lang: str, person: Person) -> str:
        """For the team, whose job is to call: the number if there is one."""
        return show_phone(person.phone) or self.t(lang, "contact.no_phone")

    def _relay(self, lang: str) -> str:
        """No contact its owner agreed to share: the team arranges the meeting itself."""
        return self.t(lang, "contact.relay")

    def _via_team(self, lang: str) -> str:
        return self.t(lang, "contact.through_team")

    def _ride_day(self, lang: str, values: Values) -> str:
        need: Need = values["need"]
        introduction: Introduction = values["introduction"]
        if introduction.ride_date:
            return self.t.date(lang, introduction.ride_date)
        return render.match_day(self.t, lang, need, introduction.travel_day)


def _leg_start(trip: Trip, leg: str) -> time:
    """When the driver sets off on the leg the passenger joins."""
    return trip.return_time if leg == "return" and trip.return_time else trip.departure
