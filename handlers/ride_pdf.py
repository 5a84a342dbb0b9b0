"""The papers of rides with volunteer drivers (issue 24, item 4), composed here from what the
core recorded (bot/services/volunteer_rides.py): the passenger's receipt and the volunteer's
monthly statement as PDF files (fpdf2, with the DejaVu font matplotlib ships, so that
accents and € print), the treasurer's CSV and the tax-receipt data through the one CSV writer
(bot/spreadsheet.py). Every sentence comes from the catalogue (i18n/locales/ridepaper)."""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path

import matplotlib
from babel.dates import format_date
from fpdf import FPDF

from bot.domain import Ride
from bot.services.volunteer_rides import Donation, Statement, VolunteerRide
from bot.settings import TUS_LEGAL_CAP_EUR_PER_KM, Settings
from bot.spreadsheet import csv_table
from i18n import Html, Translator

FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
_TAGS = re.compile(r"</?b>")


def euros(lang: str, cents: int) -> str:
    """ "11,40 €", "€11.40"."""
    text = f"{cents / 100:.2f}"
    return (text.replace(".", ",") + " €") if lang == "fr" else "€" + text


def amount(lang: str, cents: int) -> str:
    """For a spreadsheet: "11,40" in French, "11.40" in English."""
    text = f"{cents / 100:.2f}"
    return text.replace(".", ",") if lang == "fr" else text


def rate(lang: str, eur_per_km: float) -> str:
    """ "0,30 €", "0,636 €": a rate per km with the figures it has."""
    text = f"{eur_per_km:.3f}".rstrip("0")
    text = text + "0" if len(text.partition(".")[2]) < 2 else text
    return (text.replace(".", ",") + " €") if lang == "fr" else "€" + text


def km(lang: str, value: float) -> str:
    text = f"{value:.1f}".removesuffix(".0")
    return text.replace(".", ",") if lang == "fr" else text


def month_name(t: Translator, lang: str, year: int, month: int) -> str:
    """ "novembre 2026"."""
    return format_date(date(year, month, 1), "LLLL yyyy", locale=t.language(lang))


def _plain(text: str) -> str:
    return html.unescape(_TAGS.sub("", text))


class _Paper:
    """A page with the association's heading, then lines, then a table."""

    def __init__(self, t: Translator, lang: str, settings: Settings) -> None:
        self.t, self.lang = t, lang
        self.pdf = FPDF(format="A4")
        self.pdf.set_margins(18, 18, 18)
        self.pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
        self.pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.pdf.add_page()
        self.pdf.set_creator("Mobilot")
        name = settings.association_name or t(lang, "paper.association_unnamed")
        self.line(name, bold=True, size=13)
        for detail in (settings.association_address, settings.association_phone):
            if detail:
                self.line(detail, size=9)
        if settings.association_number:
            self.line(
                t(lang, "paper.association_number", number=settings.association_number), size=9
            )
        self.pdf.ln(6)

    def line(self, text: str, *, bold: bool = False, size: int = 11) -> None:
        self.pdf.set_font("DejaVu", "B" if bold else "", size)
        self.pdf.multi_cell(0, size * 0.55, _plain(text), new_x="LMARGIN", new_y="NEXT")

    def key(self, key: str, **values: object) -> None:
        self.line(self.t(self.lang, key, **values))

    def gap(self) -> None:
        self.pdf.ln(4)

    def table(self, header: list[str], rows: list[list[str]], widths: tuple[int, ...]) -> None:
        self.pdf.set_font("DejaVu", "", 9)
        with self.pdf.table(col_widths=widths, text_align="LEFT", line_height=5) as table:
            for cells in [header, *rows]:
                row = table.row()
                for cell in cells:
                    row.cell(_plain(cell))

    def bytes(self) -> bytes:
        return bytes(self.pdf.output())


