"""The Telegram assembly: the core (bot/assembly.py), the bot that writes to the outbox, the
handlers, the inbox runner and the deliverer, put together.

Not part of the core: this module, `bot.__main__` and `bot.try_mode` are the only modules in
bot/ that import Telegram or the handlers (the rest of bot/ imports neither). With
SMS_GATEWAY_URL set, the SMS channel is assembled beside it (handlers/sms): texts in through
the HTTP side, texts out through the same outbox and deliverer.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, Defaults
from telegram.request import BaseRequest, HTTPXRequest
from telegram.warnings import PTBUserWarning

from bot.assembly import Core, build_core
from bot.clock import Clock
from bot.delivery import GROUP_RATE, OVERALL_RATE, Rate, Report, SendBudget
from bot.domain import NotWired
from bot.interop.ports import PartnerClient
from bot.interop.telling_partners import ROUND_SECONDS
from bot.places.gazetteer import Gazetteer
from bot.services.bots import DEFAULT_BOT, Bots
from bot.services.delivery import InboxService
from bot.settings import Settings
from bot.workers import PARTNER_UPDATES, POLLER
from handlers.agenda import AgendaRunner
from handlers.aids import KeepAnswers
from handlers.common import CommonHandlers, set_command_menus
from handlers.deliverer import CONCURRENCY, Deliverer
from handlers.deps import Deps
from handlers.http import create_http_app
from handlers.http.context import HttpContext, SmsRoutes, Telling
from handlers.http.partner_client import HttpxPartnerClient
from handlers.http.server import HttpServer
from handlers.interop import InteropHandlers
from handlers.introductions import IntroductionHandlers
from handlers.members import MemberHandlers
from handlers.notify import Notifier
from handlers.ondemand import OnDemandHandlers
from handlers.operators import OperatorHandlers
from handlers.outbox_bot import OutboxBot, recording
from handlers.pending import PendingQuestions
from handlers.privacy import PrivacyHandlers
from handlers.reviews import ReviewHandlers, members_of_groups
from handlers.ride_papers import RidePaperHandlers
from handlers.rides import RideHandlers
from handlers.roles import OperatorDirectory
from handlers.sms.gateway import KannelGateway
from handlers.sms.outgoing import TextWriter
from handlers.sms.runner import TextRunner
from handlers.sms.sending import TextSender
from handlers.sms.talk import TextTalk
from handlers.sms_team import SmsTeamHandlers
from handlers.talk import TelegramConversations
from handlers.trips import TripsHandlers
from handlers.trust import SuspensionButtons
from handlers.tus import TusHandlers
from handlers.updates import ALLOWED_UPDATES, IDLE_LOOK, POLL_TIMEOUT, UpdateRunner
from handlers.volunteers import VolunteerHandlers
from i18n import Translator
from storage.bots import SqlBots
from storage.claims import engine_of
from storage.inbox import SqlInbox
from storage.persistence import SqlPersistence

log = logging.getLogger(__name__)

EARLY_GROUP = -2
# The conversations of the engine (handlers/talk.py): what they take goes no further.
CONVERSATIONS_GROUP = -1
MAIN_GROUP = 0
# /mesdemandes lists the aid applications after the needs, before any pending question.
APPLICATIONS_GROUP = 1
AFTER_GROUP = 2
AGENDA_JOB = "agenda"
# How often the agenda looks for what is due by default: the precision of every reminder
# (AGENDA_TICK_S).
AGENDA_TICK_SECONDS = 30


@dataclass
class TerritoryBot:
    """A territory's own Telegram bot (bot/services/bots.py): its application and its updates
    (its own inbox rows, its own poller or webhook path); the rest is the deployment's."""

    territory: str
    token: str
    application: Application  # type: ignore[type-arg]
    updates: UpdateRunner


