"""/tus: the tools of an association that runs a Transport d'Utilité Sociale, for its team.

    /tus adherent Nom ; Commune ; prestation (facultatif) ; téléphone (facultatif)
    /tus trajet Nom ; Départ ; Arrivée ; jour (facultatif, aujourd'hui sinon)
    /tus registre          the register of members (CSV file, into the group)
    /tus rapport 2026      the year's activity report for the préfet (file, into the group)

English words work too (member, trip, register, report). Only the team may use it, and only
once TUS_EUR_PER_KM is set. With several territories each team has its own register: it
writes, reads and exports its own members, trips and volunteers (issue 22), and whoever runs
the deployment (ADMIN_USER_IDS) may add `tout` to `registre` and `rapport` for everyone's.
"""

from __future__ import annotations

from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal
from telegram import InputFile, Update
from telegram.ext import BaseHandler, CommandHandler

from bot.domain import Missing, NotWired, Person
from bot.services.tus import (
    Action,
    Benefit,
    Command,
    Joined,
    Recorded,
    Refusal,
    YearReport,
    read_command,
)
from bot.services.volunteer_rides import YearFigures
from bot.settings import Settings
from bot.spreadsheet import csv_table
from bot.territories import Scope
from handlers.operators import ALL_WORDS, Context, OperatorHandlers
from handlers.replies import send
from handlers.volunteer_words import long_date
from i18n import Html, Translator

ELIGIBLE_BY = {"residence": "tus.by_residence", "benefit": "tus.by_benefit"}
REFUSALS = {
    Refusal.NAME: "tus.refused_name",
    Refusal.UNKNOWN_PLACE: "tus.refused_place",
    Refusal.NOT_ELIGIBLE: "tus.refused_not_eligible",
    Refusal.UNKNOWN_BENEFIT: "tus.refused_benefit",
    Refusal.UNKNOWN_MEMBER: "tus.refused_member",
    Refusal.TOO_FAR: "tus.refused_too_far",
    Refusal.ALREADY_MEMBER: "tus.refused_already",
    Refusal.UNKNOWN_PERSON: "members.refused_person",
    Refusal.LINKED_ELSEWHERE: "members.refused_linked",
}


def euros(lang: str, cents: int) -> str:
    text = f"{cents / 100:.2f}"
    return (text.replace(".", ",") + " €") if lang == "fr" else "€" + text


def km_text(lang: str, km: float) -> str:
    text = f"{km:.1f}"
    return text.replace(".", ",") if lang == "fr" else text


