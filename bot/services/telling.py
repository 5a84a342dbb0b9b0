"""Who is told what, when something happens to a need or an introduction.

Pure decisions, no I/O: each function takes what happened (domain objects) and returns the
notices it causes (bot/notices.py). The rules, in one place:

- A person with Telegram is written to; one registered by phone (no Telegram) is reached
  through the team, which is given the phone number and what to say; one whose Telegram turns
  out to refuse our messages (`if_unreachable`) is handed to the team the same way.
- After an introduction is accepted, both people must be able to reach each other: directly
  (Telegram handle, profile link, a phone only with its owner's consent), or through the team
  when one of them has no Telegram. Nobody is ever given an empty contact.
- A need the team has posted (or is following) keeps its post up to date, and the group hears
  of every driver's answer.
"""

from __future__ import annotations

from bot.delivery import Step
from bot.domain import Introduction, Need, Person, Ride, Trip
from bot.notices import (
    DRIVER_UNREACHABLE,
    NEED_POST,
    NEED_POST_REFRESH,
    NEED_POSTED,
    Button,
    Notice,
    Offer,
    to_person,
    to_team,
)
from bot.services.candidates import Candidate
from bot.services.transit import NONE, Alternatives
from bot.services.views import FollowUp

Notices = list[Notice]


# The team's post of a need.


def need_to_team(view: FollowUp, reason: str) -> Notices:
    """The need goes to the team: posted with its buttons, or, already posted, a word in
    the group and the post brought up to date."""
    need = view.need
    assert need is not None
    if need.operators_post_id is not None:
        return [to_team("operators.back_to_team", need=need, reason=reason), refresh_post(need)]
    post = Notice(
        NEED_POST,
        None,
        {"view": view, "reason": reason},
        (Button(Offer.FOLLOW_NEED, need.id),),
        after_sent=Step(NEED_POSTED, {"need_id": need.id}),
    )
    return [post]


def refresh_post(need: Need) -> Notice:
    """The need's post shows where it stands now (edited in place; nobody's phone buzzes)."""
    return to_team(NEED_POST_REFRESH, need_id=need.id)


def refreshed(need: Need | None) -> Notices:
    return [refresh_post(need)] if need is not None and need.operators_post_id is not None else []


def followed_answer(
    need: Need | None, driver: Person | None, key: str, passenger: Person | None = None
) -> Notices:
    """A driver's answer to a need the team has posted: the group hears who did what."""
    if need is None or driver is None or need.operators_post_id is None:
        return []
    return [to_team(key, need=need, driver=driver, passenger=passenger), refresh_post(need)]


# The passenger and the drivers who can take them.


def drivers_for(passenger: Person, need: Need, candidates: list[Candidate], key: str) -> Notice:
    return to_person(
        passenger, key, (Button(Offer.CHOOSE_DRIVER, need.id),), need=need, candidates=candidates
    )


def search_result(
    passenger: Person,
    view: FollowUp,
    candidates: list[Candidate],
    alternatives: Alternatives = NONE,
) -> Notices:
    """A need just described: the drivers who can take it, or the team; beside them, the
    coaches and trains, and the local services whose area the need falls in (the team sees
    those too when no driver can)."""
    need = view.need
    assert need is not None
    if candidates:
        return [
            drivers_for(passenger, need, candidates, "candidates.found"),
            *alternatives_for(passenger, need, alternatives, found_driver=True),
        ]
    # No driver: maybe an aid helps (a licence, a train pass…); /aides is offered.
    notices = [to_person(passenger, "candidates.none", (Button(Offer.SHOW_AIDS, 0),))]
    notices += alternatives_for(passenger, need, alternatives, found_driver=False)
    notices += need_to_team(view, "no_match")
    return notices + alternatives_to_team(need, alternatives)


def alternatives_to_team(need: Need, alternatives: Alternatives) -> Notices:
    """For a need the team follows: what else could take the person."""
    if not alternatives:
        return []
    return [
        to_team(
            "transit.for_team",
            need=need,
            options=alternatives.transit,
            services=alternatives.services,
        )  # fmt: skip
    ]


def alternatives_for(
    passenger: Person, need: Need, alternatives: Alternatives, *, found_driver: bool
) -> Notices:
    notices = []
    if alternatives.transit:
        notices.append(
            to_person(passenger, "transit.options", need=need, options=alternatives.transit)
        )
    if alternatives.services:
        notices.append(
            to_person(
                passenger,
                "transit.services",
                services=alternatives.services,
                found_driver=found_driver,
            )  # fmt: skip
        )
    return notices


def nobody_left(passenger: Person, view: FollowUp | None, reason: str) -> Notices:
    notices = [to_person(passenger, "candidates.no_more", (Button(Offer.SHOW_AIDS, 0),))]
    if view is not None and view.need is not None:
        notices += need_to_team(view, reason)
    return notices