def receipt_pdf(t: Translator, lang: str, settings: Settings, ride: VolunteerRide) -> bytes:
    """The passenger's receipt of one ride (the "reçu de trajet")."""
    paper = _Paper(t, lang, settings)
    paper.line(t(lang, "paper.receipt_title", number=ride.introduction_id), bold=True, size=14)
    paper.gap()
    paper.key("paper.receipt_date", date=t.date(lang, ride.ride_date), year=ride.ride_date.year)
    paper.key("paper.receipt_passenger", name=ride.passenger_name)
    paper.key("paper.receipt_volunteer", name=ride.volunteer_name)
    paper.key("paper.receipt_route", origin=ride.origin, destination=ride.destination)
    paper.key("paper.receipt_km", km=km(lang, ride.passenger_km))
    paper.gap()
    paper.line(
        t(
            lang,
            "paper.receipt_participation",
            km=km(lang, ride.passenger_km),
            rate=rate(lang, ride.participation_rate),
            amount=euros(lang, ride.participation_cents),
        ),
        bold=True,
    )
    paper.key("paper.receipt_cap", cap=rate(lang, TUS_LEGAL_CAP_EUR_PER_KM))
    paper.gap()
    paper.key("paper.made_on", date=t.day(lang, ride.recorded_at.date(), "d MMMM y"))
    return paper.bytes()


def statement_pdf(
    t: Translator, lang: str, settings: Settings, statement: Statement, *, by_team: bool = False
) -> bytes:
    """A volunteer's month: each ride, its km from home and back, the allowance. `by_team`:
    printed by the team for a volunteer without Telegram (who gives it up by telling them)."""
    paper = _Paper(t, lang, settings)
    month = month_name(t, lang, statement.year, statement.month)
    paper.line(t(lang, "paper.statement_title", month=month), bold=True, size=14)
    paper.gap()
    paper.key(
        "paper.statement_volunteer",
        name=statement.volunteer.display_name,
        id=statement.volunteer.id,
    )
    first = statement.rides[0] if statement.rides else None
    if first is not None:
        paper.key("paper.statement_rate", rate=rate(lang, first.allowance_rate), home=first.home)
    paper.gap()
    header = t(lang, "paper.statement_header").split("|")
    rows = [
        [
            t.date(lang, r.ride_date),
            _route(t, lang, r),
            f"{r.driven_km} km",
            euros(lang, r.allowance_cents),
        ]
        for r in statement.rides
    ]
    paper.table(header, rows, (38, 88, 20, 24))
    paper.gap()
    paper.line(
        t.plural(
            lang,
            "paper.statement_total",
            len(statement.rides),
            count=len(statement.rides),
            km=statement.km,
            amount=euros(lang, statement.allowance_cents),
        ),
        bold=True,
    )
    paper.gap()
    if statement.given_at is not None:
        given_on = t.day(lang, statement.given_at.date(), "d MMMM y")
        paper.key(
            "paper.statement_given", date=given_on, amount=euros(lang, statement.allowance_cents)
        )
        paper.key("paper.renunciation", name=statement.volunteer.display_name)
        paper.gap()
        paper.key("paper.signature")
    else:
        paper.key("paper.statement_how_to_give_team" if by_team else "paper.statement_how_to_give")
    return paper.bytes()


def _route(t: Translator, lang: str, ride: VolunteerRide) -> str:
    """The whole ride from home and back; from home when the passenger lives there too."""
    key = "paper.statement_route_home" if ride.home == ride.origin else "paper.statement_route"
    return t(
        lang,
        key,
        home=ride.home,
        origin=ride.origin,
        destination=ride.destination,
        passenger=ride.passenger_name,
    )


def statements_csv(t: Translator, lang: str, statements: list[Statement]) -> bytes:
    """The treasurer's month: one line per ride, what to pay and what was given up."""
    rows = [
        [
            s.key,
            s.volunteer.id,
            r.volunteer_name,
            r.ride_date.isoformat(),
            r.passenger_name,
            r.origin,
            r.destination,
            r.home,
            r.driven_km,
            amount(lang, round(r.allowance_rate * 100)),
            amount(lang, r.allowance_cents),
            km(lang, r.passenger_km),
            amount(lang, r.participation_cents),
            s.given_at.date().isoformat() if s.given_at else "",
        ]
        for s in statements
        for r in s.rides
    ]
    return csv_table(t(lang, "paper.statements_header").split("|"), rows)


