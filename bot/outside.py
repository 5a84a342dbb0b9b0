"""Answers from outside (Telegram, a partner platform, a file to download), asked before the
update's write transaction and handed in: no network call runs inside a write transaction.

The questions: who belongs to a group (getChatMember, handlers/operators.py), whether the
bot can write to someone in private (handlers/reviews.py), a proof's bytes
(handlers/talk.py), the partners' journeys (bot/interop/theirs.py), a place
from the online geocoder (bot/services/places.py).

Why this shape. An update is handled by python-telegram-bot's handlers inside one write
transaction (handlers/updates.py); which of them runs, and whether it needs to know if the
sender is one of the team, the bytes of the file they sent or the partners' journeys, is only
known by running them (the conversation's state, the button's kind, the draft). Predicting it
before the transaction would write the dispatch a second time. So the handlers *ask*:

- `ask(what, key, fetch)` returns the answer when it is known for this update;
- when it is not, it raises `NotYetKnown`: the update runner rolls the transaction back
  (nothing of it is kept: the update still takes effect once or not at all), calls `fetch`
  outside any transaction (with its own retries and waits), keeps the answer, and handles the
  update again from the start, the answer now known. A second question is asked the same way.
- when `fetch` failed for good, `ask` raises `Unavailable` in that second run: the runner
  rolls back and tells the person plainly what could not be done (translated), instead of the
  apology for a fault of ours.

Nothing is lost between the fetch and the commit: the update stays in the inbox, pending,
until the transaction that uses the answer commits; after a crash it is handled again (and
asked again). Outside the update runner (the agenda, the HTTP side, the tests of a service),
`ask` simply calls `fetch`: none of them asks while it holds a write transaction.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Awaitable, Callable, Hashable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar, cast

T = TypeVar("T")

# What was asked, for the message when it cannot be had (handlers/common.py).
MEMBERSHIP = "membership"
FILE = "file"
PARTNERS = "partners"
PLACE = "place"  # the online geocoder, when switched on
PRIVATE_CHAT = "private_chat"  # has this person opened a chat with the bot?

Fetch = Callable[[], Awaitable[Any]]


class NotYetKnown(Exception):  # noqa: N818 (not an error: a question to answer first)
    """Raised inside the transaction: answer `fetch` outside it, then handle the update again."""

    def __init__(self, what: str, key: Hashable, fetch: Fetch) -> None:
        super().__init__(f"{what} not yet known: {key!r}")
        self.what = what
        self.key = key
        self.fetch = fetch


class Unavailable(Exception):  # noqa: N818
    """What was asked could not be had (after its retries): the person is told so."""

    def __init__(self, what: str, key: Hashable, error: BaseException) -> None:
        super().__init__(f"{what} unavailable ({key!r}): {type(error).__name__}: {error}")
        self.what = what
        self.key = key
        self.error = error


@dataclass(frozen=True)
class _Failed:
    error: BaseException


class Answers:
    """The answers gathered for one update, across its runs."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, Hashable], Any] = {}

    def __contains__(self, question: NotYetKnown) -> bool:
        return (question.what, question.key) in self._known

    def __len__(self) -> int:
        return len(self._known)

    async def fetch(self, question: NotYetKnown) -> None:
        """Ask outside the transaction; a failure is kept too, to be told in the next run."""
        try:
            answer: Any = await question.fetch()
        except Exception as error:
            answer = _Failed(error)
        self._known[(question.what, question.key)] = answer

    def get(self, what: str, key: Hashable) -> tuple[bool, Any]:
        found = (what, key) in self._known
        return found, self._known.get((what, key))


_answers: contextvars.ContextVar[Answers | None] = contextvars.ContextVar("answers", default=None)


@contextlib.contextmanager
def answering(answers: Answers) -> Iterator[None]:
    """Within: `ask` answers from `answers`, or asks the runner to fetch (NotYetKnown)."""
    token = _answers.set(answers)
    try:
        yield
    finally:
        _answers.reset(token)


async def ask(what: str, key: Hashable, fetch: Callable[[], Awaitable[T]]) -> T:
    """The answer to a question put outside (see the module's notes)."""
    answers = _answers.get()
    if answers is None:
        return await fetch()
    found, answer = answers.get(what, key)
    if not found:
        raise NotYetKnown(what, key, fetch)
    if isinstance(answer, _Failed):
        raise Unavailable(what, key, answer.error)
    return cast(T, answer)
