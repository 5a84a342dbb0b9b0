"""Which team may see what (issue 22, item 3): with several territories, every team command
and button works on the territory whose group it is called from (or, in private, the
operator's own team). Another team's need or person gets a clear answer, never its data.

With one territory nothing is asked here: the answers and Telegram calls stay as they were.
"""

from __future__ import annotations

from telegram import Update

from bot.phones import parse_phone
from bot.territories import Scope, Territory
from handlers.deps import Deps
from handlers.replies import answer_button
from handlers.roles import OperatorDirectory


class Teams:
    def __init__(self, deps: Deps, directory: OperatorDirectory) -> None:
        self.deps = deps
        self.t = deps.t
        self.directory = directory

    @property
    def several(self) -> bool:
        return self.deps.settings.territories.several and self.deps.belonging is not None

    async def scope(self, update: Update) -> Scope | None:
        """What the operator behind `update` sees: their team's territory; None (everything)
        with a single territory."""
        if not self.several:
            return None
        territories = self.deps.settings.territories
        team = await self.directory.team_of(update)
        return territories.scope((team or territories.first).id)

    async def team(self, update: Update) -> Territory | None:
        if not self.several:
            return None
        return await self.directory.team_of(update) or self.deps.settings.territories.first

    def is_admin(self, update: Update) -> bool:
        """Whoever runs the deployment (ADMIN_USER_IDS): may see every territory's figures."""
        user = update.effective_user
        return user is not None and user.id in self.deps.settings.admin_user_ids

    async def may_see_need(self, update: Update, need_id: int, lang: str) -> bool:
        """False, with the answer said, when the need is another team's."""
        if not self.several or self.deps.belonging is None:
            return True
        territory = await self.deps.belonging.of_need(need_id)
        if territory is None:  # no such need: the usual answer follows
            return True
        return await self._may(update, territory, lang, "territories.not_yours_need")

    async def may_see_trip(self, update: Update, trip_id: int, lang: str) -> bool:
        """False, with the answer said, when the trip is another team's (the team answers
        for a driver without Telegram only in its own territory)."""
        if not self.several or self.deps.belonging is None:
            return True
        territory = await self.deps.belonging.of_trip(trip_id)
        if territory is None:
            return True
        return await self._may(update, territory, lang, "territories.not_yours_person")

    async def may_see_introduction(self, update: Update, introduction_id: int, lang: str) -> bool:
        """Likewise for a ride asked or planned: it belongs where its need does."""
        if not self.several or self.deps.belonging is None:
            return True
        territory = await self.deps.belonging.of_introduction(introduction_id)
        if territory is None:
            return True
        return await self._may(update, territory, lang, "territories.not_yours_need")

    async def may_see_person(self, update: Update, person_id: int, lang: str) -> bool:
        """False, with the answer said, when the person is another team's (someone whose
        territory is not known yet, registered but never travelling, is anyone's)."""
        if not self.several or self.deps.belonging is None:
            return True
        person = await self.deps.people.get(person_id)
        if person is None or person.territory is None:
            return True
        territory = self.deps.settings.territories.get(person.territory)
        return await self._may(update, territory, lang, "territories.not_yours_person")

    async def may_see_caller(self, update: Update, typed: str, lang: str) -> bool:
        """Likewise for someone the team registered by phone, named by their number."""
        if not self.several:
            return True
        phone = parse_phone(typed)
        caller = await self.deps.people.registered_with_phone(phone) if phone else None
        return caller is None or await self.may_see_person(update, caller.id, lang)

    async def _may(self, update: Update, territory: Territory, lang: str, key: str) -> bool:
        team = await self.team(update)
        belonging = self.deps.belonging
        if team is None or belonging is None:
            return True
        elsewhere = belonging.followed_elsewhere(team.id, territory.id)
        if elsewhere is None:
            return True
        text = self.t(lang, key, team=elsewhere.name)
        if update.callback_query is not None:
            await answer_button(update, text)
        elif update.effective_chat is not None:
            await update.get_bot().send_message(update.effective_chat.id, text)
        return False
