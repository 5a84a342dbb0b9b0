"""What the delivery keeps that names a person being forgotten (/oublier): the messages sent
to others about them ("Voici comment joindre Marie Delpech : @marie_d", the team's post with
their phone), the updates Telegram passed on (their own, and others' that quote them), the
texts received from their number. Erased or redacted in the forgetting's transaction; the
messages written in that same transaction that still name them (the driver told that "Marie
D." called the ride off, the team's note that it erased someone) go out as written and lose
their words once sent (`outbox.erase_once_sent`, storage/outbox.py).

What counts as naming them: their full name, their name as others see it before an
introduction ("Marie D."), their Telegram handle and profile link, their phone in any usual
form ("06 12 34 56 78", "0612345678", "+33 6 12 34 56 78"). Their first name alone is not
looked for: it names nobody, and would blot out every other Marie.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from typing import Any

import phonenumbers
from phonenumbers import NumberParseException

from bot.phones import DEFAULT_REGION
from storage.db import Database

# What stands where a name, a handle or a phone was.
ERASED = "…"
# How a file kept to be sent is stored in a message's parameters (handlers/outbox_bot.py).
FILE = "__file__"
# Between the digits of a phone as people type it.
_GAP = r"[\s.\-]*"


@dataclass(frozen=True)
class Identity:
    """How a person's identity shows in stored messages."""

    words: re.Pattern[str] | None
    telegram_user_id: int | None
    phone: str | None  # E.164
    # The same words anywhere, to find the rows worth reading: stored JSON writes a new line
    # as "\n", which would hide a name that begins a line from `words`' edges.
    anywhere: re.Pattern[str] | None = None

    def named_in(self, text: str | None) -> bool:
        return bool(text and self.anywhere is not None and self.anywhere.search(text))

    def redact(self, text: str) -> str:
        return self.words.sub(ERASED, text) if self.words is not None else text


def identity(
    display_name: str, username: str | None, phone: str | None, telegram_user_id: int | None
) -> Identity:
    patterns: list[str] = []
    parts = display_name.split()
    if parts:
        patterns.append(r"\s+".join(re.escape(part) for part in parts))
        if len(parts) >= 2:
            patterns.append(rf"{re.escape(parts[0])}\s+{re.escape(parts[1][0])}\.")
    if username:
        patterns.append(rf"@?{re.escape(username)}")
    if telegram_user_id is not None:
        patterns.append(rf"tg://user\?id={telegram_user_id}")
    if phone:
        patterns.append(_phone_pattern(phone))
    if not patterns:
        return Identity(None, telegram_user_id, phone)
    any_of = "(?:" + "|".join(patterns) + ")"
    words = re.compile(r"(?<![\w@])" + any_of + r"(?!\w)", re.IGNORECASE)
    return Identity(words, telegram_user_id, phone, re.compile(any_of, re.IGNORECASE))


def _phone_pattern(phone: str) -> str:
    """The number with or without its country code, any spaces, dots or dashes between."""
    try:
        number = phonenumbers.parse(phone, DEFAULT_REGION)
    except NumberParseException:
        return _GAP.join(re.escape(ch) for ch in phone if not ch.isspace())
    national = str(number.national_number)
    digits = _GAP.join(national)
    return rf"(?:\+?{number.country_code}{_GAP}(?:\(0\){_GAP})?|0{_GAP})?{digits}"


def _scrub(value: Any, who: Identity) -> Any:
    """`value` (parsed JSON) without the person: their strings redacted, and the Telegram
    user objects and shared contacts that are theirs emptied of names and number."""
    if isinstance(value, str):
        return who.redact(value)
    if isinstance(value, list):
        return [_scrub(item, who) for item in value]
    if not isinstance(value, dict):
        return value
    if isinstance(value.get(FILE), dict):
        return {**value, FILE: _scrub_file(value[FILE], who)}
    theirs = who.telegram_user_id is not None and (
        (value.get("id") == who.telegram_user_id and "first_name" in value)
        or value.get("user_id") == who.telegram_user_id
    )
    scrubbed = {key: _scrub(item, who) for key, item in value.items()}
    if theirs:
        for key in ("first_name", "last_name", "username", "phone_number", "vcard"):
            if key in scrubbed:
                scrubbed[key] = ERASED if key == "first_name" else ""
    return scrubbed


def _scrub_file(file: dict[str, Any], who: Identity) -> dict[str, Any]:
    """A file kept to be sent (a CSV export, a JSON of someone's data): its text redacted;
    a picture or a paper is left alone (nothing in it is read)."""
    try:
        text = base64.b64decode(str(file.get("content", ""))).decode("utf-8")
    except ValueError:
        return file
    if not who.named_in(text):
        return file
    content = base64.b64encode(who.redact(text).encode("utf-8")).decode()
    return {**file, "content": content}


