"""Telling people what the services decided: passengers, drivers and the operators' group.

Each message goes to its reader in their own language; the operators' group reads the
territory's default language. A person who blocked the bot (or never started it) cannot be
written to: `tell` says so instead of failing.
"""

from __future__ import annotations

import logging
from datetime import time
from types import SimpleNamespace
from typing import Any

from telegram import Bot, InlineKeyboardMarkup
from telegram.ext import ContextTypes

from bot.delivery import FollowUp
from bot.domain import Need, Person, Trip
from bot.services.needs import (
    Answer,
    Ask,
    Cancellation,
    Candidate,
    Search,
)
from bot.services.operators import FollowUp as TeamView
from handlers import keyboards as kb
from handlers import render
from handlers.deliverer import Deliverer
from handlers.deps import Deps
from handlers.outbox_bot import about
from handlers.replies import SEND_STEP
from i18n import Html

Context = ContextTypes.DEFAULT_TYPE
log = logging.getLogger(__name__)

# Steps the deliverer runs for these notices (bot/delivery.py, FollowUp).
NEED_POSTED = "need_posted"
DRIVER_UNREACHABLE = "driver_unreachable"


class Notifier:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.t = deps.t
        # What each need's post shows now, so that an unchanged post is not edited again.
        self._shown: dict[int, tuple[str, bool]] = {}

    def register_steps(self, deliverer: Deliverer, bot: Bot) -> None:
        """What the deliverer does once a notice is sent, or when its reader is unreachable."""
        self._bot = bot
        deliverer.on(SEND_STEP, self._send_step)
        deliverer.on(NEED_POSTED, self._need_posted)
        deliverer.on(DRIVER_UNREACHABLE, self._driver_unreachable)

    def _context(self) -> Context:
        # The steps run outside any update: they only need the bot.
        return SimpleNamespace(bot=self._bot)  # type: ignore[return-value]

    async def _send_step(self, follow_up: FollowUp, message_id: int | None) -> None:
        values = follow_up.values
        if values.get("chat_id") is None or not values.get("text"):
            return
        await self._bot.send_message(
            values["chat_id"], values["text"], reply_markup=_markup(values.get("reply_markup"))
        )

    async def _need_posted(self, follow_up: FollowUp, message_id: int | None) -> None:
        """The need's post is in the group: it becomes the one kept up to date."""
        if message_id is None:
            return
        need_id = int(follow_up.values["need_id"])
        old_post = follow_up.values.get("old_post_id")
        await self.deps.operators.posted(need_id, message_id)
        self._shown.pop(need_id, None)
        if old_post is not None and old_post != message_id:
            await self._drop_old_post(self._context(), int(old_post))

    async def _driver_unreachable(self, follow_up: FollowUp, message_id: int | None) -> None:
        answer = await self.deps.needs.driver_unreachable(int(follow_up.values["introduction_id"]))
        if answer is not None:
            await self.after_refusal(self._context(), answer, "intro.unreachable_passenger")

    def to_team_instead(
        self, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> FollowUp | None:
        """A message for the team, sent only if its person turns out to be unreachable."""
        chat_id = self.deps.settings.operator_chat_id
        if chat_id is None:
            return None
        values: dict[str, Any] = {"chat_id": chat_id, "text": text}
        if markup is not None:
            values["reply_markup"] = markup.to_dict()
        return FollowUp(SEND_STEP, values)

    async def tell(
        self,
        context: Context,
        person: Person,
        text: str,
        markup: InlineKeyboardMarkup | None = None,
        *,
        if_unreachable: FollowUp | None = None,
    ) -> bool:
        """Write to a person in private; False if Telegram is known not to deliver it (no
        Telegram account, or they blocked the bot). A refusal found at delivery runs
        `if_unreachable` instead."""
        if not person.reachable:
            return False
        assert person.telegram_user_id is not None
        with about(person_id=person.id, if_unreachable=if_unreachable):
            await context.bot.send_message(person.telegram_user_id, text, reply_markup=markup)
        return True

    # Passengers.

    async def search_result(self, context: Context, passenger: Person, search: Search) -> None:
        if search.candidates:
            await self.show_candidates(
                context, passenger, search.need, search.candidates, "candidates.found"
            )
            return
        await self.tell(context, passenger, self.t(passenger.language, "candidates.none"))
        await self.operators_need(context, search.need, passenger, "no_match")

    async def show_candidates(
        self, context: Context, passenger: Person, need: Need, candidates: list[Candidate], key: str
    ) -> None:
        lang, t = passenger.language, self.t
        lines = "\n".join(render.candidate_line(t, lang, need, c) for c in candidates)
        buttons = [(render.candidate_button(t, lang, need, c), c.trip.id) for c in candidates]
        markup = kb.candidates(t, lang, need.id, buttons)
        await self.tell(context, passenger, t(lang, key, lines=Html(lines)), markup)

    async def trip_available(self, context: Context, trip: Trip) -> None:
        """A new or resumed trip: tell the people still waiting that it can take them."""
        for announcement in await self.deps.needs.announce_trip(trip):
            passenger, need, lang = (
                announcement.passenger,
                announcement.need,
                announcement.passenger.language,
            )
            line = render.candidate_line(self.t, lang, need, announcement.candidate)
            text = self.t(
                lang, "candidates.new_driver",
                origin=Html(render.place(self.t, lang, need.origin)),
                destination=Html(render.place(self.t, lang, need.destination)),
                line=Html(line),
            )  # fmt: skip
            label = render.candidate_button(self.t, lang, need, announcement.candidate)
            markup = kb.candidates(self.t, lang, need.id, [(label, trip.id)])
            await self.tell(context, passenger, text, markup)

    # Drivers.

    async def ask_driver(self, context: Context, asked: Ask, *, by_operator: bool = False) -> None:
        """Send the request to the driver; one who cannot be reached counts as a decline."""
        assert asked.need and asked.introduction and asked.candidate
        need, introduction, candidate = asked.need, asked.introduction, asked.candidate
        passenger = await self.deps.people.get(need.person_id)
        assert passenger is not None
        driver, trip, t = candidate.driver, candidate.trip, self.t
        lang = driver.language
        text = t(
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
        )  # fmt: skip
        markup = kb.introduction_answer(t, lang, introduction.id)
        hours = round(self.deps.settings.introduction_timeout_hours)
        if driver.telegram_user_id is None:
            # Registered by phone: the team calls and answers for them.
            await self.call_driver(context, asked, passenger, hours)
            return
        if await self.tell(
            context, driver, text, markup,
            if_unreachable=FollowUp(DRIVER_UNREACHABLE, {"introduction_id": introduction.id}),
        ):  # fmt: skip
            asked_text = t(passenger.language, "intro.asked", name=driver.short_name, hours=hours)
            await self.tell(context, passenger, asked_text)
            if by_operator:
                lang = self.deps.settings.default_language
                text = t(
                    lang,
                    "operators.driver_asked",
                    id=need.id,
                    driver=driver.display_name,
                    hours=hours,
                )
                await self.to_operators(context, text)
            return
        unreachable = await self.deps.needs.driver_unreachable(introduction.id)
        if unreachable is not None:
            await self.after_refusal(context, unreachable, "intro.unreachable_passenger")

    async def accepted(self, context: Context, answer: Answer) -> None:
        assert answer.passenger and answer.driver and answer.introduction and answer.need
        passenger, driver, introduction, need = (
            answer.passenger,
            answer.driver,
            answer.introduction,
            answer.need,
        )
        t = self.t
        await self.followed_answer(context, answer, "operators.driver_accepted")
        await self.tell(context, driver, t(
            driver.language, "intro.accepted_driver",
            name=passenger.display_name, contact=Html(render.reach(t, driver.language, passenger)),
        ))  # fmt: skip
        await self.tell(context, passenger, t(
            passenger.language, "intro.accepted_passenger",
            name=driver.display_name,
            day=render.match_day(t, passenger.language, need, introduction.travel_day),
            pickup=t.time(passenger.language, introduction.pickup),
            contact=Html(render.reach(t, passenger.language, driver)),
        ))  # fmt: skip

    async def after_refusal(
        self,
        context: Context,
        answer: Answer,
        key: str,
        team_key: str = "operators.driver_refused",
    ) -> bool:
        """A driver said no, did not answer, cannot be reached, or pulled out: the passenger
        goes on with the next drivers or the team. False if the passenger cannot be told."""
        passenger, driver, need = answer.passenger, answer.driver, answer.need
        if passenger is None or need is None:
            return False
        lang = passenger.language
        name = driver.short_name if driver else ""
        await self.followed_answer(context, answer, team_key)
        told = await self.tell(context, passenger, self.t(lang, key, name=name))
        if answer.candidates:
            await self.show_candidates(
                context, passenger, need, answer.candidates, "candidates.next"
            )
        else:
            await self.tell(context, passenger, self.t(lang, "candidates.no_more"))
            await self.operators_need(context, need, passenger, "no_more_drivers")
        return told

    async def cancelled(
        self, context: Context, passenger: Person, cancellation: Cancellation
    ) -> None:
        need, driver = cancellation.need, cancellation.driver
        assert need is not None
        if driver is not None:
            lang = driver.language
            accepted = cancellation.introduction
            if cancellation.driver_had_accepted and accepted is not None:
                day = (
                    self.t.date(lang, accepted.ride_date)
                    if accepted.ride_date
                    else render.match_day(self.t, lang, need, accepted.travel_day)
                )
                text = self.t(
                    lang, "intro.trip_cancelled_driver", name=passenger.short_name, day=day,
                    pickup=self.t.time(lang, accepted.pickup),
                )  # fmt: skip
            else:
                text = self.t(lang, "intro.need_cancelled_driver", name=passenger.short_name)
            if driver.telegram_user_id is None and accepted is not None:
                # Registered by phone: the team, who would otherwise remind them, calls.
                team = self.deps.settings.default_language
                await self.to_operators(context, self.t(
                    team, "operators.call_driver_cancelled", id=need.id,
                    passenger=passenger.display_name, driver=driver.display_name,
                    phone=driver.phone or "—", pickup=self.t.time(team, accepted.pickup),
                    day=self.t.date(team, accepted.ride_date) if accepted.ride_date
                    else render.match_day(self.t, team, need, accepted.travel_day),
                ))  # fmt: skip
            else:
                await self.tell(context, driver, text)
        if cancellation.operators_following:
            lang = self.deps.settings.default_language
            text = self.t(
                lang, "operators.need_cancelled", passenger=passenger.display_name, id=need.id,
                origin=need.origin.name, destination=need.destination.name,
            )  # fmt: skip
            await self.to_operators(context, text)
        await self.refresh_post(context, need.id)

    # The operators' group.

    async def operator_candidates(
        self, context: Context, chat_id: int, need: Need, candidates: list[Candidate], lang: str
    ) -> None:
        """Drivers for a need, with how to reach each, and buttons to ask them for the person."""
        t = self.t
        if not candidates:
            await context.bot.send_message(
                chat_id, t(lang, "operators.candidates_none", id=need.id)
            )
            return
        lines = "\n".join(render.operator_candidate_line(t, lang, need, c) for c in candidates)
        buttons = [(t(lang, "operators.ask_label", name=c.driver.short_name), c.trip.id)
                   for c in candidates] if need.is_open else []  # fmt: skip
        markup = kb.operator_candidates(t, lang, need.id, buttons) if buttons else None
        text = t(lang, "operators.candidates", id=need.id, lines=Html(lines))
        await context.bot.send_message(chat_id, text, reply_markup=markup)

    async def call_driver(
        self, context: Context, asked: Ask, passenger: Person, hours: int
    ) -> None:
        assert asked.need and asked.introduction and asked.candidate
        need, introduction, driver = asked.need, asked.introduction, asked.candidate.driver
        lang, t = self.deps.settings.default_language, self.t
        text = t(
            lang, "operators.call_driver",
            id=need.id, driver=driver.display_name, phone=driver.phone or "—",
            passenger=passenger.short_name,
            origin=need.origin.name, destination=need.destination.name,
            day=render.match_day(t, lang, need, introduction.travel_day),
            pickup=t.time(lang, introduction.pickup), hours=hours,
        )  # fmt: skip
        await self.to_operators(context, text, kb.introduction_answer(t, lang, introduction.id))
        asked_text = t(passenger.language, "intro.asked", name=driver.short_name, hours=hours)
        await self.tell(context, passenger, asked_text)

    async def followed_answer(self, context: Context, answer: Answer, key: str) -> None:
        """A driver's answer to a need the team has posted: the group hears it too."""
        need, driver = answer.need, answer.driver
        if need is None or driver is None or need.operators_post_id is None:
            return
        lang = self.deps.settings.default_language
        contact = Html(render.reach(self.t, lang, driver) or "—")
        text = self.t(lang, key, id=need.id, driver=driver.display_name, contact=contact)
        await self.to_operators(context, text)
        await self.refresh_post(context, need.id)

    async def refresh_post(self, context: Context, need_id: int, *, force: bool = False) -> None:
        """Edit the need's post in the group to show where it stands now."""
        view = await self.deps.operators.view(need_id)
        chat_id = self.deps.settings.operator_chat_id
        if view.need is None or view.need.operators_post_id is None or chat_id is None:
            return
        lang = self.deps.settings.default_language
        text = render.operator_post(self.t, lang, view, None)
        markup = kb.operator_actions(self.t, lang, need_id) if view.need.is_open else None
        if not force and self._shown.get(need_id) == (text, markup is not None):
            return
        self._shown[need_id] = (text, markup is not None)
        await context.bot.edit_message_text(
            text, chat_id=chat_id, message_id=view.need.operators_post_id, reply_markup=markup
        )

    async def operators_need(
        self, context: Context, need: Need, passenger: Person, reason: str
    ) -> None:
        """Post the need to the operators' group, with the buttons to follow it up."""
        lang = self.deps.settings.default_language
        view = await self.deps.operators.view(need.id)
        if view.need is not None and view.need.operators_post_id is not None:
            # Already posted: a short word, and the post itself brought up to date.
            note = self.t(lang, "operators.back_to_team", id=need.id,
                          reason=Html(self.t(lang, f"operators.reason.{reason}")))  # fmt: skip
            await self.to_operators(context, note)
            await self.refresh_post(context, need.id)
            return
        text = render.operator_post(self.t, lang, view, reason)
        markup = kb.operator_actions(self.t, lang, need.id)
        with about(after_sent=FollowUp(NEED_POSTED, {"need_id": need.id})):
            await self.to_operators(context, text, markup)

    async def repost(self, context: Context, view: TeamView) -> bool:
        """Post a need again (nobody claimed it): the new post carries the buttons, the old
        one loses them once the new one is there."""
        assert view.need is not None
        lang = self.deps.settings.default_language
        text = render.operator_post(self.t, lang, view, "unclaimed")
        markup = kb.operator_actions(self.t, lang, view.need.id)
        posted = FollowUp(
            NEED_POSTED, {"need_id": view.need.id, "old_post_id": view.need.operators_post_id}
        )
        with about(after_sent=posted):
            return await self.to_operators(context, text, markup)

    async def show_need(self, context: Context, chat_id: int, need_id: int) -> bool:
        """An operator asks for a need's post (from the digest): it is posted anew where
        asked; in the group, the new post becomes the one kept up to date."""
        view = await self.deps.operators.view(need_id)
        if view.need is None:
            return False
        lang = self.deps.settings.default_language
        markup = kb.operator_actions(self.t, lang, need_id) if view.need.is_open else None
        text = render.operator_post(self.t, lang, view, None)
        if chat_id == self.deps.settings.operator_chat_id and view.need.is_open:
            posted = FollowUp(
                NEED_POSTED, {"need_id": need_id, "old_post_id": view.need.operators_post_id}
            )
            with about(after_sent=posted):
                await context.bot.send_message(chat_id, text, reply_markup=markup)
        else:
            await context.bot.send_message(chat_id, text, reply_markup=markup)
        return True

    async def _drop_old_post(self, context: Context, post_id: int | None) -> None:
        chat_id = self.deps.settings.operator_chat_id
        if post_id is None or chat_id is None:
            return
        # Deleted by someone, or already without buttons: the deliverer lets it go.
        await context.bot.edit_message_reply_markup(chat_id, post_id, reply_markup=None)

    async def to_operators(
        self, context: Context, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> bool:
        chat_id = self.deps.settings.operator_chat_id
        if chat_id is None:
            log.warning("OPERATOR_CHAT_ID is not set: the operators were not told")
            return False
        await context.bot.send_message(chat_id, text, reply_markup=markup)
        return True


def _markup(data: dict[str, Any] | None) -> InlineKeyboardMarkup | None:
    return InlineKeyboardMarkup.de_json(data, None) if data else None


def _leg_start(trip: Trip, leg: str) -> time:
    """When the driver sets off on the leg the passenger joins."""
    return trip.return_time if leg == "return" and trip.return_time else trip.departure
