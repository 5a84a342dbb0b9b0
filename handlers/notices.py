"""Wording the core's notices (bot/notices.py) for Telegram: a text in the reader's language
(the team reads the territory's) and the buttons its offers stand for.

Nothing here decides who is told: each function words one kind of notice from the facts the
core gave, typed by its kind's dataclass. A kind not worded here is a bug, and says so loudly
in the tests (tests/test_notice_kinds.py goes through every kind).
"""

from __future__ import annotations

from datetime import time
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup

from bot import notices as n
from bot.domain import Introduction, Missing, Need, Person, Ride, Trip
from bot.notices import Button, Notice, NoticeValues, Offer
from bot.phones import show_phone
from handlers import aid_keyboards as aid_kb
from handlers import keyboards as kb
from handlers import render
from handlers.aid_words import AidWords
from handlers.interop_words import interop_words
from handlers.member_words import member_words
from handlers.transit_words import TransitWords
from handlers.volunteer_words import volunteer_words
from handlers.wordings import Wordings
from i18n import Html, Translator

Worded = tuple[str, InlineKeyboardMarkup | None]
# The counts a notice may carry, and the message that says each with its unit.
COUNTED = {"hours": "words.hours", "days": "words.days", "weeks": "words.weeks"}


class NoticeWords:
    def __init__(self, t: Translator, zone: ZoneInfo | None = None) -> None:
        self.t = t
        self.zone = zone or ZoneInfo("Europe/Paris")
        w = self.wordings = Wordings()
        # Catalog sentences whose values are shown as they are (names, numbers, counts).
        w.add(
            self._plain,
            n.CandidatesNone,
            n.CandidatesNoMore,
            n.IntroDeclinedPassenger,
            n.IntroExpiredPassenger,
            n.IntroUnreachablePassenger,
            n.RidesFullPassenger,
            n.RidesWithdrawnPassenger,
            n.IntroExpiredDriver,
            n.PrivacySuspendedTeam,
            n.PrivacyLiftedTeam,
            n.PrivacyTeamForgot,
            n.PrivacySuspendedPerson,
            n.PrivacyLiftedPerson,
            n.PrivacyStayQuestion,
            n.PrivacyStayCall,
            n.InteropShareOffer,
            n.InteropMessage,
            n.AidsSubmitted,
            n.AidsReviewWaiting,
            n.SmsTeamAgreed,
        )
        w.add(self._plain, n.SeatsCalledOffPassenger)
        w.add(self._asked, n.IntroAsked)
        w.add(self._candidates, n.CandidatesFound, n.CandidatesNext)
        w.add(self._new_driver, n.CandidatesNewDriver)
        w.add(self._request, n.IntroRequest)
        w.add(self._accepted_driver, n.IntroAcceptedDriver)
        w.add(self._accepted_passenger, n.IntroAcceptedPassenger, n.IntroAcceptedPassengerViaTeam)
        w.add(self._passenger_unreachable, n.IntroPassengerUnreachableDriver)
        w.add(self._trip_cancelled_driver, n.IntroTripCancelledDriver)
        w.add(self._need_cancelled_driver, n.IntroNeedCancelledDriver)
        w.add(self._need_post, n.NeedPost)
        w.add(self._back_to_team, n.OperatorsBackToTeam)
        w.add(self._driver_asked, n.OperatorsDriverAsked)
        w.add(self._call_driver, n.OperatorsCallDriver)
        w.add(
            self._driver_answer,
            n.OperatorsDriverAccepted,
            n.OperatorsDriverRefused,
            n.OperatorsDriverWithdrew,
        )
        w.add(self._call_driver_cancelled, n.OperatorsCallDriverCancelled)
        w.add(self._need_cancelled, n.OperatorsNeedCancelled)
        w.add(
            self._call_passenger, n.OperatorsCallPassengerAccepted, n.OperatorsCallPassengerOffline
        )
        w.add(self._connect_driver, n.OperatorsConnectDriver)
        w.add(self._connect_texter, n.OperatorsConnectTexter)
        w.add(self._told_closed, n.OperatorsPersonToldClosed)
        w.add(self._ride_still_on, n.TripsRideStillOn)
        w.add(self._reminder, n.ReminderDriver, n.ReminderPassenger)
        w.add(self._reminder_call, n.ReminderCall)
        w.add(self._question, n.OutcomeQuestion)
        w.add(self._question_call, n.OutcomeCall)
        w.add(self._trip_check_question, n.TripCheckQuestion)
        w.add(self._trip_check_call, n.TripCheckCall)
        w.add(self._trip_paused, n.TripCheckPaused)
        w.add(self._trip_paused_call, n.TripCheckPausedCall)
        w.add(self._need_expired, n.NeedsExpired)
        w.add(self._claimed_quiet, n.OperatorsClaimedQuiet, n.OperatorsClaimedQuietGroup)
        w.add(self._report, n.PrivacyReportTeam)
        w.add(
            self._about_texts,
            n.SmsStoppedTeam,
            n.SmsStoppedMessage,
            n.SmsThroughTeam,
            n.SmsUndelivered,
        )
        w.update(AidWords(t, self.wordings).table())
        self.transit = TransitWords(t, self.zone)
        w.update(self.transit.words())
        w.update(interop_words(t))
        w.update(volunteer_words(t, self.zone))
        w.update(member_words(t))

    def word(self, notice: Notice, lang: str) -> Worded:
        text = self.wordings.word(lang, notice.values)
        return text, self._buttons(notice.buttons, lang, notice.values)

    def _count(self, lang: str, unit: str, count: int) -> Html:
        """A count said with its unit, in each language's plural: "1 heure", "12 hours"."""
        return Html(self.t.plural(lang, COUNTED[unit], count, n=count))

    def _plain(self, lang: str, values: NoticeValues) -> str:
        """A catalog sentence whose values are plain (names, numbers, counts)."""
        shown = values.fields()
        for unit in COUNTED:
            count = shown.get(unit)
            if isinstance(count, int):
                shown[unit] = self._count(lang, unit, count)
        return self.t(lang, values.key, **shown)

    def _report(self, lang: str, v: n.PrivacyReportTeam) -> str:
        """A report to the team: its reason in words, and the reporter's own, if any."""
        reason = Html(self.t(lang, f"privacy.reason.{v.reason}"))
        said = Html(self.t(lang, "privacy.report_words", words=v.words) if v.words else "")
        return self.t(
            lang,
            v.key,
            reporter=v.reporter,
            reported=v.reported,
            reason=reason,
            words=said,
            id=v.id,
        )

    def _about_texts(self, lang: str, v: n.AboutTexter) -> str:
        """The team, about someone reached by SMS: who, and the number to phone."""
        person = v.person
        return self.t(
            lang,
            v.key,
            name=person.display_name or show_phone(person.phone),
            phone=show_phone(person.phone),
            text=v.text,
        )

    def _buttons(
        self, buttons: tuple[Button, ...], lang: str, values: NoticeValues
    ) -> InlineKeyboardMarkup | None:
        for button in buttons:  # one keyboard per notice
            if button.offer is Offer.ANSWER_INTRODUCTION:
                return kb.introduction_answer(self.t, lang, button.subject_id)
            if button.offer is Offer.ANSWER_BOOKING:
                return kb.booking_answer(self.t, lang, button.subject_id)
            if button.offer is Offer.SHARE_NEED:
                return kb.share_need(self.t, lang, button.subject_id)
            if button.offer is Offer.FOLLOW_NEED:
                # Followed by someone (a post of a need claimed, its claimer reminded): no
                # "I'll take it" (issue 23, item 15).
                claimed = isinstance(values, n.ClaimedQuiet) or (
                    isinstance(values, n.NeedPost) and values.view.claimer is not None
                )
                return kb.operator_actions(self.t, lang, button.subject_id, claimed=claimed)
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
                for_team = isinstance(values, n.PrivacyStayCall)
                return kb.stay(self.t, lang, button.subject_id, for_team=for_team)
            if button.offer is Offer.RESUME_CHECKED_TRIP:
                return kb.resume_checked_trip(self.t, lang, button.subject_id)
            if button.offer is Offer.REVIEW_APPLICATION:
                return aid_kb.review(self.t, lang, button.subject_id)
            if button.offer is Offer.REMIND_ON_DEMAND and isinstance(values, n.TransitOnDemand):
                when = self.transit.moment(lang, values.remind_at) if values.remind_at else ""
                return kb.remind_on_demand(self.t, lang, button.subject_id, when)
            if button.offer is Offer.SHOW_AIDS:
                return aid_kb.show_aids(self.t, lang)
            if button.offer is Offer.CHOOSE_DRIVER and isinstance(values, n.DriverChoices):
                need = values.need
                labels = [
                    (render.candidate_button(self.t, lang, need, c), c.trip.id)
                    for c in values.candidates
                ]
                return kb.candidates(self.t, lang, button.subject_id, labels)
        return None

    # The passenger.

    def _candidates(self, lang: str, v: n.DriverChoices) -> str:
        lines = "\n".join(render.candidate_line(self.t, lang, v.need, c) for c in v.candidates)
        text = self.t(lang, v.key, lines=Html(lines))
        return render.with_line(text, render.way_back_news(self.t, lang, v.need, v.candidates))

    def _new_driver(self, lang: str, v: n.CandidatesNewDriver) -> str:
        need = v.need
        [candidate] = v.candidates
        return self.t(
            lang,
            "candidates.new_driver",
            origin=Html(render.place(self.t, lang, need.origin)),
            destination=Html(render.place(self.t, lang, need.destination)),
            line=Html(render.candidate_line(self.t, lang, need, candidate)),
        )

    def _asked(self, lang: str, v: n.IntroAsked) -> str:
        return self.t(lang, v.key, name=v.name, deadline=self._deadline(lang, v))

    def _deadline(
        self, lang: str, v: n.IntroAsked | n.OperatorsDriverAsked | n.OperatorsCallDriver
    ) -> str:
        return render.deadline(self.t, lang, v.deadline, v.asked_at, self.zone)

    def _accepted_passenger(self, lang: str, v: n.Accepted) -> str:
        need, introduction, driver = v.need, v.introduction, v.driver
        text = self.t(
            lang,
            v.key,
            name=driver.display_name,
            day=render.match_day(self.t, lang, need, introduction.travel_day),
            pickup=self.t.time(lang, introduction.pickup),
            contact=Html(render.reach(self.t, lang, driver)),
        )
        back = render.way_back_ride(self.t, lang, need, introduction, for_driver=False)
        return render.with_line(text, back, before_last=True)

    # The driver.

    def _request(self, lang: str, v: n.IntroRequest) -> str:
        need, introduction, trip, passenger = v.need, v.introduction, v.trip, v.passenger
        t = self.t
        answer_by = t(
            lang,
            "rides.answer_by",
            deadline=render.deadline(
                t, lang, introduction.expires_at, introduction.created_at, self.zone
            ),
        )
        request = t(
            lang,
            "intro.request",
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
        )
        back = render.way_back_ride(t, lang, need, introduction, for_driver=True)
        return render.with_line(request, back, before_last=True) + "\n" + answer_by

    def _accepted_driver(self, lang: str, v: n.Accepted) -> str:
        passenger = v.passenger
        text = self.t(
            lang,
            "intro.accepted_driver",
            name=passenger.display_name,
            contact=Html(render.reach(self.t, lang, passenger) or self._via_team(lang)),
        )
        back = render.way_back_ride(self.t, lang, v.need, v.introduction, for_driver=True)
        return render.with_line(text, back)

    def _passenger_unreachable(self, lang: str, v: n.Accepted) -> str:
        return self.t(lang, "intro.passenger_unreachable_driver", name=v.passenger.display_name)

    def _trip_cancelled_driver(self, lang: str, v: n.IntroTripCancelledDriver) -> str:
        return self.t(
            lang,
            "intro.trip_cancelled_driver",
            name=v.passenger.short_name,
            day=self._ride_day(lang, v.need, v.introduction),
            pickup=self.t.time(lang, v.introduction.pickup),
        )

    def _need_cancelled_driver(self, lang: str, v: n.IntroNeedCancelledDriver) -> str:
        return self.t(lang, "intro.need_cancelled_driver", name=v.passenger.short_name)

    # The team.

    def _need_post(self, lang: str, v: n.NeedPost) -> str:
        return render.operator_post(self.t, lang, v.view, v.reason)

    def _back_to_team(self, lang: str, v: n.OperatorsBackToTeam) -> str:
        reason = Html(self.t(lang, f"operators.reason.{v.reason}"))
        return self.t(lang, "operators.back_to_team", id=v.need.id, reason=reason)

    def _driver_asked(self, lang: str, v: n.OperatorsDriverAsked) -> str:
        return self.t(
            lang,
            "operators.driver_asked",
            id=v.need.id,
            driver=v.driver.display_name,
            deadline=self._deadline(lang, v),
        )

    def _call_driver(self, lang: str, v: n.OperatorsCallDriver) -> str:
        need, introduction, driver, passenger = v.need, v.introduction, v.driver, v.passenger
        t = self.t
        return t(
            lang,
            "operators.call_driver",
            id=need.id,
            driver=driver.display_name,
            phone=self._phone(lang, driver),
            passenger=passenger.short_name,
            origin=need.origin.name,
            destination=need.destination.name,
            day=render.match_day(t, lang, need, introduction.travel_day),
            pickup=t.time(lang, introduction.pickup),
            deadline=self._deadline(lang, v),
        )

    def _driver_answer(self, lang: str, v: n.DriverAnswer) -> str:
        need, driver, passenger = v.need, v.driver, v.passenger
        contact = Html(render.reach(self.t, lang, driver) or self._phone(lang, driver))
        who = passenger.display_name if passenger else Html(self.t(lang, "words.the_person"))
        said = self.t(
            lang, v.key, id=need.id, driver=driver.display_name, contact=contact, passenger=who
        )
        if not v.back_to_team:
            return said
        back = self.t(lang, "seats.back_to_team")
        return f"{said}\n{back}"

    def _call_driver_cancelled(self, lang: str, v: n.OperatorsCallDriverCancelled) -> str:
        need, driver, passenger = v.need, v.driver, v.passenger
        return self.t(
            lang,
            "operators.call_driver_cancelled",
            id=need.id,
            passenger=passenger.display_name,
            driver=driver.display_name,
            phone=self._phone(lang, driver),
            pickup=self.t.time(lang, v.introduction.pickup),
            day=self._ride_day(lang, need, v.introduction),
        )

    def _need_cancelled(self, lang: str, v: n.OperatorsNeedCancelled) -> str:
        need, passenger = v.need, v.passenger
        return self.t(
            lang,
            "operators.need_cancelled",
            passenger=passenger.display_name,
            id=need.id,
            origin=need.origin.name,
            destination=need.destination.name,
        )

    def _call_passenger(self, lang: str, v: n.Accepted) -> str:
        need, introduction, passenger, driver = v.need, v.introduction, v.passenger, v.driver
        return (
            self.t(
                lang,
                v.key,
                id=need.id,
                passenger=passenger.display_name,
                phone=self._phone(lang, passenger),
                driver=driver.display_name,
                day=render.match_day(self.t, lang, need, introduction.travel_day),
                pickup=self.t.time(lang, introduction.pickup),
                contact=Html(render.reach(self.t, lang, driver) or self._relay(lang)),
            )
            + "\n"
            + render.reached_line(self.t, lang, passenger, by_phone=True)
        )

    def _connect_driver(self, lang: str, v: n.Accepted) -> str:
        need, introduction, passenger, driver = v.need, v.introduction, v.passenger, v.driver
        # The driver has no Telegram: only a number its owner agreed to share is passed on.
        shared = (
            show_phone(passenger.phone) if passenger.phone and passenger.phone_visible else None
        )
        return self.t(
            lang,
            v.key,
            id=need.id,
            driver=driver.display_name,
            driver_phone=self._phone(lang, driver),
            passenger=passenger.display_name,
            day=render.match_day(self.t, lang, need, introduction.travel_day),
            pickup=self.t.time(lang, introduction.pickup),
            passenger_phone=shared or self._relay(lang),
            contact=Html(render.reach(self.t, lang, passenger) or self._phone(lang, passenger)),
        )

    def _connect_texter(self, lang: str, v: n.OperatorsConnectTexter) -> str:
        texter = v.texter
        other = v.driver if texter.id == v.passenger.id else v.passenger
        return self.t(
            lang,
            v.key,
            id=v.need.id,
            texter=texter.display_name,
            phone=show_phone(texter.phone),
            other=other.display_name,
            contact=Html(render.reach(self.t, lang, other) or self._phone(lang, other)),
        )

    def _ride_still_on(self, lang: str, v: n.RideNotice) -> str:
        ride = v.ride
        when = (
            self.t.date(lang, ride.ride_date)
            if ride.need.travel_date is not None
            else self.t.weekdays(lang, {ride.introduction.travel_day})
        )
        return self.t(
            lang,
            v.key,
            passenger=ride.passenger.display_name,
            when=when,
            pickup=self.t.time(lang, ride.introduction.pickup),
        )

    # The agenda's reminders and questions.

    def _ride(self, lang: str, ride: Ride) -> dict[str, str]:
        return {
            "date": self.t.date(lang, ride.ride_date),
            "pickup": self.t.time(lang, ride.introduction.pickup),
            "origin": ride.need.origin.name,
            "destination": ride.need.destination.name,
        }

    def _reminder(self, lang: str, v: n.RideNotice) -> str:
        ride = v.ride
        for_driver = isinstance(v, n.ReminderDriver)
        other = ride.passenger if for_driver else ride.driver
        text = self.t(
            lang,
            v.key,
            **self._ride(lang, ride),
            driver=ride.driver.display_name,
            passenger=ride.passenger.display_name,
            contact=Html(render.reach(self.t, lang, other) or self._arranged_by_team(lang)),
        )
        back = render.way_back_ride(
            self.t, lang, ride.need, ride.introduction, for_driver=for_driver
        )
        return render.with_line(text, back)

    def _arranged_by_team(self, lang: str) -> str:
        """No Telegram and no number shared (registered by the team, or reached by SMS): as
        at the introduction, the team puts the two in touch."""
        return self.t(lang, "seats.contact_by_team")

    def _reminder_call(self, lang: str, v: n.ReminderCall) -> str:
        ride, person = v.ride, v.person
        return (
            self.t(
                lang,
                v.key,
                **self._ride(lang, ride),
                id=ride.need.id,
                passenger=ride.passenger.display_name,
                driver=ride.driver.display_name,
                name=person.display_name,
                phone=self._phone(lang, person),
            )
            + "\n"
            + render.reached_line(self.t, lang, person, by_phone=True)
        )

    def _question(self, lang: str, v: n.RideNotice) -> str:
        ride = v.ride
        return self.t(lang, v.key, **self._ride(lang, ride), driver=ride.driver.short_name)

    def _question_call(self, lang: str, v: n.RideNotice) -> str:
        ride = v.ride
        return (
            self.t(
                lang,
                v.key,
                **self._ride(lang, ride),
                id=ride.need.id,
                passenger=ride.passenger.display_name,
                phone=show_phone(ride.passenger.phone) or "—",
                driver=ride.driver.display_name,
            )
            + "\n"
            + render.reached_line(self.t, lang, ride.passenger, by_phone=True)
        )

    def _trip(self, lang: str, trip: Trip) -> Html:
        return Html(render.trip_line(self.t, lang, trip))

    def _driver_phone(self, driver: Person) -> dict[str, str]:
        return {"driver": driver.display_name, "phone": show_phone(driver.phone) or "—"}

    def _trip_check_question(self, lang: str, v: n.TripCheckQuestion) -> str:
        days = self._count(lang, "days", v.days)
        return self.t(lang, v.key, trip=self._trip(lang, v.trip), days=days)

    def _trip_check_call(self, lang: str, v: n.TripCheckCall) -> str:
        days = self._count(lang, "days", v.days)
        return self.t(
            lang, v.key, trip=self._trip(lang, v.trip), days=days, **self._driver_phone(v.driver)
        )

    def _trip_paused(self, lang: str, v: n.TripCheckPaused) -> str:
        return self.t(lang, v.key, trip=self._trip(lang, v.trip))

    def _trip_paused_call(self, lang: str, v: n.TripCheckPausedCall) -> str:
        return self.t(lang, v.key, trip=self._trip(lang, v.trip), **self._driver_phone(v.driver))

    def _need_expired(self, lang: str, v: n.NeedsExpired) -> str:
        return self.t(lang, v.key, need=Html(render.need_item(self.t, lang, v.need)))

    def _claimed_quiet(self, lang: str, v: n.ClaimedQuiet) -> str:
        view = v.view
        need, passenger, claimer = view.need, view.passenger, view.claimer
        if need is None or passenger is None or claimer is None:
            raise Missing("the follow-up names no need, passenger or operator")
        extra = (
            {"operator": claimer.display_name}
            if isinstance(v, n.OperatorsClaimedQuietGroup)
            else {}
        )
        return (
            self.t(
                lang,
                v.key,
                id=need.id,
                passenger=passenger.display_name,
                origin=need.origin.name,
                destination=need.destination.name,
                days=self._count(lang, "days", v.days),
                when=Html(render.need_when(self.t, lang, need)),
                **extra,
            )
            + "\n"
            + render.reached_line(self.t, lang, passenger)
        )

    def _told_closed(self, lang: str, v: n.OperatorsPersonToldClosed) -> str:
        need = v.need
        if v.reason == "no_driver":
            # Not a file closed: what the person can still do.
            return self.t(
                lang,
                "words.told_no_driver",
                origin=need.origin.name,
                destination=need.destination.name,
            )
        return self.t(
            lang,
            v.key,
            origin=need.origin.name,
            destination=need.destination.name,
            reason=Html(self.t(lang, f"close.{v.reason}")),
        )

    # Pieces.

    def _phone(self, lang: str, person: Person) -> str:
        """For the team, whose job is to call: the number if there is one; else their
        Telegram account or profile, for the team to write to them from its own Telegram
        (someone who blocked the bot still reads people)."""
        if person.phone:
            return show_phone(person.phone)
        if person.telegram_username or person.telegram_user_id:
            telegram = Html(render.reach(self.t, lang, person, named=False))
            return Html(self.t(lang, "contact.no_phone_telegram", telegram=telegram))
        return self.t(lang, "contact.no_phone")

    def _relay(self, lang: str) -> str:
        """No contact its owner agreed to share: the team arranges the meeting itself."""
        return self.t(lang, "contact.relay")

    def _via_team(self, lang: str) -> str:
        return self.t(lang, "contact.through_team")

    def _ride_day(self, lang: str, need: Need, introduction: Introduction) -> str:
        if introduction.ride_date:
            return self.t.date(lang, introduction.ride_date)
        return render.match_day(self.t, lang, need, introduction.travel_day)


def _leg_start(trip: Trip, leg: str) -> time:
    """When the driver sets off on the leg the passenger joins."""
    return trip.return_time if leg == "return" and trip.return_time else trip.departure
