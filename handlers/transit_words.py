"""Wording what else the territory offers (bot/services/transit.py): coach and train times,
local mobility services. Used by handlers/notices.py for the `transit.*` notices."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_time

from bot import notices as n
from bot.transit.catalog import MobilityService
from bot.transit.ondemand import REAL_TIME, OnDemandAnswer
from bot.transit.planner import DAY, TransitOption
from handlers import render
from handlers.wordings import Wordings
from i18n import Html, Translator

KINDS = {
    "tad": "transit.kind_tad",
    "tus": "transit.kind_tus",
    "call_centre": "transit.kind_call_centre",
    "other": "transit.kind_other",
}


class TransitWords:
    def __init__(self, t: Translator, zone: ZoneInfo | None = None) -> None:
        self.t = t
        self.zone = zone or ZoneInfo("Europe/Paris")

    def words(self) -> Wordings:
        w = Wordings()
        w.add(self._options, n.TransitOptions)
        w.add(self._services, n.TransitServices)
        w.add(self._for_team, n.TransitForTeam)
        w.add(self._cost_share, n.TransitCostShare, n.TransitCostShareCall)
        w.add(self._on_demand, n.TransitOnDemand)
        w.add(self._on_demand_reminder, n.TransitOnDemandReminder)
        return w

    # On-demand transport and its deadline to book.

    def _on_demand(self, lang: str, v: n.TransitOnDemand) -> str:
        return self.t(lang, v.key, lines=Html(self.on_demand_lines(lang, v.answers)))

    def _on_demand_reminder(self, lang: str, v: n.TransitOnDemandReminder) -> str:
        return self.t(
            lang,
            v.key,
            day=self.t.date(lang, v.answers[0].day),
            lines=Html(self.on_demand_lines(lang, v.answers)),
        )

    def on_demand_lines(self, lang: str, answers: Sequence[OnDemandAnswer]) -> str:
        return "\n".join(self.on_demand_line(lang, answer) for answer in answers)

    def on_demand_line(self, lang: str, answer: OnDemandAnswer) -> str:
        service, rule = answer.service, answer.service.rule
        web = self.t(lang, "flex.web", url=rule.booking_url) if rule.booking_url else ""
        common = {"name": service.name, "phone": rule.phone, "web": Html(web)}
        if answer.too_late:
            text = self.t(
                lang,
                "flex.line_too_late",
                asked=self.t.date(lang, answer.asked),
                missed=self.moment(lang, answer.missed()),
                day=self.t.date(lang, answer.day),
                deadline=self.moment(lang, answer.deadline),
                **common,
            )
        elif rule.booking_type == REAL_TIME:
            text = self.t(lang, "flex.line_now", **common)
        else:
            text = self.t(lang, "flex.line", deadline=self.moment(lang, answer.deadline), **common)
        if rule.message:
            text += "\n" + self.t(lang, "flex.message", message=rule.message)
        return text

    def moment(self, lang: str, moment: datetime) -> str:
        """ "lundi 7 décembre à 16h", on the territory's clock."""
        local = moment.astimezone(self.zone)
        wall = local.time().replace(second=0, microsecond=0)
        shown = (
            format_time(wall, self.t(lang, "flex.format_hour"), locale=self.t.language(lang))
            if wall.minute == 0
            else self.t.time(lang, wall)
        )
        return self.t(lang, "flex.moment", day=self.t.date(lang, local.date()), time=shown)

    def _cost_share(self, lang: str, v: n.CostShare) -> str:
        km, rate = v.km, v.eur_per_km
        person = v.person if isinstance(v, n.TransitCostShareCall) else None
        return self.t(
            lang,
            v.key,
            km=km,
            rate=self.euros(lang, rate),
            amount=self.euros(lang, km * rate),
            id=v.need.id,
            name=person.display_name if person else "",
            phone=person.phone if person else "",
        )

    def euros(self, lang: str, amount: float) -> str:
        text = f"{amount:.2f}"
        if lang == "fr":
            return text.replace(".", ",") + " €"
        return "€" + text

    def _options(self, lang: str, v: n.TransitOptions) -> str:
        options = v.options
        return self.t(
            lang,
            "transit.options",
            day=self.t.date(lang, options[0].day),
            lines=Html(self.option_lines(lang, options)),
        )

    def _services(self, lang: str, v: n.TransitServices) -> str:
        heading = "transit.services_none" if not v.found_driver else "transit.services"
        return self.t(lang, heading, lines=Html(self.service_lines(lang, v.services)))

    def _for_team(self, lang: str, v: n.TransitForTeam) -> str:
        need = v.need
        parts = []
        if v.options:
            day = self.t.date(lang, v.options[0].day)
            parts.append(
                self.t(
                    lang,
                    "transit.team_options",
                    day=day,
                    lines=Html(self.option_lines(lang, v.options)),
                )
            )
        if v.on_demand:
            parts.append(
                self.t(lang, "flex.team", lines=Html(self.on_demand_lines(lang, v.on_demand)))
            )
        if v.services:
            parts.append(
                self.t(
                    lang, "transit.team_services", lines=Html(self.service_lines(lang, v.services))
                )
            )
        return self.t(
            lang,
            "transit.for_team",
            id=need.id,
            origin=Html(render.place(self.t, lang, need.origin)),
            destination=Html(render.place(self.t, lang, need.destination)),
            parts=Html("\n".join(parts)),
        )

    # Pieces.

    def option_lines(self, lang: str, options: Sequence[TransitOption]) -> str:
        return "\n".join(self.option(lang, option) for option in options)

    def option(self, lang: str, option: TransitOption) -> str:
        first, last = option.legs[0], option.legs[-1]
        common = {
            "line": first.line,
            "departure": self.clock(lang, first.departure),
            "stop": first.board_name,
            "walk": self.distance(lang, option.walk_to_m),
            "end": last.alight_name,
            "walk_end": self.distance(lang, option.walk_from_m),
        }
        # A coach of the evening before (a night one, arriving past midnight on the day
        # asked): it says which evening, not just the hour.
        eve: dict[str, str] = {}
        if first.departure < 0:
            common["departure"] = self.clock(lang, first.departure + DAY)
            eve["eve"] = self.t.date(lang, option.day - timedelta(days=1))
        if option.changes == 0:
            key = "transit.direct_eve" if eve else "transit.direct"
            return self.t(lang, key, arrival=self.clock(lang, first.arrival), **common, **eve)
        key = "transit.one_change_eve" if eve else "transit.one_change"
        return self.t(
            lang,
            key,
            change=first.alight_name,
            change_arrival=self.clock(lang, first.arrival),
            line2=last.line,
            change_departure=self.clock(lang, last.departure),
            arrival=self.clock(lang, last.arrival),
            **common,
            **eve,
        )

    def clock(self, lang: str, seconds: int) -> str:
        """A GTFS time of the day asked; past midnight, or before it (the evening before),
        it says so."""
        minutes = (seconds % DAY) // 60
        shown = self.t.time(lang, time(minutes // 60, minutes % 60))
        if seconds >= DAY:
            return self.t(lang, "transit.next_day", time=shown)
        if seconds < 0:
            return self.t(lang, "transit.day_before", time=shown)
        return shown

    def distance(self, lang: str, metres: int) -> str:
        if metres < 100:
            return self.t(lang, "transit.walk_near")
        if metres < 1000:
            return self.t(lang, "transit.walk_m", metres=metres)
        km = f"{metres / 1000:.1f}"
        return self.t(lang, "transit.walk_km", km=km.replace(".", ",") if lang == "fr" else km)

    def service_lines(self, lang: str, services: Sequence[MobilityService]) -> str:
        return "\n".join(self.service(lang, service) for service in services)

    def service(self, lang: str, service: MobilityService) -> str:
        text = self.t(
            lang,
            "transit.service",
            name=service.name,
            kind=Html(self.t(lang, KINDS[service.kind])),
            phone=service.phone,
        )
        if service.booking:
            text += " " + self.t(lang, "transit.service_booking", booking=service.booking)
        if service.who:
            text += " " + self.t(lang, "transit.service_who", who=service.who)
        return text
