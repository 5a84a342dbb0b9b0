"""Wording the notices about volunteer drivers (bot/services/volunteers.py) and their file as
the team sees it. Registered in handlers/notices.py."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from bot import notices as n
from bot.conversations.volunteer import PART_KEYS
from bot.services.volunteers import Volunteer, parts_code, slot_days, slot_parts
from handlers import render
from handlers.wordings import Wordings
from i18n import Html, Translator


def euros(lang: str, cents: int) -> str:
    """ "14,40 €", "€14.40"."""
    text = f"{cents / 100:.2f}"
    return (text.replace(".", ",") + " €") if lang == "fr" else "€" + text


def long_date(t: Translator, lang: str, day: date) -> str:
    """ "31 décembre 2027", "1er janvier 2028": an insurance's end may be next year."""
    return t.day(lang, day, t(lang, "volunteers.date_format"))


def availability_line(t: Translator, lang: str, volunteer: Volunteer) -> str:
    """ "mardi et jeudi, le matin, jusqu'à 25 km de Cahors (pas en août)"."""
    available = volunteer.availability
    return availability_words(
        t,
        lang,
        available.home.name,
        available.slots,
        available.radius_km,
        available.not_in_august,
    )


def availability_words(
    t: Translator, lang: str, home: str, slots: int, radius_km: int, not_in_august: bool
) -> str:
    return t(
        lang,
        "volunteers.availability",
        days=t.weekdays(lang, slot_days(slots)),
        parts=t(lang, PART_KEYS[parts_code(slot_parts(slots))]),
        km=radius_km,
        home=home,
        august=t(lang, "volunteers.not_in_august") if not_in_august else "",
    ).rstrip()


def file_text(t: Translator, lang: str, volunteer: Volunteer, name: str) -> str:
    """The volunteer's file as the team sees it."""
    lines = [
        t(lang, "volunteers.file_header", id=volunteer.person_id, name=name),
        availability_line(t, lang, volunteer),
    ]
    file = volunteer.file
    if file is None:
        lines.append(t(lang, "volunteers.file_empty", id=volunteer.person_id))
    else:
        yes, no = t(lang, "button.yes"), t(lang, "button.no")
        lines.append(
            t(
                lang,
                "volunteers.file_lines",
                licence=yes if file.licence_seen else no,
                until=long_date(t, lang, file.insurance_until),
                seats=t.plural(lang, "words.seats", file.seats, n=file.seats),
                wheelchair=yes if file.wheelchair else no,
                frame=yes if file.walking_frame else no,
                pets=yes if file.pets else no,
            )
        )
    if volunteer.checked_on is not None:
        lines.append(
            t(
                lang,
                "volunteers.checked_line",
                date=long_date(t, lang, volunteer.checked_on),
                by=volunteer.checked_by or "?",
            )
        )
    else:
        lines.append(t(lang, "volunteers.not_checked"))
    return "\n".join(lines)


def volunteer_words(t: Translator, zone: ZoneInfo) -> Wordings:
    def request(lang: str, v: n.VolunteerRequest) -> str:
        need, introduction = v.need, v.introduction
        answer_by = t(
            lang,
            "rides.answer_by",
            deadline=render.deadline(
                t, lang, introduction.expires_at, introduction.created_at, zone
            ),
        )
        return (
            t(
                lang,
                v.key,
                passenger=v.passenger.short_name,
                origin=need.origin.name,
                destination=need.destination.name,
                day=render.match_day(t, lang, need, introduction.travel_day),
                pickup=t.time(lang, introduction.pickup),
                dropoff=t.time(lang, introduction.dropoff),
                km=v.km,
                allowance=(
                    euros(lang, v.allowance_cents)
                    if v.paid
                    else t(lang, "volunteers.allowance_unset")
                ),
                purpose=Html(render.purpose(t, lang, need)),
                special=Html(render.special_needs(t, lang, need)),
            )
            + "\n"
            + answer_by
        )

    def new_volunteer(lang: str, v: n.VolunteerNewTeam) -> str:
        return t(
            lang,
            v.key,
            name=v.person.display_name,
            id=v.person.id,
            availability=availability_words(t, lang, v.home, v.slots, v.radius_km, v.not_in_august),
        )

    def insurance_due(lang: str, v: n.VolunteerInsuranceDue) -> str:
        return t(
            lang,
            v.key,
            name=v.person.display_name,
            id=v.person.id,
            date=long_date(t, lang, v.until),
        )

    words = Wordings()
    words.add(request, n.VolunteerRequest)
    words.add(new_volunteer, n.VolunteerNewTeam)
    words.add(insurance_due, n.VolunteerInsuranceDue)
    return words
