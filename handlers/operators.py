"""The operators' group: following up the needs the bot could not solve.

Only members of the operators' group (`OPERATOR_CHAT_ID`) may use these buttons and
commands, in the group or in a private chat; Telegram is asked who is a member, and the
answer is kept a few minutes so a busy group does not call it at every press.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, InputFile, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.domain import CloseReason, Missing, NotWired, Person
from bot.services.operators import FollowUp, FollowUpResult
from bot.services.reports import Figures
from bot.spreadsheet import csv_bytes
from handlers import keyboards as kb
from handlers import pages, render
from handlers.dashboard import send_chart
from handlers.deps import Deps
from handlers.notify import Notifier
from handlers.replies import (
    IncompleteUpdate,
    answer_button,
    edit,
    mark_answered,
    send,
    swap_keyboard,
)
from handlers.roles import OperatorDirectory
from handlers.sms_team import month_text
from handlers.team_views import need_diary, worded_rows
from handlers.teams import Teams
from i18n import Html

Context = ContextTypes.DEFAULT_TYPE
log = logging.getLogger(__name__)

OPEN_PAGES = "open"


class OperatorHandlers:
    def __init__(self, deps: Deps, notifier: Notifier, directory: OperatorDirectory) -> None:
        self.deps = deps
        self.t = deps.t
        self.notifier = notifier
        self.directory = directory
        self.teams = Teams(deps, directory)
        self.lang = deps.settings.default_language

    def handlers(self) -> list[BaseHandler[Update, Context, None]]:
        return [
            CommandHandler(["ouvertes", "open"], self.open_needs),
            CommandHandler("stats", self.statistics),
            CommandHandler("export", self.export),
            CallbackQueryHandler(self.on_button, pattern=kb.pattern(kb.OPERATOR)),
            CallbackQueryHandler(self.on_open_page, pattern=kb.pattern(kb.PAGE, OPEN_PAGES)),
        ]

    async def _operator(self, update: Update) -> Person | None:
        """The operator behind this update; a polite refusal to anyone else."""
        user = update.effective_user
        if user is None:
            return None
        if not await self.directory.is_operator(update.get_bot(), user.id):
            person = await self.deps.people.find_by_telegram_id(user.id)
            lang = person.language if person else self.lang
            if update.callback_query:
                await answer_button(update, self.t(lang, "operators.only"))
            elif update.effective_chat is not None:
                await update.get_bot().send_message(
                    update.effective_chat.id, self.t(lang, "operators.only")
                )
            return None
        return await self.deps.person(update)

    # /ouvertes

    async def open_needs(self, update: Update, context: Context) -> None:
        operator = await self._operator(update)
        if operator is None:
            return
        lang = self._language(update, operator)
        views = await self.deps.operators.open_needs(await self.teams.scope(update))
        if not views:
            await send(update, context, self.t(lang, "operators.open_none"))
            return
        await send(update, context, *self._open_page(lang, views, 0))

    async def on_open_page(self, update: Update, context: Context) -> None:
        """Another page of /ouvertes, in the same message."""
        operator = await self._operator(update)
        if operator is None:
            return
        lang = self._language(update, operator)
        page = pages.page_number(
            kb.decode(update.callback_query.data if update.callback_query else None)
        )
        views = await self.deps.operators.open_needs(await self.teams.scope(update))
        await answer_button(update)
        if not views:
            await edit(update, self.t(lang, "operators.open_none"))
            return
        await edit(update, *self._open_page(lang, views, page or 0))

    def _open_page(
        self, lang: str, views: list[FollowUp], page: int
    ) -> tuple[str, InlineKeyboardMarkup | None]:
        items = []
        for view in views:
            if not (view.need and view.passenger):
                raise Missing("the follow-up names no need or passenger")
            items.append(
                self.t(
                    lang,
                    "operators.open_item",
                    id=view.need.id,
                    passenger=view.passenger.display_name,
                    origin=view.need.origin.name,
                    destination=view.need.destination.name,
                    when=Html(render.need_when(self.t, lang, view.need)),
                    state=Html(render.operator_state(self.t, lang, view)),
                )
            )
        found = pages.pages(items)
        page = min(max(page, 0), len(found) - 1)
        header = self.t(lang, "operators.open_header", count=len(views))
        markup = pages.page_buttons(self.t, lang, OPEN_PAGES, page, len(found))
        return f"{header}\n\n{found[page]}", markup

    # /stats and /export

    async def statistics(self, update: Update, context: Context) -> None:
        # With several territories: the team's own figures; `/stats tout` the deployment's,
        # for whoever runs it (ADMIN_USER_IDS), in a team or not: counts, nobody's data.
        everything = _everything(context)
        director = everything and self.teams.several and self.teams.is_admin(update)
        operator = await self.deps.person(update) if director else await self._operator(update)
        if operator is None:
            return
        lang = self._language(update, operator)
        scope = None if everything else await self.teams.scope(update)
        if everything and self.teams.several and not self.teams.is_admin(update):
            await send(update, context, self.t(lang, "territories.all_refused"))
            return
        overview = await self.deps.dashboard.overview(scope)
        stats = overview.statistics
        text = self.t(
            lang,
            "stats.text",
            recent=Html(self._figures(lang, stats.recent)),
            overall=Html(self._figures(lang, stats.overall)),
        )
        if self.teams.several:  # whose figures these are
            team = self.deps.settings.territories.get(scope.territory if scope else None)
            header = (
                self.t(lang, "territories.stats_of", team=team.name)
                if scope is not None
                else self.t(lang, "territories.stats_all")
            )
            text = f"{header}\n\n{text}"
        if overview.texts is not None:  # what texting cost this month
            territories = self.deps.settings.territories
            text += "\n\n" + month_text(self.t, lang, overview.texts, territories)
        chat = update.effective_chat
        if chat is None:
            raise IncompleteUpdate("a command without its chat")
        # The chart first, the figures last: they stay under the reader's eyes.
        await send_chart(context, self.t, lang, chat.id, overview.dashboard)
        await send(update, context, text)

    def _figures(self, lang: str, figures: Figures) -> str:
        def listing(prefix: str, counts: dict[str, int]) -> str:
            parts = [
                self.t(lang, "stats.part", name=Html(self.t(lang, f"{prefix}.{key}")), count=count)
                for key, count in sorted(counts.items(), key=lambda item: -item[1])
            ]
            return ", ".join(parts) if parts else self.t(lang, "stats.nothing")

        text = self.t(
            lang,
            "stats.figures",
            drivers=figures.drivers,
            trips=figures.active_trips,
            needs=figures.needs,
            accepted=figures.accepted,
            happened=figures.happened,
            by_status=Html(listing("need.status", figures.by_status)),
            by_purpose=Html(listing("purpose", figures.by_purpose)),
        )
        one_off = self.t(lang, "rides.stats_one_off", count=figures.one_off_trips)
        return f"{text}\n{one_off}"

    async def export(self, update: Update, context: Context) -> None:
        """CSV files, always into the operators' group (never into a private chat)."""
        operator = await self._operator(update)
        if operator is None:
            return
        # The team's own rows, into its own group; `/export tout`: every territory's, for
        # whoever runs the deployment (into their team's group).
        everything = _everything(context)
        if everything and self.teams.several and not self.teams.is_admin(update):
            lang = self._language(update, operator)
            await send(update, context, self.t(lang, "territories.all_refused"))
            return
        team = await self.teams.team(update)
        scope = None if everything or team is None else await self.teams.scope(update)
        chat_id = self.deps.team_chat(team.id if team else None)
        if chat_id is None:
            raise NotWired("no operators' group is set")
        zone = self.deps.settings.zone
        for table in await self.deps.reports.export(scope):
            rows = worded_rows(self.t, self.lang, table.table, table.rows, zone)
            content = csv_bytes(rows)
            await context.bot.send_document(
                chat_id, InputFile(content, filename=table.name), caption=table.name
            )
        chat = update.effective_chat
        if chat is not None and chat.id != chat_id:
            await send(update, context, self.t(self._language(update, operator), "export.sent"))

    def _language(self, update: Update, operator: Person) -> str:
        """The operator's language in private; the territory's in the shared group."""
        chat = update.effective_chat
        return operator.language if chat is not None and chat.type == chat.PRIVATE else self.lang

    # The buttons under a need's post.

    async def on_button(self, update: Update, context: Context) -> None:
        operator = await self._operator(update)
        if operator is None:
            return
        lang = self._language(update, operator)
        pressed = kb.OPERATOR.read(update.callback_query.data if update.callback_query else None)
        if pressed is None:
            await answer_button(update, self.t(lang, "common.old_button"))
            return
        need_id, action, detail = pressed
        if not await self.teams.may_see_need(update, int(need_id), lang):
            return  # another territory's need: its team's alone
        if action == "claim":
            await self._claim(update, context, operator, need_id, lang)
        elif action == "drivers":
            await self._drivers(update, context, need_id, lang)
        elif action == "ask" and kb.is_number(detail):
            await self._ask(update, context, operator, need_id, int(detail or 0), lang)
        elif action == "close" and detail:
            await self._close(update, context, operator, need_id, detail, lang)
        elif action == "close":
            await answer_button(update)
            await update.callback_query.edit_message_reply_markup(  # type: ignore[union-attr]
                kb.operator_close_reasons(self.t, lang, int(need_id))
            )
        elif action == "history":
            await self._history(update, context, int(need_id), lang)
        elif action == "show":
            chat = update.effective_chat
            if chat is None:
                raise IncompleteUpdate("a button without its chat")
            shown = await self.notifier.show_need(context, chat.id, int(need_id))
            await answer_button(update, None if shown else self.t(lang, "operators.not_found"))
        elif action == "back":
            await answer_button(update)
            if self.directory.in_group(update):
                # The reasons' keyboard is replaced by the usual one, even if the text is the same.
                await self.notifier.refresh_post(context, int(need_id), force=True)
            else:  # a reminder in a private chat: its own buttons come back
                await swap_keyboard(update, kb.operator_actions(self.t, lang, int(need_id)))
        else:
            await answer_button(update, self.t(lang, "common.old_button"))

    async def _claim(
        self, update: Update, context: Context, operator: Person, need_id: int, lang: str
    ) -> None:
        followed = await self.deps.operators.claim(operator, need_id)
        if followed.result is FollowUpResult.DONE:
            await answer_button(update, self.t(lang, "operators.claimed"))
            await self.notifier.write(context, followed.notices)
        elif followed.result is FollowUpResult.ALREADY_YOURS:
            await answer_button(update, self.t(lang, "operators.already_yours"))
        elif followed.result is FollowUpResult.TAKEN and followed.claimer:
            await answer_button(
                update, self.t(lang, "operators.taken", operator=followed.claimer.display_name)
            )
        else:
            await self._refused(update, followed, lang)

    async def _drivers(self, update: Update, context: Context, need_id: int, lang: str) -> None:
        followed = await self.deps.operators.wider_candidates(need_id)
        if followed.need is None:
            await self._refused(update, followed, lang)
            return
        await answer_button(update)
        chat = update.effective_chat
        if chat is None:
            raise IncompleteUpdate("a button without its chat")
        await self.notifier.operator_candidates(
            context, chat.id, followed.need, followed.candidates, lang
        )

    async def _ask(
        self,
        update: Update,
        context: Context,
        operator: Person,
        need_id: int,
        trip_id: int,
        lang: str,
    ) -> None:
        asked = await self.deps.introductions.ask_driver(
            operator, need_id, trip_id, as_operator=True
        )
        key = {
            "not_found": "operators.not_found",
            "closed": "operators.closed",
            "busy": "intro.busy",
            "unavailable": "intro.unavailable",
        }.get(asked.result.value)
        if key is not None:
            await answer_button(update, self.t(lang, key))
            return
        await answer_button(update)
        await self.notifier.write(context, asked.notices)

    async def _close(
        self,
        update: Update,
        context: Context,
        operator: Person,
        need_id: int,
        reason: str,
        lang: str,
    ) -> None:
        if reason not in {r.value for r in CloseReason}:
            await answer_button(update, self.t(lang, "common.old_button"))
            return
        followed = await self.deps.operators.close(operator, need_id, CloseReason(reason))
        if followed.result is not FollowUpResult.DONE or followed.need is None:
            await self._refused(update, followed, lang)
            return
        reason_text = Html(self.t(lang, f"close.{reason}"))
        await answer_button(
            update, self.t(lang, "operators.close_done", id=need_id, reason=reason_text)
        )
        if not self.directory.in_group(update):
            await mark_answered(
                update, self.t(lang, "operators.close_done", id=need_id, reason=reason_text)
            )
        await self.notifier.write(context, followed.notices)

    async def _history(self, update: Update, context: Context, need_id: int, lang: str) -> None:
        """The need's diary, posted where the button was pressed (the team's eyes only)."""
        diary = await self.deps.operators.diary(need_id)
        if diary is None:
            await answer_button(update, self.t(lang, "operators.not_found"))
            return
        await answer_button(update)
        await send(update, context, need_diary(self.t, lang, diary, self.deps.settings.zone))

    async def _refused(self, update: Update, followed: FollowUp, lang: str) -> None:
        key = (
            "operators.closed"
            if followed.result is FollowUpResult.CLOSED
            else "operators.not_found"
        )
        await answer_button(update, self.t(lang, key))


# The word that asks for every territory's (for whoever runs the deployment).
ALL_WORDS = ("tout", "all", "toutes")


def _everything(context: Context) -> bool:
    """`/stats tout`, `/export tout`: every territory's (for whoever runs the deployment)."""
    return " ".join(context.args or []).strip().lower() in ALL_WORDS
