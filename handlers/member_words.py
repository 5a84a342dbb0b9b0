"""The words of the association's membership notices (issue 24, item 3): to the team, someone
who asks a volunteer is not a member, or their yearly fee ran out; to that person, kindly,
how to join or renew. Who is told is the core's (bot/services/tus.py `ride_asked`)."""

from __future__ import annotations

from bot import notices as n
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

    words = Wordings()
    words.add(unknown_team, n.MemberUnknownTeam)
    words.add(join_passenger, n.MemberJoinPassenger)
    words.add(renew_team, n.MemberRenewTeam)
    words.add(no_fee_team, n.MemberNoFeeTeam)
    words.add(renew_passenger, n.MemberRenewPassenger)
    return words