def new_driver(passenger: Person, need: Need, candidate: Candidate) -> Notice:
    """A trip registered or resumed fits a need still waiting."""
    return to_person(
        passenger,
        "candidates.new_driver",
        (Button(Offer.CHOOSE_DRIVER, need.id),),
        need=need,
        candidates=[candidate],
    )


# Asking a driver.


def driver_asked(
    need: Need,
    introduction: Introduction,
    candidate: Candidate,
    passenger: Person,
    *,
    by_operator: bool,
) -> Notices:
    """The request to the driver (through the team for a driver without Telegram), and a word
    to the passenger; a driver who turns out not to be reachable counts as a decline. Each is
    told the answer's deadline as stored (`introduction.expires_at`): the one the agenda
    keeps."""
    driver, trip = candidate.driver, candidate.trip
    deadline = introduction.expires_at
    answer = (Button(Offer.ANSWER_INTRODUCTION, introduction.id),)
    asked = to_person(
        passenger, "intro.asked", name=driver.short_name, deadline=deadline,
        asked_at=introduction.created_at,
    )  # fmt: skip
    if driver.telegram_user_id is None:  # registered by phone: the team calls, answers for them
        call = to_team(
            "operators.call_driver", answer, need=need, driver=driver, passenger=passenger,
            introduction=introduction, deadline=deadline, asked_at=introduction.created_at,
        )  # fmt: skip
        return [call, asked, *refreshed(need)]
    request = Notice(
        "intro.request",
        driver,
        {"need": need, "passenger": passenger, "introduction": introduction, "trip": trip},
        answer,
        if_unreachable=Step(DRIVER_UNREACHABLE, {"introduction_id": introduction.id}),
    )
    notices = [request, asked]
    if by_operator:
        notices.append(
            to_team(
                "operators.driver_asked",
                need=need,
                driver=driver,
                deadline=deadline,
                asked_at=introduction.created_at,
            )  # fmt: skip
        )
    return [*notices, *refreshed(need)]


# The driver's answer.


def cost_share(
    need: Need, passenger: Person, driver: Person, km: int, eur_per_km: float
) -> Notices:
    """The territory's cost-sharing guide, with the ride's distance, to both; through the
    team for whoever has no Telegram."""
    notices = []
    for reader in (passenger, driver):
        values = {"need": need, "km": km, "eur_per_km": eur_per_km}
        if reader.telegram_user_id is not None:
            notices.append(Notice("transit.cost_share", reader, values))
        else:
            notices.append(Notice("transit.cost_share_call", None, {**values, "person": reader}))
    return notices


def accepted(need: Need, introduction: Introduction, passenger: Person, driver: Person) -> Notices:
    """Both get each other's contact; through the team when one has no Telegram, or when the
    passenger's Telegram refuses our message."""
    notices = followed_answer(need, driver, "operators.driver_accepted", passenger)
    facts = {"need": need, "introduction": introduction, "passenger": passenger, "driver": driver}
    blocked = Notice("operators.call_passenger_accepted", None, facts)
    if driver.telegram_user_id is None:
        # The team phoned the driver and answered for them: it gives them the passenger's
        # contact, and the passenger hears that the team will set up the meeting.
        notices.append(Notice("operators.connect_driver", None, facts))
        if passenger.telegram_user_id is None:
            notices.append(Notice("operators.call_passenger_offline", None, facts))
        elif passenger.reachable:
            notices.append(
                Notice(
                    "intro.accepted_passenger_via_team",
                    passenger,
                    facts,
                    if_unreachable=(blocked,),
                )  # fmt: skip
            )
        else:
            notices.append(blocked)
        return notices
    notices.append(Notice("intro.accepted_driver", driver, facts))
    if passenger.telegram_user_id is None:  # registered by phone: the team calls them
        notices.append(Notice("operators.call_passenger_offline", None, facts))
    elif passenger.reachable:
        driver_note = Notice("intro.passenger_unreachable_driver", driver, facts)
        notices.append(
            Notice(
                "intro.accepted_passenger",
                passenger,
                facts,
                if_unreachable=(blocked, driver_note),
            )  # fmt: skip
        )
    else:  # known to have blocked the bot
        notices += [blocked, Notice("intro.passenger_unreachable_driver", driver, facts)]
    return notices


def driver_dropped_out(
    need: Need | None,
    passenger: Person | None,
    driver: Person | None,
    candidates: list[Candidate],
    view: FollowUp | None,
    key: str,
    team_key: str = "operators.driver_refused",
) -> Notices:
    """A driver said no, did not answer, cannot be reached, or pulled out: the passenger goes
    on with the next drivers, or the team takes over (`view` is then the need as it stands)."""
    if passenger is None or need is None:
        return []
    notices = followed_answer(need, driver, team_key, passenger)
    notices.append(to_person(passenger, key, name=driver.short_name if driver else ""))
    if candidates:
        notices.append(drivers_for(passenger, need, candidates, "candidates.next"))
    elif view is not None:
        notices += nobody_left(passenger, view, "no_more_drivers")
    return notices