class TusHandlers(OperatorHandlers):
    def handlers(self) -> list[BaseHandler[Update, Context, None]]:
        return [CommandHandler("tus", self.tus)]

    async def tus(self, update: Update, context: Context) -> None:
        operator = await self._operator(update)
        if operator is None:
            return
        lang = self._language(update, operator)
        if not self.deps.tus.enabled:
            await send(update, context, self.t(lang, "tus.off"))
            return
        text = update.effective_message.text if update.effective_message else ""
        _, _, typed = (text or "").partition(" ")  # what follows /tus, read by the core
        command = read_command(typed, self.deps.today())
        # `/tus registre tout`, `/tus rapport 2026 tout`: every territory's, for whoever runs
        # the deployment (as `/stats tout`); otherwise the team's own register.
        everything = False
        if command.action in (Action.REGISTER, Action.REPORT):
            words = typed.split()
            if len(words) > 1 and words[-1].lower() in ALL_WORDS:
                everything = True
                command = read_command(" ".join(words[:-1]), self.deps.today())
        if everything and self.teams.several and not self.teams.is_admin(update):
            await send(update, context, self.t(lang, "territories.all_refused"))
            return
        scope = None if everything else await self.teams.scope(update)
        if command.action is Action.MEMBER:
            await self.join(update, context, operator, lang, command, scope)
        elif command.action is Action.TRIP:
            await self.trip(update, context, operator, lang, command, scope)
        elif command.action is Action.LINK:
            await self.link(update, context, lang, command, scope)
        elif command.action is Action.FEE:
            await self.fee(update, context, lang, command, scope)
        elif command.action is Action.REGISTER:
            await self.register(update, context, lang, scope)
        elif command.action is Action.REPORT:
            if command.year is None:
                raise Missing("a report command without its year")
            await self.report(update, context, lang, command.year, scope)
        else:
            benefits = ", ".join(b.value for b in Benefit)
            said = self.t(lang, "tus.help", benefits=benefits) + "\n" + self.t(lang, "members.help")
            await send(update, context, said)

    async def join(
        self,
        update: Update,
        context: Context,
        operator: Person,
        lang: str,
        command: Command,
        scope: Scope | None,
    ) -> None:
        name, commune, benefit = command.field(0), command.field(1), command.field(2)
        phone = command.field(3) or None
        joined = await self.deps.tus.join(operator, name, commune, benefit, phone, scope)
        await send(update, context, self._joined(lang, joined, commune))

    def _joined(self, lang: str, joined: Joined, typed: str) -> str:
        if joined.member is not None:
            member = joined.member
            key = (
                "tus.joined_residence"
                if member.eligible_by == "residence"
                else "members.joined_resources"
                if member.benefit == Benefit.RESSOURCES
                else "tus.joined_benefit"
            )
            return self.t(
                lang,
                key,
                id=member.id,
                name=member.name,
                commune=member.commune_name,
                benefit=(member.benefit or "").upper(),
            )
        if joined.refusal is None:
            raise Missing("neither a member nor a refusal")
        eligibility = joined.eligibility
        town = eligibility.urban_neighbour if eligibility else None
        key = REFUSALS[joined.refusal]
        if town is not None and joined.commune is not None and town.id == joined.commune.id:
            key = "tus.refused_town"  # the commune itself is the large town
        return self.t(
            lang,
            key,
            text=typed,
            name=joined.name,
            commune=joined.commune.name if joined.commune else typed,
            town=town.name if town else "",
            population=format_decimal(town.population if town else 0, locale=self.t.language(lang)),
            benefits=", ".join(b.value for b in Benefit),
        )

    async def trip(
        self,
        update: Update,
        context: Context,
        operator: Person,
        lang: str,
        command: Command,
        scope: Scope | None,
    ) -> None:
        if command.day is None:
            await send(update, context, self.t(lang, "tus.refused_day", text=command.unread_day))
            return
        name, origin, destination = command.field(0), command.field(1), command.field(2)
        recorded = await self.deps.tus.record_trip(
            operator, name, origin, destination, command.day, scope
        )
        await send(update, context, self._recorded(lang, recorded, command.fields))

    def _recorded(self, lang: str, recorded: Recorded, parts: tuple[str, ...]) -> str:
        if recorded.trip is not None:
            trip = recorded.trip
            return self.t(
                lang,
                "tus.trip_recorded",
                name=recorded.member.name if recorded.member else "",
                origin=trip.origin,
                destination=trip.destination,
                day=self.t.date(lang, trip.day),
                km=km_text(lang, trip.km),
                rate=euros(lang, round(recorded.eur_per_km * 100)),
                participation=euros(lang, trip.participation_cents),
            )
        if recorded.refusal is None:
            raise Missing("neither a trip nor a refusal")
        return self.t(
            lang,
            REFUSALS[recorded.refusal],
            text=f"{parts[1]} → {parts[2]}",
            commune=parts[1],
            name=parts[0],
            km=km_text(lang, recorded.km),
            town="",
            population=0,
            benefits="",
        )

    async def link(
        self, update: Update, context: Context, lang: str, command: Command, scope: Scope | None
    ) -> None:
        """ "/tus lier Odette Vialard ; 12": the member is person n° 12."""
        linked = await self.deps.tus.link(command.field(0), command.field(1), scope)
        if linked.refusal is None and linked.member and linked.person:
            said = self.t(
                lang,
                "members.linked",
                name=linked.member.name,
                person=linked.person.display_name,
                id=linked.person.id,
            )
        else:
            said = self.t(
                lang,
                REFUSALS[linked.refusal or Refusal.UNKNOWN_MEMBER],
                name=linked.other.name if linked.other else command.field(0),
                text=command.field(1),
                commune="",
                km="",
                town="",
                population=0,
                benefits="",
            )
        await send(update, context, said)

    async def fee(
        self, update: Update, context: Context, lang: str, command: Command, scope: Scope | None
    ) -> None:
        """ "/tus cotisation Odette Vialard ; 02/11": the year's fee paid that day."""
        if command.day is None:
            await send(update, context, self.t(lang, "tus.refused_day", text=command.unread_day))
            return
        paid = await self.deps.tus.pay_fee(command.field(0), command.day, scope)
        member = paid.member
        until = member.paid_until() if member else None
        if member is None or until is None:
            said = self.t(
                lang,
                "tus.refused_member",
                name=command.field(0),
                text="",
                commune="",
                km="",
                town="",
                population=0,
                benefits="",
            )
        else:
            said = self.t(
                lang,
                "members.fee_paid",
                name=member.name,
                day=long_date(self.t, lang, command.day),
                until=long_date(self.t, lang, until),
            )
        await send(update, context, said)

    async def register(
        self, update: Update, context: Context, lang: str, scope: Scope | None
    ) -> None:
        members = await self.deps.tus.members(scope)
        rows = [
            [
                m.id,
                m.name,
                m.phone or "",
                m.commune_name,
                m.commune_code,
                self.t(lang, ELIGIBLE_BY[m.eligible_by]),
                (m.benefit or "").upper(),
                m.joined_at.date().isoformat(),
            ]
            for m in members
        ]
        content = csv_table(self.t(lang, "tus.register_header").split(","), rows)
        await self._to_group(update, context, lang, content, "tus-registre.csv", len(members))

    async def report(
        self, update: Update, context: Context, lang: str, year: int, scope: Scope | None
    ) -> None:
        report = await self.deps.tus.year_report(year, scope)
        content = year_report_text(self.t, lang, report, self.deps.settings).encode("utf-8")
        await self._to_group(
            update, context, lang, content, f"tus-rapport-{year}.txt", report.trip_count
        )

    async def _to_group(
        self, update: Update, context: Context, lang: str, content: bytes, name: str, count: int
    ) -> None:
        """Names and phones: into the team's own group only, like /export."""
        team = await self.teams.team(update)
        chat_id = self.deps.team_chat(team.id if team else None)
        if chat_id is None:
            raise NotWired("no operators' group is set")
        await context.bot.send_document(
            chat_id,
            InputFile(content, filename=name),
            caption=self.t(self.lang, "tus.file_caption", name=name, count=count),
        )
        chat = update.effective_chat
        if chat is not None and chat.id != chat_id:
            await send(update, context, self.t(lang, "tus.file_sent"))


