"""Who is told what, when something happens to a need or an introduction.

Pure decisions, no I/O: each function takes what happened (domain objects) and returns the
notices it causes (bot/notices/). The rules, in one place:

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

from dataclasses import replace

from bot import notices as n
from bot.delivery import DriverUnreachable, NeedPosted
from bot.domain import Introduction, Missing, Need, Person, Ride, Trip
from bot.notices import (
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
    if need is None:
        raise Missing("the follow-up names no need")
    if need.operators_post_id is not None:
        return [to_team(n.OperatorsBackToTeam(need, reason)), refresh_post(need)]
    post = Notice(
        None,
        n.NeedPost(view, reason),
        (Button(Offer.FOLLOW_NEED, need.id),),
        after_sent=NeedPosted(need.id).step(),
    )
    return [post]


def way_back_left(view: FollowUp) -> Notices:
    """A driver accepted the way there only, for a passenger who needs a way back (at a
    time, or not known yet): the team finds it, its post carrying both legs."""
    need = view.need
    if need is None:
        raise Missing("the follow-up names no need")
    return need_to_team(view, f"way_back_left_{need.way_back.value}")


def repost(view: FollowUp) -> Notice:
    """A need nobody claimed is posted again: the new post carries the buttons, the old one
    loses them once the new one is there."""
    need = view.need
    if need is None:
        raise Missing("the follow-up names no need")
    return Notice(
        None,
        n.NeedPost(view, "unclaimed"),
        (Button(Offer.FOLLOW_NEED, need.id),),
        after_sent=NeedPosted(need.id, need.operators_post_id).step(),
    )


def refresh_post(need: Need) -> Notice:
    """The need's post shows where it stands now (edited in place; nobody's phone buzzes)."""
    return to_team(n.NeedPostRefresh(need.id))


def refreshed(need: Need | None) -> Notices:
    return [refresh_post(need)] if need is not None and need.operators_post_id is not None else []


def followed_answer(
    need: Need | None,
    driver: Person | None,
    kind: type[n.DriverAnswer],
    passenger: Person | None = None,
    *,
    back_to_team: bool = False,
) -> Notices:
    """A driver's answer to a need the team has posted: the group hears who did what (and,
    with `back_to_team`, that nobody else can take the passenger)."""
    if need is None or driver is None or need.operators_post_id is None:
        return []
    return [to_team(kind(need, driver, passenger, back_to_team)), refresh_post(need)]


# The passenger and the drivers who can take them.


def drivers_for(
    passenger: Person,
    need: Need,
    candidates: list[Candidate],
    kind: type[n.CandidatesFound | n.CandidatesNext],
) -> Notice:
    return to_person(
        passenger, kind(need, tuple(candidates)), (Button(Offer.CHOOSE_DRIVER, need.id),)
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
    if need is None:
        raise Missing("the follow-up names no need")
    if candidates:
        notices = [
            drivers_for(passenger, need, candidates, n.CandidatesFound),
            *alternatives_for(passenger, need, alternatives, found_driver=True),
        ]
        if need.wants_back and not any(c.back for c in candidates):
            # Nobody shown brings them back (or its time is not known yet): the team looks,
            # its post carrying both legs; the passenger reads so under the drivers.
            notices += need_to_team(view, f"way_back_{need.way_back.value}")
        return notices
    # No driver: maybe an aid helps (a licence, a train pass…); /aides is offered.
    notices = [to_person(passenger, n.CandidatesNone(), (Button(Offer.SHOW_AIDS, 0),))]
    notices += alternatives_for(passenger, need, alternatives, found_driver=False)
    notices += need_to_team(view, "no_match")
    return notices + alternatives_to_team(need, alternatives)


def alternatives_to_team(need: Need, alternatives: Alternatives) -> Notices:
    """For a need the team follows: what else could take the person."""
    if not alternatives:
        return []
    return [
        to_team(
            n.TransitForTeam(
                need,
                tuple(alternatives.transit),
                tuple(alternatives.services),
                tuple(alternatives.on_demand),
            )
        )
    ]


def alternatives_for(
    passenger: Person, need: Need, alternatives: Alternatives, *, found_driver: bool
) -> Notices:
    notices = []
    if alternatives.transit:
        notices.append(to_person(passenger, n.TransitOptions(need, tuple(alternatives.transit))))
    if alternatives.on_demand:
        at = alternatives.remind_at
        buttons = (Button(Offer.REMIND_ON_DEMAND, need.id),) if at is not None else ()
        notices.append(
            to_person(
                passenger, n.TransitOnDemand(need, tuple(alternatives.on_demand), at), buttons
            )
        )
    if alternatives.services:
        notices.append(
            to_person(passenger, n.TransitServices(tuple(alternatives.services), found_driver))
        )
    return notices


def nobody_left(
    passenger: Person, view: FollowUp | None, reason: str, *, team_told: bool = False
) -> Notices:
    """No driver left for the passenger: they are told, the team too (unless `team_told`)."""
    notices = [to_person(passenger, n.CandidatesNoMore(), (Button(Offer.SHOW_AIDS, 0),))]
    if view is not None and view.need is not None and not team_told:
        notices += need_to_team(view, reason)
    return notices


def new_driver(passenger: Person, need: Need, candidate: Candidate) -> Notice:
    """A trip registered or resumed fits a need still waiting."""
    return to_person(
        passenger,
        n.CandidatesNewDriver(need, (candidate,)),
        (Button(Offer.CHOOSE_DRIVER, need.id),),
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
    asked = to_person(passenger, n.IntroAsked(driver.short_name, deadline, introduction.created_at))
    if not driver.has_channel:  # registered by phone: the team calls, answers for them
        call = to_team(
            n.OperatorsCallDriver(
                need, driver, passenger, introduction, deadline, introduction.created_at
            ),
            answer,
        )
        return [call, asked, *refreshed(need)]
    km, cents = getattr(candidate, "km", None), getattr(candidate, "allowance_cents", 0)
    values: n.NoticeValues = (
        n.IntroRequest(need, passenger, introduction, trip)
        if km is None  # a volunteer driver (bot/services/volunteers.py): the ride and allowance
        else n.VolunteerRequest(
            need, passenger, introduction, km, cents, getattr(candidate, "paid", True)
        )
    )
    request = Notice(
        driver,
        values,
        answer,
        if_unreachable=DriverUnreachable(introduction.id).step(),
    )
    notices = [request, asked]
    if by_operator:
        notices.append(
            to_team(n.OperatorsDriverAsked(need, driver, deadline, introduction.created_at))
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
        if reader.has_channel:
            notices.append(to_person(reader, n.TransitCostShare(need, km, eur_per_km)))
        else:
            notices.append(to_team(n.TransitCostShareCall(need, km, eur_per_km, reader)))
    return notices


def accepted(need: Need, introduction: Introduction, passenger: Person, driver: Person) -> Notices:
    """Both get each other's contact; through the team when one has no Telegram, or when the
    passenger's Telegram refuses our message."""
    facts = (need, introduction, passenger, driver)
    return [*_accepted(*facts), *_texters_to_connect(*facts)]


