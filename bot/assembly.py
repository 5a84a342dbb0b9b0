"""The core put together without Telegram: settings, database, clock and services.

The Telegram application (bot/app.py), the HTTP side (handlers/http) and, later, the try
page and the partner platforms' API all run on one `Core`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

from bot.agenda import Calendar, Timing
from bot.aids.catalogue import Catalogue, load_catalogue, say_untranslated
from bot.aids.funders import load_funders, load_territory_funders
from bot.clock import Clock, SystemClock
from bot.conversations.aids import AidsFlow
from bot.conversations.apply import ApplyFlow
from bot.conversations.cancel_need import CancelNeedFlow
from bot.conversations.engine import Conversations, Flow
from bot.conversations.find import FindFlow
from bot.conversations.forget import ForgetFlow
from bot.conversations.offer import OfferFlow
from bot.conversations.report import ReportFlow
from bot.conversations.review import GroupMembers, ReviewFlow
from bot.conversations.volunteer import VolunteerFlow
from bot.conversations.welcome import WelcomeFlow
from bot.interop.partners import Partner, load_partners
from bot.interop.ports import PartnerClient
from bot.interop.served import PartnerApi
from bot.interop.telling_partners import PartnerUpdates
from bot.interop.theirs import PartnerSearch, SearchWithPartners
from bot.matching import MatchingParams
from bot.places.gazetteer import Gazetteer
from bot.places.geocoder import OnlineGeocoder
from bot.services.agenda import AgendaService
from bot.services.aids import AidService, CatalogueReview
from bot.services.announcements import AnnouncementService
from bot.services.applications import ApplicationService
from bot.services.brand import Brand, ExampleTownError, example_towns
from bot.services.consents import ConsentService
from bot.services.coordinator import CoordinatorService
from bot.services.dashboard import DashboardService
from bot.services.delivery import DeliveryService, InboxService
from bot.services.digest import DigestService
from bot.services.introductions import IntroductionService
from bot.services.needs import NeedService
from bot.services.operators import OperatorService
from bot.services.people import PeopleService
from bot.services.places import PlaceService
from bot.services.privacy import PrivacyService
from bot.services.pruning import Pruning
from bot.services.reports import ReportService
from bot.services.rides import RideService
from bot.services.scheduled import ScheduledWork
from bot.services.territories import Belonging
from bot.services.texting import Texting
from bot.services.texts import TextService
from bot.services.transit import TransitService
from bot.services.trips import TripService
from bot.services.trust import MatchGuard, TrustService
from bot.services.tus import TusService
from bot.services.volunteer_rides import VolunteerRideService
from bot.services.volunteers import VolunteerService
from bot.services.wiring import wire_matching
from bot.services.words import WordsService
from bot.settings import TUS_LEGAL_CAP_EUR_PER_KM, SettingFileError, Settings
from bot.transit.catalog import MobilityService, read_services
from bot.transit.flex import read_flex
from bot.transit.ondemand import OnDemandService
from bot.transit.planner import TransitPlanner
from bot.workers import Leases, Worker
from storage.agenda import SqlAgenda
from storage.aids import ProofFolder, SqlAidAnswers, SqlApplications
from storage.claims import SqlClaims, engine_of
from storage.consents import SqlConsents
from storage.conversations import SqlConversations
from storage.dashboard import SqlDashboard
from storage.db import Database
from storage.engine import open_database
from storage.inbox import SqlInbox
from storage.interop import SqlBookings, SqlSharedNeeds
from storage.introductions import SqlIntroductionRepository
from storage.needs import SqlNeedRepository
from storage.outbox import SqlOutbox
from storage.people import SqlPeopleRepository
from storage.personal_data import AidsHeld, NeedsHeld, core_holders
from storage.reports import SqlReports
from storage.sms_channel import SmsChannelHeld
from storage.territories import SqlTerritories
from storage.texts import SqlTextInbox
from storage.transit import SqlTimetable
from storage.trip_search import IndexedTripSearch
from storage.trips import SqlTripRepository
from storage.trust import SqlPersonReports
from storage.tus import SqlTusRegister
from storage.volunteer_rides import SqlVolunteerRides, VolunteerRidesHeld
from storage.volunteers import SqlVolunteers, VolunteersHeld


@dataclass(frozen=True)
class Core:
    settings: Settings
    database: Database
    clock: Clock
    people: PeopleService
    trips: TripService
    places: PlaceService
    needs: NeedService
    introductions: IntroductionService
    announcements: AnnouncementService
    operators: OperatorService
    reports: ReportService
    rides: RideService
    words: WordsService
    digest: DigestService
    agenda: AgendaService
    inbox: InboxService
    delivery: DeliveryService
    consents: ConsentService
    privacy: PrivacyService
    trust: TrustService
    aids: AidService
    applications: ApplicationService
    transit: TransitService
    dashboard: DashboardService
    tus: TusService
    # A need recorded, with the partner platforms' journeys (standard covoiturage).
    finding: SearchWithPartners
    # The partners' API; None unless INTEROP_OPERATOR is set.
    partner_api: PartnerApi | None
    # People's conversations in progress, whatever the channel.
    conversations: Conversations
    # Tells partners what became of their bookings; None without the API or a client.
    partner_updates: PartnerUpdates | None = None
    # Who belongs to a funder's group, as the channel knows it (set by the Telegram assembly).
    group_members: GroupMembers = field(default_factory=GroupMembers)
    # Texts received from simple phones, and what texting costs (the SMS channel).
    texts: TextService | None = None
    # Each week, the aids to check again, shown to the team.
    aid_review: CatalogueReview | None = None
    # Volunteer drivers of an association: availability and file (issue 24).
    volunteers: VolunteerService | None = None
    # Their rides on paper: receipts, monthly statements, donations (issue 24, item 4).
    volunteer_rides: VolunteerRideService | None = None
    # Each morning, the coordinator's day in the team's group (issue 24, item 6).
    coordinator: CoordinatorService | None = None
    # Every day, settled updates, messages and texts older than kept are forgotten.
    pruning: Pruning | None = None
    # Where people, needs and trips belong; which team sees them (issue 22).
    belonging: Belonging | None = None
    # This process among the deployment's workers, and its claims (bot/workers.py).
    leases: Leases | None = None
    # The matching index, which follows the other workers' changes of trips.
    trip_search: IndexedTripSearch | None = None
    # Each territory's example town, by id (bot/services/brand.py).
    example_towns: dict[str, str] = field(default_factory=dict)

    @cached_property
    def brand(self) -> Brand | None:
        """Territories' own SMS numbers, names and example towns (bot/services/brand.py);
        None when none has a number or a town and there is one territory (the deployment
        speaks as itself, its examples the catalogue's). With one territory and its town,
        only the town is its: no number of its own, no name but the deployment's."""
        if self.belonging is None:
            return None
        brand = Brand(
            self.settings.territories,
            self.belonging,
            self.settings.sms_number,
            self.example_towns,
        )
        return brand if brand.numbered or brand.named or brand.voiced else None

    @cached_property
    def texting(self) -> Texting | None:
        """What a text from a simple phone does (bot/services/texting.py)."""
        if self.texts is None:
            return None
        zone = self.settings.zone
        return Texting(
            self.texts,
            self.people,
            self.conversations,
            self.words,
            lambda: self.clock.now().astimezone(zone).date(),
            brand=self.brand,
        )

    @cached_property
    def scheduled(self) -> ScheduledWork:
        """What each agenda entry does (bot/services/scheduled.py)."""
        return ScheduledWork(
            agenda=self.agenda,
            unit_of_work=self.database,
            clock=self.clock,
            calendar=Calendar(self.settings.zone),
            team_chat=self.settings.operator_chat_id is not None,
            introductions=self.introductions,
            needs=self.needs,
            trips=self.trips,
            rides=self.rides,
            operators=self.operators,
            digest=self.digest,
            dashboard=self.dashboard,
            privacy=self.privacy,
            applications=self.applications,
            aid_review=self.aid_review,
            transit=self.transit,
            volunteers=self.volunteers,
            pruning=self.pruning,
            volunteer_rides=self.volunteer_rides,
            coordinator=self.coordinator,
            territories=self.settings.territories,
        )

    async def close(self) -> None:
        await self.database.close()

    async def database_reachable(self) -> bool:
        try:
            await self.database.schema_version()
        except Exception:
            return False
        return True


@dataclass(frozen=True)
class Loaded:
    database: Database
    gazetteer: Gazetteer
    params: MatchingParams
    search: IndexedTripSearch
    timetable: SqlTimetable
    on_demand: list[OnDemandService]
    services: list[MobilityService]
    catalogue: Catalogue
    # Each territory's example town ("Brive"), by id: none with one territory undeclared.
    example_towns: dict[str, str] = field(default_factory=dict)


def load_places(departments: tuple[str, ...], local_places_files: tuple[Path, ...]) -> Gazetteer:
    """The communes, and every territory's own places."""
    first = local_places_files[0] if local_places_files else None
    gazetteer = Gazetteer.load(departments, first)
    for path in local_places_files[1:]:
        gazetteer = gazetteer.with_local_places(path)
    return gazetteer


async def load(settings: Settings, gazetteer: Gazetteer | None = None) -> Loaded:
    """What the start reads before anything is wired: the database (migrations included),
    the places, the trips' index, the timetables and the territory's files. A wrong file
    stops the start naming it (SettingFileError), and leaves nothing open."""
    # The places load in a thread while the trips load from the database: on two cores,
    # start-up takes the longer of the two, not their sum.
    places = (
        asyncio.to_thread(load_places, settings.territory_departments, settings.local_places_files)
        if gazetteer is None
        else None
    )
    loading = asyncio.ensure_future(places) if places is not None else None
    try:
        url = settings.database_url.get_secret_value() if settings.database_url else None
        database = await open_database(settings.database_path, url)
    except BaseException:
        if loading is not None:
            await asyncio.gather(loading, return_exceptions=True)
        raise
    try:
        params = MatchingParams.from_settings(settings)
        search = IndexedTripSearch(
            database, params, worker=worker_of(settings), engine=engine_of(database)
        )
        await search.ensure_index()
        if loading is not None:
            gazetteer = await loading
    except BaseException:
        # a wrong places file stops the start: the database's thread must not keep it alive
        await asyncio.gather(*[loading] if loading else [], return_exceptions=True)
        await database.close()
        raise
    if gazetteer is None:  # only when the places' task was cancelled
        await database.close()
        raise RuntimeError("the places were not loaded")
    try:
        timetable = SqlTimetable(database, settings.zone)
        # A feed whose file changed since the last start is imported again; the others are kept.
        try:
            await timetable.import_feeds(settings.gtfs_files)
        except ValueError as error:
            raise SettingFileError("GTFS_FILES", str(error)) from None
        try:
            flex = []
            for path in settings.gtfs_files:  # on-demand services: read at each start
                flex += await asyncio.to_thread(read_flex, Path(path), settings.zone)
        except ValueError as error:
            raise SettingFileError("GTFS_FILES", str(error)) from None
        try:
            services = []
            for services_file in settings.services_files:  # every territory's, as one list
                services += await asyncio.to_thread(
                    read_services, services_file, gazetteer, settings.zone
                )
        except ValueError as error:
            raise SettingFileError("SERVICES_FILE", str(error)) from None
        catalogue = await asyncio.to_thread(load_catalogue, *settings.aids_files)
        try:  # each territory's example town (the one territory's too), once
            towns = await example_towns(settings.territories, gazetteer, PlaceService(gazetteer))
        except ExampleTownError as error:
            declared = "TERRITORIES_FILE" if settings.territories_file else "EXAMPLE_TOWN"
            raise SettingFileError(declared, str(error)) from None
    except BaseException:
        await database.close()  # or its thread keeps the process from exiting
        raise
    return Loaded(database, gazetteer, params, search, timetable, flex, services, catalogue, towns)


async def build_core(
    settings: Settings,
    *,
    clock: Clock | None = None,
    gazetteer: Gazetteer | None = None,
    partner_client: PartnerClient | None = None,
) -> Core:
    """Read what the start needs (`load`), then put the services together (`wire`)."""
    return wire(settings, await load(settings, gazetteer), clock or SystemClock(), partner_client)


def wire(
    settings: Settings, loaded: Loaded, clock: Clock, partner_client: PartnerClient | None = None
) -> Core:
    """The services on the loaded database and files: nothing here reads a file or waits."""
    database, gazetteer, params, search = (
        loaded.database,
        loaded.gazetteer,
        loaded.params,
        loaded.search,
    )
    timetable, flex, services = loaded.timetable, loaded.on_demand, loaded.services
    catalogue = loaded.catalogue
    people = SqlPeopleRepository(database)
    trips = SqlTripRepository(database)
    online = OnlineGeocoder(gazetteer) if settings.online_geocoder else None
    worker, engine = worker_of(settings), engine_of(database)
    agenda = SqlAgenda(database, worker, engine)
    timing = Timing.from_settings(settings)
    need_repository = SqlNeedRepository(database)
    transit = TransitService(
        planner=TransitPlanner(timetable) if settings.gtfs_files else None,
        services=services,
        gazetteer=gazetteer,
        clock=clock,
        calendar=timing.calendar,
        max_wait_minutes=settings.max_wait_minutes,
        on_demand=flex,
        needs=need_repository,
        people=people,
        agenda=agenda,
        unit_of_work=database,
    )
    introductions = SqlIntroductionRepository(database)
    person_reports = SqlPersonReports(database)
    belonging = Belonging(settings.territories, SqlTerritories(database))
    volunteer_repository = SqlVolunteers(database)
    volunteers = VolunteerService(
        belonging=belonging,
        volunteers=volunteer_repository,
        people=people,
        trips=trips,
        introductions=introductions,
        params=params,
        eur_per_km=settings.tus_eur_per_km,
        clock=clock,
        calendar=timing.calendar,
        agenda=agenda,
        unit_of_work=database,
        reminder_hour=settings.follow_up_hour,
    )
    volunteer_rides = VolunteerRideService(
        rides=SqlVolunteerRides(database),
        volunteers=volunteer_repository,
        people=people,
        params=params,
        eur_per_km=settings.tus_eur_per_km,
        legal_cap_eur_per_km=TUS_LEGAL_CAP_EUR_PER_KM,
        scale_eur_per_km=settings.volunteer_scale_eur_per_km,
        clock=clock,
        calendar=timing.calendar,
        agenda=agenda,
        unit_of_work=database,
        statement_hour=settings.digest_hour,
        territories=settings.territories,
    )
    tus = TusService(
        register=SqlTusRegister(database),
        gazetteer=gazetteer,
        clock=clock,
        unit_of_work=database,
        eur_per_km=settings.tus_eur_per_km,
        road_factor=settings.road_factor,
        volunteer_year=volunteer_rides.year_figures,
        people=people,
        territories=settings.territories,
    )
    wired = wire_matching(
        needs=need_repository,
        introductions=introductions,
        trips=trips,
        people=people,
        search=search,
        agenda=agenda,
        unit_of_work=database,
        params=params,
        clock=clock,
        timing=timing,
        guard=MatchGuard(people, person_reports),
        alternatives=transit,
        volunteers=volunteers,
        bookings=SqlBookings(database),
        cost_share_eur_per_km=settings.cost_share_eur_per_km,
        keep_paper=volunteer_rides.record,
        membership=tus.ride_asked,
        volunteer_lookup=volunteers,
        belonging=belonging,
    )
    matching, rides, announcements = wired.needs, wired.rides, wired.announcements
    trip_service, introduction_service = wired.trips, wired.introductions
    consents = SqlConsents(database)
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
        consents=consents,
        belonging=belonging,
    )
    outbox = SqlOutbox(database, worker, engine)
    privacy = PrivacyService(
        people=people,
        need_repository=need_repository,
        introduction_repository=introductions,
        needs=matching,
        introductions=introduction_service,
        trips=trip_service,
        rides=rides,
        anonymiser=NeedsHeld(database),
        clock=clock,
        agenda=agenda,
        unit_of_work=database,
        calendar=timing.calendar,
        retention_months=settings.retention_months,
        inactive_months=settings.inactive_months,
        run_hour=settings.follow_up_hour,
    )
    for holder in core_holders(database):
        privacy.register(holder)
    privacy.register(VolunteersHeld(database))
    privacy.register(VolunteerRidesHeld(database))
    # The SMS channel's consent, handed over with the rest (/mesdonnees).
    privacy.register(SmsChannelHeld(database))
    say_untranslated(catalogue, settings.aids_files[0] if settings.aids_files else None)
    # The proofs live beside the database, never in a group's history.
    proofs = ProofFolder(settings.database_path.parent / "proofs")
    aid_answers = SqlAidAnswers(database)
    aids = AidService(
        catalogue, aid_answers, need_repository, trips, clock, settings, belonging=belonging
    )
    territory_funders = (
        load_territory_funders(settings.territories, settings.funders_file)
        if settings.territories.several
        else None
    )
    applications = ApplicationService(
        catalogue=catalogue,
        funders=(
            territory_funders.union()
            if territory_funders is not None
            else load_funders(settings.funders_file, settings.operator_chat_id, "Mobilot")
        ),
        applications=SqlApplications(database),
        people=people,
        files=proofs,
        agenda=agenda,
        clock=clock,
        unit_of_work=database,
        proof_retention_days=settings.proof_retention_days,
        answers=aid_answers,
        territory_funders=territory_funders,
        belonging=belonging,
    )
    # Aid applications go with the rest of a person's data (/mesdonnees, /oublier).
    privacy.register(AidsHeld(database, [applications.forget, aids.forget]))
    reports = ReportService(SqlReports(database), clock)
    partners: list[Partner] = (
        load_partners(settings.interop_partners_file) if settings.interop_partners_file else []
    )
    partner_api = None
    if settings.interop_operator is not None:
        partner_api = PartnerApi(
            operator=settings.interop_operator,
            partners=partners,
            trips=trips,
            people=people,
            needs=need_repository,
            search=search,
            bookings=SqlBookings(database),
            shared=SqlSharedNeeds(database),
            params=params,
            clock=clock,
            calendar=timing.calendar,
            unit_of_work=database,
            answer_delay=timing.answer_delay,
        )
    their_journeys = (
        PartnerSearch(
            partners, partner_client, clock, timing.calendar, params, settings.interop_timeout_s
        )
        if partner_client is not None
        else None
    )
    people_service = PeopleService(people, clock, settings.default_language)
    place_service = PlaceService(gazetteer, online)
    consent_service = ConsentService(consents, clock, people)
    offer_flows = [
        OfferFlow(
            place_service,
            settings.territory_departments,
            consent_service,
            people_service,
            trip_service,
            operators,
            for_caller=for_caller,
        )
        for for_caller in (False, True)
    ]
    finding = SearchWithPartners(matching, their_journeys, serving=partner_api is not None)
    find_flows = [
        FindFlow(
            place_service,
            settings.territory_departments,
            consent_service,
            finding,
            operators,
            settings.retention_months,
            for_caller=for_caller,
            ask_prescribed=settings.tus_eur_per_km is not None,
        )
        for for_caller in (False, True)
    ]
    trust = TrustService(
        reports=person_reports,
        people=people,
        needs=need_repository,
        introductions=introductions,
        clock=clock,
        unit_of_work=database,
    )
    group_members = GroupMembers()
    flows: list[Flow[Any]] = [
        *offer_flows,
        *find_flows,
        ReportFlow(place_service, settings.territory_departments, trust),
        AidsFlow(place_service, settings.territory_departments, aids),
        ForgetFlow(place_service, settings.territory_departments, privacy),
        *(
            ApplyFlow(
                place_service,
                settings.territory_departments,
                applications,
                aids,
                for_caller=for_caller,
            )
            for for_caller in (False, True)
        ),
        ReviewFlow(place_service, settings.territory_departments, applications, group_members),
        WelcomeFlow(place_service, settings.territory_departments, people_service, consent_service),
        CancelNeedFlow(place_service, settings.territory_departments, matching),
        VolunteerFlow(place_service, settings.territory_departments, consent_service, volunteers),
    ]
    inbox_service = InboxService(SqlInbox(database, worker, engine), clock)
    delivery_service = DeliveryService(outbox, people, clock, timing.calendar)
    texts = TextService(
        SqlTextInbox(database, worker, engine),
        outbox,
        people_service,
        clock,
        settings.zone,
        settings.sms_monthly_segments,
        need_repository,
        belonging=belonging,
        team_chat_id=settings.operator_chat_id,
    )
    return Core(
        settings=settings,
        database=database,
        clock=clock,
        people=people_service,
        trips=trip_service,
        places=place_service,
        needs=matching,
        introductions=introduction_service,
        announcements=announcements,
        operators=operators,
        reports=reports,
        rides=rides,
        words=WordsService(introduction_service, rides, trip_service, people_service),
        digest=DigestService(
            operators=operators,
            rides=rides,
            needs=need_repository,
            introductions=introductions,
            people=people,
            trips=trips,
            clock=clock,
            agenda=agenda,
            outbox=outbox,
            unit_of_work=database,
            timing=timing,
        ),
        agenda=AgendaService(agenda, clock),
        inbox=inbox_service,
        delivery=delivery_service,
        consents=consent_service,
        privacy=privacy,
        trust=trust,
        aids=aids,
        applications=applications,
        transit=transit,
        dashboard=DashboardService(
            facts=SqlDashboard(database),
            reports=reports,
            clock=clock,
            calendar=timing.calendar,
            agenda=agenda,
            unit_of_work=database,
            report_hour=settings.digest_hour,
            texts=texts if settings.sms_enabled else None,
        ),
        tus=tus,
        finding=finding,
        partner_api=partner_api,
        conversations=Conversations(SqlConversations(database, clock), flows, clock, settings.zone),
        partner_updates=(
            PartnerUpdates(partner_api, partner_client, settings.interop_timeout_s)
            if partner_api is not None and partner_client is not None
            else None
        ),
        group_members=group_members,
        texts=texts,
        aid_review=CatalogueReview(
            catalogue, agenda, database, clock, timing.calendar, settings.digest_hour
        ),
        volunteers=volunteers,
        volunteer_rides=volunteer_rides,
        coordinator=CoordinatorService(
            rides=rides,
            operators=operators,
            volunteers=volunteer_repository,
            people=people,
            agenda=agenda,
            clock=clock,
            calendar=timing.calendar,
            hour=settings.digest_hour,
            territories=settings.territories,
        ),
        belonging=belonging,
        pruning=Pruning(
            inbox=inbox_service,
            delivery=delivery_service,
            texts=texts,
            agenda=agenda,
            clock=clock,
            calendar=timing.calendar,
        ),
        leases=Leases(SqlClaims(database, engine), worker, clock.now),
        trip_search=search,
        example_towns=loaded.example_towns,
    )


def worker_of(settings: Settings) -> Worker:
    """This process among the deployment's workers (WORKERS, WORKER_NAME, WORKER_LEASE_S)."""
    return Worker(
        name=settings.worker_name,
        count=settings.workers,
        lease=timedelta(seconds=settings.worker_lease_s),
    )
