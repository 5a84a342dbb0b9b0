"""Amounts as a reviewer types them ("500", "1 200 €", "50 par mois", "150/trimestre"), and
CSV cells a spreadsheet cannot mistake for a formula."""

from __future__ import annotations

import re

from bot.aids.model import Frequency
from bot.spreadsheet import neutralise

MAX_CENTS = 100_000_00  # 100,000 €: beyond that, a typing slip
_AMOUNT = re.compile(r"(\d[\d\s\u202f\u00a0.]*(?:[,.]\d{1,2})?)")
_MONTHLY = re.compile(r"\b(mois|mensuel\w*|month\w*|/\s*m)\b", re.IGNORECASE)
_QUARTERLY = re.compile(r"\b(trimestr\w*|quarter\w*|/\s*t)\b", re.IGNORECASE)


def parse_amount(text: str) -> tuple[int, Frequency] | None:
    """(cents, frequency), or None when no sensible amount is there."""
    match = _AMOUNT.search(text)
    if match is None or len(text) > 60:
        return None
    digits = re.sub(r"[\s\u202f\u00a0]", "", match[1])
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", digits):  # "1.200": thousands, not decimals
        digits = digits.replace(".", "")
    try:
        cents = round(float(digits.replace(",", ".")) * 100)
    except ValueError:
        return None
    if not 0 < cents <= MAX_CENTS:
        return None
    frequency = Frequency.ONCE
    if _MONTHLY.search(text):
        frequency = Frequency.MONTHLY
    elif _QUARTERLY.search(text):
        frequency = Frequency.QUARTERLY
    return cents, frequency


# A sum in euros written in a catalogue's text: "600 €", "1 200 €", "0,50 €", "€1,200".
_EUROS = re.compile(
    r"(?:(\d{1,3}(?:[\s\u202f\u00a0]\d{3})+|\d+)(?:[,.](\d{1,2}))?\s*€)"
    r"|(?:€\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?)"
)


def euros_in(text: str) -> list[int]:
    """Every sum in euros a text names, in cents ("jusqu'à 1 200 €" → [120000])."""
    found = []
    for match in _EUROS.finditer(text):
        whole, cents = (match[1], match[2]) if match[1] else (match[3], match[4])
        units = int(re.sub(r"[\s\u202f\u00a0,]", "", whole))
        found.append(units * 100 + int((cents or "0").ljust(2, "0")))
    return found


def ceiling_in(text: str) -> int | None:
    """The most an aid's amount says it gives, in cents: its largest sum ("Jusqu'à 600 €"
    → 60000; "30 % du prix, jusqu'à 2 000 €" → 200000); None without a sum."""
    sums = euros_in(text)
    return max(sums) if sums else None


def safe_cell(value: object) -> str:
    """One cell as text, neutralised by the one CSV writer's rule (bot/spreadsheet.py)."""
    return str(neutralise("" if value is None else str(value)))