def _scrubbed_json(text: str | None, who: Identity) -> str | None:
    if text is None:
        return None
    try:
        parsed = json.loads(text)
    except ValueError:
        return who.redact(text)
    return json.dumps(_scrub(parsed, who), ensure_ascii=False)


class Traces:
    """The delivery's tables, rid of one person."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def who(self, person_id: int) -> Identity | None:
        async with self._db.connection.execute(
            "SELECT display_name, telegram_username, phone, telegram_user_id FROM people"
            " WHERE id = ?",
            (person_id,),
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        return identity(row[0] or "", row[1], row[2], row[3])

    async def erase(self, person_id: int) -> None:
        """In the caller's transaction: what names the person is redacted, their texts are
        deleted, and what is still to be sent and names them is marked to lose its words once
        sent, including what this transaction writes after this call (before it commits)."""
        who = await self.who(person_id)
        if who is None:
            return
        async with self._db.transaction() as db:
            await self._outbox(db, person_id, who)
            await self._inbox(db, who)
            await self._texts(db, who)

            async def mark_what_is_still_to_send() -> None:
                await self._mark_pending(db, who)

            self._db.before_commit(mark_what_is_still_to_send)

    async def _outbox(self, db: Any, person_id: int, who: Identity) -> None:
        async with db.execute(
            "SELECT id, status, person_id, chat_id, params, if_unreachable, after_sent FROM outbox"
        ) as cursor:
            rows = await cursor.fetchall()
        for row in rows:
            columns = (row["params"], row["if_unreachable"], row["after_sent"])
            with_file = FILE in (row["params"] or "")
            if not with_file and not any(who.named_in(text) for text in columns):
                continue
            to_them = row["person_id"] == person_id or (
                who.telegram_user_id is not None and row["chat_id"] == who.telegram_user_id
            )
            if to_them and row["status"] == "pending":
                continue  # still to go to them: sent as written, then erased (_mark_pending)
            scrubbed = tuple(_scrubbed_json(text, who) for text in columns)
            if scrubbed != columns:
                await db.execute(
                    "UPDATE outbox SET params = ?, if_unreachable = ?, after_sent = ? WHERE id = ?",
                    (*scrubbed, row["id"]),
                )

    async def _mark_pending(self, db: Any, who: Identity) -> None:
        async with db.execute(
            "SELECT id, params, if_unreachable, after_sent FROM outbox"
            " WHERE status = 'pending' AND erase_once_sent = 0"
        ) as cursor:
            rows = await cursor.fetchall()
        marked = [
            (row["id"],)
            for row in rows
            if any(who.named_in(row[c]) for c in ("params", "if_unreachable", "after_sent"))
        ]
        await db.executemany("UPDATE outbox SET erase_once_sent = 1 WHERE id = ?", marked)

    async def _inbox(self, db: Any, who: Identity) -> None:
        async with db.execute("SELECT update_id, status, payload FROM inbox") as cursor:
            rows = await cursor.fetchall()
        user_id = who.telegram_user_id
        for row in rows:
            payload = row["payload"]
            if not who.named_in(payload) and (user_id is None or str(user_id) not in payload):
                continue
            scrubbed = _scrubbed_json(payload, who)
            if scrubbed != payload:
                await db.execute(
                    "UPDATE inbox SET payload = ? WHERE update_id = ?", (scrubbed, row["update_id"])
                )

    async def _texts(self, db: Any, who: Identity) -> None:
        async with db.execute("SELECT id, status, sender, text FROM sms_inbox") as cursor:
            rows = await cursor.fetchall()
        for row in rows:
            theirs = who.phone is not None and _same_phone(row["sender"], who.phone)
            if theirs and row["status"] != "pending":
                await db.execute("DELETE FROM sms_inbox WHERE id = ?", (row["id"],))
            elif theirs:
                # Being handled now (this transaction): kept, without the number or words.
                await db.execute(
                    "UPDATE sms_inbox SET sender = '', text = ? WHERE id = ?",
                    (who.redact(row["text"]), row["id"]),
                )
            elif who.named_in(row["text"]):
                redacted = who.redact(row["text"])
                await db.execute(
                    "UPDATE sms_inbox SET text = ? WHERE id = ?", (redacted, row["id"])
                )


def _same_phone(sender: str, phone: str) -> bool:
    from bot.phones import parse_phone

    return (parse_phone(sender) or sender) == phone