# A passenger who cancels.


def need_cancelled(
    passenger: Person,
    need: Need,
    driver: Person | None,
    accepted_introduction: Introduction | None,
    team_following: bool,
) -> Notices:
    notices: Notices = []
    if driver is not None:
        if accepted_introduction is not None:
            # Registered by phone, or blocked the bot: the team, who would otherwise remind
            # them, calls.
            call = to_team(
                "operators.call_driver_cancelled", need=need, passenger=passenger,
                driver=driver, introduction=accepted_introduction,
            )  # fmt: skip
            told = to_person(
                driver, "intro.trip_cancelled_driver", need=need, passenger=passenger,
                introduction=accepted_introduction,
            )  # fmt: skip
            notices += _to_them_or_the_team(driver, told, call)
        elif driver.telegram_user_id is not None:
            notices.append(to_person(driver, "intro.need_cancelled_driver", passenger=passenger))
        else:
            team_following = True  # the team was asked to phone this driver
    if team_following:
        notices.append(to_team("operators.need_cancelled", need=need, passenger=passenger))
    notices += refreshed(need)
    return notices


# The agenda's messages: reminders and questions, to the person or, for someone without
# Telegram or who blocked the bot, as a call for the team.


def _to_them_or_the_team(reader: Person, to_them: Notice, to_team_instead: Notice) -> Notices:
    if not reader.reachable:
        return [to_team_instead]
    return [
        Notice(
            to_them.key,
            reader,
            to_them.values,
            to_them.buttons,
            if_unreachable=(to_team_instead,),
        )  # fmt: skip
    ]


def ride_reminder(ride: Ride, for_driver: bool) -> Notices:
    """The evening before: both are reminded; the team phones who cannot be written to."""
    reader = ride.driver if for_driver else ride.passenger
    button = (
        Button(Offer.WITHDRAW_RIDE, ride.introduction.id)
        if for_driver
        else Button(Offer.CANCEL_RIDE, ride.need.id)
    )
    key = "reminder.driver" if for_driver else "reminder.passenger"
    call = to_team("reminder.call", ride=ride, person=reader)
    return _to_them_or_the_team(reader, to_person(reader, key, (button,), ride=ride), call)


def ride_question(ride: Ride) -> Notices:
    """The day after: did the ride happen? Asked by the team, by phone, if need be."""
    buttons = (Button(Offer.RIDE_OUTCOME, ride.introduction.id),)
    question = to_person(ride.passenger, "outcome.question", buttons, ride=ride)
    return _to_them_or_the_team(
        ride.passenger, question, to_team("outcome.call", buttons, ride=ride)
    )


def trip_check(trip: Trip, driver: Person, days: int) -> Notices:
    buttons = (Button(Offer.TRIP_CHECK, trip.id),)
    question = to_person(driver, "tripcheck.question", buttons, trip=trip, days=days)
    call = to_team("tripcheck.call", buttons, trip=trip, driver=driver, days=days)
    return _to_them_or_the_team(driver, question, call)


def trip_paused(trip: Trip, driver: Person) -> Notices:
    told_driver = to_person(driver, "tripcheck.paused", (Button(Offer.RESUME_TRIP, trip.id),),
                            trip=trip)  # fmt: skip
    call = to_team(
        "tripcheck.paused_call", (Button(Offer.RESUME_CHECKED_TRIP, trip.id),),
        trip=trip, driver=driver,
    )  # fmt: skip
    return _to_them_or_the_team(driver, told_driver, call)


def need_expired(need: Need, person: Person) -> Notices:
    """The team's post already reads "expired"; the person hears it in the morning."""
    notices = refreshed(need)
    if person.telegram_user_id is not None:
        notices.append(to_person(person, "needs.expired", need=need))
    return notices


def request_expired_driver(driver: Person, passenger: Person) -> Notices:
    """A driver reached by phone: the team saw the request lapse in the group."""
    if driver.telegram_user_id is None:
        return []
    return [to_person(driver, "intro.expired_driver", name=passenger.short_name)]


def claimed_quiet(view: FollowUp, days: int) -> Notices:
    """A claimed need without news: its operator is reminded, in private or else in the
    group by name."""
    assert view.need is not None and view.claimer is not None
    buttons = (Button(Offer.FOLLOW_NEED, view.need.id),)
    in_group = to_team("operators.claimed_quiet_group", buttons, view=view, days=days)
    reminder = to_person(view.claimer, "operators.claimed_quiet", buttons, view=view, days=days)
    return _to_them_or_the_team(view.claimer, reminder, in_group)
