"""Wording what the aids' use cases decided: an aid as a person reads it, an application as
its funder's reviewers read it, and the notices about applications."""

from __future__ import annotations

from dataclasses import replace
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal

from bot import notices as n
from bot.aids.model import Aid, Application
from bot.phones import show_phone
from bot.spreadsheet import csv_table
from handlers.team_views import local_moment, plain
from handlers.wordings import Wordings
from i18n import Html, Translator, escape

# A long text of conditions is cut here: the link and the team tell the rest.
MAX_CONDITIONS = 600
# The team's weekly list of aids to check again shows this many (then how many more).
MAX_TO_REVIEW = 15

# A proof that came as a photo is shown again as a photo (Telegram keeps them apart): its
# reference is kept as "photo:<file id>" (handlers/talk.py).
PHOTO = "photo:"


def euros(t: Translator, lang: str, cents: int) -> str:
    amount = format_decimal(cents / 100, format="#,##0.##", locale=t.language(lang))
    return t(lang, "aids.euros", amount=amount)


def short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def aid_block(t: Translator, lang: str, aid: Aid) -> str:
    """One aid: what it gives, on which conditions, the papers asked, how to apply."""
    parts = [
        t(lang, "aids.item_title", title=aid.title, funder=aid.funder_name),
        t(lang, "aids.item_amount", amount=aid.amount),
        t(lang, "aids.item_conditions", conditions=short(aid.conditions, MAX_CONDITIONS)),
    ]
    if aid.proofs:
        proofs = "\n".join(f"• {escape(p)}" for p in aid.proofs)
        parts.append(t(lang, "aids.item_proofs", proofs=Html(proofs)))
    if aid.apply_here:
        parts.append(t(lang, "aids.item_apply_here"))
    else:
        how = aid.how_to_apply or aid.contact
        if how:
            parts.append(t(lang, "aids.item_how", how=how))
        if aid.link:
            parts.append(t(lang, "aids.item_link", link=aid.link))
    if aid.checked_on is not None:
        checked = t.day(lang, aid.checked_on, "d MMMM y")
        parts.append(t(lang, "aids.item_checked", date=checked))
    return "\n".join(parts)


def to_review_line(t: Translator, lang: str, aid: Aid) -> str:
    """ "• Aide au permis (ft-permis-b): checked on 1 June 2026. Page: https://…" """
    page = aid.source or aid.link or next(iter(aid.checked_against), "")
    where = t(lang, "aidcheck.to_review_page", page=page) if page else ""
    if aid.checked_on is None:
        return t(
            lang,
            "aidcheck.to_review_never",
            title=aid.title,
            id=aid.id,
            note=aid.check_note,
            page=where,
        )
    checked = t.day(lang, aid.checked_on, "d MMMM y")
    return t(lang, "aidcheck.to_review_line", title=aid.title, id=aid.id, date=checked, page=where)


def status_line(
    t: Translator, lang: str, application: Application, title: str | None = None
) -> str:
    """ "Aide au permis (n° 3): accepted, 500 € once" for /mesdemandes (the aid's `title` in
    the reader's language, when the catalogue still has it)."""
    status = application.status.value
    application = replace(application, aid_title=title or application.aid_title)
    if application.amount_cents and application.frequency:
        detail = t(
            lang,
            f"aids.amount_{application.frequency.value}",
            amount=euros(t, lang, application.amount_cents),
        )
        return t(
            lang,
            "aids.mine_validated",
            title=application.aid_title,
            id=application.id,
            detail=detail,
        )
    if application.reason is not None:
        reason = application.other_reason or t(lang, f"aids.reason.{application.reason.value}")
        return t(
            lang,
            "aids.mine_rejected",
            title=application.aid_title,
            id=application.id,
            reason=reason,
        )
    return t(lang, f"aids.mine_{status}", title=application.aid_title, id=application.id)


def decision_note(t: Translator, lang: str, application: Application, reviewer: str) -> str:
    """What the application's post says once decided (its buttons gone)."""
    if application.amount_cents and application.frequency:
        amount = t(
            lang,
            f"aids.amount_{application.frequency.value}",
            amount=euros(t, lang, application.amount_cents),
        )
        return t(lang, "aids.post_validated", reviewer=reviewer, amount=amount)
    reason = application.other_reason or (
        t(lang, f"aids.reason.{application.reason.value}") if application.reason else ""
    )
    return t(lang, "aids.post_rejected", reviewer=reviewer, reason=reason)


