"""Mobility aids, who may get them, and applications for them (after moB's model:
reference/mob-aids-model.md), free of any messaging platform."""

from __future__ import annotations

import dataclasses
import enum
from calendar import monthrange
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType

from bot.aids.regions import region_of

MAX_OTHER_REASON = 80
MAX_FIELD_ANSWER = 300
MAX_PROOFS = 10
MAX_PROOF_BYTES = 10_000_000
MAX_AGE = 120
# The language of the catalogue's own columns; `<column>_<language>` holds another one.
BASE_LANGUAGE = "fr"
# An aid whose check is older than this many months is shown to the team for review.
CHECK_MONTHS = 6
# The aid's texts a catalogue may give in another language, by the Aid's field names.
TEXTS = (
    "title", "description", "funder_name", "conditions", "payment_method", "amount",
    "min_amount", "proofs", "additional_infos", "validity_duration", "how_to_apply", "fields",
)  # fmt: skip


class Situation(enum.StrEnum):
    JOB_SEEKER = "job_seeker"
    APPRENTICE = "apprentice"
    STUDENT = "student"
    EMPLOYEE = "employee"
    RETIRED = "retired"
    OTHER = "other"


class Scale(enum.IntEnum):
    """How local an aid is; the most local are shown first."""

    COMMUNE = 0
    DEPARTMENT = 1
    REGION = 2
    NATIONAL = 3


class IncentiveType(enum.StrEnum):
    NATIONAL = "AideNationale"
    TERRITORY = "AideTerritoire"
    EMPLOYER = "AideEmployeur"


@dataclass(frozen=True)
class Rules:
    """Machine-readable eligibility, after aides-jeunes' `conditions_generales` and `profils`.

    Age, situation and place are asked in the chat, and (optionally) RSA or AAH and RQTH;
    income is not asked (a chat should not ask for one's income before anyone knows there is
    something to gain): that rule is shown with the conditions."""

    min_age: int | None = None
    max_age: int | None = None
    situations: frozenset[Situation] = frozenset()
    region_codes: frozenset[str] = frozenset()
    department_codes: frozenset[str] = frozenset()
    commune_codes: frozenset[str] = frozenset()
    rsa_or_aah: bool = False
    rqth: bool = False
    max_income_per_share: int | None = None

    @property
    def scale(self) -> Scale:
        if self.commune_codes:
            return Scale.COMMUNE
        if self.department_codes:
            return Scale.DEPARTMENT
        if self.region_codes:
            return Scale.REGION
        return Scale.NATIONAL

    def allows(self, profile: Profile) -> bool:
        # Unanswered (None) rules on benefits do not exclude: the conditions say them.
        if self.rsa_or_aah and profile.rsa_or_aah is False:
            return False
        if self.rqth and profile.rqth is False:
            return False
        if self.min_age is not None and profile.age < self.min_age:
            return False
        if self.max_age is not None and profile.age > self.max_age:
            return False
        if self.situations and profile.situation not in self.situations:
            return False
        scale = self.scale
        if scale is Scale.COMMUNE:
            return profile.commune_code in self.commune_codes
        if scale is Scale.DEPARTMENT:
            return profile.department in self.department_codes
        if scale is Scale.REGION:
            return profile.region in self.region_codes
        return True


