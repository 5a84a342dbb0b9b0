"""The words of the association's membership notices (issue 24, item 3): to the team, someone
who asks a volunteer is not a member, or their yearly fee ran out; to that person, kindly,
how to join or renew. Who is told is the core's (bot/services/tus.py `ride_asked`)."""

from __future__ import annotations

from bot import notices as n
from bot.domain import Need
from handlers.volunteer_words import long_date
from handlers.wordings import Wordings
from i18n import Translator


def member_words(t: Translator) -> Wordings:
    def unknown_team(lang: str, v: n.MemberUnknownTeam) -> str:
        return t(lang, v.key, name=v.person.display_name, id=v.person.id)

    def join_passenger(lang: str, v: n.MemberJoinPassenger) -> str:
        return t(lang, v.key)

    def renew_team(lang: str, v: n.MemberRenewTeam) -> str:
        return t(
            lang,
            v.key,
            name=v.person.display_name,
            id=v.person.id,
            member=v.member_name,
            number=v.member_id,
            date=long_date(t, lang, v.until),
        )

    def no_fee_team(lang: str, v: n.MemberNoFeeTeam) -> str:
        return t(
            lang,
            v.key,
            name=v.person.display_name,
            id=v.person.id,
            member=v.member_name,
            number=v.member_id,
        )

    def renew_passenger(lang: str, v: n.MemberRenewPassenger) -> str:
        return t(lang, v.key)

    def ride(lang: str, need: Need) -> str:
        """ "Lalbenque → Cahors, mardi 24 novembre"."""
        day = t.date(lang, need.travel_date) if need.travel_date else ""
        return f"{need.origin.name} → {need.destination.name}" + (f", {day}" if day else "")

    def cancelled_team(lang: str, v: n.VolunteerCancelledTeam) -> str:
        values = {
            "driver": v.driver.display_name,
            "passenger": v.passenger.display_name,
            "ride": ride(lang, v.need),
            "need": v.need.id,
        }
        if v.next_driver is None:
            return t(lang, "members.volunteer_cancelled_nobody", **values)
        return t(lang, v.key, next=v.next_driver.display_name, **values)

    def reassigned_driver(lang: str, v: n.RideReassignedDriver) -> str:
        return t(lang, v.key, passenger=v.passenger.short_name, ride=ride(lang, v.need))

    def reassigned_passenger(lang: str, v: n.RideReassignedPassenger) -> str:
        return t(lang, v.key, name=v.name)

    words = Wordings()
    words.add(cancelled_team, n.VolunteerCancelledTeam)
    words.add(reassigned_driver, n.RideReassignedDriver)
    words.add(reassigned_passenger, n.RideReassignedPassenger)
    words.add(unknown_team, n.MemberUnknownTeam)
    words.add(join_passenger, n.MemberJoinPassenger)
    words.add(renew_team, n.MemberRenewTeam)
    words.add(no_fee_team, n.MemberNoFeeTeam)
    words.add(renew_passenger, n.MemberRenewPassenger)
    return words
