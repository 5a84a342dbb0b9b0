"""What a text from a simple phone does: read in one order, whatever it says.

1. a number that is not a phone (a short code, an operator's service): nothing to answer;
2. too many texts from that number in a short while: nothing (and, unless they texted STOP,
   told once to wait);
3. someone who texted STOP: nothing, unless they text START;
4. a keyword (STOP, START, AIDE, ANNULER, OUBLIER, in both languages): ANNULER stops the
   conversation in progress or, with none, offers to call off the newest need
   (bot/conversations/cancel_need.py); OUBLIER asks OUI first, then erases everything, as
   /oublier does on Telegram (bot/conversations/forget.py);
5. a newcomer: the agreement and their name first (bot/conversations/welcome.py), then what
   they texted first;
6. the answer to the conversation in progress ("2" is its second choice, OUI and NON its yes
   and no), read by the conversation's own readers of words;
7. the answer to a question asked outside any conversation (a driver's OUI, the driver
   chosen by number: bot/services/words.py);
8. else the beginning of a conversation: a ride asked in one text ("cahors demain 9h"), a trip
   offered ("je propose un trajet"), or anything else, which begins looking for a ride.

What comes back is a `Reply` as from any conversation, for the SMS adapter to word as one
text to the number that wrote (handlers/sms/talk.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from bot.conversations.engine import Conversations
from bot.conversations.model import Press, Question, Reply, Say, Text, Words
from bot.conversations.volunteer import says_volunteering
from bot.domain import Missing, Person
from bot.phones import parse_phone
from bot.services.brand import Brand
from bot.services.introductions import Answer, AnswerResult, Ask, AskResult
from bot.services.people import PeopleService
from bot.services.rides import OutcomeResult, RecordedOutcome
from bot.services.texts import Flood, ReceivedText, TextService
from bot.services.trips import TripChange, TripChangeResult
from bot.services.words import RequestsWaiting, WordsService
from bot.understand import Keyword, read_keyword, read_request, read_yes_no, says_offering

# The conversations a text opens.
FIND, OFFER, WELCOME, CANCEL_NEED = "find", "offer", "welcome", "cancel_need"
FORGET = "forget"
VOLUNTEER = "volunteer"
# A newcomer's first words taken again after the welcome, and at most this deep.
MOST_THEN = 2


@dataclass
class Texted:
    """What a text did: who sent it (None: not a phone), the reply for them, and whether it
    is the last text they get (STOP's answer goes whatever the month's budget)."""

    phone: str | None
    person: Person | None
    reply: Reply = field(default_factory=Reply)
    last: bool = False
    # The name of the person's territory once known, with several territories: everything
    # said back names it instead of the deployment (bot/services/brand.py); "": Mobilot.
    service: str = ""
    # The town its example request names ("brive demain 9h"); "": the catalogue's.
    town: str = ""


class Texting:
    def __init__(
        self,
        texts: TextService,
        people: PeopleService,
        conversations: Conversations,
        words: WordsService,
        today: Callable[[], date],
        brand: Brand | None = None,
    ) -> None:
        self._brand = brand
        self._texts = texts
        self._people = people
        self._conversations = conversations
        self._words = words
        self._today = today

    @property
    def brand(self) -> Brand | None:
        """The territories' own numbers (when some territory has one), names and towns."""
        return self._brand

    async def take(self, text: ReceivedText) -> Texted:
        """One text, in the caller's transaction: marked handled (or ignored) with its
        effects."""
        phone = parse_phone(text.sender)
        if phone is None:
            await self._texts.ignored(text, "not a phone number")
            return Texted(None, None)
        flood = await self._texts.flood(text)
        if flood is Flood.SILENT:
            await self._texts.ignored(text, "too many texts")
            return Texted(phone, None)
        person = await self._people.identify_by_phone(phone)
        if person.sms_stopped_at is not None and read_keyword(text.text) is not Keyword.START:
            await self._texts.ignored(text, "STOP")  # they asked for no more texts: none
            return Texted(phone, person)
        if flood is Flood.TOLD:
            await self._texts.handled(text)
            return Texted(phone, person, _said("sms.flood"))
        texted = Texted(phone, person)
        if self._brand is not None:
            await self._brand.received_on(person.id, text.receiver)
            voice = await self._brand.voice_for(person.id)
            texted.service, texted.town = voice.service or "", voice.town or ""
        await self._take(texted, " ".join(text.text.split()), MOST_THEN)
        await self._texts.handled(text)
        return texted

    async def _take(self, texted: Texted, words: str, depth: int) -> None:
        person = texted.person
        if person is None:
            raise Missing("a text taken without its person")
        if (
            person.telegram_user_id is None
            and person.sms_since is None
            and (person.privacy_accepted_at is not None and person.display_name.strip())
        ):
            # Registered by the team, texting now: texts reach them from here on.
            texted.person = person = await self._people.reach_by_sms(person, show_phone=False)
        keyword = read_keyword(words)
        if keyword is not None:
            await self._keyword(texted, person, keyword)
            return
        if not words:
            _say(texted.reply, "sms.help")
            return
        if person.privacy_accepted_at is None or not person.display_name.strip():
            state = await self._conversations.current(person)
            if state is None or state.flow != WELCOME:
                reply = await self._conversations.start(person, WELCOME, words=Words(words))
                await self._add(texted, reply, depth)
                return
        answered = await self._answer(person, words)
        if answered is None:
            answered = await self._outside(texted, person, words)
        if answered is not None:
            await self._add(texted, answered, depth)

    async def _add(self, texted: Texted, reply: Reply, depth: int) -> None:
        """The reply joins what is said back; a newcomer's first words are then taken."""
        said = texted.reply
        said.outputs.extend(reply.outputs)
        said.notices.extend(reply.notices)
        said.voice = reply.voice or said.voice
        if reply.stale and reply.alert is not None:
            said.outputs.append(Say(reply.alert))
        if reply.erased:
            return
        if texted.person is None:
            raise Missing("a text taken without its person")
        texted.person = await self._people.get(texted.person.id) or texted.person
        if reply.then is not None and depth > 0:
            await self._take(texted, reply.then.text, depth - 1)

    # Keywords.

    async def _keyword(self, texted: Texted, person: Person, keyword: Keyword) -> None:
        if keyword is Keyword.STOP:
            stopped = await self._texts.stop(person)
            texted.person, texted.last = stopped.person, True
            _say(texted.reply, "sms.stopped")
            texted.reply.notices.extend(stopped.notices)
            return
        if keyword is Keyword.START:
            texted.person = await self._texts.start(person)
            _say(texted.reply, "sms.started")
            return
        if keyword is Keyword.CANCEL:
            # The conversation in progress; with none, the person's newest need.
            reply = await self._conversations.cancel(person)
            if reply is None:
                reply = await self._conversations.start(person, CANCEL_NEED)
            await self._add(texted, reply, 0)
            return
        if keyword is Keyword.FORGET:
            # OUI first; then erased through the privacy service, like /oublier.
            await self._add(texted, await self._conversations.start(person, FORGET), 0)
            return
        _say(texted.reply, "sms.help")
        again = await self._conversations.ask_again(person)
        if again is not None:
            await self._add(texted, again, 0)

    # The conversation in progress.

    async def _answer(self, person: Person, words: str) -> Reply | None:
        asked = await self._conversations.question_now(person)
        if asked is None:
            return None
        state, question = asked
        answer: Press | Words = read_choice_of(question, words, state.nonce) or Words(words)
        return await self._conversations.answer(person, answer)

    # Outside any conversation.

    async def _outside(self, texted: Texted, person: Person, words: str) -> Reply | None:
        # A bare number answers a list ("1": the first driver), never asks for a date.
        if not words.isdigit() and read_request(words, self._today()) is not None:
            return await self._conversations.start(person, FIND, words=Words(words))
        if says_volunteering(words):  # before "conducteur": a volunteer driver
            return await self._conversations.start(person, VOLUNTEER)
        if says_offering(words):
            return await self._conversations.start(person, OFFER)
        said = texted.reply
        asked = await self._words.answer(person, words)
        if isinstance(asked, Person):
            texted.person = asked
            _say(said, "language.set")
        elif isinstance(asked, Answer):
            _driver_answered(said, asked)
        elif isinstance(asked, TripChangeResult):
            resumed = asked.outcome is TripChange.DONE
            _say(said, "sms.trip_resumed" if resumed else "sms.trip_kept")
            said.notices.extend(asked.notices)
        elif isinstance(asked, RecordedOutcome):
            thanks = "outcome.already"
            if asked.result is OutcomeResult.RECORDED and asked.outcome is not None:
                thanks = f"outcome.thanks_{asked.outcome.value}"
            _say(said, thanks)
        elif isinstance(asked, Ask) and asked.result is AskResult.UNCLEAR:
            # A choice of drivers waits: by their number, or OUI or NON when there is one.
            one = len(asked.candidates) == 1
            _say(said, "qa.sms_one_driver_unclear" if one else "sms.which_driver")
        elif isinstance(asked, Ask):
            _driver_asked(said, asked)
        elif _thanks(words):
            _say(said, "sms.you_are_welcome")
        elif read_yes_no(words) is not None or words.isdigit():
            _say(texted.reply, "sms.help")  # a plain "oui" or "2" with nothing to answer
        elif isinstance(asked, RequestsWaiting) and asked.count == 1:
            _say(said, "qa.sms_request_waiting")  # not a new search: OUI or NON first
        else:
            return await self._conversations.start(person, FIND)
        return None


