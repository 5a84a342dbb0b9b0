"""What the handlers are given by the assembly: services, translator, settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from telegram import Update

from bot.clock import Clock
from bot.conversations.engine import Conversations
from bot.domain import Person, TelegramIdentity
from bot.interop.served import PartnerApi
from bot.interop.theirs import SearchWithPartners
from bot.services.agenda import AgendaService
from bot.services.aids import AidService
from bot.services.applications import ApplicationService
from bot.services.bots import DEFAULT_BOT, Bots
from bot.services.brand import Brand
from bot.services.consents import ConsentService
from bot.services.dashboard import DashboardService
from bot.services.digest import DigestService
from bot.services.introductions import IntroductionService
from bot.services.needs import NeedService
from bot.services.operators import OperatorService
from bot.services.people import PeopleService
from bot.services.places import PlaceService
from bot.services.privacy import PrivacyService
from bot.services.reports import ReportService
from bot.services.rides import RideService
from bot.services.territories import Belonging
from bot.services.texting import Texting
from bot.services.texts import TextService
from bot.services.transit import TransitService
from bot.services.trips import TripService
from bot.services.trust import TrustService
from bot.services.tus import TusService
from bot.services.words import WordsService
from bot.settings import Settings
from handlers.replies import IncompleteUpdate
from i18n import Translator


@dataclass(frozen=True)
class Deps:
    settings: Settings
    t: Translator
    people: PeopleService
    trips: TripService
    places: PlaceService
    needs: NeedService
    introductions: IntroductionService
    operators: OperatorService
    reports: ReportService
    rides: RideService
    words: WordsService
    digest: DigestService
    agenda: AgendaService
    clock: Clock
    consents: ConsentService
    privacy: PrivacyService
    trust: TrustService
    aids: AidService
    applications: ApplicationService
    dashboard: DashboardService
    tus: TusService
    # A need recorded with the partner platforms' journeys; their API (None when not served).
    finding: SearchWithPartners
    # People's conversations in progress (bot/conversations), whatever the channel.
    conversations: Conversations
    partner_api: PartnerApi | None = None
    # Texts from simple phones (None: no SMS gateway).
    texts: TextService | None = None
    texting: Texting | None = None
    # On-demand transport's reminders before the deadline to book.
    transit: TransitService | None = None
    # Where people and needs belong: which team may see them (issue 22).
    belonging: Belonging | None = None
    # Territories' own Telegram bots (None or none: BOT_TOKEN's alone).
    bots: Bots | None = None
    # Territories' numbers, names and towns: the name a person's service goes by and the town
    # of its examples (None: one territory without a number or a town of its own, Mobilot
    # speaks as itself).
    brand: Brand | None = None

    def team_chat(self, territory: str | None) -> int | None:
        """The group of that territory's team (the first territory's for None)."""
        found = self.settings.territories.get(territory).team_chat_id
        return found if found is not None else self.settings.operator_chat_id

    async def named(self, person_id: int) -> Translator:
        """The catalogs speaking to the person in their service's name, with its example
        town: their territory's once known, with several territories; with one, Mobilot's
        name and its territory's town (the core decides: bot/services/brand.py); else
        Mobilot's own words."""
        if self.brand is None:
            return self.t
        voice = await self.brand.voice_for(person_id)
        return self.t.named(voice.service, voice.town)

    def today(self) -> date:
        """Today in the territory (its time zone, not the server's)."""
        return self.clock.now().astimezone(self.settings.zone).date()

    def now_time(self) -> time:
        """The time now in the territory, to the minute."""
        return (
            self.clock.now().astimezone(self.settings.zone).time().replace(second=0, microsecond=0)
        )

    async def person(self, update: Update) -> Person:
        """The person writing; created on first contact, names refreshed from Telegram."""
        user = update.effective_user
        if user is None:
            raise IncompleteUpdate("handlers that need a person only run on updates with a user")
        person = await self.people.identify(
            TelegramIdentity(
                user_id=user.id,
                first_name=user.first_name,
                last_name=user.last_name,
                username=user.username,
                language_code=user.language_code,
            )
        )
        chat = update.effective_chat
        if self.bots is not None and self.bots.several and chat is not None and chat.id > 0:
            # In their private chat: the bot they wrote to is theirs from now on.
            bot = getattr(update.get_bot(), "territory", DEFAULT_BOT)
            await self.bots.wrote(person.id, user.id, str(bot))
        return person
