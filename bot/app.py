"""The assembly: settings, SQLite repositories, services and Telegram handlers put together.

This module and `bot.__main__` are the only parts of the core that know Telegram.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from dataclasses import dataclass

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ContextTypes,
    Defaults,
    TypeHandler,
)
from telegram.request import BaseRequest
from telegram.warnings import PTBUserWarning

from bot.agenda import Timing
from bot.clock import Clock, SystemClock
from bot.matching import MatchingParams
from bot.places.gazetteer import Gazetteer
from bot.places.geocoder import OnlineGeocoder
from bot.services.agenda import AgendaService
from bot.services.digest import DigestService
from bot.services.needs import NeedService
from bot.services.operators import OperatorService
from bot.services.people import PeopleService
from bot.services.places import PlaceService
from bot.services.reports import ReportService
from bot.services.rides import RideService
from bot.services.trips import TripService
from bot.settings import Settings
from handlers.agenda import AgendaRunner
from handlers.behalf import NeedOnBehalf, TripOnBehalf
from handlers.common import CommonHandlers, set_command_menus
from handlers.deps import Deps
from handlers.find import FindConversation
from handlers.introductions import IntroductionHandlers
from handlers.notify import Notifier
from handlers.offer import OfferConversation
from handlers.operators import OperatorDirectory, OperatorHandlers
from handlers.rides import RideHandlers
from handlers.trips import TripsHandlers
from i18n import Translator
from storage.agenda import SqliteAgenda
from storage.db import Database
from storage.introductions import SqliteIntroductionRepository
from storage.needs import SqliteNeedRepository
from storage.people import SqlitePeopleRepository
from storage.persistence import SqlitePersistence
from storage.reports import SqliteReports
from storage.trip_search import SqliteTripSearch
from storage.trips import SqliteTripRepository

log = logging.getLogger(__name__)

EARLY_GROUP = -1
MAIN_GROUP = 0
PERSIST_GROUP = 100
AGENDA_JOB = "agenda"
# How often the agenda looks for what is due: the precision of every reminder.
AGENDA_TICK_SECONDS = 30


@dataclass
class Mobilot:
    """A bot's parts, started and stopped together."""

    application: Application  # type: ignore[type-arg]
    database: Database
    deps: Deps

    async def start(self) -> None:
        """Connect to the Bot API, set the command menus, start the job queue (not polling)."""
        await self.application.initialize()
        await set_command_menus(self.deps, self.application.bot)
        if self.deps.settings.operator_chat_id is not None:
            await self.deps.digest.ensure_scheduled()
        await self.application.start()

    async def stop(self) -> None:
        """Stop handling updates, write what is pending, close the database."""
        try:
            if self.application.running:
                await self.application.stop()
            await self.application.shutdown()
        finally:
            await self.database.close()