@dataclass
class Mobilot:
    """A bot's parts, started and stopped together."""

    application: Application  # type: ignore[type-arg]
    core: Core
    deps: Deps
    updates: UpdateRunner
    deliverer: Deliverer
    http: HttpServer | None = None
    # The SMS channel (None without SMS_GATEWAY_URL).
    texts: TextRunner | None = None
    sms_sender: TextSender | None = None
    # Territories' own bots, beside BOT_TOKEN's (`application`).
    territory_bots: tuple[TerritoryBot, ...] = ()
    _heartbeat: asyncio.Task[None] | None = None

    @property
    def database(self):  # type: ignore[no-untyped-def]
        return self.core.database

    async def start(self, *, background: bool = False, serve_http: bool = False) -> None:
        """Connect to the Bot API, set the command menus, start the job queue, then handle
        what a crash left: updates recorded but not handled, messages not yet sent.

        `background` runs the update runner and the deliverer as tasks, with long polling
        unless WEBHOOK_URL is set (the deployed bot); without it, `receive` and `settle` do
        their work (the tests). `serve_http` serves the HTTP side on HTTP_HOST:HTTP_PORT."""
        settings = self.deps.settings
        await self.application.initialize()
        await set_command_menus(self.deps, self.application.bot)
        for own in self.territory_bots:
            await own.application.initialize()
            await set_command_menus(self.deps, own.application.bot)
        if settings.operator_chat_id is not None:
            await self.deps.digest.ensure_scheduled()
            await self.deps.dashboard.ensure_scheduled()
            if self.core.aid_review is not None:
                await self.core.aid_review.ensure_scheduled()
            if self.core.coordinator is not None:
                await self.core.coordinator.ensure_scheduled()
        await self.core.privacy.ensure_scheduled()
        if self.core.volunteer_rides is not None:
            await self.core.volunteer_rides.ensure_scheduled()
        if self.core.pruning is not None:
            await self.core.pruning.ensure_scheduled()
        await self.application.start()
        for own in self.territory_bots:
            await own.application.start()
        await self.core.inbox.prune()
        await self.core.delivery.prune()
        if serve_http and settings.http_port is not None:
            app = create_http_app(self.http_context())
            # Several workers on one machine share the port (the kernel spreads the calls).
            self.http = HttpServer(
                app, settings.http_host, settings.http_port, share=settings.workers > 1
            )
            await self.http.start()
        if not background:
            await self.settle()
            return
        bot = self.application.bot
        if settings.webhook_url is not None:
            await bot.set_webhook(
                settings.webhook_url,
                secret_token=webhook_secret(settings),
                allowed_updates=ALLOWED_UPDATES,
            )
        else:
            await bot.delete_webhook()  # getUpdates is refused while a webhook is set
        for own in self.territory_bots:
            if settings.webhook_url is not None:
                await own.application.bot.set_webhook(
                    territory_webhook_url(settings.webhook_url, own.territory),
                    secret_token=territory_webhook_secret(settings, own),
                    allowed_updates=ALLOWED_UPDATES,
                )
            else:
                await own.application.bot.delete_webhook()
        self.deliverer.start()
        if self.core.leases is not None and self.core.leases.worker.several:
            self._heartbeat = asyncio.create_task(self._beat(), name="heartbeat")
        self.updates.start(polling=settings.webhook_url is None)
        for own in self.territory_bots:
            own.updates.start(polling=settings.webhook_url is None)
        if self.texts is not None:
            self.texts.start()
        if self.core.partner_updates is not None:
            leases = self.core.leases
            if leases is not None and leases.worker.several:
                # One worker at a time tells the partners (each booking once); its lease
                # outlasts a few rounds, and goes to another worker if it dies.
                lease = max(leases.worker.lease, timedelta(seconds=3 * ROUND_SECONDS))
                self.core.partner_updates.may_run = lambda: leases.hold(PARTNER_UPDATES, lease)
            self.core.partner_updates.start()

    async def _beat(self) -> None:
        """With several workers: renew this worker's claims while it lives (a worker killed
        stops renewing, and its rows go to the others once its lease runs out), and let the
        matching index follow the others' trips even when no one searches here."""
        leases = self.core.leases
        if leases is None:
            return
        while True:
            try:
                await leases.renew()
                if self.core.trip_search is not None:
                    await self.core.trip_search.catch_up()
            except Exception:  # the database, say: again at the next beat, before the lease ends
                log.exception("worker %s: renewing its claims failed", leases.worker.name)
            await asyncio.sleep(leases.worker.renew_every)

    def http_context(self) -> HttpContext:
        settings = self.deps.settings
        bot = self.application.bot
        if not isinstance(bot, OutboxBot):
            raise NotWired("the application's bot is not the outbox bot")
        notifier = Notifier(self.deps, self.core.database.after_commit, text_writer(self.core))
        context = SimpleNamespace(bot=bot)
        core = self.core
        return HttpContext(
            sms=self._sms_routes(),
            core=core,
            last_telegram_success=lambda: bot.last_success,
            receive_update=self.updates.receive_one if settings.webhook_url else None,
            webhook_secret=webhook_secret(settings) if settings.webhook_url else None,
            territory_webhooks={
                own.territory: (own.updates.receive_one, territory_webhook_secret(settings, own))
                for own in self.territory_bots
            }
            if settings.webhook_url
            else {},
            polling=lambda: self.updates.polling_now,
            telling=Telling(
                recording=lambda: recording(core.database, core.delivery),
                write=lambda notices: notifier.write(context, notices),  # type: ignore[arg-type]
                wake=self.deliverer.wake,
            ),
        )

    def _sms_routes(self) -> SmsRoutes | None:
        settings, texts = self.deps.settings, self.texts
        if texts is None or settings.sms_secret is None:
            return None
        core, deliverer = self.core, self.deliverer

        async def reported(entry_id: int, report: Report, detail: str) -> None:
            async with recording(core.database, core.delivery):
                step = await core.delivery.report(entry_id, report, detail)
            await deliverer.follow(step)

        return SmsRoutes(settings.sms_secret.get_secret_value(), texts.receive, reported)

    async def receive(self, payload: dict[str, object], territory: str = DEFAULT_BOT) -> None:
        """An update from Telegram (to BOT_TOKEN's bot, or to `territory`'s own): recorded,
        handled, and its messages sent (as far as Telegram lets them through now)."""
        await self.updates_of(territory).receive([payload])
        await self.settle()

    def updates_of(self, territory: str) -> UpdateRunner:
        for own in self.territory_bots:
            if own.territory == territory:
                return own.updates
        if territory != DEFAULT_BOT:
            raise NotWired(f"no bot of its own for territory {territory!r}")
        return self.updates

    async def settle(self) -> None:
        await self.updates.handle_pending()
        for own in self.territory_bots:
            await own.updates.handle_pending()
        if self.texts is not None:
            await self.texts.handle_pending()
        await self.deliverer.flush()

    async def stop(self) -> None:
        """Stop handling updates and sending, close the database (pending work stays)."""
        try:
            if self._heartbeat is not None:
                self._heartbeat.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._heartbeat
                self._heartbeat = None
            if self.http is not None:
                await self.http.stop()
            if self.core.partner_updates is not None:
                await self.core.partner_updates.stop()
            await self.updates.stop()
            for own in self.territory_bots:
                await own.updates.stop()
            if self.texts is not None:
                await self.texts.stop()
            await self.deliverer.stop()
            if self.sms_sender is not None:
                await self.sms_sender.close()
            for application in [self.application, *(o.application for o in self.territory_bots)]:
                if application.running:
                    await application.stop()
                await application.shutdown()
        finally:
            await self.core.close()


