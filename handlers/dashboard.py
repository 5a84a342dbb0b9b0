"""The team's dashboard in Telegram: the chart sent with /stats, the unmet axes, and the
monthly report the agenda posts in the group.

The chart is drawn with matplotlib's Agg backend (no display) in a worker thread, so the
event loop never waits on it.
"""

from __future__ import annotations

import asyncio
import io

from telegram import InputFile
from telegram.ext import ContextTypes

from bot.services.dashboard import Axis, Dashboard, MonthlyReport, NeedOutcome
from i18n import Html, Translator

Context = ContextTypes.DEFAULT_TYPE

# Outcomes stacked from the bottom; colours a colour-blind reader tells apart (Okabe-Ito).
STACK = (
    (NeedOutcome.FOUND, "#009E73"),
    (NeedOutcome.OTHER_WAY, "#56B4E9"),
    (NeedOutcome.WAITING, "#F0E442"),
    (NeedOutcome.UNMET, "#D55E00"),
    (NeedOutcome.CANCELLED, "#999999"),
)
OUTCOME_KEYS = {
    NeedOutcome.FOUND: "dashboard.outcome_found",
    NeedOutcome.OTHER_WAY: "dashboard.outcome_other_way",
    NeedOutcome.WAITING: "dashboard.outcome_waiting",
    NeedOutcome.UNMET: "dashboard.outcome_unmet",
    NeedOutcome.CANCELLED: "dashboard.outcome_cancelled",
}


def draw_chart(t: Translator, lang: str, dashboard: Dashboard) -> bytes:
    """A PNG: needs per week by outcome (bars), rides that happened and active drivers
    (lines)."""
    # Imported here, in the worker thread: loading matplotlib (and building its font cache
    # the first time) never delays the start nor the event loop.
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(9, 4.8), dpi=100)
    axes = figure.subplots()
    labels = [
        t(lang, "dashboard.week_label", day=week.start.day, month=week.start.month)
        for week in dashboard.weeks
    ]
    positions = list(range(len(labels)))
    bottom = [0] * len(labels)
    for outcome, colour in STACK:
        heights = [week.needs[outcome] for week in dashboard.weeks]
        axes.bar(
            positions,
            heights,
            bottom=bottom,
            color=colour,
            width=0.7,
            label=_plain(t(lang, OUTCOME_KEYS[outcome])),
        )
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    axes.plot(
        positions,
        [w.rides for w in dashboard.weeks],
        color="#0072B2",
        marker="o",
        linewidth=2,
        label=_plain(t(lang, "dashboard.rides")),
    )
    axes.plot(
        positions,
        [w.drivers for w in dashboard.weeks],
        color="#CC79A7",
        marker="s",
        linestyle="--",
        linewidth=2,
        label=_plain(t(lang, "dashboard.drivers")),
    )
    highest = max(
        [*bottom, *(w.rides for w in dashboard.weeks), *(w.drivers for w in dashboard.weeks), 1]
    )
    axes.set_ylim(0, highest * 1.35 + 0.5)  # room for the legend above the bars
    axes.set_xticks(positions, labels, rotation=45, ha="right", fontsize=8)
    axes.set_title(_plain(t(lang, "dashboard.title")))
    axes.set_xlabel(_plain(t(lang, "dashboard.weeks")))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(axis="y", alpha=0.3)
    axes.legend(fontsize=8, loc="upper left", ncols=2)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _plain(text: str) -> str:
    """A catalog sentence without its HTML, for the chart."""
    return text.replace("<b>", "").replace("</b>", "")


def axes_text(t: Translator, lang: str, axes: list[Axis], *, month: bool = False) -> str:
    if not axes:
        return t(lang, "dashboard.no_unmet_axes_month" if month else "dashboard.no_unmet_axes")
    lines = "\n".join(
        t(lang, "dashboard.axis", origin=a.origin, destination=a.destination, count=a.unmet)
        for a in axes
    )
    heading = "dashboard.unmet_axes_month" if month else "dashboard.unmet_axes"
    return t(lang, heading, lines=Html(lines))


async def send_chart(
    context: Context, t: Translator, lang: str, chat_id: int, dashboard: Dashboard
) -> None:
    png = await asyncio.to_thread(draw_chart, t, lang, dashboard)
    await context.bot.send_photo(
        chat_id,
        InputFile(png, filename="mobilot-stats.png"),
        caption=axes_text(t, lang, dashboard.axes),
    )


def monthly_text(t: Translator, lang: str, report: MonthlyReport) -> str:
    needs = sum(report.needs.values())
    return t(
        lang,
        "dashboard.monthly",
        month=_month(t, lang, report),
        needs=needs,
        found=report.needs[NeedOutcome.FOUND] + report.needs[NeedOutcome.OTHER_WAY],
        unmet=report.needs[NeedOutcome.UNMET],
        rides=report.rides,
        drivers=report.drivers,
        axes=Html(axes_text(t, lang, report.axes, month=True)),
    )


def _month(t: Translator, lang: str, report: MonthlyReport) -> str:
    from babel.dates import format_date

    return format_date(report.month, "LLLL yyyy", locale=t.language(lang))
