"""Applying for an aid in the bot, and its funder's reviewers deciding (moB's statuses:
draft, to process, validated with an amount, rejected with a reason).

Who may decide is the core's call: only a member of the funder's group, which the adapter
checks with Telegram through `membership` (the group's chat id → is the presser a member).
An amount above the aid's ceiling, or far from what it usually grants, is only granted once
the reviewer confirms it: the person is told nothing before. Proofs never leave for a
group: a reviewer gets them in private, once they have opened a chat with the bot. They are
deleted when an application is rejected, and PROOF_RETENTION_DAYS after it is decided; an
application is anonymised three years after it was made.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

from bot import notices as n
from bot.agenda import AgendaEntry, Due, Kind, Outcome
from bot.aids.catalogue import Catalogue
from bot.aids.funders import Funders, TerritoryFunders
from bot.aids.model import (
    MAX_FIELD_ANSWER,
    MAX_OTHER_REASON,
    MAX_PROOFS,
    Aid,
    Application,
    Frequency,
    Funder,
    Profile,
    Proof,
    RejectReason,
    Status,
)
from bot.aids.ports import AidAnswers, AidFigures, Applications, ProofFiles
from bot.aids.proofs import kind_of, too_big
from bot.clock import Clock
from bot.domain import Caller, Person
from bot.notices import Button, Notice, Offer, to_team
from bot.ports import Agenda, PeopleRepository, UnitOfWork
from bot.services.territories import Belonging

Membership = Callable[[int], Awaitable[bool]]
# Whether the bot can write to the reviewer in private (they have opened a chat with it).
PrivateChat = Callable[[], Awaitable[bool]]
ANONYMISE_AFTER = timedelta(days=3 * 365)
# An application nobody has answered is shown again to its funder's group after this.
REVIEW_REMINDER_AFTER = timedelta(days=7)
# What the person is told of an aid granted, by how often it is paid.
VALIDATED: dict[Frequency, type[n.Validated]] = {
    Frequency.ONCE: n.AidsValidatedOnce,
    Frequency.MONTHLY: n.AidsValidatedMonthly,
    Frequency.QUARTERLY: n.AidsValidatedQuarterly,
}
# The composed post of an application in its funder's group (handlers word it).
# The usual amount of an aid is known after this many grants (at the same frequency); an
# amount this many times above or below it is asked to be confirmed.
USUAL_AFTER = 3
FAR_FROM_USUAL = 3


class Result(enum.StrEnum):
    DONE = "done"
    NOT_FOUND = "not_found"
    NOT_DRAFT = "not_draft"
    NOT_MEMBER = "not_member"
    DECIDED = "decided"
    TOO_BIG = "too_big"
    WRONG_KIND = "wrong_kind"
    TOO_MANY = "too_many"
    NO_PROOF = "no_proof"
    MISSING_ANSWER = "missing_answer"
    NO_FUNDER = "no_funder"
    TOO_LONG = "too_long"
    UNUSUAL_AMOUNT = "unusual_amount"  # to be confirmed by the reviewer first
    NO_PRIVATE_CHAT = "no_private_chat"  # the reviewer must open a chat with the bot first


@dataclass(frozen=True)
class AmountCheck:
    """An amount typed by a reviewer, against the aid's ceiling and its usual grants."""

    cents: int
    frequency: Frequency
    # The aid's ceiling, when the amount is above it.
    most: int | None = None
    # The usual amount granted (the median of past grants), when the amount is far from it.
    usual: int | None = None

    @property
    def unusual(self) -> bool:
        return self.most is not None or self.usual is not None


@dataclass(frozen=True)
class Done:
    result: Result
    application: Application | None = None
    notices: list[Notice] = field(default_factory=list)
    proofs: list[Proof] = field(default_factory=list)
    count: int = 0
    aid: Aid | None = None
    check: AmountCheck | None = None


@dataclass(frozen=True)
class FunderFigures:
    funder: Funder
    aids: list[AidFigures]


