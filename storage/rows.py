"""Column helpers shared by the repositories of trips and needs."""

from __future__ import annotations

from datetime import time
from typing import Any

import aiosqlite

from bot.domain import PlaceRef, Weekday


def weekdays_to_mask(days: frozenset[Weekday] | frozenset[int]) -> int:
    return sum(1 << int(day) for day in days)


def mask_to_weekdays(mask: int) -> frozenset[Weekday]:
    return frozenset(Weekday(day) for day in range(7) if mask & (1 << day))


def place_columns(place: PlaceRef) -> tuple[Any, ...]:
    return (place.id, place.name, place.department, place.lat, place.lon)


def place_from_row(row: aiosqlite.Row, prefix: str) -> PlaceRef:
    return PlaceRef(
        id=row[f"{prefix}_id"],
        name=row[f"{prefix}_name"],
        department=row[f"{prefix}_department"],
        lat=row[f"{prefix}_lat"],
        lon=row[f"{prefix}_lon"],
    )


def time_text(value: time | None) -> str | None:
    return value.strftime("%H:%M") if value else None


def time_from(text: str | None) -> time | None:
    return time.fromisoformat(text) if text else None