def application_post(t: Translator, lang: str, values: n.ApplicationPost) -> str:
    application, aid, person, filer = values.application, values.aid, values.person, values.filer
    unknown = t(lang, "aids.not_said")
    lines = [
        t(lang, "aids.post_header", id=application.id, title=aid.title),
        t(
            lang,
            "aids.post_person",
            name=person.display_name,
            age=application.age if application.age is not None else unknown,
            situation=Html(t(lang, f"aids.situation.{application.situation.value}"))
            if application.situation
            else unknown,
            commune=application.commune_name or unknown,
        ),
    ]
    for question, answer in zip(aid.fields, application.answers, strict=False):
        lines.append(t(lang, "aids.post_answer", question=question, answer=answer))
    lines.append(t(lang, "aids.post_proofs", count=values.proofs))
    if filer is not None:
        lines.append(t(lang, "aids.post_filed_by", operator=filer.display_name))
    lines.append(t(lang, "aids.post_howto"))
    return "\n".join(lines)


class AidWords:
    """The aids' message keys, for handlers/notices.py's table."""

    def __init__(self, t: Translator, everything: Wordings) -> None:
        self.t = t
        # All the wordings, for the message the team is asked to pass on by phone.
        self.everything = everything

    def table(self) -> Wordings:
        w = Wordings()
        w.add(self._application_post, n.ApplicationPost)
        w.add(
            self._validated, n.AidsValidatedOnce, n.AidsValidatedMonthly, n.AidsValidatedQuarterly
        )
        w.add(self._rejected, n.AidsRejected, n.AidsRejectedOther)
        w.add(self._group_validated, n.AidsGroupValidated)
        w.add(self._group_rejected, n.AidsGroupRejected)
        w.add(self._call_person, n.AidsCallPerson)
        w.add(self._to_review, n.AidsToReview)
        return w

    def _to_review(self, lang: str, v: n.AidsToReview) -> str:
        lines = [to_review_line(self.t, lang, aid) for aid in v.aids[:MAX_TO_REVIEW]]
        if len(v.aids) > MAX_TO_REVIEW:
            lines.append(self.t(lang, "aidcheck.to_review_more", count=len(v.aids) - MAX_TO_REVIEW))
        return self.t(lang, v.key, count=len(v.aids), lines=Html("\n".join(lines)))

    def _application_post(self, lang: str, v: n.ApplicationPost) -> str:
        return application_post(self.t, lang, v)

    def _validated(self, lang: str, v: n.Validated) -> str:
        return self.t(lang, v.key, title=v.title, id=v.id, amount=euros(self.t, lang, v.amount))

    def _rejected(self, lang: str, v: n.Rejected) -> str:
        reason = Html(self.t(lang, f"aids.reason.{v.reason}"))
        return self.t(lang, v.key, title=v.title, id=v.id, reason=reason, other=v.other)

    def _group_validated(self, lang: str, v: n.AidsGroupValidated) -> str:
        amount = self.t(lang, f"aids.amount_{v.frequency}", amount=euros(self.t, lang, v.amount))
        return self.t(lang, v.key, id=v.id, reviewer=v.reviewer, amount=amount)

    def _group_rejected(self, lang: str, v: n.AidsGroupRejected) -> str:
        reason = v.other or self.t(lang, f"aids.reason.{v.reason}")
        return self.t(lang, v.key, id=v.id, reviewer=v.reviewer, reason=reason)

    def _call_person(self, lang: str, v: n.AidsCallPerson) -> str:
        message = self.everything.word(lang, v.message)
        return self.t(lang, v.key, name=v.name, phone=show_phone(v.phone), message=Html(message))


def validated_csv(
    t: Translator, lang: str, applications: list[Application], zone: ZoneInfo
) -> bytes:
    """/exportaides' file: the situation and the frequency in the reader's words, times in
    the territory's, to the minute (as the team's exports), through the one CSV writer."""
    rows = [
        (
            a.id,
            a.aid_id,
            a.aid_title,
            a.commune_name or "",
            a.age or "",
            plain(t, lang, f"aids.situation.{a.situation.value}") if a.situation else "",
            local_moment(a.submitted_at, zone),
            local_moment(a.decided_at, zone),
            f"{(a.amount_cents or 0) / 100:.2f}",
            t(lang, f"aids.amount_{a.frequency.value}", amount="").strip() if a.frequency else "",
        )
        for a in applications
    ]
    return csv_table(t(lang, "aids.export_header").split(","), rows)
