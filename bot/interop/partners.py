"""The partner platforms, from the CSV file named by INTEROP_PARTNERS_FILE.

Columns `operator,name,key,api_url,api_key`: the partner's operator id (a domain name), the
name our passengers read, the `X-API-Key` it sends us, and (both optional) the root of its
own API and our key there. A wrong file stops the start naming the file and the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bot.territory_csv import Row, read_territory_csv

COLUMNS = ("operator", "name", "key", "api_url", "api_key")
# A root domain or a fully qualified domain name, as the standard asks of an operator id.
DOMAIN = re.compile(r"^(?=.{3,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
MIN_KEY_LENGTH = 16


class PartnersFileError(ValueError):
    """Where the file is wrong: its path, the line, what to fix."""


@dataclass(frozen=True)
class Partner:
    operator: str
    name: str
    key: str  # what they send us in X-API-Key
    api_url: str | None = None  # their API root, to show their journeys to our passengers
    api_key: str | None = None  # our X-API-Key there

    @property
    def searchable(self) -> bool:
        return self.api_url is not None


def is_operator_id(value: str) -> bool:
    return bool(DOMAIN.match(value))


def load_partners(path: Path) -> list[Partner]:
    partners: list[Partner] = []
    for row in read_territory_csv(path, COLUMNS, error=PartnersFileError):
        partners.append(_partner(row, partners))
    return partners


def _partner(row: Row, seen: list[Partner]) -> Partner:
    where = row.where
    operator, name, key = row.get("operator").lower(), row.get("name"), row.get("key")
    api_url, api_key = row.get("api_url"), row.get("api_key")
    if not is_operator_id(operator):
        raise PartnersFileError(f"{where}: operator {operator!r} is not a domain name")
    if not name:
        raise PartnersFileError(f"{where}: the name is empty")
    if len(key) < MIN_KEY_LENGTH:
        raise PartnersFileError(f"{where}: the key must have {MIN_KEY_LENGTH} characters or more")
    if api_url and not api_url.startswith(("http://", "https://")):
        raise PartnersFileError(f"{where}: api_url must start with http:// or https://")
    if api_key and not api_url:
        raise PartnersFileError(f"{where}: api_key without api_url")
    for other in seen:
        if other.operator == operator:
            raise PartnersFileError(f"{where}: operator {operator} is already listed")
        if other.key == key:
            raise PartnersFileError(f"{where}: this key is already {other.operator}'s")
    return Partner(operator, name, key, api_url.rstrip("/") or None, api_key or None)
