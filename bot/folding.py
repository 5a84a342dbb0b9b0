"""Folding what people type into plain words, one way for every reader of words (places,
days, times, answers, aids): lower case, no accents, ligatures spelled out, and only the
punctuation a reader asks to keep ("8:30", "12/12", "lundi-vendredi")."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

_SPECIAL = {
    "œ": "oe",
    "Œ": "oe",
    "æ": "ae",
    "Æ": "ae",
    "ß": "ss",
    "ẞ": "ss",
    "ø": "o",
    "Ø": "o",
    "đ": "d",
    "Đ": "d",
    "ł": "l",
    "Ł": "l",
    "ı": "i",
}


def _fold_char(ch: str) -> str:
    if ch in _SPECIAL:
        return _SPECIAL[ch]
    decomposed = unicodedata.normalize("NFKD", ch)
    base = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return base if base.isascii() and base.isalnum() else " "


# Latin-1 and Latin Extended-A/B folded through one C-level str.translate.
_TABLE = {cp: _fold_char(chr(cp)) for cp in range(0x250)}


@cache
def _keeping(keep: str) -> tuple[dict[int, str], re.Pattern[str]]:
    table = dict(_TABLE)
    table.update({ord(ch): ch for ch in keep})
    return table, re.compile(f"[^a-z0-9{re.escape(keep)}]+")


def fold(text: str, keep: str = "") -> str:
    """Lower case ASCII letters and digits (accents and ligatures folded: "Œuvre" → "oeuvre"),
    the characters of ``keep`` as they are, everything else one space; stripped."""
    table, others = _keeping(keep)
    folded = text.translate(table)
    if not folded.isascii():
        folded = "".join(_fold_char(ch) if not ch.isascii() else ch for ch in folded)
    return others.sub(" ", folded).strip()
