"""A table of wordings by kind of notice (bot/notices/), checked by mypy.

Each entry pairs a kind (a `NoticeValues` class) with the function that words it; `add`
makes mypy check that the function reads that kind's values, and a kind worded twice is
refused. A kind shares its wording with the kinds built on it only when each is added.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TypeVar, cast

from bot.notices import NoticeValues

V = TypeVar("V", bound=NoticeValues)
# Words one notice in a language: (language, values) -> text.
Wording = Callable[[str, NoticeValues], str]


class Wordings:
    def __init__(self) -> None:
        self._table: dict[type[NoticeValues], Wording] = {}

    def add(self, words: Callable[[str, V], str], *kinds: type[V]) -> None:
        for kind in kinds:
            if kind in self._table:
                raise TypeError(f"{kind.__name__} is worded twice")
            # Safe: `word` hands each function only values of the kind it was added for.
            self._table[kind] = cast(Wording, words)

    def update(self, other: Wordings) -> None:
        for kind, words in other._table.items():
            self.add(words, kind)

    def word(self, lang: str, values: NoticeValues) -> str:
        words = self._table.get(type(values))
        if words is None:
            raise KeyError(f"no wording for the notice {type(values).__name__}")
        return words(lang, values)

    def __contains__(self, kind: type[NoticeValues]) -> bool:
        return kind in self._table

    def __iter__(self) -> Iterator[type[NoticeValues]]:
        return iter(self._table)
