"""The one CSV writer: every file Mobilot hands out (the team's /export, the funders'
/exportaides, the TUS register) is written here, every cell neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection):
# anyone chooses their own display name, trip note or a TUS member's name.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet would read as a formula, made plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a byte-order mark, so that a spreadsheet opens accents right; lines end
    in CRLF; every cell, the header's too, neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(cell) for cell in header])
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def csv_bytes(rows: list[dict[str, Any]]) -> bytes:
    """Rows of the same keys, their keys as the header (nothing at all without rows)."""
    if not rows:
        return "\ufeff".encode()
    header = list(rows[0])
    return csv_table(header, ([row.get(key) for key in header] for row in rows))
