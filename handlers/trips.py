"""/mestrajets (/mytrips): a driver's trips, with buttons to pause, resume, delete and
change the seats. A button pressed twice (or late) says where the trip stands."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import Message, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    filters,
)

from bot.domain import MAX_SEATS, Person, Ride, Trip, TripStatus
from bot.services.trips import Crowded, TripChange, TripChangeResult
from handlers import keyboards as kb
from handlers import pages, render
from handlers.deps import Deps
from handlers.notify import Notifier
from handlers.replies import (
    IncompleteUpdate,
    answer_button,
    drop_keyboard,
    edit,
    mark_answered,
    send,
    swap_keyboard,
)
from handlers.roles import OperatorDirectory
from handlers.teams import Teams
from i18n import Html

Context = ContextTypes.DEFAULT_TYPE

_CHECK_ANSWERS = ("keep", "pause", "delete", "back")
_TRIP_ACTIONS = ("pause", "resume", "delete", "keep", "seats", "seatskeep", "seatsoff")
TRIP_PAGES = "trips"
_DONE_MESSAGE = {"pause": "trips.paused", "resume": "trips.resumed", "delete": "trips.deleted"}
# What a press says when the trip already is where it would take it (a double tap).
_ALREADY = {
    TripStatus.PAUSED: "rides.already_paused",
    TripStatus.ACTIVE: "rides.already_active",
    TripStatus.DELETED: "rides.already_deleted",
    TripStatus.EXPIRED: "rides.already_over",
}


class TripsHandlers:
    def __init__(self, deps: Deps, notifier: Notifier, directory: OperatorDirectory) -> None:
        self.deps = deps
        self.t = deps.t
        self.notifier = notifier
        self.directory = directory
        self.teams = Teams(deps, directory)

    def handlers(self) -> list[BaseHandler[Update, Context, None]]:
        return [
            CommandHandler(["mestrajets", "mytrips"], self.list, filters=filters.ChatType.PRIVATE),
            CallbackQueryHandler(self.on_button, pattern=kb.pattern(kb.TRIP)),
            CallbackQueryHandler(self.on_check, pattern=kb.pattern(kb.CHECK)),
            CallbackQueryHandler(self.list, pattern=kb.pattern(kb.PAGE, TRIP_PAGES)),
        ]

    async def list(self, update: Update, context: Context) -> None:
        """The trips a few at a time, each with its buttons; "show more" for the next ones."""
        person = await self.deps.person(update)
        lang = person.language
        listing = await self.deps.trips.listing(person)
        page = 0
        if update.callback_query:
            page = pages.page_number(kb.decode(update.callback_query.data)) or 0
            await answer_button(update)
            await drop_keyboard(update)
        if not listing:
            await send(update, context, self.t(lang, "trips.none"))
            return
        if page == 0:
            await send(update, context, self.t(lang, "trips.header"))
        shown = listing[page * pages.ITEMS_PER_PAGE : (page + 1) * pages.ITEMS_PER_PAGE]
        for listed in shown:
            trip = listed.trip
            text = "\n".join(
                [self._line(person, trip).rstrip(), *render.seats_taken(self.t, lang, listed.rides)]
            )
            await send(update, context, text, kb.trip_actions(self.t, lang, trip))
        seen = page * pages.ITEMS_PER_PAGE + len(shown)
        if seen < len(listing):
            text = self.t(lang, "words.more_items", shown=seen, total=len(listing))
            await send(update, context, text, pages.more_button(self.t, lang, TRIP_PAGES, page + 1))

    async def on_button(self, update: Update, context: Context) -> None:
        query = update.callback_query
        if query is None:
            raise IncompleteUpdate("a button handler without a pressed button")
        person = await self.deps.person(update)
        lang = person.language
        pressed = kb.TRIP.read(query.data)
        if pressed is None or pressed.action not in _TRIP_ACTIONS:
            await answer_button(update, self.t(lang, "common.old_button"))
            return
        trip_id, action, detail = pressed
        if action == "seatskeep":
            await self._keep_seats(update, context, person, int(trip_id))
            return
        if action == "seatsoff":
            seats, _, introduction = (detail or "").partition("-")
            if not kb.is_number(introduction):
                await answer_button(update, self.t(lang, "common.old_button"))
                return
            await self._set_seats(update, context, person, int(trip_id), seats, int(introduction))
            return
        if action == "seats":
            chosen = detail
            if chosen is None:
                await self._seat_choices(update, person, int(trip_id))
            else:
                await self._set_seats(update, context, person, int(trip_id), chosen)
            return
        if action == "keep" or (action == "delete" and detail != "yes"):
            await self._show_again(update, person, int(trip_id), action)
            return
        await self._change(update, context, person, int(trip_id), action)

    async def _still_there(self, update: Update, person: Person, trip_id: int) -> Trip | None:
        """The trip a button is about, its press answered; None (and said so) when it is
        gone or has ended since the button was shown."""
        lang = person.language
        trip = await self.deps.trips.trip_of(person, trip_id)
        if trip is None:
            await answer_button(update, self.t(lang, "trips.not_found"))
            return None
        if trip.ended:
            await answer_button(update, self.t(lang, _ALREADY[trip.status]))
            await drop_keyboard(update)
            return None
        await answer_button(update)
        return trip

    async def _show_again(self, update: Update, person: Person, trip_id: int, action: str) -> None:
        """Back to the trip's buttons, or the question "really delete it?"."""
        lang = person.language
        trip = await self._still_there(update, person, trip_id)
        if trip is None:
            return
        if action == "keep":
            await edit(update, self._line(person, trip), kb.trip_actions(self.t, lang, trip))
        else:
            text = self.t(lang, "trips.confirm_delete", trip=Html(self._line(person, trip)))
            await edit(update, text, kb.confirm_delete(self.t, lang, trip))

    async def _change(
        self, update: Update, context: Context, person: Person, trip_id: int, action: str
    ) -> None:
        query = update.callback_query
        if query is None:
            raise IncompleteUpdate("a button handler without a pressed button")
        lang = person.language
        result = await self.deps.trips.change(person, trip_id, action)
        if result.outcome is TripChange.NOT_FOUND or result.trip is None:
            await answer_button(update, self.t(lang, "trips.not_found"))
            return
        if result.outcome is TripChange.ENDED:
            await answer_button(update, self.t(lang, _ALREADY[result.trip.status]))
            await drop_keyboard(update)
            return
        if result.outcome is TripChange.UNCHANGED:
            await answer_button(update, self.t(lang, _ALREADY[result.trip.status]))
        else:
            await answer_button(update)
        trip = result.trip
        if action == "delete":
            text = self.t(lang, _DONE_MESSAGE[action], trip=Html(self._line(person, trip)))
            await edit(update, text)
            await self.notifier.write(context, result.notices)
            return
        markup = kb.trip_actions(self.t, lang, trip)
        shown = query.message.reply_markup if isinstance(query.message, Message) else None
        if result.outcome is TripChange.UNCHANGED and shown == markup:
            return  # a double press: the message already shows this state
        await edit(update, self._line(person, trip), markup)
        if result.outcome is TripChange.DONE:
            await send(update, context, self.t(lang, _DONE_MESSAGE[action]))
            await self.notifier.write(context, result.notices)

    async def _seat_choices(self, update: Update, person: Person, trip_id: int) -> None:
        """ "Change the seats": the numbers to choose from."""
        lang = person.language
        trip = await self._still_there(update, person, trip_id)
        if trip is None:
            return
        await swap_keyboard(update, kb.trip_seats(self.t, lang, trip, MAX_SEATS))

    async def _set_seats(
        self,
        update: Update,
        context: Context,
        person: Person,
        trip_id: int,
        chosen: str,
        calling_off: int | None = None,
    ) -> None:
        """The number chosen: the trip shown with its new seats; fewer seats than the
        passengers accepted on a day: who, and the choice (keep, or call someone off)."""
        lang = person.language
        if not kb.is_number(chosen) or not 1 <= int(chosen) <= MAX_SEATS:
            await answer_button(update, self.t(lang, "common.old_button"))
            return
        seats = int(chosen)
        result = await self.deps.trips.set_seats(person, trip_id, seats, calling_off=calling_off)
        if result.outcome is TripChange.NOT_FOUND or result.trip is None:
            await answer_button(update, self.t(lang, "trips.not_found"))
            return
        if result.outcome is TripChange.ENDED:
            await answer_button(update, self.t(lang, _ALREADY[result.trip.status]))
            await drop_keyboard(update)
            return
        if calling_off is not None and result.outcome is TripChange.UNCHANGED:
            await answer_button(update, self.t(lang, "common.old_button"))  # answered before
            return
        await answer_button(update)
        trip = result.trip
        await self.notifier.write(context, result.notices)
        if result.called_off is not None:
            name = result.called_off.passenger.display_name
            await send(update, context, self.t(lang, "seats.called_off_driver", name=name))
        if result.outcome is TripChange.TOO_FEW:
            await edit(
                update,
                self._too_few(lang, trip, seats, result.crowded),
                kb.too_few_seats(self.t, lang, trip, seats, _riders(result.crowded)),
            )
            return
        await edit(update, self._line(person, trip), kb.trip_actions(self.t, lang, trip))
        if result.outcome is TripChange.DONE:
            seats_said = self.t.plural(lang, "words.seats", trip.seats, n=trip.seats)
            await send(update, context, self.t(lang, "rides.seats_changed", seats=seats_said))

    def _too_few(self, lang: str, trip: Trip, seats: int, crowded: Sequence[Crowded]) -> str:
        lines = [
            self.t(
                lang,
                "seats.too_few",
                seats=Html(render.seats(self.t, lang, seats)),
                now=Html(render.seats(self.t, lang, trip.seats)),
            )
        ]
        for day in crowded:
            if day.on is not None:
                when = self.t.date(lang, day.on)
            else:
                when = self.t(lang, "rides.every", days=self.t.weekdays(lang, {day.weekday or 0}))
            names = ", ".join(
                [ride.passenger.display_name for ride in day.rides]
                + [
                    self.t(
                        lang, "seats.partner_passenger", name=b.passenger_alias, platform=b.partner
                    )
                    for b in day.partners
                ]
            )
            lines.append(self.t(lang, "seats.too_few_day", when=when, names=names))
        if any(day.partners for day in crowded):
            lines.append(self.t(lang, "seats.partner_hint"))
        lines.append(self.t(lang, "seats.too_few_choose"))
        return "\n".join(lines)

    async def _keep_seats(
        self, update: Update, context: Context, person: Person, trip_id: int
    ) -> None:
        """The driver keeps the seats he has: nobody is called off."""
        lang = person.language
        trip = await self._still_there(update, person, trip_id)
        if trip is None:
            return
        await edit(update, self._line(person, trip), kb.trip_actions(self.t, lang, trip))
        seats_said = self.t.plural(lang, "words.seats", trip.seats, n=trip.seats)
        await send(update, context, self.t(lang, "seats.kept", seats=seats_said))

    # The freshness question: does the trip still run? (keep, pause, delete)

    async def on_check(self, update: Update, context: Context) -> None:
        """The driver answers; in the operators' group, an operator answers for a driver
        registered by phone."""
        person = await self.deps.person(update)
        in_group = self.directory.in_group(update)
        as_operator = await self.directory.operator_in_group(update)
        lang = self.deps.settings.default_language if in_group else person.language
        if in_group and not as_operator:
            await answer_button(update, self.t(lang, "operators.only"))
            return
        pressed = kb.CHECK.read(update.callback_query.data if update.callback_query else None)
        if pressed is None or pressed.action not in _CHECK_ANSWERS:
            await answer_button(update, self.t(lang, "common.old_button"))
            return
        trip_id, action, detail = pressed
        if as_operator and not await self.teams.may_see_trip(update, int(trip_id), lang):
            return  # another territory's driver: their team answers for them
        confirmed = detail == "yes"
        if action == "back" or (action == "delete" and not confirmed):
            markup = (
                kb.trip_check(self.t, lang, int(trip_id))
                if action == "back"
                else kb.confirm_check_delete(self.t, lang, int(trip_id))
            )
            await answer_button(update)
            await swap_keyboard(update, markup)
            return
        result = await self._answer_check(person, int(trip_id), action, as_operator)
        if result.outcome is TripChange.NOT_FOUND or result.trip is None:
            await answer_button(update, self.t(lang, "trips.not_found"))
            await drop_keyboard(update)
            return
        if result.outcome is TripChange.ENDED or (
            result.outcome is TripChange.UNCHANGED and (action != "keep" or _answered(update))
        ):
            # Pressed twice, or after the trip changed: say where it stands, change nothing.
            await answer_button(update, self.t(lang, _ALREADY[result.trip.status]))
            if not as_operator or result.outcome is TripChange.ENDED:
                await drop_keyboard(update)
            return
        await answer_button(update)
        weeks = self.deps.settings.trip_check_weeks
        if action == "keep":
            resumed = result.outcome is TripChange.DONE
            key = "tripcheck.resumed" if resumed else "tripcheck.kept"
            weeks_said = Html(self.t.plural(lang, "words.weeks", weeks, n=weeks))
            await mark_answered(update, self.t(lang, key, weeks=weeks_said))
            if resumed:
                await self.notifier.write(context, result.notices)
            return
        if action == "pause":
            # The team resumes a phoned-in driver's trip from here (they have no /mestrajets).
            key = "tripcheck.paused_team" if as_operator else "tripcheck.paused_now"
            await mark_answered(update, self.t(lang, key))
            if as_operator:
                await swap_keyboard(update, kb.resume_checked_trip(self.t, lang, result.trip.id))
        else:
            await mark_answered(update, self.t(lang, "tripcheck.deleted_now"))
        await self.notifier.write(context, result.notices)

    async def _answer_check(
        self, person: Person, trip_id: int, action: str, as_operator: bool
    ) -> TripChangeResult:
        if action == "keep":
            return await self.deps.trips.still_runs(person, trip_id, as_operator=as_operator)
        return await self._change_checked(person, trip_id, action, as_operator)

    async def _change_checked(
        self, person: Person, trip_id: int, action: str, as_operator: bool
    ) -> TripChangeResult:
        return await self.deps.trips.change(person, trip_id, action, as_operator=as_operator)

    def _line(self, person: Person, trip: Trip) -> str:
        return render.trip_line(self.t, person.language, trip)


def _answered(update: Update) -> bool:
    """The question was answered already: its buttons are gone (a double tap)."""
    query = update.callback_query
    message = query.message if query is not None else None
    return not isinstance(message, Message) or message.reply_markup is None


def _riders(crowded: list[Crowded]) -> list[Ride]:
    """Everyone on a crowded day, once each, in order."""
    seen: dict[int, Ride] = {}
    for day in crowded:
        for ride in day.rides:
            seen.setdefault(ride.introduction.id, ride)
    return list(seen.values())
