"""Funders: who reviews which aid, in which Telegram group (FUNDERS_FILE).

A CSV file with the columns `name, chat_id, aids` (`aids`: the aid ids separated by spaces
or commas, or empty or `*` for every aid). The first funder that reviews an aid gets its
applications; an aid no funder reviews goes to the operators' group.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bot.aids.model import Funder
from bot.territories import Territories
from bot.territory_csv import read_territory_csv

COLUMNS = ("name", "chat_id", "aids")


class FundersFileError(ValueError):
    pass


@dataclass(frozen=True)
class Funders:
    funders: tuple[Funder, ...]
    # The operators' group: reviews what no funder of the file does.
    default: Funder | None

    def for_aid(self, aid_id: str) -> Funder | None:
        for funder in self.funders:
            if funder.reviews(aid_id):
                return funder
        return self.default

    def by_chat(self, chat_id: int) -> list[Funder]:
        found = [f for f in self.funders if f.chat_id == chat_id]
        if self.default is not None and self.default.chat_id == chat_id:
            found.append(self.default)
        return found


@dataclass(frozen=True)
class TerritoryFunders:
    """Several territories (issue 22): each its funders, and its team's group for the aids
    none of them reviews. An application goes to those of its person's territory."""

    by_territory: dict[str, Funders]
    # The territory of a person not placed yet, or of an unknown id.
    first: str

    def of(self, territory: str | None) -> Funders:
        return self.by_territory.get(territory or self.first) or self.by_territory[self.first]

    def everyone(self) -> list[Funders]:
        return list(self.by_territory.values())

    def union(self) -> Funders:
        """Every territory's funders and teams (the groups that review something)."""
        seen: list[Funder] = []
        for funders in self.everyone():
            for funder in (*funders.funders, funders.default):
                if funder is not None and funder not in seen:
                    seen.append(funder)
        first = self.of(self.first).default
        return Funders(tuple(f for f in seen if f != first), first)


def load_territory_funders(territories: Territories, shared_file: Path | None) -> TerritoryFunders:
    """Each territory's funders file (else FUNDERS_FILE), its team's group the default."""
    return TerritoryFunders(
        {
            t.id: load_funders(t.funders_file or shared_file, t.team_chat_id, t.name)
            for t in territories.items
        },
        territories.first.id,
    )


def load_funders(path: Path | None, operators_chat: int | None, team_name: str) -> Funders:
    default = Funder(team_name, operators_chat) if operators_chat is not None else None
    if path is None:
        return Funders((), default)
    return Funders(tuple(read_funders_file(path)), default)


def read_funders_file(path: Path) -> list[Funder]:
    funders = []
    for row in read_territory_csv(path, COLUMNS, error=FundersFileError):
        name, chat = row.get("name"), row.get("chat_id")
        if not name:
            raise FundersFileError(f"{row.where}: name is empty")
        if not re.fullmatch(r"-\d{5,20}", chat):
            raise FundersFileError(
                f"{row.where}: chat_id {chat!r} is not a group id (e.g. -1001234567890)"
            )
        aids = {a for a in re.split(r"[\s,;]+", row.get("aids")) if a}
        funders.append(Funder(name, int(chat), frozenset() if aids <= {"*"} else frozenset(aids)))
    return funders
