"""Notices of rides with volunteer drivers written as files (bot/services/volunteer_rides.py):
a volunteer's monthly statement (PDF, with "Je le donne à l'association"), the treasurer's CSV,
the year's donations, a gift told to the team. Called by the Notifier (handlers/notify.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import InlineKeyboardMarkup, InputFile
from telegram.ext import ContextTypes

from bot.domain import Missing, Ride
from bot.notices import Notice, team_territory
from bot.services.coordinator import CoordinatorDay, TeamCoordinatorDay
from bot.services.volunteer_rides import (
    Statement,
    TeamDonations,
    TeamGift,
    TeamStatements,
    VolunteerStatementReady,
    month_key,
)
from handlers import keyboards as kb
from handlers import render
from handlers.deps import Deps
from handlers.outbox_bot import about
from handlers.ride_pdf import (
    donations_csv,
    donations_text,
    euros,
    month_name,
    statement_pdf,
    statements_csv,
)
from handlers.volunteer_words import availability_line
from i18n import Html, Translator

if TYPE_CHECKING:
    from handlers.notify import Notifier

Context = ContextTypes.DEFAULT_TYPE

# The subject is the month as a number (202611); the action "ask", "yes" or "no".
GIVE = kb.ButtonKind("vg", kb.SubjectAction, "a volunteer gives a month's allowance up")


def give_button(
    deps: Deps, lang: str, statement: Statement, *, for_volunteer: int | None = None
) -> InlineKeyboardMarkup | None:
    """ "Je le donne à l'association"; in the team's group, for a volunteer without Telegram
    (`for_volunteer`: their number) who said so by phone."""
    if statement.given_at is not None:
        return None
    subject = statement.year * 100 + statement.month
    if for_volunteer is None:
        return kb.inline([(deps.t(lang, "paper.button_give"), kb.encode(GIVE, subject, "ask"))])
    label = deps.t(lang, "paper.button_give_team", name=statement.volunteer.short_name)
    return kb.inline([(label, kb.encode(GIVE, subject, "ask", str(for_volunteer)))])


async def write_paper(notifier: Notifier, context: Context, notice: Notice) -> int | None:
    """A notice of rides on paper written as files; None for any other notice."""
    values = notice.values
    deps, t = notifier.deps, notifier.t
    # The group of the team the notice is for (issue 22): the territory it names, else the
    # first's.
    team = team_territory(notice)
    team_lang, chat_id = notifier.team_lang, deps.team_chat(team)
    if isinstance(values, VolunteerStatementReady):
        statement = values.statement
        person = notice.to
        if person is None:
            raise Missing("a volunteer's statement without its volunteer")
        chat_id = deps.team_chat(person.territory)  # printed by the volunteer's own team
        name = f"releve-{statement.key}-{person.id}.pdf"
        if person.reachable and person.telegram_user_id is not None:
            lang = person.language
            content = statement_pdf(t, lang, deps.settings, statement)
            with about(person_id=person.id):
                await context.bot.send_document(
                    person.telegram_user_id,
                    InputFile(content, filename=name),
                    caption=_statement_caption(notifier, lang, statement),
                    reply_markup=give_button(deps, lang, statement),
                )
            return 1
        if chat_id is None:
            return 0
        # No Telegram (a simple phone): the team prints it and hands it over.
        content = statement_pdf(t, team_lang, deps.settings, statement, by_team=True)
        month = month_name(t, team_lang, statement.year, statement.month)
        await context.bot.send_document(
            chat_id,
            InputFile(content, filename=name),
            caption=t(
                team_lang,
                "paper.statement_for_team_given"
                if statement.given_at
                else "paper.statement_for_team",
                name=person.display_name,
                id=person.id,
                month=month,
            ),
            reply_markup=give_button(deps, team_lang, statement, for_volunteer=person.id),
        )
        return 1
    if isinstance(values, TeamStatements):
        if chat_id is None:
            return 0
        content = statements_csv(t, team_lang, values.statements)
        month = month_name(t, team_lang, values.year, values.month)
        total = sum(s.allowance_cents for s in values.statements)
        given = sum(s.allowance_cents for s in values.statements if s.given_at is not None)
        name = f"benevoles-{month_key(values.year, values.month)}.csv"
        await context.bot.send_document(
            chat_id,
            InputFile(content, filename=name),
            caption=t(
                team_lang,
                "paper.statements_caption",
                month=month,
                count=len(values.statements),
                total=euros(team_lang, total),
                given=euros(team_lang, given),
            ),
        )
        return 1
    if isinstance(values, TeamDonations):
        if chat_id is None:
            return 0
        scale = deps.settings.volunteer_scale_eur_per_km
        text = donations_text(t, team_lang, values.year, values.donations, scale)
        await notifier.to_operators(context, text, territory=team)
        if values.donations:
            await context.bot.send_document(
                chat_id,
                InputFile(
                    donations_csv(t, team_lang, values.donations),
                    filename=f"dons-benevoles-{values.year}.csv",
                ),
                caption=t(team_lang, "paper.donations_caption", year=values.year),
            )
        return 1
    if isinstance(values, TeamCoordinatorDay):
        text = coordinator_text(t, team_lang, values.day)
        return int(await notifier.to_operators(context, text, territory=team))
    if isinstance(values, TeamGift):
        statement = values.statement
        text = t(
            team_lang,
            "paper.team_gift",
            name=statement.volunteer.display_name,
            id=statement.volunteer.id,
            month=month_name(t, team_lang, statement.year, statement.month),
            amount=euros(team_lang, statement.allowance_cents),
            km=statement.km,
        )
        return int(await notifier.to_operators(context, text, territory=team))
    return None


def _statement_caption(notifier: Notifier, lang: str, statement: Statement) -> str:
    t = notifier.t
    month = month_name(t, lang, statement.year, statement.month)
    key = "paper.statement_caption_given" if statement.given_at else "paper.statement_caption"
    return t.plural(
        lang,
        key,
        len(statement.rides),
        count=len(statement.rides),
        month=month,
        km=statement.km,
        amount=euros(lang, statement.allowance_cents),
    )


LINES = 10  # at most so many lines per section; "and N more" after


def coordinator_text(t: Translator, lang: str, day: CoordinatorDay) -> str:
    """The coordinator's morning: the volunteers' rides today and tomorrow, the requests not
    yet covered, who is free today."""

    def listing(lines: list[str]) -> Html:
        if not lines:
            return Html(t(lang, "coordinator.none"))
        more = [t(lang, "digest.more", count=len(lines) - LINES)] if len(lines) > LINES else []
        return Html("\n".join(lines[:LINES] + more))

    def ride_line(ride: Ride) -> str:
        return t(
            lang,
            "coordinator.ride",
            time=t.time(lang, ride.introduction.pickup),
            passenger=ride.passenger.display_name,
            origin=ride.need.origin.name,
            destination=ride.need.destination.name,
            volunteer=ride.driver.display_name,
            id=ride.driver.id,
        )

    needs = [
        t(
            lang,
            "coordinator.need",
            id=view.need.id,
            passenger=view.passenger.display_name if view.passenger else "?",
            origin=view.need.origin.name,
            destination=view.need.destination.name,
            when=Html(render.need_when(t, lang, view.need)),
        )
        for view in day.uncovered
        if view.need is not None
    ]
    free = [
        t(
            lang,
            "coordinator.free_line",
            name=item.person.display_name,
            id=item.person.id,
            availability=availability_line(t, lang, item.volunteer),
        )
        for item in day.free
    ]
    return t(
        lang,
        "coordinator.day",
        date=t.date(lang, day.today),
        today=listing([ride_line(r) for r in day.rides_today]),
        tomorrow=listing([ride_line(r) for r in day.rides_tomorrow]),
        uncovered_count=len(needs),
        uncovered=listing(needs),
        free_count=len(free),
        free=listing(free),
    )