async def create_bot(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    clock: Clock | None = None,
    gazetteer: Gazetteer | None = None,
) -> Mobilot:
    """Open the database (migrations included) and build the Telegram application.

    `request` replaces the HTTP layer (tests pass a fake Bot API); every Bot API call goes to
    `{TELEGRAM_API_URL}/bot{token}/METHOD`.
    """
    if settings.bot_token is None:
        raise ValueError("BOT_TOKEN is not set")
    clock = clock or SystemClock()
    if gazetteer is None:
        gazetteer = await asyncio.to_thread(
            Gazetteer.load, settings.territory_departments, settings.local_places_file
        )
    database = await Database.open(settings.database_path)
    params = MatchingParams.from_settings(settings)
    search = SqliteTripSearch(database, params)
    await search.ensure_index()
    people = SqlitePeopleRepository(database)
    trips = SqliteTripRepository(database)
    online = OnlineGeocoder(gazetteer) if settings.online_geocoder else None
    agenda = SqliteAgenda(database)
    timing = Timing.from_settings(settings)
    trip_service = TripService(
        trips, search, clock, people=people, agenda=agenda, unit_of_work=database, timing=timing
    )
    need_repository = SqliteNeedRepository(database)
    introductions = SqliteIntroductionRepository(database)
    matching = NeedService(
        needs=need_repository,
        introductions=introductions,
        trips=trips,
        people=people,
        search=search,
        params=params,
        clock=clock,
        agenda=agenda,
        unit_of_work=database,
        timing=timing,
    )
    operators = OperatorService(
        needs=need_repository,
        follow_up=need_repository,
        introductions=introductions,
        people=people,
        matching=matching,
        trips=trip_service,
        params=params,
        clock=clock,
        agenda=agenda,
        unit_of_work=database,
        timing=timing,
    )
    rides = RideService(
        introductions=introductions,
        needs=need_repository,
        people=people,
        trips=trips,
        clock=clock,
        calendar=timing.calendar,
    )
    deps = Deps(
        settings=settings,
        t=Translator(settings.default_language),
        people=PeopleService(people, clock, settings.default_language),
        trips=trip_service,
        places=PlaceService(gazetteer, online),
        needs=matching,
        operators=operators,
        reports=ReportService(SqliteReports(database), clock),
        rides=rides,
        digest=DigestService(
            operators=operators,
            rides=rides,
            needs=need_repository,
            introductions=introductions,
            people=people,
            trips=trips,
            clock=clock,
            agenda=agenda,
            unit_of_work=database,
            timing=timing,
        ),
        agenda=AgendaService(agenda, clock),
        clock=clock,
    )

    builder = (
        ApplicationBuilder()
        .token(settings.bot_token.get_secret_value())
        .base_url(f"{settings.telegram_api_url}/bot{{token}}")
        .base_file_url(f"{settings.telegram_api_url}/file/bot{{token}}")
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
            )
        )
        .persistence(SqlitePersistence(database))
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    application = builder.build()
    register_handlers(application, deps)
    return Mobilot(application=application, database=database, deps=deps)


def register_handlers(application: Application, deps: Deps) -> None:  # type: ignore[type-arg]
    common = CommonHandlers(deps)
    notifier = Notifier(deps)
    directory = OperatorDirectory(deps.settings.operator_chat_id)
    introductions = IntroductionHandlers(deps, notifier, directory)
    runner = AgendaRunner(deps, notifier)
    with warnings.catch_warnings():
        # Buttons inside the conversations are checked against their nonce, not per message.
        warnings.filterwarnings("ignore", category=PTBUserWarning, message=".*per_message.*")
        offer = OfferConversation(deps, notifier).handler()
        find = FindConversation(deps, notifier).handler()
        need_on_behalf = NeedOnBehalf(deps, notifier, directory).handler()
        trip_on_behalf = TripOnBehalf(deps, notifier, directory).handler()
    application.add_handlers(common.early_handlers(), group=EARLY_GROUP)
    application.add_handler(offer, group=MAIN_GROUP)
    application.add_handler(find, group=MAIN_GROUP)
    application.add_handler(need_on_behalf, group=MAIN_GROUP)
    application.add_handler(trip_on_behalf, group=MAIN_GROUP)
    application.add_handlers(TripsHandlers(deps, notifier, directory).handlers(), group=MAIN_GROUP)
    application.add_handlers(RideHandlers(deps, notifier, directory).handlers(), group=MAIN_GROUP)
    application.add_handlers(introductions.handlers(), group=MAIN_GROUP)
    operators = OperatorHandlers(deps, notifier, directory)
    application.add_handlers(operators.handlers(), group=MAIN_GROUP)
    application.add_handlers(common.handlers(), group=MAIN_GROUP)
    # Last in the same group: only what no handler above took reaches them.
    application.add_handlers(common.last_handlers(), group=MAIN_GROUP)
    application.add_handler(TypeHandler(Update, _persist_now), group=PERSIST_GROUP)
    application.add_error_handler(common.on_error)
    assert application.job_queue is not None
    application.job_queue.run_repeating(
        runner.tick, interval=AGENDA_TICK_SECONDS, first=AGENDA_TICK_SECONDS, name=AGENDA_JOB
    )


async def _persist_now(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Write conversation state after every update, so a crash loses nothing typed."""
    await context.application.update_persistence()
