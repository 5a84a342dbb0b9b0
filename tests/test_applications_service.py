"""ApplicationService with in-memory ports: the statuses, who may decide, the proofs."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from bot.agenda import Kind
from bot.aids.catalogue import load_catalogue
from bot.aids.funders import Funders
from bot.aids.model import (
    Application,
    Frequency,
    Funder,
    Profile,
    Proof,
    ProofKind,
    RejectReason,
    Situation,
    Status,
)
from bot.aids.ports import AidFigures
from bot.domain import Caller, Person
from bot.services.applications import ApplicationService, Result
from tests.conftest import DATA, FakeClock
from tests.memory import MemoryAgenda, MemoryPeople, MemoryStore, MemoryUnitOfWork

FUNDER = -1009876543210
JPEG = b"\xff\xd8\xff\xe0 a photo"
PROFILE = Profile(24, Situation.JOB_SEEKER, "46042", "Cahors", "46")


class MemoryApplications:
    def __init__(self) -> None:
        self.rows: dict[int, Application] = {}
        self.proof_rows: dict[int, Proof] = {}
        self.events: list[tuple[int, Status | None, Status, int | None]] = []

    def _put(self, application: Application) -> Application:
        self.rows[application.id] = application
        return application

    async def add(self, aid_id, aid_title, person_id, profile, filed_by, now):  # type: ignore[no-untyped-def]
        return self._put(
            Application(
                id=len(self.rows) + 1,
                aid_id=aid_id,
                person_id=person_id,
                status=Status.DRAFT,
                created_at=now,
                aid_title=aid_title,
                age=profile.age if profile else None,
                situation=profile.situation if profile else None,
                commune_name=profile.commune_name if profile else None,
                filed_by=filed_by,
            )
        )

    async def get(self, application_id: int) -> Application | None:
        return self.rows.get(application_id)

    async def draft_of(self, person_id: int, aid_id: str) -> Application | None:
        return next(
            (
                a
                for a in self.rows.values()
                if a.person_id == person_id and a.aid_id == aid_id and a.status is Status.DRAFT
            ),
            None,
        )

    async def for_person(self, person_id: int) -> list[Application]:
        return [a for a in self.rows.values() if a.person_id == person_id]

    async def set_answers(self, application_id, answers, now):  # type: ignore[no-untyped-def]
        self._put(dataclasses.replace(self.rows[application_id], answers=answers))

    async def submit(self, application_id, funder_name, funder_chat_id, now):  # type: ignore[no-untyped-def]
        return self._put(
            dataclasses.replace(
                self.rows[application_id],
                status=Status.TO_PROCESS,
                funder_name=funder_name,
                funder_chat_id=funder_chat_id,
                submitted_at=now,
                consent_at=now,
            )
        )

    async def validate(self, application_id, reviewer_id, amount_cents, frequency, now):  # type: ignore[no-untyped-def]
        current = self.rows[application_id]
        if current.status is not Status.TO_PROCESS:
            return None
        return self._put(
            dataclasses.replace(
                current,
                status=Status.VALIDATED,
                decided_at=now,
                decided_by=reviewer_id,
                amount_cents=amount_cents,
                frequency=frequency,
            )
        )

    async def reject(self, application_id, reviewer_id, reason, other, now):  # type: ignore[no-untyped-def]
        current = self.rows[application_id]
        if current.status is not Status.TO_PROCESS:
            return None
        return self._put(
            dataclasses.replace(
                current,
                status=Status.REJECTED,
                decided_at=now,
                decided_by=reviewer_id,
                reason=reason,
                other_reason=other,
                answers=(),
            )
        )

    async def record_event(self, application_id, from_status, to_status, actor_id, now, note=None):  # type: ignore[no-untyped-def]
        self.events.append((application_id, from_status, to_status, actor_id))

    async def add_proof(self, application_id, kind, size, telegram_file_id, path, now):  # type: ignore[no-untyped-def]
        proof = Proof(
            len(self.proof_rows) + 1, application_id, kind, size, telegram_file_id, path, now
        )
        self.proof_rows[proof.id] = proof
        return proof

    async def proofs(self, application_id: int) -> list[Proof]:
        return [p for p in self.proof_rows.values() if p.application_id == application_id]

    async def drop_proofs(self, application_id: int, now: datetime) -> list[str]:
        dropped = await self.proofs(application_id)
        for proof in dropped:
            del self.proof_rows[proof.id]
        self._put(dataclasses.replace(self.rows[application_id], proofs_deleted_at=now))
        return [p.path for p in dropped]

    async def anonymise(self, application_id: int, now: datetime) -> None:
        self._put(
            dataclasses.replace(
                self.rows[application_id],
                person_id=None,  # type: ignore[arg-type]  # NULL, as the SQLite store writes
                age=None,
                answers=(),
                anonymised_at=now,
            )
        )

    async def figures(
        self, aid_ids: frozenset[str] | None, funder_chat_id: int | None = None
    ) -> list[AidFigures]:
        return []

    async def validated(self, aid_ids: frozenset[str] | None) -> list[Application]:
        return [a for a in self.rows.values() if a.status is Status.VALIDATED]


class MemoryFiles:
    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    async def save(self, application_id: int, kind: ProofKind, content: bytes) -> str:
        path = f"{application_id}/{len(self.files)}.{kind.value}"
        self.files[path] = content
        return path

    async def delete(self, path: str) -> None:
        self.files.pop(path, None)


@pytest.fixture
def world() -> tuple[
    ApplicationService, MemoryApplications, MemoryFiles, MemoryAgenda, MemoryPeople
]:
    store = MemoryStore()
    people, agenda = MemoryPeople(store), MemoryAgenda(store)
    applications, files = MemoryApplications(), MemoryFiles()
    service = ApplicationService(
        catalogue=load_catalogue(DATA / "aids.csv"),
        funders=Funders((Funder("Lot", FUNDER, frozenset({"lot-permis"})),), None),
        applications=applications,
        people=people,
        files=files,
        agenda=agenda,
        clock=FakeClock(datetime(2026, 11, 23, 9, tzinfo=UTC)),
        unit_of_work=MemoryUnitOfWork(store),
        proof_retention_days=90,
    )
    return service, applications, files, agenda, people


async def person(
    people: MemoryPeople, name: str = "Léa Roux", telegram: int | None = 501
) -> Person:
    now = datetime(2026, 11, 23, tzinfo=UTC)
    if telegram is None:
        return await people.add_offline(name, "0612345678", False, "fr", 1, now)
    from bot.domain import TelegramIdentity

    return await people.add_from_telegram(
        TelegramIdentity(user_id=telegram, first_name=name), "fr", now
    )


async def members(chat_id: int) -> bool:
    return chat_id == FUNDER


async def strangers(chat_id: int) -> bool:
    return False


async def submitted(service: ApplicationService, lea: Person) -> Application:
    started = await service.start(lea, "lot-permis", PROFILE)
    assert started.application is not None
    await service.answer(lea, started.application.id, "Auto-école du Quercy")

    async def download() -> bytes:
        return JPEG

    await service.add_proof(lea, started.application.id, len(JPEG), "F1", download)
    done = await service.submit(lea, started.application.id)
    assert done.result is Result.DONE and done.application is not None
    return done.application


async def test_a_draft_needs_its_answers_and_a_proof(world) -> None:  # type: ignore[no-untyped-def]
    service, applications, files, agenda, people = world
    lea = await person(people)
    started = await service.start(lea, "lot-permis", PROFILE)
    assert started.application is not None and started.aid is not None
    draft = started.application
    assert (await service.submit(lea, draft.id)).result is Result.MISSING_ANSWER
    await service.answer(lea, draft.id, "Auto-école du Quercy")
    assert (await service.submit(lea, draft.id)).result is Result.NO_PROOF
    again = await service.start(lea, "lot-permis", PROFILE)
    assert again.application is not None and again.application.id == draft.id  # the same draft
    assert (await service.start(lea, "ft-permis-b", PROFILE)).result is Result.NOT_FOUND
    assert (await service.start(lea, "lot-ancien", PROFILE)).result is Result.NOT_FOUND


async def test_proofs_are_checked_before_and_after_download(world) -> None:  # type: ignore[no-untyped-def]
    service, applications, files, agenda, people = world
    lea = await person(people)
    started = await service.start(lea, "lot-permis", PROFILE)
    assert started.application is not None
    draft_id = started.application.id
    downloads = []

    def serving(content: bytes):  # type: ignore[no-untyped-def]
        async def download() -> bytes:
            downloads.append(len(content))
            return content

        return download

    big = await service.add_proof(lea, draft_id, 12_000_000, "F0", serving(b"%PDF" + b"0" * 10))
    assert big.result is Result.TOO_BIG and downloads == []  # refused without downloading
    lying = await service.add_proof(lea, draft_id, 10, "F0", serving(b"%PDF-" + b"0" * 10_000_001))
    assert lying.result is Result.TOO_BIG  # its size was not what it said
    program = await service.add_proof(lea, draft_id, 4, "F0", serving(b"MZ\x90\x00"))
    assert program.result is Result.WRONG_KIND
    for number in range(10):
        added = await service.add_proof(lea, draft_id, 9, f"F{number}", serving(JPEG))
        assert added.result is Result.DONE and added.count == number + 1
    eleventh = await service.add_proof(lea, draft_id, 9, "F11", serving(JPEG))
    assert eleventh.result is Result.TOO_MANY
    assert len(files.files) == 10
    other = await person(people, "Someone Else", 502)
    assert (
        await service.add_proof(other, draft_id, 9, "F", serving(JPEG))
    ).result is Result.NOT_DRAFT
    assert (Kind.AID_PROOF_EXPIRY, draft_id) in [(k, s) for k, s, _ in agenda.scheduled()]


async def test_only_members_decide_once(world) -> None:  # type: ignore[no-untyped-def]
    service, applications, files, agenda, people = world
    lea, regine = await person(people), await person(people, "Régine Lafon", 601)
    application = await submitted(service, lea)
    refused = await service.validate(regine, application.id, 500_00, Frequency.ONCE, strangers)
    assert refused.result is Result.NOT_MEMBER and refused.notices == []
    assert applications.rows[application.id].status is Status.TO_PROCESS
    done = await service.validate(regine, application.id, 500_00, Frequency.ONCE, members)
    assert done.result is Result.DONE
    told = {n.key: n for n in done.notices}
    assert told["aids.validated_once"].to == lea
    assert told["aids.validated_once"].values["amount"] == 500_00
    assert told["aids.group_validated"].chat_id == FUNDER
    twice = await service.reject(regine, application.id, RejectReason.OTHER, "non", members)
    assert twice.result is Result.DECIDED
    assert [e[2] for e in applications.events] == [
        Status.DRAFT,
        Status.TO_PROCESS,
        Status.VALIDATED,
    ]
    assert (Kind.AID_PROOF_EXPIRY, application.id) in [(k, s) for k, s, _ in agenda.scheduled()]


async def test_a_rejection_deletes_the_proofs_and_another_reason_is_short(world) -> None:  # type: ignore[no-untyped-def]
    service, applications, files, agenda, people = world
    lea, regine = await person(people), await person(people, "Régine Lafon", 601)
    application = await submitted(service, lea)
    too_long = await service.reject(regine, application.id, RejectReason.OTHER, "x" * 81, members)
    assert too_long.result is Result.TOO_LONG
    empty = await service.reject(regine, application.id, RejectReason.OTHER, "  ", members)
    assert empty.result is Result.TOO_LONG
    done = await service.reject(regine, application.id, RejectReason.OTHER, "Hors du Lot", members)
    assert done.result is Result.DONE and files.files == {}
    rejected = applications.rows[application.id]
    assert rejected.other_reason == "Hors du Lot" and rejected.answers == ()
    assert {n.key for n in done.notices} == {"aids.rejected_other", "aids.group_rejected"}


async def test_someone_without_telegram_is_called_by_the_team(world) -> None:  # type: ignore[no-untyped-def]
    service, applications, files, agenda, people = world
    olga = await person(people, "Olga Bru", 401)
    filed = await service.file_for(
        olga, Caller(name="Jeanne Mas", phone="06 12 34 56 78"), "lot-permis", PROFILE
    )
    assert filed.application is not None and filed.application.filed_by == olga.id
    application = filed.application
    await service.answer(olga, application.id, "Auto-école du Quercy")

    async def download() -> bytes:
        return JPEG

    await service.add_proof(olga, application.id, 9, "F1", download)
    sent = await service.submit(olga, application.id)
    [to_jeanne, post] = sent.notices
    assert to_jeanne.to is not None and to_jeanne.to.display_name == "Jeanne Mas"
    assert not to_jeanne.to.reachable
    [call] = to_jeanne.if_unreachable  # type: ignore[misc]
    assert call.for_team and call.values["phone"] == "+33612345678"  # shown "06 12 34 56 78"
    assert post.chat_id == FUNDER and post.values["filer"] == olga
