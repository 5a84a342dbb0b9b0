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


def safe_cell(value: object) -> str:
    """One cell as text, neutralised by the one CSV writer's rule (bot/spreadsheet.py)."""
    return str(neutralise("" if value is None else str(value)))
