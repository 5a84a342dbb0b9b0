"""Sentences about trips and people, built from the catalogs (shared by the handlers)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.agenda import Outcome
from bot.domain import (
    Introduction,
    Missing,
    Need,
    NeedDraft,
    NeedStatus,
    Person,
    PlaceRef,
    SpecialNeed,
    Trip,
    TripDraft,
    WayBack,
)
from bot.phones import show_phone
from bot.services.candidates import Candidate
from bot.services.digest import Digest
from bot.services.operators import FollowUp
from bot.services.rides import Ride
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
    if person.telegram_user_id is None:  # registered by the team: reached by phone only
        if person.phone and person.phone_visible:
            return t(lang, "contact.phone_only", phone=show_phone(person.phone))
        return t(lang, "contact.through_team")
    telegram = Html(telegram_contact(t, lang, person))
    if person.phone and person.phone_visible:
        return t(lang, "contact.with_phone", telegram=telegram, phone=show_phone(person.phone))
    return t(lang, "contact.telegram_only", telegram=telegram)


def trip_days(t: Translator, lang: str, trip: Trip | TripDraft) -> str:
    """ "lundi et jeudi" for a regular trip, "mardi 24 novembre" for a one-off one."""
    if trip.date is not None:
        return t(lang, "rides.once_on", date=t.date(lang, trip.date))
    if isinstance(trip, TripDraft) and trip.one_off:
        return "…"
    return t.weekdays(lang, trip.weekdays) if trip.weekdays else "…"


def schedule(t: Translator, lang: str, trip: Trip | TripDraft) -> str:
    days = trip_days(t, lang, trip)
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


def seats(t: Translator, lang: str, count: int) -> str:
    return t.plural(lang, "words.seats", count, n=count)


def draft_summary(t: Translator, lang: str, draft: TripDraft, person: Person) -> str:
    return t(
        lang,
        "offer.summary",
        route=Html(route(t, lang, draft)),
        schedule=Html(schedule(t, lang, draft)),
        seats=Html(seats(t, lang, draft.seats)) if draft.seats else "…",
        note=Html(t(lang, "trip.note", note=draft.note) if draft.note else t(lang, "trip.no_note")),
        contact=Html(contact(t, lang, person)),
    )


def trip_line(t: Translator, lang: str, trip: Trip) -> str:
    status = t(lang, f"trip.{trip.status.value}")
    note = Html(t(lang, "trip.note", note=trip.note) if trip.note else "")
    return t(
        lang,
        "trips.item",
        route=Html(route(t, lang, trip)),
        schedule=Html(schedule(t, lang, trip)),
        seats=Html(seats(t, lang, trip.seats)),
        status=Html(status),
        note=note,
    )


def seats_taken(t: Translator, lang: str, rides: Sequence[Ride]) -> list[str]:
    """Who takes a seat when, on a trip: a date, or every week on a weekday."""
    lines = []
    for ride in rides:
        if ride.need.travel_date is not None:
            when = t.date(lang, ride.ride_date)
        else:
            when = t(lang, "rides.every", days=t.weekdays(lang, {ride.introduction.travel_day}))
        lines.append(t(lang, "rides.seat_taken", when=when, name=ride.passenger.display_name))
    return lines


def need_when(t: Translator, lang: str, need: Need | NeedDraft) -> str:
    """When, and the way back if one was asked for ("· ↩️ retour vers 17h00")."""
    when = need_when_going(t, lang, need)
    back = way_back(t, lang, need)
    return t(lang, "back.when_with_back", when=Html(when), back=Html(back)) if back else when


def way_back(t: Translator, lang: str, need: Need | NeedDraft) -> str:
    """The way back in a few words; "" for a need without one (a draft's "no way back",
    once answered, is said: the person sees their answer was kept)."""
    if need.way_back is WayBack.AT and need.back_at is not None:
        return t(lang, "back.at", time=t.time(lang, need.back_at))
    if need.way_back is WayBack.AT:
        return t(lang, "back.at_unsaid")
    if need.way_back is WayBack.UNKNOWN:
        return t(lang, "back.unknown")
    if need.way_back is WayBack.NONE and isinstance(need, NeedDraft):
        return t(lang, "back.none")
    return ""


def need_when_going(t: Translator, lang: str, need: Need | NeedDraft) -> str:
    if need.time_mode and need.at:
        key = f"need.{need.time_mode.value}"
        constraint = t(lang, key, time=t.time(lang, need.at))
    else:
        constraint = "…"
    if need.travel_date and not (isinstance(need, NeedDraft) and need.regular):
        return t(
            lang, "need.when_date", date=t.date(lang, need.travel_date), constraint=Html(constraint)
        )
    days = t.weekdays(lang, need.weekdays) if need.weekdays else "…"
    return t(lang, "need.when_regular", days=days, constraint=Html(constraint))


def purpose(t: Translator, lang: str, need: Need | NeedDraft) -> str:
    return t(lang, f"purpose.{need.purpose.value}") if need.purpose else "…"


def special_needs(t: Translator, lang: str, need: Need | NeedDraft) -> str:
    if not need.special_needs:
        return t(lang, "special.none")
    ordered = [s for s in SpecialNeed if s in need.special_needs]
    return ", ".join(t(lang, f"special.{s.value}") for s in ordered)


def asked(
    t: Translator,
    lang: str,
    need: Need,
    said: Callable[[Translator, str, Need], str],
    not_asked: str,
) -> str:
    """What the passenger said, or, for the team, that it was never asked (by SMS, or
    without their consent to it): "Other" and "no special need" would be made up."""
    return said(t, lang, need) if need.purpose_asked else t(lang, not_asked)


def need_summary(t: Translator, lang: str, draft: NeedDraft) -> str:
    return t(
        lang,
        "find.summary",
        origin=Html(place(t, lang, draft.origin)) if draft.origin else "…",
        destination=Html(place(t, lang, draft.destination)) if draft.destination else "…",
        when=Html(need_when(t, lang, draft)),
        purpose=Html(purpose(t, lang, draft)),
        special=Html(special_needs(t, lang, draft)),
    )


def need_item(t: Translator, lang: str, need: Need) -> str:
    return t(
        lang,
        "need.item",
        origin=Html(place(t, lang, need.origin)),
        destination=Html(place(t, lang, need.destination)),
        when=Html(need_when(t, lang, need)),
        status=Html(t(lang, f"need.status.{need.status.value}")),
    )


def match_day(t: Translator, lang: str, need: Need, days: frozenset[int] | int) -> str:
    """The day of a ride: the need's date, or the weekdays it runs on for a regular need."""
    if need.travel_date is not None:
        return t.date(lang, need.travel_date)
    return t.weekdays(lang, {days} if isinstance(days, int) else days)


