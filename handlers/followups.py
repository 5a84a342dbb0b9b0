"""The agenda's messages: one entry, the notices its service returns.

Each step asks its service whether the message still makes sense (a ride cancelled meanwhile
is not reminded) and what to say to whom; the core decides that a person the bot cannot write
to (registered by phone, or who blocked the bot) is reached through the team, with the number
to call and the buttons to answer for them. The step writes the notices and says what became
of the entry.
"""

from __future__ import annotations

from telegram.ext import ContextTypes

from bot.agenda import AgendaEntry, Outcome
from bot.notices import Notice
from handlers import keyboards as kb
from handlers import render
from handlers.dashboard import monthly_text, send_chart
from handlers.deps import Deps
from handlers.notify import Notifier

Context = ContextTypes.DEFAULT_TYPE


class FollowUpMessages:
    def __init__(self, deps: Deps, notifier: Notifier) -> None:
        self.deps = deps
        self.notifier = notifier

    async def _write(self, context: Context, notices: list[Notice] | None) -> Outcome:
        if notices is None:
            return Outcome.SKIPPED
        written = await self.notifier.write(context, notices)
        return Outcome.SENT if written or not notices else Outcome.UNREACHABLE

    # Aid applications nobody answered.

    async def aid_review_reminder(self, context: Context, entry: AgendaEntry) -> Outcome:
        return await self._write(
            context, await self.deps.applications.review_reminder(entry.subject_id)
        )

    # Introductions nobody answered.

    async def introduction_expired_driver(self, context: Context, entry: AgendaEntry) -> Outcome:
        notices = await self.deps.introductions.expiry_news(entry.subject_id)
        return await self._write(context, notices) if notices else Outcome.SKIPPED

    async def introduction_expired_passenger(self, context: Context, entry: AgendaEntry) -> Outcome:
        answer = await self.deps.introductions.timed_out(entry.subject_id)
        if answer is None or answer.passenger is None:
            return Outcome.SKIPPED
        return await self._write(context, answer.notices)

    # Accepted rides: the evening before, and the day after.

    async def ride_reminder_passenger(self, context: Context, entry: AgendaEntry) -> Outcome:
        notices = await self.deps.rides.reminder(entry.subject_id, for_driver=False)
        return await self._write(context, notices)

    async def ride_reminder_driver(self, context: Context, entry: AgendaEntry) -> Outcome:
        notices = await self.deps.rides.reminder(entry.subject_id, for_driver=True)
        return await self._write(context, notices)

    async def ride_outcome_question(self, context: Context, entry: AgendaEntry) -> Outcome:
        return await self._write(context, await self.deps.rides.question(entry.subject_id))

    # Regular trips: still running?

    async def trip_check(self, context: Context, entry: AgendaEntry) -> Outcome:
        found = await self.deps.trips.check_due(entry.subject_id)
        if found is None:
            return Outcome.SKIPPED
        outcome = await self._write(context, found.notices)
        await self.deps.trips.check_sent(entry, outcome)
        return outcome

    async def trip_paused(self, context: Context, entry: AgendaEntry) -> Outcome:
        found = await self.deps.trips.paused_unconfirmed(entry.subject_id)
        return await self._write(context, found.notices if found else None)

    # Needs.

    async def need_expiry(self, context: Context, entry: AgendaEntry) -> Outcome:
        """The action at midnight; the team's post shows it at once (an edit wakes nobody)."""
        outcome = await self.deps.needs.expire(entry)
        if outcome is Outcome.DONE:
            await self.notifier.refresh_post(context, entry.subject_id)
        return outcome

    async def need_expired(self, context: Context, entry: AgendaEntry) -> Outcome:
        notices = await self.deps.needs.expired(entry.subject_id)
        if notices is None:
            return Outcome.SKIPPED
        await self.notifier.write(context, notices)
        return Outcome.SENT if any(n.to is not None for n in notices) else Outcome.DONE

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
        outcome = await self._write(context, view.notices)
        await self.deps.operators.claimer_reminded(entry, outcome)
        return outcome

    async def digest(self, context: Context, entry: AgendaEntry) -> Outcome:
        if self.deps.settings.operator_chat_id is None:
            return Outcome.SKIPPED
        digest = await self.deps.digest.digest()
        t, lang = self.deps.t, self.deps.settings.default_language
        text = render.digest(t, lang, digest, self.deps.today())
        buttons = [
            (t(lang, "button.digest_need", id=view.need.id,
               name=view.passenger.short_name), view.need.id)
            for view in [*digest.new_needs, *digest.still_open][: render.DIGEST_LINES]
            if view.need and view.passenger
        ]  # fmt: skip
        written = await self.notifier.to_operators(context, text, kb.digest(t, lang, buttons))
        outcome = Outcome.SENT if written else Outcome.UNREACHABLE
        await self.deps.digest.sent(entry, outcome)
        return outcome

    async def monthly_report(self, context: Context, entry: AgendaEntry) -> Outcome:
        """On the first of the month: last month's report and the chart, in the group."""
        chat_id = self.deps.settings.operator_chat_id
        if chat_id is None:
            await self.deps.dashboard.reported(entry, Outcome.SKIPPED)
            return Outcome.SKIPPED
        report = await self.deps.dashboard.monthly()
        t, lang = self.deps.t, self.deps.settings.default_language
        await self.notifier.to_operators(context, monthly_text(t, lang, report))
        await send_chart(context, t, lang, chat_id, report.dashboard)
        await self.deps.dashboard.reported(entry, Outcome.SENT)
        return Outcome.SENT