def donations_csv(t: Translator, lang: str, donations: list[Donation]) -> bytes:
    """What the association needs for each tax receipt (Cerfa 11580): the km detail, when the
    allowance was given up, the amount at the legal scale."""
    rows = []
    for d in donations:
        for r in d.rides:
            given = d.given.get(r.ride_date.strftime("%Y-%m"))
            rows.append(
                [
                    d.year,
                    d.volunteer.id,
                    d.volunteer.display_name,
                    r.ride_date.isoformat(),
                    r.origin,
                    r.destination,
                    r.home,
                    r.driven_km,
                    amount(lang, r.allowance_cents),
                    given.date().isoformat() if given else "",
                    rate(lang, d.scale_eur_per_km).removesuffix(" €").removeprefix("€"),
                    amount(lang, round(r.driven_km * d.scale_eur_per_km * 100)),
                ]
            )
        rows.append(
            [
                d.year,
                d.volunteer.id,
                d.volunteer.display_name,
                t(lang, "paper.donations_total"),
                "",
                "",
                "",
                d.km,
                amount(lang, d.renounced_cents),
                "",
                rate(lang, d.scale_eur_per_km).removesuffix(" €").removeprefix("€"),
                amount(lang, d.amount_cents),
            ]
        )
    return csv_table(t(lang, "paper.donations_header").split("|"), rows)


def donations_text(
    t: Translator, lang: str, year: int, donations: list[Donation], scale: float
) -> str:
    """The message that comes with the file: one line per volunteer."""
    if not donations:
        return t(lang, "paper.donations_none", year=year)
    lines = [
        t(
            lang,
            "paper.donations_line",
            name=d.volunteer.display_name,
            id=d.volunteer.id,
            km=d.km,
            renounced=euros(lang, d.renounced_cents),
            amount=euros(lang, d.amount_cents),
        )
        for d in donations
    ]
    return t(
        lang,
        "paper.donations",
        year=year,
        count=len(donations),
        scale=rate(lang, scale),
        lines=Html("\n".join(lines)),
    )


def member_card_pdf(
    t: Translator,
    lang: str,
    settings: Settings,
    name: str,
    rides: list[tuple[date, Ride]],
    today: date,
) -> bytes:
    """A member's card to print, for someone without a smartphone (issue 24, item 4): whom
    to call or text, when, and their next rides. Large letters: many read with difficulty."""
    paper = _Paper(t, lang, settings)
    paper.line(t(lang, "members.card_title", name=name), bold=True, size=16)
    paper.gap()
    phone, texts = settings.association_phone, settings.sms_number
    if phone:
        paper.line(t(lang, "members.card_call", phone=phone), bold=True, size=15)
    if texts:
        paper.line(t(lang, "members.card_text", phone=texts), bold=True, size=15)
    if not phone and not texts:
        paper.line(t(lang, "members.card_no_phone"), size=13)
    if settings.association_hours:
        paper.line(t(lang, "members.card_hours", hours=settings.association_hours), size=14)
    paper.gap()
    paper.line(t(lang, "members.card_rides"), bold=True, size=14)
    if not rides:
        paper.line(t(lang, "members.card_no_rides"), size=13)
    for day, ride in rides:
        paper.line(
            t(
                lang,
                "members.card_ride",
                day=t.date(lang, day),
                time=t.time(lang, ride.introduction.pickup),
                origin=ride.need.origin.name,
                destination=ride.need.destination.name,
                driver=ride.driver.short_name,
            ),
            size=13,
        )
    paper.gap()
    paper.key("paper.made_on", date=t.day(lang, today, "d MMMM y"))
    return paper.bytes()