def territory_webhook_url(webhook_url: str, territory: str) -> str:
    """Where Telegram posts a territory's own bot's updates: WEBHOOK_URL/<territory>."""
    return f"{webhook_url.rstrip('/')}/{territory}"


def territory_webhook_secret(settings: Settings, own: TerritoryBot) -> str:
    """Its own secret: from WEBHOOK_SECRET and the territory, else from its token."""
    if settings.webhook_secret is not None:
        seed = f"{settings.webhook_secret.get_secret_value()}:{own.territory}".encode()
    else:
        seed = own.token.encode()
    return hashlib.sha256(b"mobilot-webhook:" + seed).hexdigest()


def webhook_secret(settings: Settings) -> str:
    """WEBHOOK_SECRET, or one derived from the token (stable across restarts, never shown)."""
    if settings.webhook_secret is not None:
        return settings.webhook_secret.get_secret_value()
    if settings.bot_token is None:
        raise NotWired("no BOT_TOKEN to derive the webhook secret from")
    token = settings.bot_token.get_secret_value().encode()
    return hashlib.sha256(b"mobilot-webhook:" + token).hexdigest()


async def create_bot(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    clock: Clock | None = None,
    gazetteer: Gazetteer | None = None,
    rate_limit: bool = True,
    partner_client: PartnerClient | None = None,
    sms_gateway: KannelGateway | None = None,
) -> Mobilot:
    """Open the database (migrations included) and build the Telegram application.

    `request` replaces the HTTP layer (tests pass a fake Bot API); every Bot API call goes to
    `{TELEGRAM_API_URL}/bot{token}/METHOD`. `rate_limit` keeps sends within Telegram's limits
    (about 30 a second, 20 a minute per group) by the deliverer's budget, which never waits
    inside a send.
    """
    if settings.bot_token is None:
        raise ValueError("BOT_TOKEN is not set")
    core = await build_core(
        settings,
        clock=clock,
        gazetteer=gazetteer,
        partner_client=partner_client or HttpxPartnerClient(settings.interop_timeout_s),
    )
    token = settings.bot_token.get_secret_value()
    bot = outbox_bot(settings, token, request)
    several = settings.workers > 1
    bots = Bots(settings.territories, SqlBots(core.database), core.belonging, token)
    if bots.several:
        bot.serving(DEFAULT_BOT, bots)
    # With several workers, what python-telegram-bot keeps of a person is read again before
    # each of their updates: another worker may have changed it (or another bot).
    refresh = several or bots.several
    application = (
        ApplicationBuilder()
        .bot(bot)
        .updater(None)
        .persistence(SqlPersistence(core.database, refresh=refresh))
        .build()
    )
    deps = Deps(
        texts=core.texts if settings.sms_enabled else None,
        texting=core.texting if settings.sms_enabled else None,
        settings=settings,
        t=Translator(settings.default_language),
        people=core.people,
        trips=core.trips,
        places=core.places,
        needs=core.needs,
        introductions=core.introductions,
        operators=core.operators,
        reports=core.reports,
        rides=core.rides,
        words=core.words,
        digest=core.digest,
        agenda=core.agenda,
        clock=core.clock,
        consents=core.consents,
        privacy=core.privacy,
        trust=core.trust,
        aids=core.aids,
        applications=core.applications,
        dashboard=core.dashboard,
        tus=core.tus,
        finding=core.finding,
        partner_api=core.partner_api,
        transit=core.transit,
        conversations=core.conversations,
        belonging=core.belonging,
        bots=bots if bots.several else None,
        brand=core.brand,
    )
    sms_sender = sms_sender_for(settings, sms_gateway)
    deliverer = Deliverer(
        bot,
        core.delivery,
        core.database,
        core.clock,
        budget=budget_share(settings.workers, settings.telegram_messages_per_second)
        if rate_limit
        else None,
        texts=sms_sender,
        idle=IDLE_LOOK if several else 60.0,
    )
    common = CommonHandlers(deps)
    updates = UpdateRunner(
        application,
        core.inbox,
        core.delivery,
        deliverer,
        core.database,
        apologise=lambda update: common.apologise(update, application.bot),
        unavailable=lambda update, missing: common.unavailable(update, application.bot, missing),
        leases=core.leases,
    )
    # A team's group with a bot of its own is asked who is in it through that bot.
    asking: dict[int, Bot] = {}
    notifier = register_handlers(
        application, deps, common, deliverer, core, updates.people_first, asking=asking
    )
    territory_bots = [
        territory_bot(settings, territory, its_token, request, core, deps, deliverer, bots, asking)
        for territory, its_token in bots.tokens.items()
    ]
    for own in territory_bots:
        team = settings.territories.get(own.territory).team_chat_id
        if team is not None:
            asking[team] = own.application.bot
        deliverer.add_bot(
            own.territory,
            own.application.bot,
            budget_share(settings.workers, settings.telegram_messages_per_second)
            if rate_limit
            else None,
        )
    texts = None
    if deps.texts is not None and notifier.texts is not None:
        context = SimpleNamespace(bot=bot)
        talk = TextTalk(deps, notifier, context)  # type: ignore[arg-type]
        texts = TextRunner(
            deps.texts,
            talk,
            core.database,
            core.delivery,
            deliverer,
            notifier.texts,
            deps.t,
            idle=IDLE_LOOK if several else 60.0,
        )
    return Mobilot(
        application,
        core,
        deps,
        updates,
        deliverer,
        texts=texts,
        sms_sender=sms_sender,
        territory_bots=tuple(territory_bots),
    )


