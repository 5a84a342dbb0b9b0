"""Sentences about trips and people, built from the catalogs (shared by the handlers)."""

from __future__ import annotations

from bot.domain import Person, PlaceRef, Trip, TripDraft, TripStatus
from i18n import Html, Translator


def place(t: Translator, lang: str, ref: PlaceRef) -> str:
    if ref.id.startswith("point:"):
        return t(lang, "place.near", name=ref.name)
    if ref.department and ref.id.startswith("insee:"):
        return t(lang, "place.with_department", name=ref.name, department=ref.department)
    return t(lang, "place.plain", name=ref.name)


def telegram_contact(t: Translator, lang: str, person: Person) -> str:
    if person.telegram_username:
        return t(lang, "contact.username", username=person.telegram_username)
    return t(lang, "contact.profile")


def contact(t: Translator, lang: str, person: Person) -> str:
    telegram = Html(telegram_contact(t, lang, person))
    if person.phone and person.phone_visible:
        return t(lang, "contact.with_phone", telegram=telegram, phone=person.phone)
    return t(lang, "contact.telegram_only", telegram=telegram)


def schedule(t: Translator, lang: str, trip: Trip | TripDraft) -> str:
    days = t.weekdays(lang, trip.weekdays) if trip.weekdays else "…"
    departure = t.time(lang, trip.departure) if trip.departure else "…"
    if trip.return_time:
        return t(
            lang,
            "trip.schedule_with_return",
            days=days,
            departure=departure,
            back=t.time(lang, trip.return_time),
        )
    return t(lang, "trip.schedule", days=days, departure=departure)


def route(t: Translator, lang: str, trip: Trip | TripDraft) -> str:
    origin = Html(place(t, lang, trip.origin)) if trip.origin else "…"
    destination = Html(place(t, lang, trip.destination)) if trip.destination else "…"
    return t(lang, "trip.route", origin=origin, destination=destination)


def draft_summary(t: Translator, lang: str, draft: TripDraft, person: Person) -> str:
    return t(
        lang,
        "offer.summary",
        route=Html(route(t, lang, draft)),
        schedule=Html(schedule(t, lang, draft)),
        seats=draft.seats or "…",
        note=Html(t(lang, "trip.note", note=draft.note) if draft.note else t(lang, "trip.no_note")),
        contact=Html(contact(t, lang, person)),
    )


def trip_line(t: Translator, lang: str, trip: Trip) -> str:
    status = t(lang, "trip.paused") if trip.status is TripStatus.PAUSED else t(lang, "trip.active")
    note = Html(t(lang, "trip.note", note=trip.note) if trip.note else "")
    return t(
        lang,
        "trips.item",
        route=Html(route(t, lang, trip)),
        schedule=Html(schedule(t, lang, trip)),
        seats=trip.seats,
        status=Html(status),
        note=note,
    )
