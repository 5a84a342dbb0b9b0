"""The catalogue of aids: the one shipped with Mobilot, then the territory's own file.

Both are CSV files whose columns follow FabMob's mobility-aids schema v0.2.0 (`id, title,
description, territoryName, funderName, incentiveType, conditions, paymentMethod,
allocatedAmount, minAmount, transportList, attachments, additionalInfos, contact,
validityDuration, validityDate, isMCMStaff, subscriptionLink, source`) plus Mobilot's own:
`checkedOn`, `checkedAgainst`, `checkNote` (when the aid was last checked, against what,
what was found), `maxAmount` (the most a reviewer grants without confirming), `howToApply`,
`fields` and the eligibility rules `minAge, maxAge, situations, regionCodes,
departmentCodes, communeCodes, rsaOrAah, rqth, maxIncomePerShare`. The texts are in French;
`<column>_en` gives a text in English (`title_en`, `conditions_en`…), and an aid without it
is shown in French to an English reader, who is told so. A row of the territory's file with
the id of a shipped aid replaces it. A wrong row stops the start with the file and its line
named: a territory fixes its file, it does not debug Python.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from types import MappingProxyType

from bot.aids.amounts import ceiling_in
from bot.aids.model import (
    BASE_LANGUAGE,
    MAX_AGE,
    Aid,
    IncentiveType,
    Profile,
    Rules,
    Situation,
)
from bot.aids.regions import DEPARTMENTS, REGIONS
from bot.languages import LANGUAGES
from bot.territory_csv import parse_territory_csv

log = logging.getLogger(__name__)

SHIPPED = "catalogue.csv"
REQUIRED = (
    "id", "title", "description", "territoryName", "funderName", "incentiveType",
    "conditions", "paymentMethod", "allocatedAmount",
)  # fmt: skip
OPTIONAL = (
    "minAmount", "transportList", "attachments", "additionalInfos", "contact",
    "validityDuration", "validityDate", "isMCMStaff", "subscriptionLink", "source",
    "checkedOn", "howToApply", "fields", "minAge", "maxAge", "situations", "regionCodes",
    "departmentCodes", "communeCodes", "rsaOrAah", "rqth", "maxIncomePerShare",
    "maxAmount", "checkedAgainst", "checkNote",
)  # fmt: skip
# The columns that may be given in another language (`title_en`), and the Aid's field each
# fills; the lists ("attachments", "fields") keep as many items as in French.
TRANSLATED = {
    "title": "title", "description": "description", "funderName": "funder_name",
    "conditions": "conditions", "paymentMethod": "payment_method", "allocatedAmount": "amount",
    "minAmount": "min_amount", "attachments": "proofs", "additionalInfos": "additional_infos",
    "validityDuration": "validity_duration", "howToApply": "how_to_apply", "fields": "fields",
}  # fmt: skip
LISTS = frozenset({"attachments", "fields"})
OTHER_LANGUAGES = tuple(language for language in LANGUAGES if language != BASE_LANGUAGE)
TRANSPORTS = frozenset(
    {
        "transportsCommun",
        "velo",
        "voiture",
        "libreService",
        "electrique",
        "autopartage",
        "covoiturage",
    }
)
TRUE = frozenset({"true", "1", "yes", "oui", "vrai"})
FALSE = frozenset({"false", "0", "no", "non", "faux", ""})
_COMMUNE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


class AidsFileError(ValueError):
    """A wrong row or column: says which file and which line."""


@dataclass(frozen=True)
class Catalogue:
    aids: tuple[Aid, ...]

    def get(self, aid_id: str) -> Aid | None:
        return next((aid for aid in self.aids if aid.id == aid_id), None)

    def to_review(self, today: date) -> list[Aid]:
        """The aids still shown whose check is older than six months, or was never made
        (shown to the team each week), the oldest check first."""
        due = [aid for aid in self.aids if aid.check_due(today)]
        return sorted(due, key=lambda aid: aid.checked_on or date.min)

    def for_profile(self, profile: Profile, today: date) -> list[Aid]:
        """The aids this person may be entitled to, most local first (commune, department,
        region, national); at the same level, the territory's own before the shipped ones."""
        found = [a for a in self.aids if a.shown_on(today) and a.rules.allows(profile)]
        order = {aid.id: index for index, aid in enumerate(self.aids)}
        found.sort(key=lambda a: (a.rules.scale, not a.from_territory, order[a.id]))
        return found