class ApplicationService:
    def __init__(
        self,
        *,
        catalogue: Catalogue,
        funders: Funders,
        applications: Applications,
        people: PeopleRepository,
        files: ProofFiles,
        agenda: Agenda,
        clock: Clock,
        unit_of_work: UnitOfWork,
        proof_retention_days: int,
        answers: AidAnswers | None = None,
        territory_funders: TerritoryFunders | None = None,
        belonging: Belonging | None = None,
    ) -> None:
        """`territory_funders`: with several territories, each one's funders (issue 22)."""
        self._territory_funders = territory_funders
        self._belonging = belonging
        self.catalogue = catalogue
        # The answers last given in /aides, which applying from the aids shown starts from.
        self._answers = answers
        self.funders = funders
        self._applications = applications
        self._people = people
        self._files = files
        self._agenda = agenda
        self._clock = clock
        self._uow = unit_of_work
        self._retention = timedelta(days=proof_retention_days)

    # The person (or an operator for them).

    async def start_from_answers(self, person: Person, aid_id: str) -> Done:
        """A draft for this aid, with the answers the person last gave in /aides."""
        profile = await self._answers.given(person.id) if self._answers is not None else None
        return await self.start(person, aid_id, profile)

    async def start(
        self, person: Person, aid_id: str, profile: Profile | None, filed_by: Person | None = None
    ) -> Done:
        """A draft for this aid (the one already open, if any)."""
        aid = self.catalogue.get(aid_id)
        today = self._clock.now().date()
        if aid is None or not aid.apply_here or not aid.shown_on(today):
            return Done(Result.NOT_FOUND)
        draft = await self._applications.draft_of(person.id, aid.id)
        if draft is not None:
            proofs = await self._applications.proofs(draft.id)
            return Done(Result.DONE, draft, count=len(proofs), aid=aid)
        now = self._clock.now()
        async with self._uow.transaction():
            draft = await self._applications.add(
                aid.id, aid.title, person.id, profile, filed_by.id if filed_by else None, now
            )
            await self._applications.record_event(
                draft.id, None, Status.DRAFT, filed_by.id if filed_by else person.id, now
            )
            await self._agenda.schedule(
                [Due(Kind.AID_APPLICATION_ANONYMISE, draft.id, now + ANONYMISE_AFTER)], now
            )
        return Done(Result.DONE, draft, aid=aid)

    async def file_for(
        self,
        operator: Person,
        caller: Caller,
        aid_id: str,
        profile: Profile,
        team: str | None = None,
    ) -> Done:
        """An operator applies for someone who phoned: the caller is recorded (no Telegram;
        reached by phone, through the team), the draft is the operator's to fill. The caller
        belongs where their commune is, else with the team they phoned (`team`)."""
        aid = self.catalogue.get(aid_id)
        if aid is None or not aid.apply_here or not aid.shown_on(self._clock.now().date()):
            return Done(Result.NOT_FOUND)
        async with self._uow.transaction():
            person = await self._people.add_offline(
                caller.name,
                caller.phone,
                caller.phone_visible,
                operator.language,
                operator.id,
                self._clock.now(),
            )
            if self._belonging is not None and profile.commune_code:
                await self._belonging.commune_known(
                    person.id, profile.commune_code, profile.department or ""
                )
            elif self._belonging is not None and team is not None:
                await self._belonging.settle(person.id, team)
            return await self.start(person, aid_id, profile, filed_by=operator)

    async def answer(self, person: Person, application_id: int, text: str) -> Done:
        """The answer to the aid's next own question."""
        draft = await self._draft(person, application_id)
        if draft is None:
            return Done(Result.NOT_DRAFT)
        text = text.strip()
        if len(text) > MAX_FIELD_ANSWER:
            return Done(Result.TOO_LONG, draft)
        answers = (*draft.answers, text)
        await self._applications.set_answers(draft.id, answers, self._clock.now())
        updated = await self._applications.get(draft.id)
        return Done(Result.DONE, updated, aid=self.catalogue.get(draft.aid_id))

    async def add_proof(
        self,
        person: Person,
        application_id: int,
        size: int | None,
        telegram_file_id: str,
        download: Callable[[], Awaitable[bytes]],
    ) -> Done:
        """A photo or document sent in the chat: checked by its size, then by its content."""
        draft = await self._draft(person, application_id)
        if draft is None:
            return Done(Result.NOT_DRAFT)
        proofs = await self._applications.proofs(draft.id)
        if len(proofs) >= MAX_PROOFS:
            return Done(Result.TOO_MANY, draft, count=len(proofs))
        if too_big(size):
            return Done(Result.TOO_BIG, draft, count=len(proofs))
        content = await download()
        kind = kind_of(content)
        if too_big(len(content)):
            return Done(Result.TOO_BIG, draft, count=len(proofs))
        if kind is None:
            return Done(Result.WRONG_KIND, draft, count=len(proofs))
        path = await self._files.save(draft.id, kind, content)
        now = self._clock.now()
        async with self._uow.transaction():
            await self._applications.add_proof(
                draft.id, kind, len(content), telegram_file_id, path, now
            )
            # A draft left as it is does not keep its papers for ever (a decision moves this).
            await self._agenda.schedule(
                [Due(Kind.AID_PROOF_EXPIRY, draft.id, now + self._retention)], now
            )
        return Done(Result.DONE, draft, count=len(proofs) + 1)

    async def submit(self, actor: Person, application_id: int) -> Done:
        """With the person's consent to show it to the funder: to its group, to process."""
        draft = await self._draft(actor, application_id)
        person = await self._people.get(draft.person_id) if draft and draft.person_id else None
        if draft is None or person is None:
            return Done(Result.NOT_DRAFT)
        aid = self.catalogue.get(draft.aid_id)
        proofs = await self._applications.proofs(draft.id)
        if aid is None:
            return Done(Result.NOT_FOUND, draft)
        if len(draft.answers) < len(aid.fields):
            return Done(Result.MISSING_ANSWER, draft)
        if aid.proofs and not proofs:
            return Done(Result.NO_PROOF, draft)
        funder = self._funders_of(person).for_aid(aid.id)
        if funder is None:
            return Done(Result.NO_FUNDER, draft)
        now = self._clock.now()
        async with self._uow.transaction():
            submitted = await self._applications.submit(draft.id, funder.name, funder.chat_id, now)
            await self._applications.record_event(
                draft.id, Status.DRAFT, Status.TO_PROCESS, draft.filed_by or person.id, now
            )
            await self._agenda.schedule(
                [Due(Kind.AID_REVIEW_REMINDER, draft.id, now + REVIEW_REMINDER_AFTER)], now
            )
        filer = await self._people.get(draft.filed_by) if draft.filed_by else None
        post = Notice(
            None,
            n.ApplicationPost(submitted, aid, person, len(proofs), filer),
            (Button(Offer.REVIEW_APPLICATION, submitted.id),),
            chat_id=funder.chat_id,
        )
        title = aid.in_language(person.language).title
        told = self._tell(person, n.AidsSubmitted(title, funder.name, submitted.id))
        return Done(Result.DONE, submitted, [*told, post], count=len(proofs))

    async def listing(self, person: Person) -> list[Application]:
        return await self._applications.for_person(person.id)

    async def forget_draft(self, person: Person, application_id: int) -> bool:
        """A draft given up: its proofs go at once (nobody will review them)."""
        draft = await self._draft(person, application_id)
        if draft is None:
            return False
        await self._drop_proofs(draft.id)
        return True

    # The funder's reviewers.

    async def proofs_for(
        self,
        reviewer: Person,
        application_id: int,
        membership: Membership,
        private_chat: PrivateChat | None = None,
    ) -> Done:
        """The proofs, for the reviewer who asked (the adapter sends them in private); none
        to a reviewer the bot cannot write to yet (NO_PRIVATE_CHAT: they open a chat first,
        and ask again from there)."""
        application = await self._reviewable(application_id, membership, allow_decided=True)
        if isinstance(application, Done):
            return application
        proofs = await self._applications.proofs(application.id)
        if proofs and private_chat is not None and not await private_chat():
            return Done(Result.NO_PRIVATE_CHAT, application, count=len(proofs))
        return Done(Result.DONE, application, proofs=proofs, count=len(proofs))

    async def may_review(self, application_id: int, membership: Membership) -> Done:
        """Whether this presser may decide on it now (before asking them the amount)."""
        application = await self._reviewable(application_id, membership)
        if isinstance(application, Done):
            return application
        return Done(Result.DONE, application)

    async def validate(
        self,
        reviewer: Person,
        application_id: int,
        cents: int,
        frequency: Frequency,
        membership: Membership,
        *,
        confirmed: bool = False,
    ) -> Done:
        """Granted, and the person told; an unusual amount (above the aid's ceiling, or far
        from its usual grants) only once `confirmed` (else UNUSUAL_AMOUNT, with why)."""
        application = await self._reviewable(application_id, membership)
        if isinstance(application, Done):
            return application
        if not confirmed:
            check = await self.amount_check(application, cents, frequency)
            if check.unusual:
                return Done(Result.UNUSUAL_AMOUNT, application, check=check)
        now = self._clock.now()
        async with self._uow.transaction():
            decided = await self._applications.validate(
                application.id, reviewer.id, cents, frequency, now
            )
            if decided is None:
                return Done(Result.DECIDED, application)
            await self._applications.record_event(
                decided.id,
                Status.TO_PROCESS,
                Status.VALIDATED,
                reviewer.id,
                now,
                f"{cents} {frequency.value}",
            )
            await self._agenda.schedule(
                [Due(Kind.AID_PROOF_EXPIRY, decided.id, now + self._retention)], now
            )
        person = await self._people.get(application.person_id) if application.person_id else None
        notices: list[Notice] = []
        if person is not None:
            validated = VALIDATED[frequency]
            title = self._title(decided, person)
            notices += self._tell(person, validated(title, cents, decided.id))
        notices.append(
            self._to_group(
                decided,
                n.AidsGroupValidated(decided.id, reviewer.display_name, cents, frequency.value),
            )
        )
        return Done(Result.DONE, decided, notices)

    async def reject(
        self,
        reviewer: Person,
        application_id: int,
        reason: RejectReason,
        other: str | None,
        membership: Membership,
    ) -> Done:
        other = (other or "").strip() or None
        if reason is RejectReason.OTHER and (other is None or len(other) > MAX_OTHER_REASON):
            return Done(Result.TOO_LONG)
        if reason is not RejectReason.OTHER:
            other = None
        application = await self._reviewable(application_id, membership)
        if isinstance(application, Done):
            return application
        now = self._clock.now()
        async with self._uow.transaction():
            decided = await self._applications.reject(
                application.id, reviewer.id, reason, other, now
            )
            if decided is None:
                return Done(Result.DECIDED, application)
            await self._applications.record_event(
                decided.id, Status.TO_PROCESS, Status.REJECTED, reviewer.id, now, reason.value
            )
            # moB deletes a rejected application's proofs and answers at once.
            await self._drop_proofs(decided.id)
        person = await self._people.get(application.person_id) if application.person_id else None
        notices: list[Notice] = []
        rejected = n.AidsRejectedOther if reason is RejectReason.OTHER else n.AidsRejected
        if person is not None:
            notices += self._tell(
                person,
                rejected(self._title(decided, person), reason.value, other or "", decided.id),
            )
        notices.append(
            self._to_group(
                decided,
                n.AidsGroupRejected(decided.id, reviewer.display_name, reason.value, other or ""),
            )
        )
        return Done(Result.DONE, decided, notices)

    async def amount_check(
        self, application: Application, cents: int, frequency: Frequency
    ) -> AmountCheck:
        """Whether this amount is above the aid's ceiling, or far from what it usually
        grants at that frequency (once it has been granted USUAL_AFTER times)."""
        aid = self.catalogue.get(application.aid_id)
        ceiling = aid.max_cents if aid is not None else None
        most = ceiling if ceiling is not None and cents > ceiling else None
        granted = sorted(
            a.amount_cents
            for a in await self._applications.validated(frozenset({application.aid_id}))
            if a.amount_cents and a.frequency == frequency and a.id != application.id
        )
        usual = None
        if len(granted) >= USUAL_AFTER:
            middle = granted[len(granted) // 2]
            if cents >= middle * FAR_FROM_USUAL or cents * FAR_FROM_USUAL <= middle:
                usual = middle
        return AmountCheck(cents, frequency, most, usual)

    async def statistics(self, chat_id: int, membership: Membership) -> FunderFigures | None:
        """Per aid, for the funder whose group this is (None for anyone else)."""
        funder = await self._funder_of_chat(chat_id, membership)
        if funder is None:
            return None
        # With several territories, a team reviews the aids no funder does in every
        # territory's catalogue: only the applications sent to its own group are its own.
        to_group = funder.chat_id if self._territory_funders is not None else None
        figures = await self._applications.figures(self._aids_of(funder), to_group)
        return FunderFigures(funder, figures)

    async def export(self, chat_id: int, membership: Membership) -> list[Application] | None:
        """The validated applications of this funder's aids (None for anyone else); the
        adapter words them and writes the CSV (handlers/reviews.py)."""
        funder = await self._funder_of_chat(chat_id, membership)
        if funder is None:
            return None
        validated = await self._applications.validated(self._aids_of(funder))
        if self._territory_funders is not None:  # another territory's went to its own group
            validated = [a for a in validated if a.funder_chat_id == funder.chat_id]
        return validated

    # The agenda.

    async def review_reminder(self, application_id: int) -> list[Notice] | None:
        """Still waiting for an answer: its funder's group sees it again, with its buttons."""
        application = await self._applications.get(application_id)
        if application is None or application.status is not Status.TO_PROCESS:
            return None
        waited = (self._clock.now() - (application.submitted_at or self._clock.now())).days
        return [
            Notice(
                None,
                n.AidsReviewWaiting(application.id, application.aid_title, waited),
                (Button(Offer.REVIEW_APPLICATION, application.id),),
                chat_id=application.funder_chat_id,
            )
        ]

    async def expire_proofs(self, entry: AgendaEntry) -> Outcome:
        application = await self._applications.get(entry.subject_id)
        if application is None or application.status is Status.TO_PROCESS:
            return Outcome.SKIPPED  # its reviewers need them; the decision sets the date
        await self._drop_proofs(application.id)
        return Outcome.DONE

    async def anonymise(self, entry: AgendaEntry) -> Outcome:
        application = await self._applications.get(entry.subject_id)
        if application is None or application.anonymised_at is not None:
            return Outcome.SKIPPED
        await self._drop_proofs(application.id)
        await self._applications.anonymise(application.id, self._clock.now())
        return Outcome.DONE

    # Privacy (issue "Privacy, consent and trust": /mesdonnees and forget-me wire these in).

    async def everything_about(self, person_id: int) -> list[tuple[Application, list[Proof]]]:
        """Every application of this person, with its proofs' records."""
        return [
            (application, await self._applications.proofs(application.id))
            for application in await self._applications.for_person(person_id)
        ]

    async def forget(self, person_id: int) -> int:
        """Proofs deleted, applications anonymised (the funders' figures keep the counts);
        returns how many applications there were."""
        applications = await self._applications.for_person(person_id)
        for application in applications:
            await self._drop_proofs(application.id)
            await self._applications.anonymise(application.id, self._clock.now())
        return len(applications)

    # Plumbing.

    async def _draft(self, actor: Person, application_id: int) -> Application | None:
        """A draft the actor may fill: their own, or one an operator files for a caller."""
        application = await self._applications.get(application_id)
        if application is None or actor.id not in (application.person_id, application.filed_by):
            return None
        return application if application.status is Status.DRAFT else None

    async def _reviewable(
        self, application_id: int, membership: Membership, *, allow_decided: bool = False
    ) -> Application | Done:
        application = await self._applications.get(application_id)
        if application is None or application.status is Status.DRAFT:
            return Done(Result.NOT_FOUND)
        if application.funder_chat_id is None or not await membership(application.funder_chat_id):
            return Done(Result.NOT_MEMBER, application)
        if application.decided and not allow_decided:
            return Done(Result.DECIDED, application)
        return application

    def _funders_of(self, person: Person) -> Funders:
        """Who reviews this person's applications: their territory's funders."""
        if self._territory_funders is None:
            return self.funders
        return self._territory_funders.of(person.territory)

    def _all_funders(self) -> list[Funders]:
        if self._territory_funders is None:
            return [self.funders]
        return self._territory_funders.everyone()

    async def _funder_of_chat(self, chat_id: int, membership: Membership) -> Funder | None:
        funders = [f for some in self._all_funders() for f in some.by_chat(chat_id)]
        if not funders or not await membership(chat_id):
            return None
        return funders[0]

    def _aids_of(self, funder: Funder) -> frozenset[str] | None:
        """The aids whose applications go to this funder's group (None: all of them)."""
        for funders in self._all_funders():
            if funder not in funders.funders and funder != funders.default:
                continue
            if funder == funders.default and not funders.funders:
                return None
            return frozenset(
                aid.id for aid in self.catalogue.aids if funders.for_aid(aid.id) == funder
            )
        return frozenset()

    async def _drop_proofs(self, application_id: int) -> None:
        for path in await self._applications.drop_proofs(application_id, self._clock.now()):
            await self._files.delete(path)

    def _title(self, application: Application, person: Person) -> str:
        """The aid's title in the person's language (as the catalogue gives it now)."""
        aid = self.catalogue.get(application.aid_id)
        return aid.in_language(person.language).title if aid else application.aid_title

    def _tell(self, person: Person, values: n.NoticeValues) -> list[Notice]:
        """To the person; to the team, to phone them, if Telegram cannot reach them."""
        call = to_team(
            n.AidsCallPerson(person.display_name, person.phone or "", values),
            territory=person.territory,  # their own team (issue 22)
        )
        return [Notice(person, values, if_unreachable=(call,))]

    def _to_group(self, application: Application, values: n.NoticeValues) -> Notice:
        return Notice(None, values, chat_id=application.funder_chat_id)