def territory_bot(
    settings: Settings,
    territory: str,
    token: str,
    request: BaseRequest | None,
    core: Core,
    deps: Deps,
    deliverer: Deliverer,
    bots: Bots,
    asking: dict[int, Bot],
) -> TerritoryBot:
    """A territory's own bot: an application of its own over the same core, deps and
    deliverer; its updates have their own rows in the inbox."""
    bot = outbox_bot(settings, token, request)
    bot.serving(territory, bots)
    application = (
        ApplicationBuilder()
        .bot(bot)
        .updater(None)
        .persistence(SqlPersistence(core.database, refresh=True))
        .build()
    )
    common = CommonHandlers(deps)
    worker = core.leases.worker if core.leases is not None else None
    inbox = SqlInbox(core.database, worker, engine_of(core.database), bot=territory)
    updates = UpdateRunner(
        application,
        InboxService(inbox, core.clock),
        core.delivery,
        deliverer,
        core.database,
        apologise=lambda update: common.apologise(update, bot),
        unavailable=lambda update, missing: common.unavailable(update, bot, missing),
        leases=core.leases,
        poller=f"{POLLER}:{territory}",
    )
    register_handlers(
        application, deps, common, deliverer, core, updates.people_first, own=True, asking=asking
    )
    return TerritoryBot(territory, token, application, updates)


