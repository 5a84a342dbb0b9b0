"""Aid applications, their proofs and history, and the answers kept from /aides."""

from __future__ import annotations

import asyncio
import json
import secrets
from datetime import datetime
from pathlib import Path
from typing import Any

import aiosqlite

from bot.aids.model import (
    Application,
    Frequency,
    Profile,
    Proof,
    ProofKind,
    RejectReason,
    Situation,
    Status,
)
from bot.aids.ports import AidFigures
from bot.domain import Missing
from storage.db import Database


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


class SqlAidAnswers:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def keep(self, person_id: int, profile: Profile, now: datetime) -> None:
        await self._db.write(
            "INSERT INTO aid_answers (person_id, age, situation, commune_code, commune_name,"
            " department, rsa_or_aah, rqth, kept_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (person_id) DO UPDATE"
            " SET age = excluded.age, situation = excluded.situation,"
            " commune_code = excluded.commune_code, commune_name = excluded.commune_name,"
            " department = excluded.department, rsa_or_aah = excluded.rsa_or_aah,"
            " rqth = excluded.rqth, kept_at = excluded.kept_at",
            (
                person_id,
                profile.age,
                profile.situation.value,
                profile.commune_code,
                profile.commune_name,
                profile.department,
                profile.rsa_or_aah,
                profile.rqth,
                now.isoformat(),
            ),
        )

    async def get(self, person_id: int) -> Profile | None:
        return await self._profile("aid_answers", person_id)

    async def give(self, person_id: int, profile: Profile, now: datetime) -> None:
        await self._db.write(
            "INSERT INTO aid_answers_given (person_id, age, situation, commune_code,"
            " commune_name, department, rsa_or_aah, rqth, given_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (person_id) DO UPDATE"
            " SET age = excluded.age, situation = excluded.situation,"
            " commune_code = excluded.commune_code, commune_name = excluded.commune_name,"
            " department = excluded.department, rsa_or_aah = excluded.rsa_or_aah,"
            " rqth = excluded.rqth, given_at = excluded.given_at",
            (
                person_id,
                profile.age,
                profile.situation.value,
                profile.commune_code,
                profile.commune_name,
                profile.department,
                profile.rsa_or_aah,
                profile.rqth,
                now.isoformat(),
            ),
        )

    async def given(self, person_id: int) -> Profile | None:
        return await self._profile("aid_answers_given", person_id)

    async def _profile(self, table: str, person_id: int) -> Profile | None:
        async with self._db.connection.execute(
            f"SELECT * FROM {table} WHERE person_id = ?", (person_id,)
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        return Profile(
            age=row["age"],
            situation=Situation(row["situation"]),
            commune_code=row["commune_code"],
            commune_name=row["commune_name"],
            department=row["department"],
            rsa_or_aah=None if row["rsa_or_aah"] is None else bool(row["rsa_or_aah"]),
            rqth=None if row["rqth"] is None else bool(row["rqth"]),
        )

    async def forget(self, person_id: int) -> bool:
        """The answers kept and the answers last given."""
        async with self._db.transaction() as db:
            kept = await db.execute("DELETE FROM aid_answers WHERE person_id = ?", (person_id,))
            given = await db.execute(
                "DELETE FROM aid_answers_given WHERE person_id = ?", (person_id,)
            )
        return kept.rowcount > 0 or given.rowcount > 0


class SqlApplications:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def add(
        self,
        aid_id: str,
        aid_title: str,
        person_id: int,
        profile: Profile | None,
        filed_by: int | None,
        now: datetime,
    ) -> Application:
        written = await self._db.write(
            "INSERT INTO aid_applications (aid_id, person_id, status, aid_title, age, situation,"
            " commune_name, filed_by, created_at, updated_at)"
            " VALUES (?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?)",
            (
                aid_id,
                person_id,
                aid_title,
                profile.age if profile else None,
                profile.situation.value if profile else None,
                profile.commune_name if profile else None,
                filed_by,
                now.isoformat(),
                now.isoformat(),
            ),
        )
        application = await self.get(written.new_id)
        if application is None:
            raise Missing(f"application {written.new_id} is gone")
        return application

    async def get(self, application_id: int) -> Application | None:
        rows = await self._all("SELECT * FROM aid_applications WHERE id = ?", (application_id,))
        return rows[0] if rows else None

    async def draft_of(self, person_id: int, aid_id: str) -> Application | None:
        rows = await self._all(
            "SELECT * FROM aid_applications WHERE person_id = ? AND aid_id = ?"
            " AND status = 'draft' ORDER BY id DESC LIMIT 1",
            (person_id, aid_id),
        )
        return rows[0] if rows else None

    async def for_person(self, person_id: int) -> list[Application]:
        return await self._all(
            "SELECT * FROM aid_applications WHERE person_id = ? ORDER BY id DESC", (person_id,)
        )

    async def set_answers(
        self, application_id: int, answers: tuple[str, ...], now: datetime
    ) -> None:
        await self._db.write(
            "UPDATE aid_applications SET answers = ?, updated_at = ? WHERE id = ?",
            (json.dumps(list(answers), ensure_ascii=False), now.isoformat(), application_id),
        )

    async def submit(
        self, application_id: int, funder_name: str, funder_chat_id: int, now: datetime
    ) -> Application:
        await self._db.write(
            "UPDATE aid_applications SET status = 'to_process', funder_name = ?,"
            " funder_chat_id = ?, consent_at = ?, submitted_at = ?, updated_at = ?"
            " WHERE id = ? AND status = 'draft'",
            (
                funder_name,
                funder_chat_id,
                now.isoformat(),
                now.isoformat(),
                now.isoformat(),
                application_id,
            ),
        )
        application = await self.get(application_id)
        if application is None:
            raise Missing(f"application {application_id} is gone")
        return application

    async def validate(
        self,
        application_id: int,
        reviewer_id: int,
        amount_cents: int,
        frequency: Frequency,
        now: datetime,
    ) -> Application | None:
        """Only from "to process": a second reviewer's press finds it decided."""
        written = await self._db.write(
            "UPDATE aid_applications SET status = 'validated', decided_at = ?, decided_by = ?,"
            " amount_cents = ?, frequency = ?, updated_at = ?"
            " WHERE id = ? AND status = 'to_process'",
            (
                now.isoformat(),
                reviewer_id,
                amount_cents,
                frequency.value,
                now.isoformat(),
                application_id,
            ),
        )
        return await self.get(application_id) if written.rowcount else None

    async def reject(
        self,
        application_id: int,
        reviewer_id: int,
        reason: RejectReason,
        other: str | None,
        now: datetime,
    ) -> Application | None:
        written = await self._db.write(
            "UPDATE aid_applications SET status = 'rejected', decided_at = ?, decided_by = ?,"
            " reason = ?, other_reason = ?, answers = '[]', updated_at = ?"
            " WHERE id = ? AND status = 'to_process'",
            (now.isoformat(), reviewer_id, reason.value, other, now.isoformat(), application_id),
        )
        return await self.get(application_id) if written.rowcount else None

    async def record_event(
        self,
        application_id: int,
        from_status: Status | None,
        to_status: Status,
        actor_id: int | None,
        now: datetime,
        note: str | None = None,
    ) -> None:
        await self._db.write(
            "INSERT INTO aid_application_events (application_id, from_status, to_status,"
            " actor_id, at, note) VALUES (?, ?, ?, ?, ?, ?)",
            (
                application_id,
                from_status.value if from_status else None,
                to_status.value,
                actor_id,
                now.isoformat(),
                note,
            ),
        )

    async def add_proof(
        self,
        application_id: int,
        kind: ProofKind,
        size: int,
        telegram_file_id: str,
        path: str,
        now: datetime,
    ) -> Proof:
        written = await self._db.write(
            "INSERT INTO aid_proofs (application_id, kind, size, telegram_file_id, path,"
            " uploaded_at) VALUES (?, ?, ?, ?, ?, ?)",
            (application_id, kind.value, size, telegram_file_id, path, now.isoformat()),
        )
        return Proof(written.new_id, application_id, kind, size, telegram_file_id, path, now)

    async def proofs(self, application_id: int) -> list[Proof]:
        async with self._db.connection.execute(
            "SELECT * FROM aid_proofs WHERE application_id = ? ORDER BY id", (application_id,)
        ) as cursor:
            rows = await cursor.fetchall()
        return [
            Proof(
                id=row["id"],
                application_id=row["application_id"],
                kind=ProofKind(row["kind"]),
                size=row["size"],
                telegram_file_id=row["telegram_file_id"],
                path=row["path"],
                uploaded_at=datetime.fromisoformat(row["uploaded_at"]),
            )
            for row in rows
        ]

    async def drop_proofs(self, application_id: int, now: datetime) -> list[str]:
        """Forget the proofs' records; returns the files to delete."""
        paths = [proof.path for proof in await self.proofs(application_id)]
        async with self._db.transaction() as db:
            await db.execute("DELETE FROM aid_proofs WHERE application_id = ?", (application_id,))
            await db.execute(
                "UPDATE aid_applications SET proofs_deleted_at = ?, updated_at = ? WHERE id = ?",
                (now.isoformat(), now.isoformat(), application_id),
            )
        return paths

    async def anonymise(self, application_id: int, now: datetime) -> None:
        await self._db.write(
            "UPDATE aid_applications SET person_id = NULL, age = NULL, situation = NULL,"
            " commune_name = NULL, answers = '[]', other_reason = NULL, decided_by = NULL,"
            " filed_by = NULL, anonymised_at = ?, updated_at = ? WHERE id = ?",
            (now.isoformat(), now.isoformat(), application_id),
        )

    async def figures(
        self, aid_ids: frozenset[str] | None, funder_chat_id: int | None = None
    ) -> list[AidFigures]:
        to_group = "" if funder_chat_id is None else " AND funder_chat_id = ?"
        rows = await self._rows(
            "SELECT aid_id, MAX(aid_title) AS title, status, COUNT(*) AS count,"
            " SUM(COALESCE(amount_cents, 0)) AS cents FROM aid_applications"
            f" WHERE status != 'draft'{to_group} GROUP BY aid_id, status ORDER BY aid_id",
            () if funder_chat_id is None else (funder_chat_id,),
        )
        figures: dict[str, AidFigures] = {}
        for row in rows:
            if aid_ids is not None and row["aid_id"] not in aid_ids:
                continue
            current = figures.setdefault(
                row["aid_id"], AidFigures(row["aid_id"], row["title"], {}, 0)
            )
            current.by_status[row["status"]] = row["count"]
            if row["status"] == Status.VALIDATED.value:
                figures[row["aid_id"]] = AidFigures(
                    current.aid_id, current.aid_title, current.by_status, int(row["cents"] or 0)
                )
        return list(figures.values())

    async def validated(self, aid_ids: frozenset[str] | None) -> list[Application]:
        found = await self._all(
            "SELECT * FROM aid_applications WHERE status = 'validated' ORDER BY decided_at, id", ()
        )
        return [a for a in found if aid_ids is None or a.aid_id in aid_ids]

    async def _rows(self, sql: str, parameters: tuple[Any, ...]) -> list[aiosqlite.Row]:
        async with self._db.connection.execute(sql, parameters) as cursor:
            return list(await cursor.fetchall())

    async def _all(self, sql: str, parameters: tuple[Any, ...]) -> list[Application]:
        return [_application(row) for row in await self._rows(sql, parameters)]


def _application(row: aiosqlite.Row) -> Application:
    return Application(
        id=row["id"],
        aid_id=row["aid_id"],
        person_id=row["person_id"],
        status=Status(row["status"]),
        created_at=datetime.fromisoformat(row["created_at"]),
        aid_title=row["aid_title"],
        funder_name=row["funder_name"],
        funder_chat_id=row["funder_chat_id"],
        age=row["age"],
        situation=Situation(row["situation"]) if row["situation"] else None,
        commune_name=row["commune_name"],
        answers=tuple(json.loads(row["answers"] or "[]")),
        consent_at=_moment(row["consent_at"]),
        submitted_at=_moment(row["submitted_at"]),
        decided_at=_moment(row["decided_at"]),
        decided_by=row["decided_by"],
        amount_cents=row["amount_cents"],
        frequency=Frequency(row["frequency"]) if row["frequency"] else None,
        reason=RejectReason(row["reason"]) if row["reason"] else None,
        other_reason=row["other_reason"],
        filed_by=row["filed_by"],
        proofs_deleted_at=_moment(row["proofs_deleted_at"]),
        anonymised_at=_moment(row["anonymised_at"]),
    )


class ProofFolder:
    """The proofs' bytes, in a folder beside the database, one file per proof under a
    random name (nothing about the person in it), readable by the bot's user only."""

    SUFFIX = {ProofKind.JPEG: ".jpg", ProofKind.PNG: ".png", ProofKind.PDF: ".pdf"}

    def __init__(self, root: Path) -> None:
        self.root = root

    async def save(self, application_id: int, kind: ProofKind, content: bytes) -> str:
        name = f"{application_id}/{secrets.token_hex(12)}{self.SUFFIX[kind]}"
        await asyncio.to_thread(self._write, self.root / name, content)
        return name

    @staticmethod
    def _write(path: Path, content: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        path.write_bytes(content)
        path.chmod(0o600)

    async def delete(self, path: str) -> None:
        target = (self.root / path).resolve()
        if self.root.resolve() not in target.parents:
            return  # never outside the proofs' folder, whatever a row says
        await asyncio.to_thread(target.unlink, missing_ok=True)