def load_catalogue(territory_file: Path | None = None, *more: Path) -> Catalogue:
    """The shipped aids, then the territory's own (`more`: the other territories' of one
    deployment, issue 22; an aid of the same id in a later file wins)."""
    shipped = resources.files("bot.aids").joinpath("data", SHIPPED).read_text(encoding="utf-8")
    aids: dict[str, Aid] = {aid.id: aid for aid in parse_aids(shipped, SHIPPED)}
    for path in (territory_file, *more):
        if path is None:
            continue
        for aid in read_aids_file(path):
            aids[aid.id] = aid
    return Catalogue(tuple(aids.values()))


def say_untranslated(catalogue: Catalogue, territory_file: Path | None) -> None:
    """Said once at start-up: the territory's aids that readers of another language will
    see in French (they are told so with the aids, handlers/aids.py)."""
    for language in OTHER_LANGUAGES:
        french = [a.id for a in catalogue.aids if a.from_territory and not a.written_in(language)]
        if french:
            log.warning(
                "%s: %d aid(s) have no text in %r (%s): shown in French to those readers",
                territory_file,
                len(french),
                language,
                ", ".join(french[:5]),
            )


def read_aids_file(path: Path) -> list[Aid]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise AidsFileError(f"{path}: cannot be read ({error})") from None
    return parse_aids(text, str(path), from_territory=True)


def parse_aids(text: str, name: str, *, from_territory: bool = False) -> list[Aid]:
    rows = parse_territory_csv(
        text,
        name,
        REQUIRED,
        OPTIONAL,
        others_allowed=lambda column: _translated(column) is not None,
        error=AidsFileError,
    )
    aids: list[Aid] = []
    seen: set[str] = set()
    for row in rows:
        try:
            aid = _aid(row.cells, from_territory)
        except ValueError as error:
            raise AidsFileError(f"{row.where}: {error}") from None
        if aid.id in seen:
            raise AidsFileError(f"{row.where}: id {aid.id!r} is used twice")
        seen.add(aid.id)
        aids.append(aid)
    return aids


def _translated(column: str) -> tuple[str, str] | None:
    """("title", "en") for "title_en"; None for any other column."""
    base, _, language = column.rpartition("_")
    if base in TRANSLATED and language in OTHER_LANGUAGES:
        return base, language
    return None


def _translations(row: dict[str, str]) -> dict[str, dict[str, str | tuple[str, ...]]]:
    """The texts given in other languages, by language then the Aid's field name."""
    found: dict[str, dict[str, str | tuple[str, ...]]] = {}
    for column, value in row.items():
        named = _translated(column)
        if named is None or not value:
            continue
        base, language = named
        text: str | tuple[str, ...] = value
        if base in LISTS:
            items = _list(value, column)
            french = _list(row.get(base, ""), base)
            if len(items) != len(french):
                raise ValueError(
                    f"{column} has {len(items)} items, {base} has {len(french)}: give them all"
                )
            text = tuple(items)
        found.setdefault(language, {})[TRANSLATED[base]] = text
    return found


def _aid(row: dict[str, str], from_territory: bool) -> Aid:
    for column in REQUIRED:
        if not row.get(column):
            raise ValueError(f"{column} is empty")
    if not _ID.match(row["id"]):
        raise ValueError(f"id {row['id']!r}: letters, digits, - and _ only, at most 40")
    try:
        incentive = IncentiveType(row["incentiveType"])
    except ValueError:
        choices = ", ".join(t.value for t in IncentiveType)
        raise ValueError(
            f"incentiveType {row['incentiveType']!r} is not one of {choices}"
        ) from None
    transports = _list(row.get("transportList", ""), "transportList")
    odd = [t for t in transports if t not in TRANSPORTS]
    if odd:
        raise ValueError(
            f"transportList: {', '.join(odd)} not among {', '.join(sorted(TRANSPORTS))}"
        )
    apply_here = _bool(row.get("isMCMStaff", ""), "isMCMStaff")
    source = row.get("source", "")
    if source and not source.startswith(("http://", "https://")):
        raise ValueError(f"source {source!r} is not a web address")
    return Aid(
        id=row["id"],
        title=row["title"],
        description=row["description"],
        territory_name=row["territoryName"],
        funder_name=row["funderName"],
        incentive_type=incentive,
        conditions=row["conditions"],
        payment_method=row["paymentMethod"],
        amount=row["allocatedAmount"],
        rules=_rules(row),
        min_amount=row.get("minAmount", ""),
        transports=tuple(transports),
        proofs=tuple(_list(row.get("attachments", ""), "attachments")),
        additional_infos=row.get("additionalInfos", ""),
        contact=row.get("contact", ""),
        validity_duration=row.get("validityDuration", ""),
        valid_until=_date(row.get("validityDate", ""), "validityDate"),
        apply_here=apply_here,
        link=row.get("subscriptionLink", ""),
        source=source,
        checked_on=_date(row.get("checkedOn", ""), "checkedOn"),
        how_to_apply=row.get("howToApply", ""),
        fields=tuple(_list(row.get("fields", ""), "fields")),
        from_territory=from_territory,
        max_cents=_euros(row.get("maxAmount", ""), "maxAmount")
        or ceiling_in(row["allocatedAmount"]),
        checked_against=tuple(_addresses(row.get("checkedAgainst", ""), "checkedAgainst")),
        check_note=row.get("checkNote", ""),
        translations=MappingProxyType(_translations(row)),
    )