def outbox_bot(settings: Settings, token: str, request: BaseRequest | None) -> OutboxBot:
    return OutboxBot(
        token=token,
        base_url=f"{settings.telegram_api_url}/bot{{token}}",
        base_file_url=f"{settings.telegram_api_url}/file/bot{{token}}",
        request=request or HTTPXRequest(connection_pool_size=CONCURRENCY + 4),
        get_updates_request=request or HTTPXRequest(read_timeout=POLL_TIMEOUT + 10),
        defaults=Defaults(
            parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
        ),
        # No rate limiter here: python-telegram-bot's waits inside the call, holding up every
        # other chat behind a busy group. Telegram's limits are the deliverer's budget, and
        # retries its own (it keeps each chat's order).
    )


def budget_share(workers: int, per_second: int = OVERALL_RATE.count) -> SendBudget:
    """Telegram's limits hold per bot, whatever the number of workers: each keeps within
    its share (a worker's budget never waits on another's; with WORKERS=4, 7 messages a
    second and 5 a minute in one group each). Conservative: an idle worker's share is lost,
    never exceeded by a busy one."""
    overall = Rate(per_second, OVERALL_RATE.per)
    if workers <= 1:
        return SendBudget(overall)
    return SendBudget(
        Rate(max(1, overall.count // workers), overall.per),
        Rate(max(1, GROUP_RATE.count // workers), GROUP_RATE.per),
    )


def sms_sender_for(settings: Settings, gateway: KannelGateway | None) -> TextSender | None:
    """The deliverer's way out for texts, when SMS_GATEWAY_URL is set."""
    if not settings.sms_enabled or settings.sms_secret is None:
        return None
    if settings.sms_gateway_url is None:
        raise NotWired("SMS is on without SMS_GATEWAY_URL")
    gateway = gateway or KannelGateway(
        settings.sms_gateway_url,
        settings.sms_username,
        settings.sms_password.get_secret_value(),
        settings.sms_number,
    )
    return TextSender(gateway, settings.sms_report_base, settings.sms_secret.get_secret_value())


def text_writer(core: Core) -> TextWriter | None:
    if not core.settings.sms_enabled or core.texts is None:
        return None
    return TextWriter(core.delivery, core.texts, core.brand)


def register_handlers(
    application: Application,  # type: ignore[type-arg]
    deps: Deps,
    common: CommonHandlers,
    deliverer: Deliverer,
    core: Core,
    people_first: Callable[[], Awaitable[None]] | None = None,
    *,
    own: bool = False,
    asking: dict[int, Bot] | None = None,
) -> Notifier:
    """The handlers of an application; `own`: a territory's own bot, which answers its
    updates and leaves the steps after a send, the group checks and the agenda to BOT_TOKEN's
    application (they run once)."""
    notifier = Notifier(deps, core.database.after_commit, text_writer(core))
    if not own:
        deliverer.use(notifier.steps(application.bot))
    directory = OperatorDirectory(
        deps.settings.operator_chat_id, territories=deps.settings.territories, asking=asking
    )
    if not own:
        core.group_members.check = members_of_groups(application.bot, directory)
    introductions = IntroductionHandlers(deps, notifier, directory)
    runner = AgendaRunner(
        core.scheduled, notifier, core.database, core.delivery, deliverer, people_first
    )
    with warnings.catch_warnings():
        # Buttons inside the conversations are checked against their nonce, not per message.
        warnings.filterwarnings("ignore", category=PTBUserWarning, message=".*per_message.*")
        aids = KeepAnswers(deps)
    reviews = ReviewHandlers(deps, notifier, directory)
    application.add_handlers(common.early_handlers(), group=EARLY_GROUP)
    talk = TelegramConversations(deps, notifier, directory)
    application.add_handler(talk, group=CONVERSATIONS_GROUP)
    application.add_handlers(aids.handlers(), group=MAIN_GROUP)
    application.add_handlers(reviews.handlers(), group=MAIN_GROUP)
    # After the others: its entry by words ("cahors demain 9h") must not take their answers.
    application.add_handler(talk.words_start(), group=MAIN_GROUP)
    application.add_handlers(TripsHandlers(deps, notifier, directory).handlers(), group=MAIN_GROUP)
    application.add_handlers(RideHandlers(deps, notifier, directory).handlers(), group=MAIN_GROUP)
    application.add_handlers(introductions.handlers(), group=MAIN_GROUP)
    privacy = PrivacyHandlers(deps, notifier, directory)
    application.add_handlers(privacy.handlers(), group=MAIN_GROUP)
    suspensions = SuspensionButtons(deps, notifier, directory)
    application.add_handlers(suspensions.handlers(), group=MAIN_GROUP)
    application.add_handlers(InteropHandlers(deps).handlers(), group=MAIN_GROUP)
    application.add_handlers(OnDemandHandlers(deps).handlers(), group=MAIN_GROUP)
    operators = OperatorHandlers(deps, notifier, directory)
    application.add_handlers(operators.handlers(), group=MAIN_GROUP)
    application.add_handlers(TusHandlers(deps, notifier, directory).handlers(), group=MAIN_GROUP)
    if core.volunteers is not None:  # the team's side of volunteer drivers (issue 24)
        volunteers = VolunteerHandlers(deps, notifier, directory, core.volunteers)
        application.add_handlers(volunteers.handlers(), group=MAIN_GROUP)
        members = MemberHandlers(deps, notifier, directory, core.coordinator)  # items 6, 4
        application.add_handlers(members.handlers(), group=MAIN_GROUP)
    if core.volunteer_rides is not None:  # their rides on paper (issue 24, item 4)
        papers = RidePaperHandlers(deps, notifier, directory, core.volunteer_rides)
        application.add_handlers(papers.handlers(), group=MAIN_GROUP)
    application.add_handlers(
        SmsTeamHandlers(deps, notifier, directory).handlers(), group=MAIN_GROUP
    )
    application.add_handlers(common.handlers(), group=MAIN_GROUP)
    # Last in the same group: only what no handler above took reaches them.
    application.add_handlers(common.last_handlers(), group=MAIN_GROUP)
    # /mesdemandes: the aid applications, after the needs listed in the main group.
    application.add_handlers(reviews.mine_handlers(), group=APPLICATIONS_GROUP)
    # Once an aside (/aide, /mestrajets…) is answered, the pending question comes back.
    application.add_handlers(PendingQuestions(talk).handlers(), group=AFTER_GROUP)
    application.add_error_handler(common.on_error)
    if own:
        return notifier
    if application.job_queue is None:
        raise NotWired("the application has no job queue")
    tick = deps.settings.agenda_tick_s
    application.job_queue.run_repeating(runner.tick, interval=tick, first=tick, name=AGENDA_JOB)
    return notifier
