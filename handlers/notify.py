"""Writing what the core decided into the outbox, worded for each reader.

A use case returns notices (bot/notices.py); `write` words each one (handlers/notices.py) in
its reader's language (the operators' group reads the territory's), and puts it in the
outbox through the capturing bot, in the transaction of the update or agenda entry being
handled. A notice to someone who turns out to be unreachable at delivery leaves, worded in
advance, what the team must be told instead.

The Notifier reads nothing from the core while it writes: what a team post must show comes
with the notice (read by the core, or by `with_views` before the first message is written).
What it keeps in memory (what each team post shows) changes only once the transaction that
wrote the edit commits, so a rolled-back update leaves no stale memory.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from types import SimpleNamespace

from telegram import Bot, InlineKeyboardMarkup
from telegram.ext import ContextTypes

from bot.delivery import (
    JSON,
    DriverUnreachable,
    NeedPosted,
    SendMessages,
    Step,
    Steps,
    WordedMessage,
)
from bot.domain import Missing, Need, Person
from bot.notices import (
    NeedPostRefresh,
    Notice,
    SmsStoppedMessage,
    SmsThroughTeam,
    SmsUndelivered,
    TeamDigest,
    TeamMonthlyReport,
    team_territory,
    to_team,
)
from bot.services.candidates import Candidate
from bot.services.dashboard import MonthlyReport
from bot.services.digest import Digest
from bot.services.texts import THROUGH_TEAM
from bot.services.views import FollowUp as TeamView
from handlers import keyboards as kb
from handlers import pages, render
from handlers.dashboard import monthly_text, send_chart
from handlers.deps import Deps
from handlers.notices import NoticeWords
from handlers.outbox_bot import about, about_now
from handlers.ride_paper_notices import write_paper
from handlers.sms.notices import TextNotices
from handlers.sms.outgoing import TextWriter, texted
from i18n import Html, Translator

# Runs an action once the transaction under way commits (storage's Database.after_commit).
AfterCommit = Callable[[Callable[[], None]], None]

Context = ContextTypes.DEFAULT_TYPE
log = logging.getLogger(__name__)


class Notifier:
    def __init__(
        self, deps: Deps, after_commit: AfterCommit, texts: TextWriter | None = None
    ) -> None:
        self.deps = deps
        self.t = deps.t
        self.words = NoticeWords(deps.t, deps.settings.zone)
        # Texts (SMS) to people reached that way; None without a gateway.
        self.texts = texts
        self.text_words = TextNotices(deps.t, self.words)
        # The same wordings in the name of a territory's service ("Covoit' Corrèze") and with
        # its example town, for the people who belong to it (Deps.named), made once per name.
        self._named: dict[tuple[str | None, str | None], tuple[NoticeWords, TextNotices]] = {}
        self.team_lang = deps.settings.default_language
        self._after_commit = after_commit
        # What each need's post shows now (committed edits only), so that an unchanged post
        # is not edited again.
        self._shown: dict[int, tuple[str, bool]] = {}

    def steps(self, bot: Bot) -> Steps:
        """What the deliverer does once a notice is sent, or when its reader is unreachable."""
        self._bot = bot
        return (
            Steps()
            .on(SendMessages, self._send_step)
            .on(NeedPosted, self._need_posted)
            .on(DriverUnreachable, self._driver_unreachable)
        )

    async def words_for(self, person: Person) -> tuple[NoticeWords, TextNotices]:
        """The wordings of notices to `person`: in their service's name, decided now, as the
        notice is written (with several territories, their territory's once known)."""
        return self.wordings(await self.deps.named(person.id))

    def wordings(self, t: Translator) -> tuple[NoticeWords, TextNotices]:
        """The wordings of notices in the name `t` speaks in (Translator.named)."""
        if t.service is None and t.town is None:
            return self.words, self.text_words
        voice = (t.service, t.town)
        if voice not in self._named:
            words = NoticeWords(t, self.deps.settings.zone)
            self._named[voice] = (words, TextNotices(t, words))
        return self._named[voice]

    def _context(self) -> Context:
        # The steps run outside any update: they only need the bot.
        return SimpleNamespace(bot=self._bot)  # type: ignore[return-value]

    # The core's notices.

    async def write(self, context: Context, notices: list[Notice]) -> int:
        """Word and write each notice; returns how many messages went to the outbox."""
        if any(isinstance(n.values, NeedPostRefresh) and n.values.view is None for n in notices):
            # What the posts must show, read before anything is written.
            notices = await self.deps.operators.with_views(notices)
        written = 0
        for notice in notices:
            written += await self._write(context, notice)
        return written

    async def _write(self, context: Context, notice: Notice) -> int:
        values = notice.values
        if isinstance(values, NeedPostRefresh):
            if values.view is None:
                raise Missing("written by write(), which reads the views first")
            await self._edit_post(context, values.view)
            return 0
        if isinstance(values, TeamDigest):
            return int(await self._digest(context, values.digest, values.today, notice.territory))
        if isinstance(values, TeamMonthlyReport):
            return int(await self._monthly_report(context, values.report, notice.territory))
        papers = await write_paper(self, context, notice)  # rides with volunteers, as files
        if papers is not None:
            return papers
        reader = notice.to
        if reader is not None and reader.by_sms:
            return await self._text(context, notice, reader)
        lang = reader.language if reader is not None else self.team_lang
        words = self.words if reader is None else (await self.words_for(reader))[0]
        text, markup = words.word(notice, lang)
        if reader is None and notice.chat_id is not None:  # a funder's group
            with about(after_sent=notice.after_sent):
                await context.bot.send_message(notice.chat_id, text, reply_markup=markup)
            return 1
        if reader is None:
            # A text passed on for lack of budget is counted as such (/stats).
            topic = THROUGH_TEAM if isinstance(values, SmsThroughTeam) else None
            with about(after_sent=notice.after_sent, topic=topic):
                return int(await self.to_operators(context, text, markup, team_territory(notice)))
        if await self.tell(context, reader, text, markup, if_unreachable=self._instead(notice)):
            return 1
        if isinstance(notice.if_unreachable, tuple):
            # Known to be out of reach already: those who must know are told now.
            return await self.write(context, list(notice.if_unreachable))
        return 0

    async def _text(self, context: Context, notice: Notice, reader: Person) -> int:
        """A notice to someone reached by SMS: one short text; if it never reaches the phone,
        whoever must know is told (the team, when the notice names no one)."""
        text = (await self.words_for(reader))[1].word(notice, reader.language)
        if self.texts is not None and reader.reachable:
            instead = self._instead(notice) or self.instead_of_text(reader, text)
            about = about_now()
            written = await self.texts.write(
                reader, text, if_unreachable=instead, urgent=about.urgent, topic=about.topic
            )
            if written:
                return 1
            # Over the month's budget: the team passes it on by phone.
            return await self.write(context, [to_team(SmsThroughTeam(reader, text))])
        if isinstance(notice.if_unreachable, tuple) and notice.if_unreachable:
            return await self.write(context, list(notice.if_unreachable))
        if reader.sms_stopped_at is not None:
            return await self.write(context, [to_team(SmsStoppedMessage(reader, text))])
        return await self.write(context, [to_team(SmsUndelivered(reader, text))])

    def instead_of_text(self, reader: Person, text: str) -> Step | None:
        """The team, told a text that never reached `reader` (the gateway's report)."""
        chat_id = self.deps.team_chat(reader.territory)
        if chat_id is None:
            return None
        told = to_team(SmsUndelivered(reader, text))
        worded, markup = self.words.word(told, self.team_lang)
        return SendMessages((WordedMessage(chat_id, worded, None),)).step()

    def _instead(self, notice: Notice) -> Step | None:
        """What the deliverer does if Telegram refuses this notice: a step of the core, or
        messages worded now and sent only then."""
        if isinstance(notice.if_unreachable, Step):
            return notice.if_unreachable
        messages: list[WordedMessage] = []
        for other in notice.if_unreachable:
            if other.to is not None and other.to.by_sms:
                lang = other.to.language
                messages.append(texted(other.to, self.text_words.word(other, lang)))
                continue
            lang = other.to.language if other.to is not None else self.team_lang
            chat_id = (
                self.deps.team_chat(team_territory(other))
                if other.to is None
                else other.to.telegram_user_id
            )
            if chat_id is None:
                continue
            text, markup = self.words.word(other, lang)
            messages.append(
                WordedMessage(chat_id, text, markup.to_dict() if markup is not None else None)
            )
        return SendMessages(tuple(messages)).step() if messages else None

    # Steps run by the deliverer.

    async def _send_step(self, step: SendMessages, message_id: int | None) -> None:
        for message in step.messages:
            if message.sms_to is not None:
                if self.texts is not None:
                    await self.texts.write_worded(message)
                continue
            await self._bot.send_message(
                message.chat_id, message.text, reply_markup=_markup(message.reply_markup)
            )

    async def _need_posted(self, step: NeedPosted, message_id: int | None) -> None:
        """The need's post is in the group: it becomes the one kept up to date."""
        if message_id is None:
            return
        await self.deps.operators.posted(step.need_id, message_id)
        self._after_commit(lambda: self._forget_shown(step.need_id))
        if step.old_post_id is not None and step.old_post_id != message_id:
            territory = await self._territory_of_need(step.need_id)
            await self._drop_old_post(self._context(), step.old_post_id, territory)

    def _forget_shown(self, need_id: int) -> None:
        self._shown.pop(need_id, None)

    async def _driver_unreachable(self, step: DriverUnreachable, message_id: int | None) -> None:
        answer = await self.deps.introductions.driver_unreachable(step.introduction_id)
        if answer is not None:
            await self.write(self._context(), answer.notices)

    async def tell(
        self,
        context: Context,
        person: Person,
        text: str,
        markup: InlineKeyboardMarkup | None = None,
        *,
        if_unreachable: Step | None = None,
    ) -> bool:
        """Write to a person in private; False if Telegram is known not to deliver it (no
        Telegram account, or they blocked the bot). A refusal found at delivery runs
        `if_unreachable` instead."""
        if not person.reachable or person.telegram_user_id is None:
            return False
        with about(person_id=person.id, if_unreachable=if_unreachable):
            await context.bot.send_message(person.telegram_user_id, text, reply_markup=markup)
        return True

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
        # As many messages as it takes to stay under Telegram's length, each with the
        # buttons of the drivers it shows; a trip full that day is shown (the team may call
        # its driver), not offered to ask.
        lines = [render.operator_candidate_line(t, lang, need, c) for c in candidates]
        header = t(lang, "operators.candidates", id=need.id, lines="")
        start = 0
        for run in pages.chunks(lines, pages.PAGE_LIMIT - len(header), separator="\n"):
            shown = candidates[start : start + len(run)]
            start += len(run)
            page = "\n".join(run)
            buttons = (
                [
                    (t(lang, "operators.ask_label", name=c.driver.short_name), c.trip.id)
                    for c in shown
                    if not c.match.full
                ]
                if need.is_open
                else []
            )
            markup = kb.operator_candidates(t, lang, need.id, buttons) if buttons else None
            text = t(lang, "operators.candidates", id=need.id, lines=Html(page))
            await context.bot.send_message(chat_id, text, reply_markup=markup)

    async def refresh_post(self, context: Context, need_id: int, *, force: bool = False) -> None:
        """Edit the need's post in the group to show where it stands now (an operator asks
        for its buttons back: read first, then written)."""
        await self._edit_post(context, await self.deps.operators.view(need_id), force=force)

    async def _territory_of_need(self, need_id: int) -> str | None:
        if self.deps.belonging is None:
            return None
        territory = await self.deps.belonging.of_need(need_id)
        return territory.id if territory is not None else None

    async def _edit_post(self, context: Context, view: TeamView, *, force: bool = False) -> None:
        if view.need is None:
            return
        chat_id = self.deps.team_chat(view.need.territory)  # its own team's group
        if view.need.operators_post_id is None or chat_id is None:
            return
        need_id = view.need.id
        lang = self.deps.settings.default_language
        text = render.operator_post(self.t, lang, view, view.reason)
        markup = (
            kb.operator_actions(self.t, lang, need_id, claimed=view.claimer is not None)
            if view.need.is_open
            else None
        )
        markup = markup or kb.operator_history(self.t, lang, need_id)  # closed: its diary stays
        shown = (text, markup is not None)
        if not force and self._shown.get(need_id) == shown:
            return
        await context.bot.edit_message_text(
            text, chat_id=chat_id, message_id=view.need.operators_post_id, reply_markup=markup
        )
        # Remembered once the edit is in the outbox for good: rolled back, the post still
        # shows what it showed, and the next refresh edits it.
        self._after_commit(lambda: self._shown.__setitem__(need_id, shown))

    async def _digest(
        self, context: Context, digest: Digest, today: date, territory: str | None = None
    ) -> bool:
        """The team's morning digest, with a button for each need it lists."""
        t, lang = self.t, self.team_lang
        text = render.digest(t, lang, digest, today)
        buttons = [
            (
                t(lang, "button.digest_need", id=view.need.id, name=view.passenger.short_name),
                view.need.id,
            )
            for view in [*digest.new_needs, *digest.still_open][: render.DIGEST_LINES]
            if view.need and view.passenger
        ]
        return await self.to_operators(context, text, kb.digest(t, lang, buttons), territory)

    async def _monthly_report(
        self, context: Context, report: MonthlyReport, territory: str | None = None
    ) -> bool:
        """Last month's report, then its chart, in the (territory's) team's group."""
        chat_id = self.deps.team_chat(territory)
        if chat_id is None:
            return False
        await self.to_operators(
            context, monthly_text(self.t, self.team_lang, report), territory=territory
        )
        await send_chart(context, self.t, self.team_lang, chat_id, report.dashboard)
        return True

    async def show_need(self, context: Context, chat_id: int, need_id: int) -> bool:
        """An operator asks for a need's post (from the digest): it is posted anew where
        asked; in the group, the new post becomes the one kept up to date."""
        view = await self.deps.operators.view(need_id)
        if view.need is None:
            return False
        lang = self.deps.settings.default_language
        markup = (
            kb.operator_actions(self.t, lang, need_id, claimed=view.claimer is not None)
            if view.need.is_open
            else None
        )
        text = render.operator_post(self.t, lang, view, view.reason)
        if chat_id == self.deps.team_chat(view.need.territory) and view.need.is_open:
            posted = NeedPosted(need_id, view.need.operators_post_id).step()
            with about(after_sent=posted):
                await context.bot.send_message(chat_id, text, reply_markup=markup)
        else:
            await context.bot.send_message(chat_id, text, reply_markup=markup)
        return True

    async def _drop_old_post(
        self, context: Context, post_id: int | None, territory: str | None
    ) -> None:
        chat_id = self.deps.team_chat(territory)
        if post_id is None or chat_id is None:
            return
        # Deleted by someone, or already without buttons: the deliverer lets it go.
        await context.bot.edit_message_reply_markup(chat_id, post_id, reply_markup=None)

    async def to_operators(
        self,
        context: Context,
        text: str,
        markup: InlineKeyboardMarkup | None = None,
        territory: str | None = None,
    ) -> bool:
        """To a territory's team (the first's when None)."""
        chat_id = self.deps.team_chat(territory)
        if chat_id is None:
            log.warning("OPERATOR_CHAT_ID is not set: the operators were not told")
            return False
        await context.bot.send_message(chat_id, text, reply_markup=markup)
        return True


def _markup(data: JSON | None) -> InlineKeyboardMarkup | None:
    return InlineKeyboardMarkup.de_json(data, None) if data else None