def _rules(row: dict[str, str]) -> Rules:
    min_age = _int(row.get("minAge", ""), "minAge", 0, MAX_AGE)
    max_age = _int(row.get("maxAge", ""), "maxAge", 0, MAX_AGE)
    if min_age is not None and max_age is not None and min_age > max_age:
        raise ValueError(f"minAge {min_age} is above maxAge {max_age}")
    situations = []
    for word in _codes(row.get("situations", "")):
        try:
            situations.append(Situation(word))
        except ValueError:
            choices = ", ".join(s.value for s in Situation)
            raise ValueError(f"situations: {word!r} is not one of {choices}") from None
    regions = _codes(row.get("regionCodes", ""))
    if odd := [code for code in regions if code not in REGIONS]:
        raise ValueError(f"regionCodes: {', '.join(odd)} is not a region code (e.g. 76)")
    departments = [_department(code) for code in _codes(row.get("departmentCodes", ""))]
    if odd := [code for code in departments if code not in DEPARTMENTS]:
        raise ValueError(f"departmentCodes: {', '.join(odd)} is not a department (e.g. 46)")
    communes = [code.upper() for code in _codes(row.get("communeCodes", ""))]
    if odd := [code for code in communes if not _COMMUNE.match(code)]:
        raise ValueError(f"communeCodes: {', '.join(odd)} is not an INSEE code (e.g. 46042)")
    return Rules(
        min_age=min_age,
        max_age=max_age,
        situations=frozenset(situations),
        region_codes=frozenset(regions),
        department_codes=frozenset(departments),
        commune_codes=frozenset(communes),
        rsa_or_aah=_bool(row.get("rsaOrAah", ""), "rsaOrAah"),
        rqth=_bool(row.get("rqth", ""), "rqth"),
        max_income_per_share=_int(row.get("maxIncomePerShare", ""), "maxIncomePerShare", 0, 10**7),
    )


def _department(code: str) -> str:
    code = code.upper()
    return "0" + code if code.isdigit() and len(code) == 1 else code


def _codes(text: str) -> list[str]:
    return [part for part in re.split(r"[\s,;]+", text) if part]


def _list(text: str, column: str) -> list[str]:
    """A JSON list as in FabMob's example (["a", "b"]), or items separated by "|"."""
    if not text:
        return []
    if text.startswith("["):
        try:
            items = json.loads(text)
        except json.JSONDecodeError:
            raise ValueError(f'{column} is not a list like ["a", "b"]') from None
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise ValueError(f"{column} is not a list of texts")
        return [item.strip() for item in items if item.strip()]
    return [item.strip() for item in text.split("|") if item.strip()]


def _addresses(text: str, column: str) -> list[str]:
    addresses = _list(text, column)
    if odd := [a for a in addresses if not a.startswith(("http://", "https://"))]:
        raise ValueError(f"{column}: {odd[0]!r} is not a web address")
    return addresses


def _euros(text: str, column: str) -> int | None:
    """A sum in euros ("600", "1 200", "1200,50 €"), in cents."""
    cleaned = re.sub(r"[\s\u202f\u00a0€]", "", text).replace(",", ".")
    if not cleaned:
        return None
    try:
        cents = round(float(cleaned) * 100)
    except (ValueError, OverflowError):
        raise ValueError(f"{column} {text!r} is not a sum in euros (e.g. 600)") from None
    if not 0 < cents <= 100_000_00:
        raise ValueError(f"{column} {text!r} is not between 0 and 100 000 €")
    return cents


def _bool(text: str, column: str) -> bool:
    word = text.strip().lower()
    if word in TRUE:
        return True
    if word in FALSE:
        return False
    raise ValueError(f"{column} {text!r} is neither true nor false")


def _int(text: str, column: str, low: int, high: int) -> int | None:
    if not text:
        return None
    try:
        value = int(text.replace(" ", ""))
    except ValueError:
        raise ValueError(f"{column} {text!r} is not a whole number") from None
    if not low <= value <= high:
        raise ValueError(f"{column} {value} is not between {low} and {high}")
    return value


def _date(text: str, column: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{column} {text!r} is not a date like 2026-12-31") from None


def aid_ids(aids: Iterable[Aid]) -> set[str]:
    return {aid.id for aid in aids}
