"""Simple phones for the tests: the bot with its SMS channel, and a stand-in for the gateway
beneath it (httpx's MockTransport, answering as Kannel's sendsms does), so that a test texts
the bot and reads what each phone received. The real gateway is tested against a real Kannel
(tests/test_sms_gateway.py, tests/test_sms_kannel.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bot.delivery import Report
from bot.places.gazetteer import Gazetteer
from handlers.sms.gateway import KannelGateway
from handlers.sms.text import is_gsm7, segments
from tests.conftest import RunningBot

SECRET = "s3cret-sms"
NUMBER = "36111"
GATEWAY = "http://127.0.0.1:13013/cgi-bin/sendsms"


@dataclass
class SentText:
    id: int  # the outbox id it was sent for, read from its report URL
    to: str
    text: str
    report_url: str
    sender: str = ""  # the number it left from (sendsms's `from`)


@dataclass
class Network:
    """What the gateway was asked to send, and how it behaves."""

    sent: list[SentText] = field(default_factory=list)
    down: bool = False
    password: str = "pw"

    def handle(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        query = request.url.params
        if query.get("password") != self.password:
            return httpx.Response(403, text="Authorization failed for sendsms")
        report_url = query.get("dlr-url", "")
        entry = int(httpx.URL(report_url).params.get("id", "0")) if report_url else 0
        self.sent.append(
            SentText(entry, query["to"], query["text"], report_url, query.get("from", ""))
        )
        return httpx.Response(202, text="0: Accepted for delivery")


class TextingBot(RunningBot):
    """The running bot with SMS_GATEWAY_URL set, its gateway a stand-in."""

    def __init__(
        self, tmp_path: Path, gazetteer: Gazetteer, *, stand_in: bool = True, **settings: Any
    ) -> None:
        # Without the stand-in, the gateway is the one SMS_GATEWAY_URL names (a real Kannel).
        self.stand_in = stand_in
        settings.setdefault("sms_gateway_url", GATEWAY)
        settings.setdefault("sms_username", "mobilot")
        settings.setdefault("sms_password", "pw")
        settings.setdefault("sms_number", NUMBER)
        settings.setdefault("sms_secret", SECRET)
        settings.setdefault("http_port", 8000)
        super().__init__(tmp_path, gazetteer, **settings)
        self.network = Network()
        self._read: dict[str, int] = {}
        self._gateway_id = 0

    async def start(self, *, background: bool = False, serve_http: bool = False) -> None:
        from bot.app import create_bot

        gateway = (
            KannelGateway(
                GATEWAY, "mobilot", "pw", NUMBER, transport=httpx.MockTransport(self.network.handle)
            )
            if self.stand_in
            else None
        )
        self.mobilot = await create_bot(
            self.settings,
            request=self.fake,
            gazetteer=self.gazetteer,
            clock=self.clock,
            rate_limit=self.rate_limit,
            sms_gateway=gateway,
        )
        self.fake.attach(self.mobilot.application)
        self.fake.receiver = self.mobilot.receive
        await self.mobilot.start(background=background, serve_http=serve_http)

    async def text(
        self, sender: str, words: str, gateway_id: str | None = None, *, to: str = NUMBER
    ) -> list[str]:
        """`sender` texts the territory's number (or `to`); returns what their phone got
        back."""
        texts = self.app.texts
        assert texts is not None
        if gateway_id is None:
            self._gateway_id += 1
            gateway_id = f"gw-{self._gateway_id}"
        await texts.receive(gateway_id, sender, to, words)
        await self.app.settle()
        return self.inbox(sender)

    def inbox(self, phone: str) -> list[str]:
        """The texts `phone` received since last read (as the gateway was asked to send)."""
        from bot.phones import parse_phone

        number = parse_phone(phone) or phone
        got = [s.text for s in self.network.sent if s.to == number]
        new = got[self._read.get(number, 0) :]
        self._read[number] = len(got)
        for text in new:
            assert_fit_for_a_simple_phone(text)
        return new

    def last_to(self, phone: str) -> SentText:
        number = _e164(phone)
        return [s for s in self.network.sent if s.to == number][-1]

    async def report(self, sent: SentText, report: Report) -> None:
        """The gateway's delivery report on a text sent."""
        routes = self.app._sms_routes()
        assert routes is not None
        await routes.reported(sent.id, report, "type 2")
        await self.app.settle()

    def segments_to(self, phone: str) -> int:
        number = _e164(phone)
        return sum(segments(s.text) for s in self.network.sent if s.to == number)


# What a simple phone cannot do: a Telegram command, a button, a link.
TELEGRAM_ONLY = re.compile(
    r"(?<![\w/])/[a-z]{3,}|\b(?:bouton|button|appuyez|tapez|press|tap)\b|https?://", re.IGNORECASE
)


def assert_fit_for_a_simple_phone(text: str) -> None:
    assert is_gsm7(text), f"not GSM-7: {text!r}"
    # One segment, two for a summary with its numbered corrections.
    assert segments(text) <= 2, f"{segments(text)} segments: {text!r}"
    assert not TELEGRAM_ONLY.search(text), f"asks what a simple phone cannot do: {text!r}"


def _e164(phone: str) -> str:
    from bot.phones import parse_phone

    number = parse_phone(phone)
    assert number is not None, phone
    return number
