"""After a need is recorded: choosing a driver, the driver's answer, /mesdemandes.

These buttons live outside any conversation: they may be pressed hours later, twice, or
by someone else (a forwarded message); each case gets a polite answer.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.conversations.engine import echo
from bot.domain import IntroductionStatus, Person
from bot.services.introductions import Answer, AnswerResult, AskResult
from bot.services.rides import OutcomeResult, RecordedOutcome
from bot.services.trips import TripChange, TripChangeResult
from bot.services.words import RequestsWaiting
from bot.understand import says_hello
from handlers import keyboards as kb
from handlers import pages, render
from handlers.deps import Deps
from handlers.notify import Notifier
from handlers.replies import (
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
NEED_PAGES = "needs"


class IntroductionHandlers:
    def __init__(self, deps: Deps, notifier: Notifier, directory: OperatorDirectory) -> None:
        self.deps = deps
        self.t = deps.t
        self.notifier = notifier
        self.directory = directory
        self.teams = Teams(deps, directory)

    def handlers(self) -> list[BaseHandler[Update, Context, None]]:
        return [
            CommandHandler(
                ["mesdemandes", "myrequests"], self.list, filters=filters.ChatType.PRIVATE
            ),
            CallbackQueryHandler(self.on_need_button, pattern=kb.pattern(kb.NEED)),
            CallbackQueryHandler(self.on_answer, pattern=kb.pattern(kb.INTRO)),
            CallbackQueryHandler(self.list, pattern=kb.pattern(kb.PAGE, NEED_PAGES)),
            # Words outside any conversation: a driver named among those shown.
            MessageHandler(
                filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, self.on_words
            ),
        ]

    async def on_words(self, update: Update, context: Context) -> None:
        """Said rather than pressed: "oui" / "non" to a driver's request, or the driver to
        ask ("Jean", "le premier")."""
        person = await self.deps.person(update)
        lang = person.language
        typed = update.effective_message.text if update.effective_message else ""
        asked = await self.deps.words.answer(person, typed or "")
        if isinstance(asked, Answer):
            await self._answered_by_words(update, context, lang, asked)
            return
        if isinstance(asked, Person):  # "English": the language they asked for
            await send(update, context, self.t(asked.language, "language.set"))
            return
        if isinstance(asked, TripChangeResult):
            weeks = self.deps.settings.trip_check_weeks
            weeks_said = Html(self.t.plural(lang, "words.weeks", weeks, n=weeks))
            resumed = asked.outcome is TripChange.DONE
            said = "tripcheck.resumed" if resumed else "tripcheck.kept"
            await send(update, context, self.t(lang, said, weeks=weeks_said))
            await self.notifier.write(context, asked.notices)
            return
        if isinstance(asked, RecordedOutcome):
            thanks = "outcome.already"
            if asked.result is OutcomeResult.RECORDED and asked.outcome is not None:
                thanks = f"outcome.thanks_{asked.outcome.value}"
            await send(update, context, self.t(lang, thanks))
            return
        if isinstance(asked, RequestsWaiting):
            # "Peut-être": not a new search; the request's buttons answer it.
            said = self.t.plural(
                lang,
                "qafix.request_waiting",
                asked.count,
                text=echo(typed or ""),
                accept=self.t(lang, "button.accept_request"),
                decline=self.t(lang, "button.decline_request"),
            )
            await send(update, context, said)
            return
        if asked is None and says_hello(typed or ""):
            # "Bonjour": greeted back, with what to say or press next (an example request
            # naming a town of their territory: Deps.named).
            hello = (await self.deps.named(person.id))(lang, "words.hello")
            await send(update, context, hello, kb.start_menu(self.t, lang))
            return
        if asked is None:
            hint = (await self.deps.named(person.id))(lang, "words.free_text_hint")
            await send(update, context, hint)
            await send(update, context, self.t(lang, "start.what"), kb.start_menu(self.t, lang))
            return
        if asked.result is AskResult.UNCLEAR and asked.need is not None:
            need = asked.need
            labels = [
                (render.candidate_button(self.t, lang, need, c), c.trip.id)
                for c in asked.candidates
            ]
            text = self.t(lang, "words.which_driver", text=echo(typed or ""))
            await send(update, context, text, kb.candidates(self.t, lang, need.id, labels))
            return
        key = {
            AskResult.BUSY: "intro.busy",
            AskResult.CLOSED: "intro.closed",
            AskResult.NOT_FOUND: "intro.closed",
        }.get(asked.result)
        if key is not None:
            await send(update, context, self.t(lang, key))
            return
        if asked.result is AskResult.UNAVAILABLE:
            await send(update, context, self.t(lang, "intro.unavailable"))
        await self.notifier.write(context, asked.notices)

    # /mesdemandes

    async def list(self, update: Update, context: Context) -> None:
        """The needs a few at a time, each with its button; "show more" for the next ones."""
        person = await self.deps.person(update)
        lang = person.language
        needs = await self.deps.needs.listing(person)
        page = 0
        if update.callback_query:
            page = pages.page_number(kb.decode(update.callback_query.data)) or 0
            await answer_button(update)
            await drop_keyboard(update)
        if not needs:
            await send(update, context, self.t(lang, "needs.none"))
            return
        if page == 0:
            await send(update, context, self.t(lang, "needs.header"))
        shown = needs[page * pages.ITEMS_PER_PAGE : (page + 1) * pages.ITEMS_PER_PAGE]
        for need, cancellable in shown:
            markup = kb.need_actions(self.t, lang, need.id) if cancellable else None
            await send(update, context, render.need_item(self.t, lang, need), markup)
        seen = page * pages.ITEMS_PER_PAGE + len(shown)
        if seen < len(needs):
            text = self.t(lang, "words.more_items", shown=seen, total=len(needs))
            await send(update, context, text, pages.more_button(self.t, lang, NEED_PAGES, page + 1))

    # A passenger's buttons: ask a driver, ask the team, cancel.

    async def on_need_button(self, update: Update, context: Context) -> None:
        person = await self.deps.person(update)
        lang = person.language
        pressed = kb.NEED.read(update.callback_query.data if update.callback_query else None)
        if pressed is None:
            await answer_button(update, self.t(lang, "common.old_button"))
            return
        need_id, action, detail = pressed
        if action == "ask" and kb.is_number(detail):
            await self._ask(update, context, need_id, int(detail or 0))
        elif action == "team":
            await self._to_team(update, context, need_id)
        elif action in ("cancel_ride", "keep_ride"):
            await self._ride_buttons(update, need_id, action)
        elif action == "cancel" and detail == "yes":
            await self._cancel(update, context, need_id)
        elif action in ("cancel", "keep"):
            await self._confirm_cancel(update, need_id, action)
        else:
            await answer_button(update, self.t(lang, "common.old_button"))

    async def _ask(self, update: Update, context: Context, need_id: int, trip_id: int) -> None:
        person = await self.deps.person(update)
        lang = person.language
        asked = await self.deps.introductions.ask_driver(person, need_id, trip_id)
        if asked.result is AskResult.NOT_FOUND:
            await answer_button(update, self.t(lang, "common.old_button"))
        elif asked.result is AskResult.BUSY:
            await answer_button(update, self.t(lang, "intro.busy"))
        elif asked.result is AskResult.CLOSED:
            await answer_button(update, self.t(lang, "intro.closed"))
        elif asked.result is AskResult.UNAVAILABLE:
            await answer_button(update, self.t(lang, "intro.unavailable"))
            if not asked.candidates:
                await drop_keyboard(update)
            await self.notifier.write(context, asked.notices)
        else:
            await answer_button(update)
            await drop_keyboard(update)
            await self.notifier.write(context, asked.notices)

    async def _to_team(self, update: Update, context: Context, need_id: int) -> None:
        person = await self.deps.person(update)
        lang = person.language
        handed = await self.deps.needs.ask_operators(person, need_id)
        if handed is None:
            await answer_button(update, self.t(lang, "intro.closed"))
            return
        await answer_button(update)
        await drop_keyboard(update)
        await send(update, context, self.t(lang, "candidates.team_asked"))
        await self.notifier.write(context, handed.notices)

    async def _ride_buttons(self, update: Update, need_id: int, action: str) -> None:
        """From the evening-before reminder: the reminder stays as it is until confirmed."""
        person = await self.deps.person(update)
        lang = person.language
        need = await self.deps.needs.cancellable_need(person, need_id)
        if need is None:
            await answer_button(update, self.t(lang, "needs.not_found"))
            await drop_keyboard(update)
            return
        await answer_button(update)
        markup = (
            kb.confirm_cancel_ride(self.t, lang, need.id)
            if action == "cancel_ride"
            else kb.ride_reminder_passenger(self.t, lang, need.id)
        )
        await swap_keyboard(update, markup)

    async def _confirm_cancel(self, update: Update, need_id: int, action: str) -> None:
        """ "Cancel" asks to confirm; "keep" goes back to the need's buttons."""
        person = await self.deps.person(update)
        lang = person.language
        need = await self.deps.needs.cancellable_need(person, need_id)
        if need is None:
            await answer_button(update, self.t(lang, "needs.not_found"))
            return
        await answer_button(update)
        item = Html(render.need_item(self.t, lang, need))
        if action == "keep":
            await edit(update, item, kb.need_actions(self.t, lang, need.id))
        else:
            await edit(
                update,
                self.t(lang, "needs.confirm_cancel", need=item),
                kb.confirm_cancel_need(self.t, lang, need.id),
            )

    async def _cancel(self, update: Update, context: Context, need_id: int) -> None:
        person = await self.deps.person(update)
        lang = person.language
        cancellation = await self.deps.needs.cancel(person, need_id)
        if cancellation.need is None:
            await answer_button(update, self.t(lang, "needs.not_found"))
            return
        await answer_button(update)
        cancelled = Html(render.need_item(self.t, lang, cancellation.need))
        await edit(update, self.t(lang, "needs.cancelled", need=cancelled))
        await self.notifier.write(context, cancellation.notices)

    async def _answered_by_words(
        self, update: Update, context: Context, lang: str, answer: Answer
    ) -> None:
        if answer.result not in (AnswerResult.ACCEPTED, AnswerResult.DECLINED):
            await send(update, context, self.t(lang, "intro.no_longer"))
            return
        await send(update, context, self.t(lang, f"intro.state_{answer.result.value}"))
        if answer.result is AnswerResult.DECLINED and answer.passenger is not None:
            text = self.t(lang, "intro.declined_driver", name=answer.passenger.short_name)
            await send(update, context, text)
        await self.notifier.write(context, answer.notices)

    # A driver's answer.

    async def on_answer(self, update: Update, context: Context) -> None:
        driver = await self.deps.person(update)
        lang = driver.language
        pressed = kb.INTRO.read(update.callback_query.data if update.callback_query else None)
        if pressed is None or pressed.action not in ("yes", "no"):
            await answer_button(update, self.t(lang, "common.old_button"))
            return
        intro_id, choice = pressed.subject, pressed.action
        # In the team's group: an operator answers for a driver without Telegram.
        by_team = await self.directory.operator_in_group(update)
        if by_team and not await self.teams.may_see_introduction(update, int(intro_id), lang):
            return  # another territory's ride: its team answers for its drivers
        answer = await self.deps.introductions.answer(
            driver, int(intro_id), accept=choice == "yes", by_operator=by_team
        )
        if answer.result is AnswerResult.NOT_FOUND:
            await answer_button(update, self.t(lang, "common.old_button"))
        elif answer.result is AnswerResult.NOT_YOURS:
            await answer_button(update, self.t(lang, "intro.not_yours"))
        elif answer.result is AnswerResult.FULL:
            await answer_button(update)
            await mark_answered(update, self.t(lang, "rides.full_cannot_accept"))
            await self.notifier.write(context, answer.notices)
        elif answer.result is AnswerResult.ALREADY:
            settled = answer.introduction.status if answer.introduction else None
            answered = settled in (IntroductionStatus.ACCEPTED, IntroductionStatus.DECLINED)
            await answer_button(
                update, self.t(lang, "intro.already" if answered else "intro.no_longer")
            )
            await drop_keyboard(update)
        else:
            await answer_button(update)
            await mark_answered(update, self.t(lang, f"intro.state_{answer.result.value}"))
            if answer.result is AnswerResult.DECLINED and answer.passenger is not None:
                text = self.t(lang, "intro.declined_driver", name=answer.passenger.short_name)
                await send(update, context, text)
            await self.notifier.write(context, answer.notices)