def read_choice_of(question: Question, words: str, nonce: str) -> Press | None:
    """ "2" for the second choice; OUI or NON for a yes-or-no question; else None (the
    words go to the step as they are)."""
    options = question.options
    typed = words.strip().rstrip(".").strip()
    if typed.isdigit() and 1 <= int(typed) <= len(options):
        return Press(options[int(typed) - 1].value, nonce)
    yes_no = yes_no_values(question)
    said = read_yes_no(words, strict=True)
    if yes_no is not None and said is not None:
        return Press(yes_no[0] if said else yes_no[1], nonce)
    return None


def yes_no_values(question: Question) -> tuple[str, str] | None:
    """The values of "yes" and "no", for a question that has only those two choices."""
    values = [option.value for option in question.options]
    if len(values) != 2:
        return None
    yes = [v for v in values if v.endswith(":yes")]
    no = [v for v in values if v.endswith(":no")]
    return (yes[0], no[0]) if yes and no else None


def _driver_answered(said: Reply, answer: Answer) -> None:
    if answer.result not in (AnswerResult.ACCEPTED, AnswerResult.DECLINED):
        _say(said, "intro.no_longer")
        return
    _say(said, f"intro.state_{answer.result.value}")
    said.notices.extend(answer.notices)


def _driver_asked(said: Reply, asked: Ask) -> None:
    key = {
        AskResult.BUSY: "intro.busy",
        AskResult.CLOSED: "intro.closed",
        AskResult.NOT_FOUND: "intro.closed",
        AskResult.UNAVAILABLE: "intro.unavailable",
    }.get(asked.result)
    if key is not None:
        _say(said, key)
    said.notices.extend(asked.notices)


def _said(key: str) -> Reply:
    reply = Reply()
    _say(reply, key)
    return reply


def _say(reply: Reply, key: str) -> None:
    reply.outputs.append(Say(Text(key)))


def _thanks(words: str) -> bool:
    """ "Merci !", "merci beaucoup 😊": a thank-you, whatever the signs and smileys around."""
    said = " ".join("".join(c if c.isalpha() else " " for c in words.lower()).split())
    return said in {"merci", "merci beaucoup", "merci bien", "thanks", "thank you", "ok"}
