"""Settings, read from the environment or a `.env` file.

A wrong value must stop start-up with one line that names the setting, so a territory
deploying the bot alone knows what to fix: `describe_settings_error` turns pydantic's
report into such lines.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    Field,
    PrivateAttr,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.interop.partners import is_operator_id, load_partners
from bot.languages import Language
from bot.territories import (
    DEFAULT_TERRITORY,
    Territories,
    TerritoriesFileError,
    Territory,
    read_territories_file,
)
from bot.territories import (
    TUS_LEGAL_CAP_EUR_PER_KM as TUS_LEGAL_CAP_EUR_PER_KM,
)


class SettingFileError(ValueError):
    """A file named by a setting cannot be used; the start stops naming the setting."""

    def __init__(self, setting: str, message: str) -> None:
        super().__init__(message)
        self.setting = setting


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
    )

    bot_token: SecretStr | None = None
    operator_chat_id: int | None = None
    database_path: Path = Path("data/mobilot.sqlite3")
    # PostgreSQL instead of the SQLite file, for a region: postgresql://user:password@host/db
    database_url: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    default_language: Language = "fr"
    territory_departments: Annotated[tuple[str, ...], NoDecode] = ()
    # The town of an example request ("Rodez demain 9h"), one territory's `example_town`
    # (checked at start, bot/services/brand.py); unset: the most populous commune of
    # TERRITORY_DEPARTMENTS. With TERRITORIES_FILE, each territory declares its own.
    example_town: str | None = None
    local_places_file: Path | None = None
    timezone: str = "Europe/Paris"
    online_geocoder: bool = False

    # Matching (design notes, "Matching").
    road_factor: float = Field(default=1.3, ge=1.0, le=3.0)
    average_speed_kmh: float = Field(default=60.0, gt=5.0, le=130.0)
    max_detour_minutes: float = Field(default=15.0, ge=0.0, le=120.0)
    max_detour_ratio: float = Field(default=1.8, ge=1.0, le=5.0)
    time_tolerance_minutes: float = Field(default=30.0, ge=0.0, le=240.0)
    # A pickup this long after "leave after" (or a drop-off this long before "arrive before")
    # is no longer an answer to the need.
    max_wait_minutes: float = Field(default=180.0, gt=0.0, le=720.0)
    # A driver asked by a passenger who has not answered after this counts as a decline.
    introduction_timeout_hours: float = Field(default=12.0, gt=0.0, le=168.0)

    # A ride's life over time (local hours in TIMEZONE).
    reminder_hour: int = Field(default=18, ge=0, le=23)  # the evening before a ride
    follow_up_hour: int = Field(default=10, ge=0, le=23)  # questions: did it happen, still on?
    digest_hour: int = Field(default=8, ge=0, le=23)  # the operators' daily digest
    trip_check_weeks: int = Field(default=4, ge=1, le=52)
    trip_check_answer_days: int = Field(default=7, ge=1, le=60)
    repost_unclaimed_hours: float = Field(default=24.0, ge=1.0, le=720.0)
    claimed_reminder_days: float = Field(default=3.0, ge=0.5, le=60.0)

    # Privacy (bot/services/privacy.py): needs, introductions and their history lose their
    # details after this many months; people inactive this long are asked whether to stay.
    retention_months: int = Field(default=24, ge=1, le=120)
    inactive_months: int = Field(default=36, ge=1, le=240)
    # Mobility aids: the territory's own aids (FabMob's columns and eligibility rules), who
    # reviews which aid in which group, and how long proofs are kept after a decision.
    aids_file: Path | None = None
    funders_file: Path | None = None
    proof_retention_days: int = Field(default=90, ge=1, le=3650)

    # The HTTP side (health check, webhook; later the partners' API and the try page).
    http_port: int | None = Field(default=None, ge=1, le=65535)
    http_host: str = "127.0.0.1"
    # Set: Telegram sends updates to this public HTTPS address, which must lead to
    # http://HTTP_HOST:HTTP_PORT/telegram (a reverse proxy); unset: long polling.
    webhook_url: str | None = None
    # Checked on every webhook call; derived from the token when not set.
    webhook_secret: SecretStr | None = None
    # Try mode (no BOT_TOKEN): the local page's port, on 127.0.0.1 only.
    try_port: int = Field(default=8080, ge=1, le=65535)

    # Standard covoiturage: our operator id (a domain name; the partners' API is served only
    # when set), the partner platforms, and how long a partner may take to answer a search.
    interop_operator: str | None = None
    interop_partners_file: Path | None = None
    interop_timeout_s: float = Field(default=2.0, gt=0.0, le=30.0)

    # What else the territory offers when no driver can (public transport, local services),
    # and the tools of a Transport d'Utilité Sociale.
    gtfs_files: Annotated[tuple[Path, ...], NoDecode] = ()
    services_file: Path | None = None
    tus_eur_per_km: float | None = Field(default=None, ge=0.0)
    # A volunteer driver who gives their allowance up may get a tax receipt for the donation
    # of expenses; since 2022 their km are valued at the employees' scale (article 83 CGI,
    # 3°, to which article 200 CGI refers; loi 2022-1157, article 21): its first band
    # (up to 5,000 km a year) for a 5 CV car, 0.636 €/km in the scale of 2024; the
    # association sets the year's figure (bot/services/volunteer_rides.py).
    volunteer_scale_eur_per_km: float = Field(default=0.636, gt=0.0, le=2.0)
    # The association's details, on receipts, statements and the préfet's report.
    association_name: str = ""
    association_address: str = ""
    association_number: str = ""  # RNA (W…) or SIREN
    association_phone: str = ""
    # When someone answers that phone, as people read it on a member's card ("du lundi au
    # vendredi, 9h–12h"; issue 24, item 4).
    association_hours: str = ""
    # Unset: rides are free; set: introductions show the trip's distance and this guide.
    cost_share_eur_per_km: float | None = Field(default=None, ge=0.0, le=2.0)

    # Texts (SMS) through a Kannel gateway (../shared/reference/sms-kannel.md): smsbox's
    # sendsms address and its user; the territory's number as people see it; the secret the
    # gateway passes when it calls us; how the gateway reaches our HTTP side (its delivery
    # reports), by default HTTP_HOST:HTTP_PORT; at most this many segments a month.
    sms_gateway_url: str | None = None
    sms_username: str = ""
    sms_password: SecretStr = SecretStr("")
    sms_number: str = ""
    sms_secret: SecretStr | None = None
    sms_callback_url: str | None = None
    sms_monthly_segments: int | None = Field(default=None, ge=0)

    # Several territories in one deployment (issue 22): a TOML file of [[territory]] tables
    # (docs/deploying.md). Unset: the settings above make one territory.
    territories_file: Path | None = None
    # Who may see every territory's figures (/stats tout): Telegram user ids.
    admin_user_ids: Annotated[tuple[int, ...], NoDecode] = ()
    _territories: Territories | None = PrivateAttr(default=None)

    @field_validator("territories_file", mode="before")
    @classmethod
    def _unset_territories(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("territories_file")
    @classmethod
    def _territories_file(cls, value: Path | None) -> Path | None:
        """Read at once: a wrong line stops the start, naming the line and the territory."""
        if value is None:
            return None
        if not value.is_file():
            raise ValueError(f"file {str(value)!r} does not exist")
        try:
            territories = read_territories_file(value)
        except TerritoriesFileError as error:
            raise ValueError(str(error)) from None
        from bot.aids.catalogue import read_aids_file
        from bot.aids.funders import read_funders_file

        for territory in territories:  # their aids and funders are read now, like AIDS_FILE
            try:
                if territory.aids_file is not None:
                    read_aids_file(territory.aids_file)
                if territory.funders_file is not None:
                    read_funders_file(territory.funders_file)
            except ValueError as error:
                raise ValueError(f"{value}, territory {territory.id!r}: {error}") from None
        return value

    @field_validator("admin_user_ids", mode="before")
    @classmethod
    def _admins(cls, value: object) -> tuple[int, ...]:
        if value is None or value == "":
            return ()
        items = value.split(",") if isinstance(value, str) else list(value)  # type: ignore[call-overload]
        ids = []
        for item in items:
            text = str(item).strip()
            if not text:
                continue
            if not text.isdigit():
                raise ValueError(f"{text!r} is not a Telegram user id (digits)")
            ids.append(int(text))
        return tuple(ids)

    @model_validator(mode="after")
    def _one_or_several_territories(self) -> Settings:
        """The territories; with a file, what the deployment as a whole reads (the places'
        departments, the first team's group for what is not a territory's) follows it."""
        if self.territories_file is None:
            # EXAMPLE_TOWN is checked once the places are loaded, as a territory's
            # example_town is (bot/assembly.py `load`).
            self._territories = Territories(
                (
                    Territory(
                        id=DEFAULT_TERRITORY,
                        name="Mobilot",
                        departments=self.territory_departments,
                        team_chat_id=self.operator_chat_id,
                        local_places_file=self.local_places_file,
                        services_file=self.services_file,
                        aids_file=self.aids_file,
                        funders_file=self.funders_file,
                        gtfs_files=self.gtfs_files,
                        tus_eur_per_km=self.tus_eur_per_km,
                        sms_number=self.sms_number,
                        example_town=self.example_town,
                    ),
                )
            )
            return self
        if self.example_town is not None:
            raise ValueError(
                "EXAMPLE_TOWN is for a deployment of one territory: with TERRITORIES_FILE,"
                " give a [[territory]] its own example_town"
            )
        territories = Territories(read_territories_file(self.territories_file))
        self._territories = territories
        first = territories.first
        # Matching and the places are one for the whole deployment.
        self.territory_departments = territories.departments
        if self.operator_chat_id is None:
            self.operator_chat_id = first.team_chat_id
        if not self.gtfs_files:
            feeds: list[Path] = []
            for territory in territories.items:
                feeds += [f for f in territory.gtfs_files if f not in feeds]
            self.gtfs_files = tuple(feeds)
        # The deployment's TUS rate: the first territory's that names one; a territory's own
        # rate wins for its volunteers and members (Territories.tus_rate). Every territory's
        # aids in one catalogue, each its funders.
        for territory in territories.items:
            if self.tus_eur_per_km is None and territory.tus_eur_per_km is not None:
                self.tus_eur_per_km = territory.tus_eur_per_km
        return self

    @property
    def territories(self) -> Territories:
        if self._territories is None:
            raise RuntimeError("the settings were not validated")
        return self._territories

    @property
    def local_places_files(self) -> tuple[Path, ...]:
        """Every territory's own places (they win over communes, whoever's they are)."""
        files: list[Path] = []
        for territory in self.territories.items:
            path = territory.local_places_file
            if path is not None and path not in files:
                files.append(path)
        if self.local_places_file is not None and self.local_places_file not in files:
            files.insert(0, self.local_places_file)
        return tuple(files)

    @property
    def aids_files(self) -> tuple[Path, ...]:
        """AIDS_FILE, then every territory's own aids (one catalogue; their eligibility
        rules say whose they are)."""
        files: list[Path] = [self.aids_file] if self.aids_file is not None else []
        for territory in self.territories.items:
            path = territory.aids_file
            if path is not None and path not in files:
                files.append(path)
        return tuple(files)

    @property
    def services_files(self) -> tuple[Path, ...]:
        files: list[Path] = []
        for territory in self.territories.items:
            path = territory.services_file
            if path is not None and path not in files:
                files.append(path)
        if self.services_file is not None and self.services_file not in files:
            files.insert(0, self.services_file)
        return tuple(files)

    # Several workers serving one deployment (bot/workers.py): how many processes serve it
    # (`python -m bot` starts them all; or one process per container, each told the same
    # WORKERS), this one's name (unique, stable across its restarts: it takes back at once
    # what it held), and how long a dead worker's rows wait before another takes them over.
    workers: int = Field(default=1, ge=1, le=64)
    worker_name: str = Field(default="main", min_length=1, max_length=64)
    worker_lease_s: float = Field(default=30.0, ge=1.0, le=600.0)
    # Telegram's limit for one bot, whatever the number of workers (about 30 messages a
    # second; Telegram raises it for some bots, or with paid broadcasts).
    telegram_messages_per_second: int = Field(default=30, ge=1, le=1000)
    # How often the agenda looks for what is due: the precision of every reminder.
    agenda_tick_s: float = Field(default=30.0, ge=0.2, le=600.0)

    @field_validator("gtfs_files", mode="before")
    @classmethod
    def _gtfs_files(cls, value: object) -> tuple[Path, ...]:
        if value is None or value == "":
            return ()
        items = value.split(",") if isinstance(value, str) else list(value)  # type: ignore[call-overload]
        paths = []
        for item in items:
            text = str(item).strip()
            if not text:
                continue
            path = Path(text)
            if not path.is_file():
                raise ValueError(f"file {text!r} does not exist")
            if path.suffix.lower() != ".zip":
                raise ValueError(f"{text!r} is not a .zip file (a GTFS feed is a zip)")
            paths.append(path)
        return tuple(paths)

    @field_validator("services_file")
    @classmethod
    def _services_file(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"file {str(value)!r} does not exist")
        return value

    @field_validator("tus_eur_per_km", "cost_share_eur_per_km", "services_file", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("example_town", mode="before")
    @classmethod
    def _example_town(cls, value: object) -> object:
        if isinstance(value, str):
            return " ".join(value.split()) or None
        return value

    @field_validator("tus_eur_per_km")
    @classmethod
    def _tus_cap(cls, value: float | None) -> float | None:
        if value is not None and value > TUS_LEGAL_CAP_EUR_PER_KM:
            raise ValueError(
                f"{value} €/km is above the legal cap of a Transport d'Utilité Sociale"
                f" ({TUS_LEGAL_CAP_EUR_PER_KM} €/km)"
            )
        return value

    @field_validator("database_url")
    @classmethod
    def _postgres_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        if not value.get_secret_value().startswith(("postgresql://", "postgres://")):
            raise ValueError("DATABASE_URL must start with postgresql://")
        return value

    @field_validator("telegram_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("territory_departments", mode="before")
    @classmethod
    def _departments(cls, value: object) -> tuple[str, ...]:
        if value is None or value == "":
            return ()
        items = value.split(",") if isinstance(value, str) else list(value)  # type: ignore[call-overload]
        departments: list[str] = []
        for item in items:
            code = str(item).strip().upper()
            if not code:
                continue
            if code.isdigit() and len(code) == 1:
                code = "0" + code
            if not (code.isdigit() and len(code) in (2, 3)) and code not in ("2A", "2B"):
                raise ValueError(f"{item!r} is not a French department code (e.g. 46, 2A, 971)")
            departments.append(code)
        return tuple(departments)

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown timezone {value!r} (e.g. Europe/Paris)") from None
        return value

    @field_validator("local_places_file")
    @classmethod
    def _places_file(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"file {str(value)!r} does not exist")
        return value

    @field_validator("aids_file", "funders_file", mode="before")
    @classmethod
    def _unset_file(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("aids_file")
    @classmethod
    def _aids_file(cls, value: Path | None) -> Path | None:
        """Read at once: a wrong line stops the start, naming the file and the line."""
        if value is None:
            return None
        from bot.aids.catalogue import read_aids_file

        read_aids_file(value)
        return value

    @field_validator("funders_file")
    @classmethod
    def _funders_file(cls, value: Path | None) -> Path | None:
        if value is None:
            return None
        from bot.aids.funders import read_funders_file

        read_funders_file(value)
        return value

    @field_validator("interop_operator")
    @classmethod
    def _interop_operator(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip().lower()
        if not is_operator_id(value):
            raise ValueError("must be a domain name you own, e.g. covoiturage.example.org")
        return value

    @field_validator("interop_partners_file")
    @classmethod
    def _partners_file(cls, value: Path | None) -> Path | None:
        if value is None or not str(value).strip():
            return None
        if not value.is_file():
            raise ValueError(f"file {str(value)!r} does not exist")
        load_partners(value)  # a wrong line stops the start, named
        return value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        if not value.startswith("https://"):
            raise ValueError("must start with https:// (Telegram only calls HTTPS webhooks)")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        secret = value.get_secret_value()
        if not (1 <= len(secret) <= 256) or not all(c.isalnum() or c in "_-" for c in secret):
            raise ValueError("1 to 256 characters among A-Z, a-z, 0-9, _ and -")
        return value

    @model_validator(mode="after")
    def _webhook_needs_a_port(self) -> Settings:
        if self.webhook_url is not None and self.http_port is None:
            raise ValueError("WEBHOOK_URL needs HTTP_PORT: the webhook is served there")
        return self

    @field_validator("sms_gateway_url", "sms_callback_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @model_validator(mode="after")
    def _sms_needs_its_settings(self) -> Settings:
        if self.sms_gateway_url is None:
            return self
        missing = [
            name
            for name, value in (
                ("SMS_NUMBER", self.sms_number),
                ("SMS_SECRET", self.sms_secret and self.sms_secret.get_secret_value()),
                ("HTTP_PORT", self.http_port),
            )
            if not value
        ]
        if missing:
            raise ValueError(f"SMS_GATEWAY_URL needs {', '.join(missing)}")
        return self

    @property
    def sms_enabled(self) -> bool:
        return self.sms_gateway_url is not None

    @property
    def sms_report_base(self) -> str:
        """Where the gateway reaches our HTTP side."""
        return self.sms_callback_url or f"http://{self.http_host}:{self.http_port}"

    @model_validator(mode="after")
    def _funders_review_known_aids(self) -> Settings:
        files = [("FUNDERS_FILE", self.funders_file)] + [
            (f"TERRITORIES_FILE, territory {t.id!r}, funders_file", t.funders_file)
            for t in (self._territories.items if self._territories else ())
            if t.funders_file is not None and t.funders_file != self.funders_file
        ]
        if all(path is None for _, path in files):
            return self
        from bot.aids.catalogue import load_catalogue
        from bot.aids.funders import read_funders_file

        known = {aid.id for aid in load_catalogue(*self.aids_files).aids}
        for setting, path in files:
            for funder in read_funders_file(path) if path is not None else []:
                unknown = sorted(funder.aids - known)
                if unknown:
                    raise ValueError(
                        f"{setting} {path}: {funder.name} reviews unknown aids "
                        f"{', '.join(unknown)} (see AIDS_FILE)"
                    )
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _holds_a_secret(field: str) -> bool:
    described = Settings.model_fields.get(field)
    return described is not None and "SecretStr" in str(described.annotation)


def describe_settings_error(error: ValidationError) -> list[str]:
    """One line per wrong setting, named as in `.env` (BOT_TOKEN, not bot_token)."""
    lines = []
    for item in error.errors():
        message = str(item["msg"]).removeprefix("Value error, ")
        if not item["loc"]:  # a rule about several settings names them itself
            lines.append(f"Settings: {message}")
            continue
        name = str(item["loc"][0]).upper()
        value = item.get("input")
        named = (
            isinstance(value, str | int | float)
            and str(value) not in message
            and not _holds_a_secret(str(item["loc"][0]))  # a password is never printed back
        )
        shown = f" (got {value!r})" if named else ""
        lines.append(f"Setting {name}: {message}{shown}")
    return lines