def year_report_text(
    t: Translator, lang: str, report: YearReport, settings: Settings | None = None
) -> str:
    """The activity report, as plain text a préfecture can read and file: the association,
    its members, volunteer drivers and their vehicles, trips, km, mean distance and
    participation (arrêté of 17 October 2019), from what was recorded."""
    by_residence = sum(1 for m in report.members if m.eligible_by == "residence")
    months = "\n".join(
        t(
            lang,
            "tus.report_month",
            month=_month(t, lang, report.year, month),
            trips=trips,
            km=km_text(lang, km),
        )
        for month, trips, km in report.by_month()
    )
    text = t(
        lang,
        "tus.report",
        year=report.year,
        members=len(report.members),
        by_residence=by_residence,
        by_benefit=len(report.members) - by_residence,
        beneficiaries=report.beneficiaries,
        trips=report.trip_count,
        km=km_text(lang, report.km),
        rate=euros(lang, round(report.eur_per_km * 100)),
        participation=euros(lang, report.participation_cents),
        months=Html(months),
    )
    # The catalogue's report: its title, the members and trips, the months; the association
    # comes after the title, its volunteer drivers and vehicles after the trips.
    title, _, rest = text.partition("\n\n")
    body, _, months_part = rest.partition("\n\n")
    parts = [title]
    if settings is not None:
        parts.append(_association(t, lang, settings))
    parts.append(body)
    if report.volunteers is not None:
        parts.append(_volunteers(t, lang, report, report.volunteers))
    text = "\n\n".join([*parts, months_part])
    return _plain(text) + "\n"


def _association(t: Translator, lang: str, settings: Settings) -> str:
    unset = t(lang, "paper.report_unset")
    return t(
        lang,
        "paper.report_association",
        name=settings.association_name or unset,
        address=settings.association_address or unset,
        number=settings.association_number or unset,
        phone=settings.association_phone or unset,
    )


def _volunteers(t: Translator, lang: str, report: YearReport, figures: YearFigures) -> str:
    files = [v.file for v in figures.volunteers if v.file is not None]
    return t(
        lang,
        "paper.report_volunteers",
        volunteers=len(figures.volunteers),
        vehicles=len(files),
        seats=sum(f.seats for f in files),
        wheelchair=sum(1 for f in files if f.wheelchair),
        rides=len(figures.rides),
        driven=figures.driven_km,
        mean=km_text(lang, report.mean_km),
    )


def _month(t: Translator, lang: str, year: int, month: int) -> str:
    return format_date(date(year, month, 1), "LLLL", locale=t.language(lang))


def _plain(text: str) -> str:
    return text.replace("<b>", "").replace("</b>", "")