def candidate_line(t: Translator, lang: str, need: Need, candidate: Candidate) -> str:
    match = candidate.match
    line = t(
        lang,
        "candidates.line",
        name=candidate.driver.short_name,
        day=match_day(t, lang, need, match.weekdays),
        pickup=t.time(lang, match.pickup),
        dropoff=t.time(lang, match.dropoff),
        detour=Html(detour(t, lang, match.extra_minutes, "detour.none")),
    )
    if getattr(candidate, "km", None) is not None:  # a volunteer driver of the association
        line = t(
            lang,
            "volunteers.candidate_line",
            name=candidate.driver.short_name,
            day=match_day(t, lang, need, match.weekdays),
            pickup=t.time(lang, match.pickup),
            dropoff=t.time(lang, match.dropoff),
        )
    notes = [outside_window(t, lang, need, candidate)] if not match.fits_window else []
    if match.full:
        notes.append(t(lang, "rides.full_that_day"))
    if need.way_back is WayBack.AT:
        back = candidate.back
        notes.append(
            t(
                lang,
                "back.candidate_both",
                pickup=t.time(lang, back.match.pickup),
                dropoff=t.time(lang, back.match.dropoff),
            )
            if back is not None
            else t(lang, "back.candidate_one_way")
        )
    return "\n".join([line, *notes])


def way_back_news(t: Translator, lang: str, need: Need, candidates: Sequence[Candidate]) -> str:
    """Under the drivers found: who brings the passenger back, or that the team looks."""
    if need.way_back is WayBack.UNKNOWN:
        return t(lang, "back.passenger_unknown")
    if need.way_back is WayBack.AT and need.back_at and not any(c.back for c in candidates):
        return t(lang, "back.passenger_nobody", time=t.time(lang, need.back_at))
    return ""


def way_back_ride(
    t: Translator, lang: str, need: Need, introduction: Introduction, *, for_driver: bool
) -> str:
    """The second leg of a ride, as both people read it (a request, an acceptance, the
    evening's reminder): with this driver, or found by the team, or not known yet."""
    if introduction.back_pickup is not None:
        return t(
            lang,
            "back.ride_both",
            pickup=t.time(lang, introduction.back_pickup),
            dropoff=t.time(lang, introduction.back_dropoff or introduction.back_pickup),
            origin=need.destination.name,
            destination=need.origin.name,
        )
    if not need.wants_back:
        return ""
    if for_driver:
        return t(lang, "back.ride_one_way_driver")
    if need.way_back is WayBack.UNKNOWN:
        return t(lang, "back.ride_unknown")
    return t(lang, "back.ride_team", time=t.time(lang, need.back_at) if need.back_at else "…")


