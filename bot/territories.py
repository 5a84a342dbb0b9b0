"""Territories: one deployment serving several local teams (issue 22, item 1).

A territory has an id (a slug), its name as people see it ("Lotocar"), its departments
and/or communes (INSEE codes), its team's group chat, its files, and optionally its own
Telegram bot and SMS number. Without TERRITORIES_FILE the single-territory settings of today
make exactly one territory, whose id is `DEFAULT_TERRITORY` (the database's default too).

A person belongs to the territory of the place they travel from (their first need's or
trip's origin); their needs go to that territory's team. Matching ignores borders; the
teams' views do not. Who belongs where is decided here, in the core: `Territories.of_place`.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

# The id of the one territory of a deployment without TERRITORIES_FILE (and the database's
# default for rows written before territories existed).
DEFAULT_TERRITORY = "default"
# The most a Transport d'Utilité Sociale may ask per kilometre (décret 2019-850, as summed up
# by the réseau APREVA): a higher TUS_EUR_PER_KM (or a territory's) stops the start.
TUS_LEGAL_CAP_EUR_PER_KM = 0.32

SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
INSEE = re.compile(r"(\d{5}|2[AB]\d{3})")
GROUP = re.compile(r"-\d{5,20}")
BOT_TOKEN = re.compile(r"\d{3,15}:[A-Za-z0-9_-]{20,}")
KEYS = {
    "id",
    "name",
    "departments",
    "communes",
    "team_chat_id",
    "local_places_file",
    "services_file",
    "aids_file",
    "funders_file",
    "gtfs_files",
    "tus_eur_per_km",
    "bot_token",
    "sms_number",
    "sms_monthly_segments",
    "example_town",
}


class TerritoriesFileError(ValueError):
    """The territories file cannot be used: the message names the line and the territory."""


@dataclass(frozen=True)
class Territory:
    id: str
    name: str
    departments: tuple[str, ...] = ()
    communes: frozenset[str] = frozenset()  # INSEE codes
    team_chat_id: int | None = None
    local_places_file: Path | None = None
    services_file: Path | None = None
    aids_file: Path | None = None
    funders_file: Path | None = None
    gtfs_files: tuple[Path, ...] = ()
    tus_eur_per_km: float | None = None
    # Its own brand: the bot token is parsed and kept (one bot for now); the SMS number is its
    # texts' (bot/services/brand.py).
    bot_token: str | None = field(default=None, repr=False)
    sms_number: str = ""
    # Its own monthly budget of SMS segments (its association pays for its texts): its people's
    # texts count against it alone; None: they share the deployment's SMS_MONTHLY_SEGMENTS.
    sms_monthly_segments: int | None = None
    # The town of its example request ("Brive" in "Brive demain 9h"), as declared; None: its
    # most populous commune (checked and chosen at start, bot/services/brand.py).
    example_town: str | None = None
    # Where the file declares it ("territories.toml, line 9"), to name it in a mistake found
    # later (an example town no commune bears).
    declared_at: str = field(default="", compare=False, repr=False)

    def holds(self, insee: str | None, department: str) -> bool:
        if insee is not None and insee in self.communes:
            return True
        return bool(department) and department in self.departments


@dataclass(frozen=True)
class Scope:
    """One team's share of the deployment: its territory's rows, and for the first territory
    also those of no declared territory (written before TERRITORIES_FILE)."""

    territory: str
    others: tuple[str, ...] = ()
    first: bool = True

    def holds(self, territory: str | None) -> bool:
        if self.first:
            return territory not in self.others
        return territory == self.territory


@dataclass(frozen=True)
class Territories:
    """The deployment's territories, the first being the home of whatever is found nowhere."""

    items: tuple[Territory, ...]

    def __post_init__(self) -> None:
        if not self.items:
            raise ValueError("a deployment serves at least one territory")

    @property
    def first(self) -> Territory:
        return self.items[0]

    @property
    def several(self) -> bool:
        return len(self.items) > 1

    def get(self, territory_id: str | None) -> Territory:
        """The territory of that id; an unknown one (rows of a single-territory deployment
        before TERRITORIES_FILE) belongs to the first."""
        for territory in self.items:
            if territory.id == territory_id:
                return territory
        return self.first

    def of_place(self, place_id: str, department: str) -> Territory:
        """Where a place belongs: a territory naming its commune, else one naming its
        department (communes first: a commune may be lent to a neighbour), else the first."""
        insee = place_id.removeprefix("insee:") if place_id.startswith("insee:") else None
        for territory in self.items:
            if insee is not None and insee in territory.communes:
                return territory
        for territory in self.items:
            if territory.holds(None, department):
                return territory
        return self.first

    @property
    def teams(self) -> tuple[str, ...]:
        """The territories with a team of their own (a group; the first always): one post
        each for what goes to every team (a territory without a group is in the first's)."""
        return tuple(
            t.id for t in self.items if t.team_chat_id is not None or t.id == self.first.id
        )

    def team_of(self, territory: str | None) -> Territory:
        """The territory whose team follows that territory's rows (the first's, for one
        without a group of its own)."""
        found = self.get(territory)
        return found if found.team_chat_id is not None else self.first

    def scope(self, territory: str) -> Scope:
        """What the team of that territory sees: the first's also sees the territories
        without a group of their own (their needs are posted in its group)."""
        found = self.get(territory)
        first = found.id == self.first.id
        others = tuple(
            t.id
            for t in self.items
            if t.id != found.id and (t.team_chat_id is not None or not first)
        )
        return Scope(found.id, others, first)

    def tus_rate(self, territory: str | None, default: float | None) -> float | None:
        """The rate per km of a Transport d'Utilité Sociale in that territory (issue 22): its
        own `tus_eur_per_km`, else `default` (TUS_EUR_PER_KM, or the first territory's that
        names one). With a single territory, always `default`, as before."""
        if not self.several:
            return default
        own = self.get(territory).tus_eur_per_km
        return own if own is not None else default

    def of_chat(self, chat_id: int | None) -> Territory | None:
        """The territory whose team's group this is."""
        if chat_id is None:
            return None
        for territory in self.items:
            if territory.team_chat_id == chat_id:
                return territory
        return None

    @property
    def team_chats(self) -> tuple[int, ...]:
        return tuple(t.team_chat_id for t in self.items if t.team_chat_id is not None)

    @property
    def departments(self) -> tuple[str, ...]:
        seen: list[str] = []
        for territory in self.items:
            seen += [d for d in territory.departments if d not in seen]
        return tuple(seen)


