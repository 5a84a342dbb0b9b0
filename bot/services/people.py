"""Knowing who writes: a person per Telegram account, their language, their consents."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import Clock
from bot.domain import Person, TelegramIdentity
from bot.languages import LANGUAGES, Language
from bot.phones import parse_phone
from bot.ports import PeopleRepository

SEEN_PRECISION = timedelta(days=1)


def language_from_telegram(language_code: str | None, default: Language) -> Language:
    """French by default; Telegram's language when the bot speaks it."""
    if language_code:
        base = language_code.split("-")[0].lower()
        for language in LANGUAGES:
            if base == language:
                return language
    return default


class PeopleService:
    def __init__(self, people: PeopleRepository, clock: Clock, default_language: Language) -> None:
        self._people = people
        self._clock = clock
        self._default_language = default_language

    async def identify(self, identity: TelegramIdentity) -> Person:
        """The person behind a Telegram account, created on first contact."""
        person = await self._people.by_telegram_id(identity.user_id)
        now = self._clock.now()
        if person is None:
            language = language_from_telegram(identity.language_code, self._default_language)
            return await self._people.add_from_telegram(identity, language, now)
        if person.last_seen_at is None or now - person.last_seen_at > SEEN_PRECISION:
            # Written at most once a day: enough to tell who is inactive for months.
            await self._people.seen(person.id, now)
            person = person.model_copy(update={"last_seen_at": now})
        if person.unreachable_at is not None:  # writing to the bot unblocks it
            await self._people.set_unreachable(person.id, None)
            person = person.model_copy(update={"unreachable_at": None})
        if (person.display_name, person.telegram_username) != (
            identity.display_name,
            identity.username,
        ):
            return await self._people.refresh_telegram_identity(person.id, identity, now)
        return person

    async def identify_by_phone(self, phone: str) -> Person:
        """The person texting from this number (E.164): whoever is known by it (someone the
        team typed in is that person), else someone new, who has agreed to nothing yet."""
        person = await self._people.texting_from(phone)
        now = self._clock.now()
        if person is None:
            return await self._people.add_from_sms(phone, self._default_language, now)
        if person.last_seen_at is None or now - person.last_seen_at > SEEN_PRECISION:
            await self._people.seen(person.id, now)
            person = person.model_copy(update={"last_seen_at": now})
        if person.unreachable_at is not None and person.by_sms:  # a text came: it works
            await self._people.set_unreachable(person.id, None)
            person = person.model_copy(update={"unreachable_at": None})
        return person

    async def reach_by_sms(
        self, person: Person, *, consent_by: Person | None = None, show_phone: bool = True
    ) -> Person:
        """From now on written to by SMS at their number, agreed by them in a text, or to the
        team (`consent_by`); `show_phone`: they agree too that it is given to whom they are
        introduced (someone the team registered keeps the choice they made then)."""
        now = self._clock.now()
        if show_phone and person.phone and not person.phone_visible:
            person = await self._people.set_phone(person.id, person.phone, True, now)
        by = consent_by.id if consent_by is not None else None
        return await self._people.set_sms(person.id, now, by, now)

    async def no_sms(self, person: Person) -> Person:
        """No longer texted (their consent withdrawn, told to the team): the team phones."""
        return await self._people.set_sms(person.id, None, None, self._clock.now())

    async def registered_with_phone(self, phone: str) -> Person | None:
        """Someone without Telegram known by this number (E.164) who agreed to be kept:
        registered by the team, or who texted and said yes."""
        for person in await self._people.offline_with_phone(phone):
            if person.privacy_accepted_at is not None and person.display_name.strip():
                return person
        return None

    async def with_phone(self, phone: str) -> Person | None:
        return await self._people.with_phone(phone)

    async def stop_sms(self, person: Person) -> Person:
        return await self._people.set_sms_stopped(person.id, self._clock.now(), self._clock.now())

    async def start_sms(self, person: Person) -> Person:
        return await self._people.set_sms_stopped(person.id, None, self._clock.now())

    async def set_name(self, person: Person, name: str) -> Person:
        return await self._people.set_name(person.id, name, self._clock.now())

    async def get(self, person_id: int) -> Person | None:
        return await self._people.get(person_id)

    async def find_by_telegram_id(self, telegram_user_id: int) -> Person | None:
        return await self._people.by_telegram_id(telegram_user_id)

    async def set_language(self, person: Person, language: Language) -> Person:
        return await self._people.set_language(person.id, language, self._clock.now())

    async def accept_privacy(self, person: Person) -> Person:
        return await self._people.accept_privacy(person.id, self._clock.now())

    async def set_phone(self, person: Person, phone: str | None, visible: bool) -> Person:
        """Record their own phone number, as Telegram vouches for it (a shared contact);
        `visible` is the owner's consent to show it to matches. Someone the team registered
        by phone with that number is the same person: what the team recorded becomes theirs."""
        stored = parse_phone(phone) if phone else None
        if stored is not None:
            for duplicate in await self._people.offline_with_phone(stored):
                if duplicate.id != person.id:
                    await self._people.merge(person.id, duplicate.id)
        return await self._people.set_phone(person.id, stored, visible, self._clock.now())