def with_line(text: str, line: str, *, before_last: bool = False) -> str:
    """A message with one more line: before its last paragraph (the question, the button's
    explanation) when it has one, else before its last line (`before_last`), else at the
    end."""
    if not line:
        return text
    if "\n\n" in text:
        head, tail = text.rsplit("\n\n", 1)
        return f"{head}\n{line}\n\n{tail}"
    if before_last and "\n" in text:
        head, tail = text.rsplit("\n", 1)
        return f"{head}\n{line}\n{tail}"
    return f"{text}\n{line}"


def outside_window(t: Translator, lang: str, need: Need, candidate: Candidate) -> str:
    """Never shown as fitting: by how much the ride misses the time the person gave."""
    minutes = max(1, round(candidate.match.minutes_outside))
    at = t.time(lang, need.at)
    if need.time_mode.value == "leave_after":
        return t(lang, "rides.pickup_early", minutes=minutes, time=at)
    return t(lang, "rides.dropoff_late", minutes=minutes, time=at)


def deadline(t: Translator, lang: str, moment: datetime, asked_at: datetime, zone: ZoneInfo) -> str:
    """When an answer is due, in the territory's time: "avant 5h45", "demain avant 5h45"."""
    local, asked = moment.astimezone(zone), asked_at.astimezone(zone)
    at = t.time(lang, local.time().replace(second=0, microsecond=0))
    if local.date() == asked.date():
        return t(lang, "rides.deadline_today", time=at)
    if local.date() == asked.date() + timedelta(days=1):
        return t(lang, "rides.deadline_tomorrow", time=at)
    return t(lang, "rides.deadline_on", date=t.date(lang, local.date()), time=at)


def detour(t: Translator, lang: str, extra_minutes: float, none_key: str) -> str:
    minutes = round(extra_minutes)
    return t(lang, none_key) if minutes < 1 else t(lang, "detour.minutes", minutes=minutes)


def candidate_button(t: Translator, lang: str, need: Need, candidate: Candidate) -> str:
    match = candidate.match
    if need.travel_date is not None:
        day = t.weekday(lang, need.travel_date.weekday(), "abbreviated")
    else:
        day = ", ".join(t.weekday(lang, d, "abbreviated") for d in sorted(match.weekdays))
    return t(
        lang,
        "button.ask_driver",
        name=candidate.driver.short_name,
        day=day,
        time=t.time(lang, match.pickup),
    )


def reach(t: Translator, lang: str, person: Person, *, named: bool = True) -> str:
    """How to reach someone once an introduction is accepted (phone only with consent).
    Not `named`: their name is shown just beside, so a profile link does not repeat it
    ("Marie Delpech · profil Telegram", never "Marie Delpech · Marie Delpech sur Telegram")."""
    if person.telegram_username:
        telegram = t(lang, "contact.username", username=person.telegram_username)
    elif person.telegram_user_id and not named:
        telegram = t(lang, "contact.profile_link", user_id=person.telegram_user_id)
    elif person.telegram_user_id:
        telegram = t(
            lang, "contact.profile_of", user_id=person.telegram_user_id, name=person.display_name
        )
    else:
        telegram = ""
    if person.phone and person.phone_visible:
        if not telegram:
            return show_phone(person.phone)
        return t(lang, "contact.phone_too", telegram=Html(telegram), phone=show_phone(person.phone))
    return telegram


def how_reached(t: Translator, lang: str, person: Person) -> str:
    """For the team: how Mobilot's messages reach this person, so it knows whether a text
    will get there or someone must phone."""
    if person.telegram_user_id is not None and person.reachable:
        return t(lang, "smsteam.by_telegram")
    if person.by_sms and person.reachable:
        return t(lang, "smsteam.by_sms")
    if person.by_sms and person.sms_stopped_at is not None:
        return t(lang, "smsteam.by_phone_stopped")
    return t(lang, "smsteam.by_phone")


def reached_line(t: Translator, lang: str, person: Person, *, by_phone: bool = False) -> str:
    """ "Pour joindre Marie Dupont : ✉️ par SMS", a line under a post to the team;
    `by_phone`: the post is about a message that cannot reach them, the team phones."""
    how = t(lang, "smsteam.by_phone") if by_phone else how_reached(t, lang, person)
    return t(lang, "smsteam.reached_line", name=person.display_name, how=Html(how))


