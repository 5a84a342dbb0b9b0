"""What the team reads beyond the posts: a need's diary (its history button) and the CSV
exports, worded in the team's language (weekdays and codes spelled out, local times)."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from bot.phones import show_phone
from bot.services.operators import Diary
from i18n import Html, Translator

# The emoji and spaces before a label's first word ("🩺 Santé" reads "Santé" in a cell).
_DECORATION = re.compile(r"^[^\w«(]+")


def plain(t: Translator, lang: str, key: str) -> str:
    """A catalog label without its emoji, for a spreadsheet cell."""
    return _DECORATION.sub("", t(lang, key)) if t.has(key) else key.rsplit(".", 1)[-1]


def local_moment(value: object, zone: ZoneInfo) -> str:
    """ "2026-11-23 10:00": the territory's time, to the minute."""
    if value is None or value == "":
        return ""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is not None:
        moment = moment.astimezone(zone)
    return moment.strftime("%Y-%m-%d %H:%M")


def _clock(value: object) -> str:
    if value is None or value == "":
        return ""
    return (value if isinstance(value, time) else time.fromisoformat(str(value))).strftime("%H:%M")


def _days(t: Translator, lang: str, mask: object) -> str:
    bits = int(str(mask or 0))
    return ", ".join(_day(t, lang, d) for d in range(7) if bits & (1 << d))


def _day(t: Translator, lang: str, day: int) -> str:
    """ "lun", "mar": short, and without the dot that a spreadsheet would not need."""
    return t.weekday(lang, day, "abbreviated").rstrip(".")


def _what(t: Translator, lang: str, kind: str) -> str:
    key = f"privacy.event.{kind}"
    return t(lang, key) if t.has(key) else kind


def need_diary(t: Translator, lang: str, diary: Diary, zone: ZoneInfo) -> str:
    lines = []
    for line in diary.lines:
        local = line.at.astimezone(zone)
        by = (
            t(lang, "privacy.diary_by", name=line.actor.display_name or "—")
            if line.actor is not None
            else ""
        )
        what = _what(t, lang, line.kind)
        if line.kind == "closed" and line.detail:  # and why
            reason = plain(t, lang, f"close.{line.detail}")
            what = t(lang, "privacy.diary_closed", what=what, reason=reason)
        lines.append(
            t(
                lang,
                "privacy.diary_line",
                date=t.date(lang, local.date()),
                time=t.time(lang, local.time()),
                what=what,
                by=Html(by),
            )
        )
    return t(lang, "privacy.diary", id=diary.need.id, lines=Html("\n".join(lines) or "—"))


COLUMNS = (
    "id", "driver", "phone", "origin_name", "destination_name", "weekdays", "departure",
    "return_time", "seats", "note", "status", "created_at", "person", "travel_date",
    "time_mode", "at_time", "purpose", "special_needs", "closed_reason", "followed_by",
    "history", "need_id", "trip_id", "passenger", "leg", "travel_day", "pickup", "dropoff",
    "extra_minutes", "answered_at", "ride_date", "ride_outcome",
)  # fmt: skip


def worded_rows(
    t: Translator, lang: str, table: str, rows: list[dict[str, Any]], zone: ZoneInfo
) -> list[dict[str, Any]]:
    """The export's rows with codes in words ("lun, mar", "arriver avant", "santé"), under
    headers in the team's language."""
    return [
        {
            _header(t, lang, column): value
            for column, value in _worded(t, lang, table, row, zone).items()
        }
        for row in rows
    ]


def _header(t: Translator, lang: str, column: str) -> str:
    key = f"privacy.column.{column}"
    return t(lang, key) if t.has(key) else column


def _worded(
    t: Translator, lang: str, table: str, row: dict[str, Any], zone: ZoneInfo
) -> dict[str, Any]:
    out = dict(row)
    for column, value in row.items():
        if value is None:
            continue
        if column in ("created_at", "answered_at", "updated_at"):
            out[column] = local_moment(value, zone)
        elif column in ("departure", "return_time", "at_time", "pickup", "dropoff"):
            out[column] = _clock(value)
        elif column == "weekdays":
            out[column] = _days(t, lang, value)
        elif column == "travel_day":
            out[column] = _day(t, lang, int(value))
        elif column == "travel_date" or column == "ride_date":
            out[column] = date.fromisoformat(str(value)).strftime("%d/%m/%Y")
        elif column == "phone":
            out[column] = show_phone(str(value))
        elif column == "time_mode":
            out[column] = plain(t, lang, f"privacy.csv.{value}")
        elif column == "purpose":
            out[column] = plain(t, lang, f"purpose.{value}").lower()
        elif column == "special_needs":
            out[column] = ", ".join(
                plain(t, lang, f"special.{code}").lower() for code in str(value).split(",") if code
            )
        elif column == "status":
            prefix = {"trips": "trip", "needs": "need.status"}.get(table, "privacy.csv.intro")
            out[column] = plain(t, lang, f"{prefix}.{value}")
        elif column == "closed_reason":
            out[column] = plain(t, lang, f"close.{value}")
        elif column == "leg":
            out[column] = plain(t, lang, f"privacy.csv.{value}")
        elif column == "ride_outcome":
            out[column] = plain(t, lang, f"privacy.csv.outcome.{value}")
        elif column == "history":
            out[column] = " | ".join(
                " ".join(
                    part
                    for part in (
                        local_moment(event.get("at"), zone),
                        _what(t, lang, str(event.get("kind"))),
                        event.get("by") or "",
                    )
                    if part
                )
                for event in sorted(json.loads(str(value)), key=lambda e: e.get("id") or 0)
            )
    return out


# Event kinds a need's history records (storage/needs.py and the services), each worded.
EVENT_KINDS = (
    "created", "registered_by_operator", "registered_by_other_team", "no_match",
    "asked_operators", "no_more_drivers", "claimed", "asked_driver", "asking", "accepted",
    "matched", "declined", "expired", "driver_withdrew", "searching", "with_operators",
    "cancelled", "closed", "date_passed", "ride_happened", "ride_not_happened", "ride_no_show",
)  # fmt: skip


# The sections of /mesdonnees' summary, each counted ("privacy.count.<section>").
SUMMARY_SECTIONS = (
    "trips", "needs", "introductions", "aid_applications", "consents", "reports",
    "partner_platforms", "drafts", "volunteer", "volunteer_rides",
)  # fmt: skip


def built_keys() -> set[str]:
    """The messages this area names from a code, for the catalogs' test."""
    from bot.domain import IntroductionStatus, RideOutcome
    from bot.matching import TimeMode

    keys = {f"privacy.event.{kind}" for kind in EVENT_KINDS}
    keys |= {f"privacy.column.{column}" for column in COLUMNS}
    keys |= {f"privacy.count.{section}" for section in SUMMARY_SECTIONS}
    keys |= {f"privacy.csv.intro.{status.value}" for status in IntroductionStatus}
    keys |= {f"privacy.csv.outcome.{outcome.value}" for outcome in RideOutcome}
    keys |= {f"privacy.csv.{mode.value}" for mode in TimeMode}
    keys |= {"privacy.csv.outbound", "privacy.csv.return", "privacy.count.other"}
    from bot.services.trust import REASONS, TrustResult

    keys |= {f"privacy.reason.{reason}" for reason in REASONS}
    keys |= {f"privacy.trust_{result.value}" for result in TrustResult}
    keys |= {"privacy.button_suspend", "privacy.button_lift"}
    return keys
