"""The agenda's messages: one entry, one message to one person or to the operators' group.

Each step asks its service whether the message still makes sense (a ride cancelled meanwhile
is not reminded), sends it in its reader's language, and says what became of it. A person
the bot cannot write to (registered by phone) is reached through the team: the group gets
the message with the number to call and the buttons to answer for them.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup
from telegram.ext import ContextTypes

from bot.agenda import AgendaEntry, Outcome
from bot.delivery import Step
from bot.domain import Person
from bot.services.rides import Ride
from handlers import keyboards as kb
from handlers import render
from handlers.deps import Deps
from handlers.notify import Notifier
from i18n import Html

Context = ContextTypes.DEFAULT_TYPE


class FollowUpMessages:
    def __init__(self, deps: Deps, notifier: Notifier) -> None:
        self.deps = deps
        self.t = deps.t
        self.notifier = notifier
        self.team_lang = deps.settings.default_language

    # Introductions nobody answered.

    async def introduction_expired_driver(self, context: Context, entry: AgendaEntry) -> Outcome:
        news = await self.deps.introductions.expiry_news(entry.subject_id)
        if news is None or news[0].telegram_user_id is None:
            return Outcome.SKIPPED  # a driver reached by phone: the team saw it lapse
        driver, passenger = news
        text = self.t(driver.language, "intro.expired_driver", name=passenger.short_name)
        return await self._tell(context, driver, text)

    async def introduction_expired_passenger(self, context: Context, entry: AgendaEntry) -> Outcome:
        answer = await self.deps.introductions.timed_out(entry.subject_id)
        if answer is None or answer.passenger is None:
            return Outcome.SKIPPED
        await self.notifier.write(context, answer.notices)
        offline = answer.passenger.telegram_user_id is None
        return Outcome.SENT if answer.passenger.reachable or offline else Outcome.UNREACHABLE

    # Accepted rides: the evening before, and the day after.

    async def ride_reminder_passenger(self, context: Context, entry: AgendaEntry) -> Outcome:
        return await self._ride_reminder(context, entry, for_driver=False)

    async def ride_reminder_driver(self, context: Context, entry: AgendaEntry) -> Outcome:
        return await self._ride_reminder(context, entry, for_driver=True)

    async def _ride_reminder(
        self, context: Context, entry: AgendaEntry, *, for_driver: bool
    ) -> Outcome:
        ride = await self.deps.rides.to_remind(entry.subject_id)
        if ride is None:
            return Outcome.SKIPPED
        reader, other = (
            (ride.driver, ride.passenger) if for_driver else (ride.passenger, ride.driver)
        )
        if not reader.reachable:
            return await self._call_to_remind(context, ride, reader)
        lang = reader.language
        text = self.t(
            lang, "reminder.driver" if for_driver else "reminder.passenger",
            **self._ride_values(ride, lang),
            driver=ride.driver.display_name, passenger=ride.passenger.display_name,
            contact=Html(render.reach(self.t, lang, other) or "—"),
        )  # fmt: skip
        markup = (
            kb.ride_reminder_driver(self.t, lang, ride.introduction.id)
            if for_driver
            else kb.ride_reminder_passenger(self.t, lang, ride.need.id)
        )
        # Blocked the bot: the team can still phone them before the ride.
        call = self.notifier.to_team_instead(self._call_to_remind_text(ride, reader))
        if await self.notifier.tell(context, reader, text, markup, if_unreachable=call):
            return Outcome.SENT
        await self._call_to_remind(context, ride, reader)
        return Outcome.UNREACHABLE

    async def ride_outcome_question(self, context: Context, entry: AgendaEntry) -> Outcome:
        ride = await self.deps.rides.to_ask_about(entry.subject_id)
        if ride is None:
            return Outcome.SKIPPED
        passenger = ride.passenger
        # Without Telegram, or blocked: the team asks by phone and presses the answer.
        team = self.team_lang
        call = self.t(
            team, "outcome.call", **self._ride_values(ride, team), id=ride.need.id,
            passenger=passenger.display_name, phone=passenger.phone or "—",
            driver=ride.driver.display_name,
        )  # fmt: skip
        call_markup = kb.ride_outcome(self.t, team, ride.introduction.id)
        if not passenger.reachable:
            return await self._to_team(context, call, call_markup)
        lang = passenger.language
        text = self.t(
            lang, "outcome.question", **self._ride_values(ride, lang),
            driver=ride.driver.short_name,
        )  # fmt: skip
        markup = kb.ride_outcome(self.t, lang, ride.introduction.id)
        return await self._tell(
            context, passenger, text, markup,
            if_unreachable=self.notifier.to_team_instead(call, call_markup),
        )  # fmt: skip

    async def _call_to_remind(self, context: Context, ride: Ride, person: Person) -> Outcome:
        """Someone without Telegram: the team is asked to phone them."""
        return await self._to_team(context, self._call_to_remind_text(ride, person))

    def _call_to_remind_text(self, ride: Ride, person: Person) -> str:
        lang = self.team_lang
        return self.t(
            lang, "reminder.call", **self._ride_values(ride, lang), id=ride.need.id,
            passenger=ride.passenger.display_name, driver=ride.driver.display_name,
            name=person.display_name, phone=person.phone or self.t(lang, "contact.no_phone"),
        )  # fmt: skip

    def _ride_values(self, ride: Ride, lang: str) -> dict[str, object]:
        return {
            "date": self.t.date(lang, ride.ride_date),
            "pickup": self.t.time(lang, ride.introduction.pickup),
            "origin": ride.need.origin.name,
            "destination": ride.need.destination.name,
        }

    # Regular trips: still running?

    async def trip_check(self, context: Context, entry: AgendaEntry) -> Outcome:
        found = await self.deps.trips.check_due(entry.subject_id)
        if found is None:
            return Outcome.SKIPPED
        trip, driver = found.trip, found.driver
        days = self.deps.settings.trip_check_answer_days
        team = self.team_lang
        call = self.t(
            team, "tripcheck.call", driver=driver.display_name, phone=driver.phone or "—",
            trip=Html(render.trip_line(self.t, team, trip)), days=days,
        )  # fmt: skip
        call_markup = kb.trip_check(self.t, team, trip.id)
        if not driver.reachable:
            outcome = await self._to_team(context, call, call_markup)
        else:
            lang = driver.language
            text = self.t(
                lang, "tripcheck.question", trip=Html(render.trip_line(self.t, lang, trip)),
                days=days,
            )  # fmt: skip
            outcome = await self._tell(
                context, driver, text, kb.trip_check(self.t, lang, trip.id),
                if_unreachable=self.notifier.to_team_instead(call, call_markup),
            )  # fmt: skip
        await self.deps.trips.check_sent(entry, outcome)
        return outcome

    async def trip_paused(self, context: Context, entry: AgendaEntry) -> Outcome:
        found = await self.deps.trips.paused_unconfirmed(entry.subject_id)
        if found is None:
            return Outcome.SKIPPED
        trip, driver = found.trip, found.driver
        if driver.telegram_user_id is None:
            lang = self.team_lang
            text = self.t(
                lang, "tripcheck.paused_call", driver=driver.display_name,
                phone=driver.phone or "—", trip=Html(render.trip_line(self.t, lang, trip)),
            )  # fmt: skip
            return await self._to_team(context, text, kb.resume_checked_trip(self.t, lang, trip.id))
        lang = driver.language
        text = self.t(lang, "tripcheck.paused", trip=Html(render.trip_line(self.t, lang, trip)))
        return await self._tell(context, driver, text, kb.resume_trip(self.t, lang, trip.id))

    # Needs.

    async def need_expiry(self, context: Context, entry: AgendaEntry) -> Outcome:
        """The action at midnight; the team's post shows it at once (an edit wakes nobody)."""
        outcome = await self.deps.needs.expire(entry)
        if outcome is Outcome.DONE:
            await self.notifier.refresh_post(context, entry.subject_id)
        return outcome

    async def need_expired(self, context: Context, entry: AgendaEntry) -> Outcome:
        found = await self.deps.needs.expired(entry.subject_id)
        if found is None:
            return Outcome.SKIPPED
        need, person = found
        await self.notifier.refresh_post(context, need.id)
        if person.telegram_user_id is None:
            return Outcome.DONE  # the team's post now reads "expired"
        lang = person.language
        text = self.t(lang, "needs.expired", need=Html(render.need_item(self.t, lang, need)))
        return await self._tell(context, person, text)

    async def need_repost(self, context: Context, entry: AgendaEntry) -> Outcome:
        view = await self.deps.operators.to_repost(entry)
        if view is None:
            return Outcome.SKIPPED
        written = await self.notifier.repost(context, view)
        await self.deps.operators.repost_written(entry, written)
        return Outcome.SENT if written else Outcome.UNREACHABLE

    async def claimed_reminder(self, context: Context, entry: AgendaEntry) -> Outcome:
        view = await self.deps.operators.to_remind_claimer(entry)
        if view is None or view.need is None or view.claimer is None or view.passenger is None:
            return Outcome.SKIPPED
        need, claimer = view.need, view.claimer
        days = round(self.deps.settings.claimed_reminder_days)
        values = {
            "id": need.id, "passenger": view.passenger.display_name,
            "origin": need.origin.name, "destination": need.destination.name, "days": days,
        }  # fmt: skip
        # Never opened a private chat with the bot: in the group, by name.
        team = self.team_lang
        group_text = self.t(
            team, "operators.claimed_quiet_group", **values, operator=claimer.display_name,
            when=Html(render.need_when(self.t, team, need)),
        )  # fmt: skip
        group_markup = kb.operator_actions(self.t, team, need.id)
        lang = claimer.language
        text = self.t(
            lang, "operators.claimed_quiet", **values,
            when=Html(render.need_when(self.t, lang, need)),
        )  # fmt: skip
        markup = kb.operator_actions(self.t, lang, need.id)
        in_group = self.notifier.to_team_instead(group_text, group_markup)
        if await self.notifier.tell(context, claimer, text, markup, if_unreachable=in_group):
            outcome = Outcome.SENT
        else:
            outcome = await self._to_team(context, group_text, group_markup)
        await self.deps.operators.claimer_reminded(entry, outcome)
        return outcome

    async def digest(self, context: Context, entry: AgendaEntry) -> Outcome:
        if self.deps.settings.operator_chat_id is None:
            return Outcome.SKIPPED
        digest = await self.deps.digest.digest()
        lang = self.team_lang
        text = render.digest(self.t, lang, digest, self.deps.today())
        buttons = [
            (self.t(lang, "button.digest_need", id=view.need.id,
                    name=view.passenger.short_name), view.need.id)
            for view in [*digest.new_needs, *digest.still_open][: render.DIGEST_LINES]
            if view.need and view.passenger
        ]  # fmt: skip
        outcome = await self._to_team(context, text, kb.digest(self.t, lang, buttons))
        await self.deps.digest.sent(entry, outcome)
        return outcome

    # Sending.

    async def _tell(
        self,
        context: Context,
        person: Person,
        text: str,
        markup: InlineKeyboardMarkup | None = None,
        *,
        if_unreachable: Step | None = None,
    ) -> Outcome:
        told = await self.notifier.tell(
            context, person, text, markup, if_unreachable=if_unreachable
        )
        return Outcome.SENT if told else Outcome.UNREACHABLE

    async def _to_team(
        self, context: Context, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> Outcome:
        written = await self.notifier.to_operators(context, text, markup)
        return Outcome.SENT if written else Outcome.UNREACHABLE
