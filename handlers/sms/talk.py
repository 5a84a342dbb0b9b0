"""The SMS side of Mobilot's conversations: a text from a simple phone becomes an answer
for the core, and what the core says back becomes one short text.

Nothing here decides what comes next. A text is read in this order: a keyword (STOP, START,
AIDE, ANNULER, in both languages); a newcomer's agreement (bot/conversations/welcome.py);
the answer to the conversation in progress ("2" is its second choice, OUI and NON its yes
and no); the answer to a question asked outside any conversation (a driver's OUI, the
driver chosen by number: bot/services/words.py); else the beginning of a conversation: a
ride asked in one text ("cahors demain 9h"), a trip offered ("je propose un trajet"), or
anything else, which begins looking for a ride.

Every reply is one text to the number that wrote, in the person's language, folded to the
GSM alphabet (handlers/sms/text.py); the notices the core returns go through the Notifier,
which writes each to its reader's own channel.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.conversations.model import (
    Press,
    Question,
    Redraw,
    Reply,
    Say,
    Text,
    Words,
)
from bot.domain import Person
from bot.notices import Notice, SmsThroughTeam, to_team
from bot.phones import parse_phone
from bot.services.introductions import Answer, AnswerResult, Ask, AskResult
from bot.services.rides import OutcomeResult, RecordedOutcome
from bot.services.texts import Flood, ReceivedText
from bot.services.trips import TripChange, TripChangeResult
from bot.understand import Keyword, read_keyword, read_request, read_yes_no, says_offering
from handlers.deps import Deps
from handlers.sms.outgoing import TextWriter
from handlers.sms.text import choices_hint, numbered, sms, yes_no_hint
from handlers.talk import word
from i18n import Translator, Voiced

log = logging.getLogger(__name__)

# The conversations a text opens.
FIND, OFFER, WELCOME = "find", "offer", "welcome"

WriteNotices = Callable[[list[Notice]], Awaitable[int]]


@dataclass
class _Said:
    """What goes back to the person, gathered into one text."""

    parts: list[str]

    def add(self, text: str) -> None:
        if text.strip():
            self.parts.append(text.strip())


class TextTalk:
    def __init__(self, deps: Deps, writer: TextWriter, write_notices: WriteNotices) -> None:
        self.deps = deps
        self.t = deps.t
        self.writer = writer
        self.write_notices = write_notices
        texts = deps.texts
        assert texts is not None, "the SMS channel runs only with its service"
        self.texts = texts

    async def handle(self, text: ReceivedText) -> None:
        """One text, in the transaction the caller holds (handlers/sms/runner.py)."""
        phone = parse_phone(text.sender)
        if phone is None:  # a short code, an operator's service: nobody to answer
            await self.texts.ignored(text, "not a phone number")
            return
        flood = await self.texts.flood(text)
        if flood is Flood.SILENT:
            await self.texts.ignored(text, "too many texts")
            return
        person = await self.deps.people.identify_by_phone(phone)
        said = _Said([])
        if flood is Flood.TOLD:
            said.add(self._word(person, "sms.flood"))
        elif person.sms_stopped_at is not None and read_keyword(text.text) is not Keyword.START:
            await self.texts.ignored(text, "STOP")  # they asked for no more texts: none
            return
        else:
            person = await self._take(person, text.text, said)
        await self.texts.handled(text)
        if not said.parts:
            return
        answer = "\n".join(said.parts)
        # STOP's answer goes whatever the budget: the last text they get.
        last = person.sms_stopped_at is not None
        if not await self.writer.write(person, answer, to=phone, within_budget=not last):
            await self.write_notices([to_team(SmsThroughTeam(person, answer))])

    async def _take(self, person: Person, typed: str, said: _Said) -> Person:
        words = " ".join(typed.split())
        keyword = read_keyword(words)
        if keyword is not None:
            return await self._keyword(person, keyword, said)
        if not words:
            said.add(self._word(person, "sms.help"))
            return person
        if person.privacy_accepted_at is None or not person.display_name.strip():
            state = await self.deps.conversations.current(person)
            if state is None or state.flow != WELCOME:
                reply = await self.deps.conversations.start(person, WELCOME, words=Words(words))
                return await self._render(person, reply, said)
        if not person.by_sms and person.telegram_user_id is None and person.sms_since is None:
            # Registered by the team, texting now: texts reach them from here on.
            person = await self.deps.people.reach_by_sms(person, show_phone=False)
        reply_or_none = await self._answer(person, words)
        if reply_or_none is not None:
            return await self._render(person, reply_or_none, said)
        return await self._outside(person, words, said)

    # Keywords.

    async def _keyword(self, person: Person, keyword: Keyword, said: _Said) -> Person:
        if keyword is Keyword.STOP:
            stopped = await self.texts.stop(person)
            said.add(self._word(person, "sms.stopped"))
            await self.write_notices(stopped.notices)
            return stopped.person
        if keyword is Keyword.START:
            person = await self.texts.start(person)
            said.add(self._word(person, "sms.started"))
            return person
        if keyword is Keyword.CANCEL:
            reply = await self.deps.conversations.cancel(person)
            if reply is None:
                said.add(self._word(person, "sms.nothing_to_cancel"))
                return person
            return await self._render(person, reply, said)
        said.add(self._word(person, "sms.help"))
        again = await self.deps.conversations.ask_again(person)
        if again is not None:
            return await self._render(person, again, said)
        return person

    # The conversation in progress.

    async def _answer(self, person: Person, words: str) -> Reply | None:
        asked = await self.deps.conversations.question_now(person)
        if asked is None:
            return None
        state, question = asked
        answer: Press | Words = _choice(question, words, state.nonce) or Words(words)
        return await self.deps.conversations.answer(person, answer)

    # Outside any conversation.

    async def _outside(self, person: Person, words: str, said: _Said) -> Person:
        conversations = self.deps.conversations
        if read_request(words, self.deps.today()) is not None:
            reply = await conversations.start(person, FIND, words=Words(words))
            return await self._render(person, reply, said)
        if says_offering(words):
            return await self._render(person, await conversations.start(person, OFFER), said)
        asked = await self.deps.words.answer(person, words)
        if isinstance(asked, Person):
            said.add(self._word(asked, "language.set"))
            return asked
        if isinstance(asked, Answer):
            await self._driver_answered(person, asked, said)
        elif isinstance(asked, TripChangeResult):
            resumed = asked.outcome is TripChange.DONE
            said.add(self._word(person, "sms.trip_resumed" if resumed else "sms.trip_kept"))
            await self.write_notices(asked.notices)
        elif isinstance(asked, RecordedOutcome):
            thanks = "outcome.already"
            if asked.result is OutcomeResult.RECORDED and asked.outcome is not None:
                thanks = f"outcome.thanks_{asked.outcome.value}"
            said.add(self._word(person, thanks))
        elif isinstance(asked, Ask) and asked.result is not AskResult.UNCLEAR:
            await self._driver_asked(person, asked, said)
        elif isinstance(asked, Ask) or read_yes_no(words) is not None or _thanks(words):
            # A choice of drivers waits, or a plain "oui"/"merci" with nothing to answer.
            said.add(self._word(person, "sms.help"))
        else:
            reply = await conversations.start(person, FIND)
            return await self._render(person, reply, said)
        return person

    async def _driver_answered(self, person: Person, answer: Answer, said: _Said) -> None:
        if answer.result not in (AnswerResult.ACCEPTED, AnswerResult.DECLINED):
            said.add(self._word(person, "intro.no_longer"))
            return
        said.add(self._word(person, f"intro.state_{answer.result.value}"))
        await self.write_notices(answer.notices)

    async def _driver_asked(self, person: Person, asked: Ask, said: _Said) -> None:
        key = {
            AskResult.BUSY: "intro.busy",
            AskResult.CLOSED: "intro.closed",
            AskResult.NOT_FOUND: "intro.closed",
            AskResult.UNAVAILABLE: "intro.unavailable",
        }.get(asked.result)
        if key is not None:
            said.add(self._word(person, key))
        await self.write_notices(asked.notices)

    # Rendering.

    async def _render(self, person: Person, reply: Reply, said: _Said) -> Person:
        t = Voiced(self.t, reply.voice) if reply.voice else self.t
        lang = person.language
        if reply.stale and reply.alert is not None:
            said.add(sms_text(t, lang, reply.alert))
        for output in reply.outputs:
            if isinstance(output, Say):
                said.add(sms_text(t, lang, output.text))
            elif isinstance(output, Question | Redraw):
                question = output if isinstance(output, Question) else output.question
                said.add(render_question(t, lang, question))
        await self.write_notices(reply.notices)
        if reply.erased:
            return person
        person = await self.deps.people.get(person.id) or person
        if reply.then is not None:
            # What a newcomer texted first, now that they agreed.
            return await self._take(person, reply.then.text, said)
        return person

    def _word(self, person: Person, key: str, **values: Any) -> str:
        return sms_text(self.t, person.language, Text(key, values))


def sms_text(t: Translator, lang: str, text: Text) -> str:
    """A sentence of the core for a simple phone: its short SMS wording when the catalogue
    has one (`sms.<key>`), else the Telegram one made plain."""
    short = f"sms.{text.key}"
    if not text.key.startswith("sms.") and t.has(short):
        text = Text(short, text.values, text.count)
    return sms(word(t, lang, text))


def render_question(t: Translator, lang: str, question: Question) -> str:
    """The question, then its choices as numbered lines and what to answer."""
    asked = sms_text(t, lang, question.text)
    options = question.options
    if not options:
        return asked
    if _yes_no(question) is not None:
        return f"{asked}\n{yes_no_hint(t, lang)}"
    labels = [_label(t, lang, option) for option in options]
    return f"{asked}\n{numbered(labels)}\n{choices_hint(t, lang, len(labels))}"


def _label(t: Translator, lang: str, option: Any) -> str:
    if option.weekday is not None:
        name = t.weekday(lang, option.weekday, "wide")
    elif isinstance(option.label, Text):
        name = sms_text(t, lang, option.label)
    else:
        name = sms(str(option.label))
    return f"{name} (ok)" if option.checked else name


def _yes_no(question: Question) -> tuple[str, str] | None:
    """The values of "yes" and "no", for a question that has only those two choices."""
    values = [option.value for option in question.options]
    if len(values) != 2:
        return None
    yes = [v for v in values if v.endswith(":yes")]
    no = [v for v in values if v.endswith(":no")]
    return (yes[0], no[0]) if yes and no else None


def _choice(question: Question, words: str, nonce: str) -> Press | None:
    """ "2" for the second choice; OUI or NON for a yes-or-no question; else None (the
    words go to the step as they are)."""
    options = question.options
    folded = words.strip().rstrip(".").strip()
    if folded.isdigit() and 1 <= int(folded) <= len(options):
        return Press(options[int(folded) - 1].value, nonce)
    yes_no = _yes_no(question)
    said = read_yes_no(words, strict=True)
    if yes_no is not None and said is not None:
        return Press(yes_no[0] if said else yes_no[1], nonce)
    return None


def _thanks(words: str) -> bool:
    return words.strip(" !.").lower() in {"merci", "merci beaucoup", "thanks", "thank you", "ok"}
