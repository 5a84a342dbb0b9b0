"""Try mode's stand-in for Kannel: smsbox's sendsms interface and, behind it, the phone
network of the page's simple phones (handlers/sms/gateway.py speaks to it as to Kannel).

Out (Mobilot to a phone): `GET /cgi-bin/sendsms?username&password&to&from&text&charset
&coding&dlr-mask&dlr-url`, answered as Kannel 1.4.5 answers (checked against it): wrong
credentials 403 "Authorization failed for sendsms"; no receiver 400 "Missing receiver
number, rejected", an empty one 400 "Empty receiver number not allowed, rejected"; one with
other characters than smsbox's `sendsms-chars` 400 "Number(s) has/have been denied by white-
and/or black-lists."; else 202 "0: Accepted for delivery", the text kept for the phone it is
sent to, then its delivery report fetched once: `dlr-url` with `%d` replaced by 1 (delivered
to the phone), as Kannel's fake SMS centre does (its `%A`, the centre's answer, is empty).

In (a phone to Mobilot): what a person types on a simple phone goes to Mobilot's HTTP side as
Kannel's sms-service passes it on, its `get-url` (`…/sms/incoming?secret=…&from=%p&to=%P
&text=%a&id=%I`) with the escape codes replaced: the phone's number, the territory's, the
words of the text (`%a`: one space between words, as Kannel gives them), a fresh message id.

What a phone shows is what a phone would show: with `coding=0` (GSM 7-bit), a character the
GSM alphabet lacks arrives as "?", as through Kannel (checked: tests/test_sms_gateway.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import itertools
import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

import httpx
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from bot.phones import parse_phone
from handlers.sms.text import GSM7, segments

log = logging.getLogger(__name__)

SENDSMS = "/cgi-bin/sendsms"
ACCEPTED = "0: Accepted for delivery"
AUTH_FAILED = "Authorization failed for sendsms"
NO_RECEIVER = "Missing receiver number, rejected"
EMPTY_RECEIVER = "Empty receiver number not allowed, rejected"
DENIED = "Number(s) has/have been denied by white- and/or black-lists."
# smsbox's default `sendsms-chars`: what a receiver number may be made of.
NUMBER_CHARACTERS = frozenset("0123456789 +-")
DELIVERED = 1  # the report's type: delivered to the phone
MAX_TEXT = 2000  # what a person may type on the page at once


class NotSent(Exception):
    """Mobilot's HTTP side did not take the text (it is down, or refused it)."""


@dataclass(frozen=True)
class Sms:
    """A text on a simple phone: one it received (`mine` False) or one written on it."""

    n: int
    number: str  # the phone's own number (E.164)
    mine: bool
    text: str
    at: datetime
    segments: int


def expand(template: str, codes: Mapping[str, str]) -> str:
    """Kannel's escape codes in a URL (`%d`, `%p`…) replaced by their values, URL-encoded;
    a `%` before anything else is left as it is."""
    out: list[str] = []
    i = 0
    while i < len(template):
        code = template[i + 1 : i + 2]
        if template[i] == "%" and code in codes:
            out.append(quote(codes[code], safe=""))
            i += 2
        else:
            out.append(template[i])
            i += 1
    return "".join(out)


def as_received(text: str, coding: str) -> str:
    """What the phone shows of `text` sent in `coding` (0: GSM 7-bit, 2: UCS-2)."""
    if coding == "2":
        return text
    return "".join(
        ch if ch in GSM7 else "Ç" if ch == "ç" else "????" if ord(ch) > 0xFFFF else "?"
        for ch in text
    )


