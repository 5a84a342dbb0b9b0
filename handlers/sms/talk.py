"""The SMS side of Mobilot's conversations: what a text from a simple phone does is the
core's (bot/services/texting.py); here what it says back becomes one short text to the
number that wrote, in the person's language, folded to the GSM alphabet
(handlers/sms/text.py), its choices as numbered lines; the notices go through the Notifier,
which writes each to its reader's own channel.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import ContextTypes

from bot.conversations.model import (
    NeedDraftView,
    Question,
    Redraw,
    Reply,
    Say,
    Text,
    TripDraftView,
)
from bot.domain import NotWired, Person, PlaceRef
from bot.notices import Notice, SmsThroughTeam, to_team
from bot.services.texting import yes_no_values
from bot.services.texts import ReceivedText
from handlers import render
from handlers.deps import Deps
from handlers.notify import Notifier
from handlers.sms.text import choices_hint, numbered, sms, yes_no_hint
from handlers.talk import word
from i18n import Html, Translator, Voiced

Context = ContextTypes.DEFAULT_TYPE


class TextTalk:
    def __init__(self, deps: Deps, notifier: Notifier, context: Context) -> None:
        self.deps = deps
        self.t = deps.t
        self.notifier = notifier
        # What the Notifier writes with: the bot whose messages go to the outbox.
        self.context = context

    async def handle(self, text: ReceivedText) -> None:
        """One text, in the transaction the caller holds (handlers/sms/runner.py): what it
        does is the core's (bot/services/texting.py); here it is worded as one text."""
        if self.deps.texting is None:
            raise NotWired("the SMS channel runs only with its service")
        writer = self.notifier.texts
        if writer is None:
            raise NotWired("the SMS channel runs only with its writer")
        texted = await self.deps.texting.take(text)
        person, reply = texted.person, texted.reply
        if person is None or texted.phone is None:
            return
        # What the core tells the same person now joins the answer: one text, not two.
        joined = [n for n in reply.notices if _joins(n, person)]
        others = [n for n in reply.notices if n not in joined]
        # Said in the name of the person's service (their territory's once known), as known
        # when they wrote (OUBLIER's answer too, once their territory is erased with them).
        named = self.t.named(texted.service, texted.town)
        parts = [render_reply(named, person.language, reply)]
        text_words = self.notifier.wordings(named)[1]
        parts += [text_words.word(n, person.language) for n in joined]
        answer = "\n".join(part for part in parts if part)
        # STOP's answer goes whatever the budget: the last text they get.
        if answer and not await writer.write(
            person,
            answer,
            to=texted.phone,
            within_budget=not texted.last,
            if_unreachable=self.notifier.instead_of_text(person, answer),
        ):
            others.append(to_team(SmsThroughTeam(person, answer)))
        await self.notifier.write(self.context, others)


def _joins(notice: Notice, person: Person) -> bool:
    """A plain notice to the person who texted, on the same channel."""
    reader = notice.to
    return (
        reader is not None
        and reader.id == person.id
        and reader.by_sms
        and reader.reachable
        and not notice.if_unreachable
        and notice.after_sent is None
    )


def render_reply(t: Translator, lang: str, reply: Reply) -> str:
    """What the core says back, as one text: its sentences, and its question with the
    choices as numbered lines."""
    voiced = Voiced(t, reply.voice) if reply.voice else t
    parts: list[str] = []
    for output in reply.outputs:
        if isinstance(output, Say):
            parts.append(sms_text(voiced, lang, output.text))
        elif isinstance(output, Question | Redraw):
            question = output if isinstance(output, Question) else output.question
            parts.append(render_question(voiced, lang, question))
    return "\n".join(part.strip() for part in parts if part.strip())


# Said on Telegram, not by SMS: the person was never offered that choice by text (the welcome
# asks nothing about health: bot/conversations/welcome.py).
UNSAID = frozenset({"privacy.sensitive_skipped"})


def sms_text(t: Translator, lang: str, text: Text) -> str:
    """A sentence of the core for a simple phone: its short SMS wording when the catalogue
    has one (`sms.<key>`), else the Telegram one made plain."""
    if text.key in UNSAID:
        return ""
    view = text.values.get("view")
    if isinstance(view, NeedDraftView):
        draft = view.draft
        return sms(
            t(
                lang,
                "sms.find.summary",
                origin=_place(draft.origin),
                destination=_place(draft.destination),
                when=Html(render.need_when(t, lang, draft)),
            )
        )
    if isinstance(view, TripDraftView):
        trip = view.draft
        return sms(
            t(
                lang,
                "sms.offer.summary",
                origin=_place(trip.origin),
                destination=_place(trip.destination),
                schedule=Html(render.schedule(t, lang, trip)),
                seats=Html(render.seats(t, lang, trip.seats)) if trip.seats else "...",
            )
        )
    short = f"sms.{text.key}"
    if not text.key.startswith("sms.") and t.has(short):
        text = Text(short, text.values, text.count)
    return sms(word(t, lang, text))


def _place(place: PlaceRef | None) -> str:
    return place.name if place is not None else "..."


def render_question(t: Translator, lang: str, question: Question) -> str:
    """The question, then its choices as numbered lines and what to answer."""
    asked = sms_text(t, lang, question.text)
    options = question.options
    if not options:
        return asked
    if yes_no_values(question) is not None:
        return f"{asked}\n{yes_no_hint(t, lang)}"
    if any(option.weekday is not None for option in options):
        # Days to tick: written as words ("lundi jeudi"); numbers cannot say several at once.
        return asked
    labels = [_label(t, lang, option) for option in options]
    if len(labels) == 1 or labels == [str(n) for n in range(1, len(labels) + 1)]:
        # A way out the question already names ("ou NON"), or numbers that are the answer
        # themselves (seats): a list would only repeat them.
        return asked
    if options[0].value.startswith("confirm"):
        # A summary: OUI takes it as it is (read by the step), a number changes one thing.
        hint = sms(t(lang, "sms.reply_confirm_or_change"))
        return f"{asked}\n{hint}\n{numbered(labels[1:], start=2)}"
    return f"{asked}\n{numbered(labels)}\n{choices_hint(t, lang, len(labels))}"


def _label(t: Translator, lang: str, option: Any) -> str:
    if option.weekday is not None:
        name = t.weekday(lang, option.weekday, "wide")
    elif isinstance(option.label, Text):
        name = sms_text(t, lang, option.label)
    else:
        name = sms(str(option.label))
    return f"{name} (ok)" if option.checked else name