def _texters_to_connect(
    need: Need, introduction: Introduction, passenger: Person, driver: Person
) -> Notices:
    """A simple phone cannot reach a Telegram account: who texts, introduced to someone who
    shares no number, is called by the team with the other's contact."""
    facts = (need, introduction, passenger, driver)
    return [
        to_team(n.OperatorsConnectTexter(*facts, texter=texter))
        for texter, other in ((passenger, driver), (driver, passenger))
        if texter.by_sms and not (other.phone and other.phone_visible)
    ]


def _accepted(need: Need, introduction: Introduction, passenger: Person, driver: Person) -> Notices:
    notices = followed_answer(need, driver, n.OperatorsDriverAccepted, passenger)
    facts = (need, introduction, passenger, driver)
    blocked = to_team(n.OperatorsCallPassengerAccepted(*facts))
    if not driver.has_channel:
        # The team phoned the driver and answered for them: it gives them the passenger's
        # contact, and the passenger hears that the team will set up the meeting.
        notices.append(to_team(n.OperatorsConnectDriver(*facts)))
        if not passenger.has_channel:
            notices.append(to_team(n.OperatorsCallPassengerOffline(*facts)))
        elif passenger.reachable:
            notices.append(
                Notice(
                    passenger, n.IntroAcceptedPassengerViaTeam(*facts), if_unreachable=(blocked,)
                )
            )
        else:
            notices.append(blocked)
        return notices
    notices.append(to_person(driver, n.IntroAcceptedDriver(*facts)))
    if not passenger.has_channel:  # registered by phone: the team calls them
        notices.append(to_team(n.OperatorsCallPassengerOffline(*facts)))
    elif passenger.reachable:
        driver_note = to_person(driver, n.IntroPassengerUnreachableDriver(*facts))
        notices.append(
            Notice(
                passenger, n.IntroAcceptedPassenger(*facts), if_unreachable=(blocked, driver_note)
            )
        )
    else:  # known to have blocked the bot
        notices += [blocked, to_person(driver, n.IntroPassengerUnreachableDriver(*facts))]
    return notices