class FakeKannel:
    def __init__(
        self,
        *,
        username: str,
        password: str,
        number: str,
        get_url: str,
        clock: Callable[[], datetime],
        changed: Callable[[], None] = lambda: None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.username, self.password = username, password
        self.number = number  # the territory's, as people see it (SMS_NUMBER)
        self.get_url = get_url
        self.texts: list[Sms] = []
        self.reports: list[str] = []  # the delivery report URLs fetched
        self._clock = clock
        self._changed = changed
        self._client = httpx.AsyncClient(timeout=httpx.Timeout(10.0), transport=transport)
        self._numbers = itertools.count(1)
        self._reporting: set[asyncio.Task[None]] = set()

    # The page's side: the phones.

    def on_phone(self, number: str) -> list[Sms]:
        return [sms for sms in self.texts if sms.number == number]

    def numbers(self) -> list[str]:
        """Every phone that wrote or was written to, in order of its first text."""
        return list(dict.fromkeys(sms.number for sms in self.texts))

    async def phone_sends(self, number: str, text: str) -> None:
        """A person types `text` on the simple phone `number` (E.164) and sends it to the
        territory's number: Kannel passes it on to Mobilot."""
        text = text[:MAX_TEXT]
        self._keep(number, mine=True, text=text)
        words = " ".join(text.split())
        codes = {"p": number, "P": self.number, "a": words, "I": str(uuid.uuid4())}
        url = expand(self.get_url, codes)
        try:
            answer = await self._client.get(url)
        except httpx.HTTPError as error:
            raise NotSent(f"Mobilot's HTTP side does not answer ({type(error).__name__})") from None
        if answer.status_code != 200:
            raise NotSent(f"Mobilot's HTTP side answered {answer.status_code}")

    # Mobilot's side: sendsms.

    async def sendsms(self, query: Mapping[str, str]) -> Response:
        if not (
            hmac.compare_digest(query.get("username", "").encode(), self.username.encode())
            and hmac.compare_digest(query.get("password", "").encode(), self.password.encode())
        ):
            return PlainTextResponse(AUTH_FAILED, status_code=403)
        to = query.get("to")
        if to is None:
            return PlainTextResponse(NO_RECEIVER, status_code=400)
        if not to:
            return PlainTextResponse(EMPTY_RECEIVER, status_code=400)
        if not set(to) <= NUMBER_CHARACTERS:
            return PlainTextResponse(DENIED, status_code=400)
        number = parse_phone(to) or to  # Kannel takes "06 12-34" too: the phone network won't
        shown = as_received(query.get("text", ""), query.get("coding", "0"))
        self._keep(number, mine=False, text=shown)
        report_url = query.get("dlr-url")
        mask = query.get("dlr-mask", "")
        if report_url and mask.isdigit() and int(mask) & DELIVERED:
            codes = {"d": str(DELIVERED), "A": "", "p": number, "P": query.get("from", "")}
            task = asyncio.create_task(self._report(expand(report_url, codes)))
            self._reporting.add(task)
            task.add_done_callback(self._reporting.discard)
        return PlainTextResponse(ACCEPTED, status_code=202)

    async def _report(self, url: str) -> None:
        await asyncio.sleep(0)  # after the answer to sendsms, as from the SMS centre
        try:
            answer = await self._client.get(url)
            self.reports.append(url)
            if answer.status_code != 200:
                log.warning("SMS stand-in: a delivery report was answered %s", answer.status_code)
        except httpx.HTTPError as error:
            log.warning("SMS stand-in: a delivery report was not taken (%s)", type(error).__name__)

    async def reported(self) -> None:
        """Once every delivery report due has been fetched (for the tests)."""
        while self._reporting:
            await asyncio.gather(*self._reporting, return_exceptions=True)

    async def close(self) -> None:
        for task in list(self._reporting):
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(*self._reporting, return_exceptions=True)
        await self._client.aclose()

    def _keep(self, number: str, *, mine: bool, text: str) -> None:
        self.texts.append(
            Sms(next(self._numbers), number, mine, text, self._clock(), segments(text))
        )
        self._changed()


def routes(kannel: Callable[[], FakeKannel]) -> list[BaseRoute]:
    """sendsms, answered by the stand-in of the moment (try mode makes a new one at a reset)."""

    async def sendsms(request: Request) -> Response:
        return await kannel().sendsms(request.query_params)

    return [Route(SENDSMS, sendsms, methods=["GET"])]