def operator_post(t: Translator, lang: str, view: FollowUp, reason: str | None) -> str:
    """The need as the operators' group sees it, with where its follow-up stands."""
    need, passenger = view.need, view.passenger
    if need is None or passenger is None:
        raise Missing("the follow-up names no need or passenger")
    if passenger.forgotten_at is not None:
        # Erased at their request: nobody to name, nobody for the team to phone.
        name, contact = t(lang, "regionqa.forgotten"), "—"
    else:
        name = passenger.display_name
        contact = (
            f"{reach(t, lang, passenger, named=False) or '—'} · {how_reached(t, lang, passenger)}"
        )
    return t(
        lang,
        "operators.need",
        id=need.id,
        passenger=name,
        contact=Html(contact),
        origin=Html(place(t, lang, need.origin)),
        destination=Html(place(t, lang, need.destination)),
        when=Html(need_when(t, lang, need)),
        purpose=Html(asked(t, lang, need, purpose, "qafix.purpose_not_asked")),
        special=Html(asked(t, lang, need, special_needs, "qafix.special_not_asked")),
        reason=Html(t(lang, f"operators.reason.{reason}") if reason else ""),
        state=Html(operator_state(t, lang, view)),
    )


def operator_state(t: Translator, lang: str, view: FollowUp) -> str:
    need = view.need
    if need is None:
        raise Missing("the follow-up names no need")
    if need.closed_reason is not None:
        reason = Html(t(lang, f"close.{need.closed_reason.value}"))
        return t(lang, "operators.state_closed", reason=reason)
    # "Followed by the local team" goes without saying in the team's own group.
    shown = (
        {}
        if need.status is NeedStatus.WITH_OPERATORS
        else {"status": Html(t(lang, f"need.status.{need.status.value}"))}
    )
    suffix = "_with_status" if shown else ""
    if view.claimer is not None:
        return t(
            lang, f"operators.state_claimed{suffix}", operator=view.claimer.display_name, **shown
        )
    return t(lang, f"operators.state_open{suffix}", **shown)


def operator_candidate_line(t: Translator, lang: str, need: Need, candidate: Candidate) -> str:
    return t(
        lang,
        "operators.candidate",
        line=Html(candidate_line(t, lang, need, candidate)),
        contact=Html(
            f"{reach(t, lang, candidate.driver) or '—'} · {how_reached(t, lang, candidate.driver)}"
        ),
    )


# The operators' daily digest: each section shows this many lines at most (a message has a
# length limit, and a long list helps nobody in a hurry).
DIGEST_LINES = 10


# What an undelivered message is called when it was none of the agenda's.
ANY_MESSAGE = "agenda.kind.message"


def digest(t: Translator, lang: str, found: Digest, today: date) -> str:
    def listing(lines: list[str]) -> str:
        if not lines:
            return t(lang, "digest.none")
        shown = lines[:DIGEST_LINES]
        if len(lines) > DIGEST_LINES:
            shown.append(t(lang, "digest.more", count=len(lines) - DIGEST_LINES))
        return "\n".join(shown)

    def need_line(view: FollowUp) -> str:
        if view.need is None or view.passenger is None:
            raise Missing("the follow-up names no need or passenger")
        return t(
            lang,
            "digest.need",
            id=view.need.id,
            passenger=view.passenger.display_name,
            origin=view.need.origin.name,
            destination=view.need.destination.name,
            when=Html(need_when(t, lang, view.need)),
            state=Html(operator_state(t, lang, view)),
        )

    rides = [
        t(
            lang,
            "digest.ride",
            pickup=t.time(lang, ride.introduction.pickup),
            passenger=ride.passenger.display_name,
            driver=ride.driver.display_name,
            origin=ride.need.origin.name,
            destination=ride.need.destination.name,
        )
        for ride in found.rides_today
    ]
    undelivered = [
        t(
            lang,
            "digest.undelivered_line",
            what=Html(
                t(lang, ANY_MESSAGE if item.kind == "message" else f"agenda.kind.{item.kind}")
            ),
            person=item.person.display_name if item.person else Html(t(lang, "digest.the_team")),
            reason=Html(
                t(
                    lang,
                    "digest.reason_unreachable"
                    if item.reason in (Outcome.UNREACHABLE, "unreachable")
                    else "digest.reason_error",
                )
            ),
        )
        for item in found.undelivered
    ]
    section = (
        t(lang, "digest.undelivered", count=len(undelivered), lines=Html(listing(undelivered)))
        if undelivered
        else ""
    )
    return t(
        lang,
        "digest.text",
        date=t.date(lang, today),
        new_count=len(found.new_needs),
        new=Html(listing([need_line(v) for v in found.new_needs])),
        open_count=len(found.still_open),
        open=Html(listing([need_line(v) for v in found.still_open])),
        rides_count=len(rides),
        rides=Html(listing(rides)),
        undelivered=Html(section),
    )


def place_label(ref: PlaceRef) -> str:
    """How a place is told apart from its namesakes on a button: "Gourdon (71)"."""
    return f"{ref.name} ({ref.department})" if ref.department else ref.name