def department_code(value: object) -> str:
    code = str(value).strip().upper()
    if code.isdigit() and len(code) == 1:
        code = "0" + code
    if not (code.isdigit() and len(code) in (2, 3)) and code not in ("2A", "2B"):
        raise ValueError(f"{value!r} is not a French department code (e.g. 46, 2A, 971)")
    return code


def read_territories_file(path: Path) -> tuple[Territory, ...]:
    """The territories a TOML file declares, as `[[territory]]` tables. Anything wrong
    raises TerritoriesFileError as "<file>, line N, territory 'x': what is wrong"."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise TerritoriesFileError(f"{path}: cannot be read ({error})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise TerritoriesFileError(f"{path}: not valid TOML ({error})") from None
    # The line of each [[territory]] header, so that a mistake names where to look.
    lines = [
        number
        for number, line in enumerate(text.splitlines(), start=1)
        if re.fullmatch(r"\s*\[\[\s*territory\s*\]\]\s*(#.*)?", line)
    ]
    unknown = sorted(set(data) - {"territory"})
    if unknown:
        raise TerritoriesFileError(
            f"{path}: unknown table {unknown[0]!r} (declare each territory as [[territory]])"
        )
    tables = data.get("territory")
    if not isinstance(tables, list) or not tables:
        raise TerritoriesFileError(f"{path}: no territory declared (add [[territory]] tables)")
    base = path.parent
    territories: list[Territory] = []
    for index, table in enumerate(tables):
        line = lines[index] if index < len(lines) else None
        where = f"{path}, line {line}" if line else str(path)
        name_for = table.get("id") if isinstance(table.get("id"), str) else f"n° {index + 1}"
        try:
            territory = _territory(table, base)
        except ValueError as error:
            raise TerritoriesFileError(f"{where}, territory {name_for!r}: {error}") from None
        territory = replace(territory, declared_at=where)
        for other in territories:
            if other.id == territory.id:
                raise TerritoriesFileError(f"{where}: two territories have the id {other.id!r}")
            if territory.team_chat_id is not None and other.team_chat_id == territory.team_chat_id:
                raise TerritoriesFileError(
                    f"{where}, territory {territory.id!r}: team_chat_id {territory.team_chat_id}"
                    f" is already {other.id!r}'s group (each team has its own)"
                )
            shared = set(territory.departments) & set(other.departments)
            if shared:
                raise TerritoriesFileError(
                    f"{where}, territory {territory.id!r}: department {sorted(shared)[0]} is"
                    f" already {other.id!r}'s (lend single communes with `communes`)"
                )
        territories.append(territory)
    return tuple(territories)


# The longest name a territory may have: every text to a person may say it, and each must
# stay one SMS segment with it (tests/test_brand_words.py measures them with this length).
MAX_NAME = 23


def _territory(table: dict[str, Any], base: Path) -> Territory:
    unknown = sorted(set(table) - KEYS)
    if unknown:
        raise ValueError(f"unknown key {unknown[0]!r} (known: {', '.join(sorted(KEYS))})")
    slug = table.get("id")
    if not isinstance(slug, str) or not SLUG.fullmatch(slug):
        raise ValueError('id must be a short slug of a-z, 0-9 and - (e.g. "lot")')
    name = table.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError('name is missing (the name people see, e.g. "Lotocar")')
    if len(name.strip()) > MAX_NAME:
        raise ValueError(
            f"name {name.strip()!r} is too long for the texts that say it (at most {MAX_NAME}"
            ' characters: each SMS must stay one; the name people say, e.g. "Covoit\' Corrèze")'
        )
    departments = tuple(department_code(d) for d in _strings(table, "departments"))
    communes = frozenset(_strings(table, "communes"))
    for code in communes:
        if not INSEE.fullmatch(code):
            raise ValueError(f"commune {code!r} is not an INSEE code (e.g. 46042)")
    if not departments and not communes:
        raise ValueError("give its departments or its communes (INSEE codes)")
    chat = table.get("team_chat_id")
    if chat is not None and not (
        isinstance(chat, int | str) and not isinstance(chat, bool) and GROUP.fullmatch(str(chat))
    ):
        raise ValueError(f"team_chat_id {chat!r} is not a group id (e.g. -1001234567890)")
    token = table.get("bot_token")
    if token is not None and not (isinstance(token, str) and BOT_TOKEN.fullmatch(token)):
        raise ValueError("bot_token is not a Telegram bot token (123456:ABC…)")
    sms_number = table.get("sms_number", "")
    if not isinstance(sms_number, str):
        raise ValueError('sms_number must be text, e.g. "06 12 34 56 78"')
    budget = table.get("sms_monthly_segments")
    if budget is not None and (
        isinstance(budget, bool) or not isinstance(budget, int) or budget < 0
    ):
        raise ValueError(
            f"sms_monthly_segments {budget!r} is not a number of SMS segments a month (e.g. 2000)"
        )
    town = table.get("example_town")
    if town is not None and not (isinstance(town, str) and town.strip()):
        raise ValueError('example_town must be the name of a commune, e.g. "Brive"')
    tus = table.get("tus_eur_per_km")
    if tus is not None and (isinstance(tus, bool) or not isinstance(tus, int | float) or tus < 0):
        raise ValueError(f"tus_eur_per_km {tus!r} is not an amount in € per km")
    if tus is not None and tus > TUS_LEGAL_CAP_EUR_PER_KM:
        raise ValueError(
            f"tus_eur_per_km {tus} is above the legal cap of a Transport d'Utilité Sociale"
            f" ({TUS_LEGAL_CAP_EUR_PER_KM} €/km)"
        )
    gtfs = tuple(_file(base, item, "gtfs_files") for item in _strings(table, "gtfs_files"))
    for feed in gtfs:
        if feed.suffix.lower() != ".zip":
            raise ValueError(f"{str(feed)!r} is not a .zip file (a GTFS feed is a zip)")
    return Territory(
        id=slug,
        name=name.strip(),
        departments=departments,
        communes=communes,
        team_chat_id=int(chat) if chat is not None else None,
        local_places_file=_optional_file(base, table, "local_places_file"),
        services_file=_optional_file(base, table, "services_file"),
        aids_file=_optional_file(base, table, "aids_file"),
        funders_file=_optional_file(base, table, "funders_file"),
        gtfs_files=gtfs,
        tus_eur_per_km=float(tus) if tus is not None else None,
        bot_token=token,
        sms_number=sms_number.strip(),
        sms_monthly_segments=budget,
        example_town=" ".join(town.split()) if town is not None else None,
    )


def _strings(table: dict[str, Any], key: str) -> list[str]:
    value = table.get(key, [])
    if isinstance(value, str | int) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list) or not all(
        isinstance(v, str | int) and not isinstance(v, bool) for v in value
    ):
        raise ValueError(f'{key} must be a list, e.g. {key} = ["46"]')
    return [str(v).strip() for v in value if str(v).strip()]


def _optional_file(base: Path, table: dict[str, Any], key: str) -> Path | None:
    value = table.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"{key} must be a file name")
    return _file(base, value, key)


def _file(base: Path, value: str, key: str) -> Path:
    """A file named in the territories file: relative to the file's own folder."""
    path = Path(value)
    if not path.is_absolute():
        path = base / path
    if not path.is_file():
        raise ValueError(f"{key}: file {str(path)!r} does not exist")
    return path
