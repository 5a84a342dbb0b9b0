"""Wording what the aids' use cases decided: an aid as a person reads it, an application as
its funder's reviewers read it, and the notices about applications."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal

from bot.aids.model import Aid, Application
from bot.domain import Person
from bot.phones import show_phone
from bot.services.applications import APPLICATION_POST
from i18n import Html, Translator, escape

Values = dict[str, Any]
# A long text of conditions is cut here: the link and the team tell the rest.
MAX_CONDITIONS = 600


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
        checked = format_date(aid.checked_on, "d MMMM y", locale=t.language(lang))
        parts.append(t(lang, "aids.item_checked", date=checked))
    return "\n".join(parts)


def status_line(t: Translator, lang: str, application: Application) -> str:
    """ "Aide au permis (n° 3): accepted, 500 € once" for /mesdemandes."""
    status = application.status.value
    if application.amount_cents and application.frequency:
        detail = t(
            lang, f"aids.amount_{application.frequency.value}",
            amount=euros(t, lang, application.amount_cents),
        )  # fmt: skip
        return t(lang, "aids.mine_validated", title=application.aid_title, id=application.id,
                 detail=detail)  # fmt: skip
    if application.reason is not None:
        reason = application.other_reason or t(lang, f"aids.reason.{application.reason.value}")
        return t(lang, "aids.mine_rejected", title=application.aid_title, id=application.id,
                 reason=reason)  # fmt: skip
    return t(lang, f"aids.mine_{status}", title=application.aid_title, id=application.id)


def decision_note(t: Translator, lang: str, application: Application, reviewer: str) -> str:
    """What the application's post says once decided (its buttons gone)."""
    if application.amount_cents and application.frequency:
        amount = t(lang, f"aids.amount_{application.frequency.value}",
                   amount=euros(t, lang, application.amount_cents))  # fmt: skip
        return t(lang, "aids.post_validated", reviewer=reviewer, amount=amount)
    reason = application.other_reason or (
        t(lang, f"aids.reason.{application.reason.value}") if application.reason else ""
    )
    return t(lang, "aids.post_rejected", reviewer=reviewer, reason=reason)


def application_post(t: Translator, lang: str, values: Values) -> str:
    application: Application = values["application"]
    aid: Aid = values["aid"]
    person: Person = values["person"]
    filer: Person | None = values.get("filer")
    unknown = t(lang, "aids.not_said")
    lines = [
        t(lang, "aids.post_header", id=application.id, title=aid.title),
        t(lang, "aids.post_person", name=person.display_name,
          age=application.age if application.age is not None else unknown,
          situation=Html(t(lang, f"aids.situation.{application.situation.value}"))
          if application.situation else unknown,
          commune=application.commune_name or unknown),
    ]  # fmt: skip
    for question, answer in zip(aid.fields, application.answers, strict=False):
        lines.append(t(lang, "aids.post_answer", question=question, answer=answer))
    lines.append(t(lang, "aids.post_proofs", count=values["proofs"]))
    if filer is not None:
        lines.append(t(lang, "aids.post_filed_by", operator=filer.display_name))
    lines.append(t(lang, "aids.post_howto"))
    return "\n".join(lines)


class AidWords:
    """The aids' message keys, for handlers/notices.py's table."""

    def __init__(self, t: Translator) -> None:
        self.t = t

    def table(self) -> dict[str, Callable[[str, str, Values], str]]:
        return {
            APPLICATION_POST: lambda key, lang, values: application_post(self.t, lang, values),
            "aids.validated_once": self._validated,
            "aids.validated_monthly": self._validated,
            "aids.validated_quarterly": self._validated,
            "aids.rejected": self._rejected,
            "aids.rejected_other": self._rejected,
            "aids.group_validated": self._group_validated,
            "aids.group_rejected": self._group_rejected,
            "aids.call_person": self._call_person,
        }

    def _validated(self, key: str, lang: str, values: Values) -> str:
        return self.t(lang, key, title=values["title"], id=values["id"],
                      amount=euros(self.t, lang, values["amount"]))  # fmt: skip

    def _rejected(self, key: str, lang: str, values: Values) -> str:
        reason = Html(self.t(lang, f"aids.reason.{values['reason']}"))
        return self.t(lang, key, title=values["title"], id=values["id"], reason=reason,
                      other=values.get("other", ""))  # fmt: skip

    def _group_validated(self, key: str, lang: str, values: Values) -> str:
        amount = self.t(lang, f"aids.amount_{values['frequency']}",
                        amount=euros(self.t, lang, values["amount"]))  # fmt: skip
        return self.t(lang, key, id=values["id"], reviewer=values["reviewer"], amount=amount)

    def _group_rejected(self, key: str, lang: str, values: Values) -> str:
        reason = values.get("other") or self.t(lang, f"aids.reason.{values['reason']}")
        return self.t(lang, key, id=values["id"], reviewer=values["reviewer"], reason=reason)

    def _call_person(self, key: str, lang: str, values: Values) -> str:
        inner = dict(values)
        name, phone, message_key = inner.pop("name"), inner.pop("phone"), inner.pop("message_key")
        words = self.table().get(message_key)
        message = words(message_key, lang, inner) if words else self.t(lang, message_key, **inner)
        return self.t(lang, key, name=name, phone=show_phone(phone), message=Html(message))