@dataclass(frozen=True)
class Aid:
    id: str
    title: str
    description: str
    territory_name: str
    funder_name: str
    incentive_type: IncentiveType
    conditions: str
    payment_method: str
    amount: str
    rules: Rules = field(default_factory=Rules)
    min_amount: str = ""
    transports: tuple[str, ...] = ()
    proofs: tuple[str, ...] = ()
    additional_infos: str = ""
    contact: str = ""
    validity_duration: str = ""
    valid_until: date | None = None
    # moB's isMCMStaff: the application is made in the bot and reviewed by a funder's group.
    apply_here: bool = False
    link: str = ""
    source: str = ""
    checked_on: date | None = None
    how_to_apply: str = ""
    # The aid's own questions, answered in words before the proofs.
    fields: tuple[str, ...] = ()
    # From the territory's own file (AIDS_FILE), not the catalogue shipped with Mobilot.
    from_territory: bool = False
    # The most a reviewer grants without being asked to confirm (None: no known ceiling).
    max_cents: int | None = None
    # What the last check was made against (web pages), and what it found or why it could
    # not be made.
    checked_against: tuple[str, ...] = ()
    check_note: str = ""
    # The texts in other languages, by language then field name (one of TEXTS).
    translations: Mapping[str, Mapping[str, str | tuple[str, ...]]] = field(
        default_factory=lambda: MappingProxyType({}), compare=False, hash=False
    )

    def shown_on(self, day: date) -> bool:
        """Never once its end date is past."""
        return self.valid_until is None or day <= self.valid_until

    def check_due(self, day: date) -> bool:
        """Never checked, or checked more than CHECK_MONTHS ago: the team should look again
        (an aid that has ended needs no review: it is no longer shown)."""
        if not self.shown_on(day):
            return False
        return self.checked_on is None or self.checked_on < months_before(day, CHECK_MONTHS)

    def in_language(self, language: str) -> Aid:
        """The aid with its texts in that language where the catalogue gives them (the
        others stay in the catalogue's own, French)."""
        texts = self.translations.get(language)
        if not texts:
            return self
        return dataclasses.replace(self, **texts)  # type: ignore[arg-type]

    def written_in(self, language: str) -> bool:
        """Whether every text the aid has is given in that language."""
        if language == BASE_LANGUAGE:
            return True
        texts = self.translations.get(language, {})
        return all(name in texts for name in TEXTS if getattr(self, name))


def months_before(day: date, months: int) -> date:
    """The same day of the month `months` earlier (the month's last day when it is shorter)."""
    month = day.month - 1 - months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, monthrange(year, month)[1]))


@dataclass(frozen=True)
class Profile:
    """What a person said in /aides: enough to sort the catalogue."""

    age: int
    situation: Situation
    commune_code: str | None = None
    commune_name: str | None = None
    department: str | None = None
    # Receives the RSA or the AAH; has a disability recognition (RQTH). None: not said.
    rsa_or_aah: bool | None = None
    rqth: bool | None = None

    @property
    def region(self) -> str | None:
        return region_of(self.department)


@dataclass(frozen=True)
class Funder:
    """A group of reviewers in a Telegram group; `aids` empty means every aid."""

    name: str
    chat_id: int
    aids: frozenset[str] = frozenset()

    def reviews(self, aid_id: str) -> bool:
        return not self.aids or aid_id in self.aids


class Status(enum.StrEnum):
    DRAFT = "draft"
    TO_PROCESS = "to_process"
    VALIDATED = "validated"
    REJECTED = "rejected"


class Frequency(enum.StrEnum):
    ONCE = "once"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


class RejectReason(enum.StrEnum):
    CONDITIONS_NOT_MET = "conditions_not_met"
    MISSING_PROOF = "missing_proof"
    INVALID_PROOF = "invalid_proof"
    ALREADY_GRANTED = "already_granted"
    OTHER = "other"


class ProofKind(enum.StrEnum):
    JPEG = "jpeg"
    PNG = "png"
    PDF = "pdf"


@dataclass(frozen=True)
class Proof:
    id: int
    application_id: int
    kind: ProofKind
    size: int
    # Telegram's own handle, to show it again to a reviewer without uploading it anew.
    telegram_file_id: str
    path: str
    uploaded_at: datetime


@dataclass(frozen=True)
class Application:
    id: int
    aid_id: str
    person_id: int
    status: Status
    created_at: datetime
    aid_title: str = ""
    funder_name: str = ""
    funder_chat_id: int | None = None
    # What the person said in /aides, copied so the reviewer sees what it was decided on.
    age: int | None = None
    situation: Situation | None = None
    commune_name: str | None = None
    answers: tuple[str, ...] = ()
    consent_at: datetime | None = None
    submitted_at: datetime | None = None
    decided_at: datetime | None = None
    decided_by: int | None = None
    amount_cents: int | None = None
    frequency: Frequency | None = None
    reason: RejectReason | None = None
    other_reason: str | None = None
    # An operator applied for someone who phoned.
    filed_by: int | None = None
    post_message_id: int | None = None
    proofs_deleted_at: datetime | None = None
    anonymised_at: datetime | None = None

    @property
    def decided(self) -> bool:
        return self.status in (Status.VALIDATED, Status.REJECTED)