def driver_dropped_out(
    need: Need | None,
    passenger: Person | None,
    driver: Person | None,
    candidates: list[Candidate],
    view: FollowUp | None,
    told: type[n.DriverDroppedOut],
    team_kind: type[n.DriverAnswer] = n.OperatorsDriverRefused,
) -> Notices:
    """A driver said no, did not answer, cannot be reached, or pulled out: the passenger goes
    on with the next drivers, or the team takes over (`view` is then the need as it stands)."""
    if passenger is None or need is None:
        return []
    back = not candidates and view is not None
    notices = followed_answer(need, driver, team_kind, passenger, back_to_team=back)
    notices.append(to_person(passenger, told(driver.short_name if driver else "")))
    if candidates:
        notices.append(drivers_for(passenger, need, candidates, n.CandidatesNext))
    elif view is not None:
        # A need the team has posted: the word above says it is back (one message).
        notices += nobody_left(passenger, view, "no_more_drivers", team_told=bool(notices[:-1]))
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
                n.OperatorsCallDriverCancelled(need, passenger, driver, accepted_introduction)
            )
            told = to_person(
                driver, n.IntroTripCancelledDriver(need, passenger, accepted_introduction)
            )
            notices += _to_them_or_the_team(driver, told, call)
        elif driver.has_channel:
            notices.append(to_person(driver, n.IntroNeedCancelledDriver(passenger)))
        else:
            team_following = True  # the team was asked to phone this driver
    if team_following:
        notices.append(to_team(n.OperatorsNeedCancelled(need, passenger)))
    notices += refreshed(need)
    return notices


# The agenda's messages: reminders and questions, to the person or, for someone without
# Telegram or who blocked the bot, as a call for the team.


def _to_them_or_the_team(reader: Person, to_them: Notice, to_team_instead: Notice) -> Notices:
    if not reader.reachable:
        return [to_team_instead]
    return [replace(to_them, to=reader, if_unreachable=(to_team_instead,))]


def ride_reminder(ride: Ride, for_driver: bool) -> Notices:
    """The evening before: both are reminded; the team phones who cannot be written to."""
    reader = ride.driver if for_driver else ride.passenger
    button = (
        Button(Offer.WITHDRAW_RIDE, ride.introduction.id)
        if for_driver
        else Button(Offer.CANCEL_RIDE, ride.need.id)
    )
    kind = n.ReminderDriver if for_driver else n.ReminderPassenger
    call = to_team(n.ReminderCall(ride, reader))
    return _to_them_or_the_team(reader, to_person(reader, kind(ride), (button,)), call)


def ride_question(ride: Ride) -> Notices:
    """The day after: did the ride happen? Asked by the team, by phone, if need be."""
    buttons = (Button(Offer.RIDE_OUTCOME, ride.introduction.id),)
    question = to_person(ride.passenger, n.OutcomeQuestion(ride), buttons)
    return _to_them_or_the_team(ride.passenger, question, to_team(n.OutcomeCall(ride), buttons))


def trip_check(trip: Trip, driver: Person, days: int) -> Notices:
    buttons = (Button(Offer.TRIP_CHECK, trip.id),)
    question = to_person(driver, n.TripCheckQuestion(trip, days), buttons)
    call = to_team(n.TripCheckCall(trip, driver, days), buttons)
    return _to_them_or_the_team(driver, question, call)


def trip_paused(trip: Trip, driver: Person) -> Notices:
    told_driver = to_person(driver, n.TripCheckPaused(trip), (Button(Offer.RESUME_TRIP, trip.id),))
    call = to_team(
        n.TripCheckPausedCall(trip, driver), (Button(Offer.RESUME_CHECKED_TRIP, trip.id),)
    )
    return _to_them_or_the_team(driver, told_driver, call)


def need_expired(need: Need, person: Person) -> Notices:
    """The team's post already reads "expired"; the person hears it in the morning."""
    notices = refreshed(need)
    if person.has_channel:
        notices.append(to_person(person, n.NeedsExpired(need)))
    return notices


def request_expired_driver(driver: Person, passenger: Person) -> Notices:
    """A driver reached by phone: the team saw the request lapse in the group."""
    if not driver.has_channel:
        return []
    return [to_person(driver, n.IntroExpiredDriver(passenger.short_name))]


def claimed_quiet(view: FollowUp, days: int) -> Notices:
    """A claimed need without news: its operator is reminded, in private or else in the
    group by name."""
    if view.need is None or view.claimer is None:
        raise Missing("the follow-up names no need or no operator")
    buttons = (Button(Offer.FOLLOW_NEED, view.need.id),)
    in_group = to_team(n.OperatorsClaimedQuietGroup(view, days), buttons)
    reminder = to_person(view.claimer, n.OperatorsClaimedQuiet(view, days), buttons)
    return _to_them_or_the_team(view.claimer, reminder, in_group)
