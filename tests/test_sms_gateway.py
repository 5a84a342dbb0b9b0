"""KannelGateway against a real Kannel (tests/kannel.py), the test playing the phone network and
Mobilot's HTTP side (a small Starlette app on loopback); then its reading of answers no Kannel
here gives (a time-out, a 503), through httpx's MockTransport."""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

import tests.kannel as harness
from handlers.sms.gateway import GatewayDown, GatewayRefused, KannelGateway
from tests.kannel import REFUSED_PREFIX, Kannel, free_port, kannel_fixture, require_kannel  # noqa: F401

PHONE = "+33612345678"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class MobilotSide:
    """What Kannel calls on Mobilot's HTTP side: texts received and delivery reports."""

    def __init__(self) -> None:
        self.port = free_port()
        self.incoming: asyncio.Queue[dict[str, str]] = asyncio.Queue()
        self.reports: asyncio.Queue[dict[str, str]] = asyncio.Queue()

        async def incoming(request: Request) -> Response:
            await self.incoming.put(dict(request.query_params))
            return Response(status_code=200)

        async def report(request: Request) -> Response:
            await self.reports.put(dict(request.query_params))
            return Response(status_code=200)

        app = Starlette(routes=[Route("/sms/incoming", incoming), Route("/sms/report", report)])
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, lifespan="off", log_level="warning"
        )
        self._server = uvicorn.Server(config)
        self._task: asyncio.Task[None] | None = None

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    async def start(self) -> None:
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        self._server.should_exit = True
        if self._task is not None:
            await self._task


@pytest.fixture
async def mobilot() -> AsyncIterator[MobilotSide]:
    side = MobilotSide()
    await side.start()
    yield side
    await side.stop()


@pytest.fixture
def kannel_get_url(mobilot: MobilotSide) -> str:
    return mobilot.url("/sms/incoming?secret=S&from=%p&to=%P&text=%a&id=%I")


@pytest.fixture
async def gateway(kannel: Kannel) -> AsyncIterator[KannelGateway]:
    sending = KannelGateway(kannel.sendsms_url, kannel.username, kannel.password, kannel.number)
    yield sending
    await sending.close()


async def next_of(queue: asyncio.Queue[dict[str, str]]) -> dict[str, str]:
    return await asyncio.wait_for(queue.get(), 10)


async def test_a_text_reaches_the_phone_with_its_accents(
    kannel: Kannel,
    gateway: KannelGateway,
) -> None:
    await gateway.send(PHONE, "Départ à 9h, arrivée Cahors. Où ? Élodie, Ça fait 2 €.")
    got = await kannel.next_message(PHONE)
    assert got.text == "Départ à 9h, arrivée Cahors. Où ? Élodie, Ça fait 2 €."
    assert got.sender == kannel.number
    # GSM 7-bit has no "ê", "î", "ô", "ë", "ï", "œ", "—", no lowercase "ç", no emoji: Kannel
    # writes what it can, "?" for the rest (four for an emoji).
    await gateway.send(PHONE, "Vous êtes prêt ? Ça, ça. L'île, côté, Noël, maïs, cœur — 🙂")
    assert (
        await kannel.next_text(PHONE)
        == "Vous ?tes pr?t ? Ça, Ça. L'?le, c?té, No?l, ma?s, c?ur ? ????"
    )


async def test_a_long_text_arrives_whole(kannel: Kannel, gateway: KannelGateway) -> None:
    text = ("Jean part de Gourdon à 8h15 (+1 place), passe par Cahors, la gare. " * 6)[:300]
    await gateway.send(PHONE, text)
    got = await kannel.next_message(PHONE)
    assert got.text == text
    assert got.segments == 2  # 153 + 147 characters


async def test_line_breaks_reach_the_phone(kannel: Kannel, gateway: KannelGateway) -> None:
    await gateway.send(PHONE, "Répondez :\n1 pour oui\n2 pour non")
    assert await kannel.next_text(PHONE) == "Répondez :\n1 pour oui\n2 pour non"


async def test_a_delivery_report_comes_back_with_the_outbox_id_and_its_type(
    kannel: Kannel,
    gateway: KannelGateway,
    mobilot: MobilotSide,
) -> None:
    await gateway.send(
        PHONE, "Bonjour", report_url=mobilot.url("/sms/report?secret=S&id=42&type=%d")
    )
    assert await kannel.next_text(PHONE) == "Bonjour"
    assert await next_of(mobilot.reports) == {"secret": "S", "id": "42", "type": "1"}
    # A number no SMS centre takes: refused at once, and reported as not delivered (16).
    with pytest.raises(GatewayRefused, match="Not routable"):
        await gateway.send(
            f"{REFUSED_PREFIX}1234", "Bonjour", report_url=mobilot.url("/sms/report?id=43&type=%d")
        )
    assert await next_of(mobilot.reports) == {"id": "43", "type": "16"}
    assert mobilot.reports.empty()  # nothing else came (no type 8: the mask does not ask)


async def test_a_text_from_a_phone_reaches_mobilot_with_who_what_and_an_id(
    kannel: Kannel,
    mobilot: MobilotSide,
) -> None:
    await kannel.text_from("0612345678", "cahors  demain 9h")
    first = await next_of(mobilot.incoming)
    assert UUID.match(first.pop("id"))
    assert first == {
        "secret": "S",
        "from": "0612345678",
        "to": kannel.number,
        "text": "cahors demain 9h",
    }
    # Sent in UCS-2 by the phone (an emoji, "ê"): in UTF-8 all the same; the same words again
    # are another text, with another id.
    await kannel.text_from("0612345678", "ça fête 😀")
    await kannel.text_from("0612345678", "ça fête 😀")
    second, third = await next_of(mobilot.incoming), await next_of(mobilot.incoming)
    assert second["text"] == third["text"] == "ça fête 😀"
    assert UUID.match(second["id"]) and UUID.match(third["id"]) and second["id"] != third["id"]


async def test_while_the_phone_network_is_down_kannel_keeps_the_text(
    kannel: Kannel,
    gateway: KannelGateway,
) -> None:
    await kannel.network_down()
    await gateway.send(PHONE, "Rendez-vous à 9h")  # "3: Queued for later delivery": accepted
    assert kannel.unread(PHONE) == 0
    await kannel.network_up()
    assert await kannel.next_text(PHONE) == "Rendez-vous à 9h"
    # Kept in bearerbox's store across a restart of Kannel too.
    await kannel.network_down()
    await gateway.send(PHONE, "Rendez-vous à 10h")
    await kannel.stop()
    await kannel.start()
    assert await kannel.next_text(PHONE) == "Rendez-vous à 10h"


async def test_kannel_stopped_is_down_and_back_once_restarted(
    kannel: Kannel,
    gateway: KannelGateway,
) -> None:
    await kannel.stop()
    with pytest.raises(GatewayDown):
        await gateway.send(PHONE, "Bonjour")
    await kannel.start()
    await gateway.send(PHONE, "Bonjour")
    assert await kannel.next_text(PHONE) == "Bonjour"


async def test_a_wrong_password_is_refused(kannel: Kannel) -> None:
    wrong = KannelGateway(kannel.sendsms_url, kannel.username, "not-it", kannel.number)
    with pytest.raises(GatewayRefused, match="Authorization failed"):
        await wrong.send(PHONE, "Bonjour")
    await wrong.close()


# -- answers a local Kannel does not give --------------------------------------------------


def answering(status: int, body: str) -> tuple[KannelGateway, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, text=body)

    transport = httpx.MockTransport(handler)
    gateway = KannelGateway(
        "http://kannel:13013/cgi-bin/sendsms", "mobilot", "pw", "+33639980000", transport=transport
    )
    return gateway, seen


async def test_what_sendsms_is_asked() -> None:
    gateway, seen = answering(202, "0: Accepted for delivery")
    await gateway.send(PHONE, "Départ 9h", report_url="http://bot:8000/sms/report?id=7&type=%d")
    assert dict(seen[0].url.params) == {
        "username": "mobilot",
        "password": "pw",
        "to": "+33612345678",
        "from": "+33639980000",
        "text": "Départ 9h",
        "charset": "UTF-8",
        "coding": "0",
        "dlr-mask": "19",
        "dlr-url": "http://bot:8000/sms/report?id=7&type=%d",
    }
    await gateway.send(PHONE, "Sans accusé")
    assert "dlr-mask" not in seen[1].url.params and "dlr-url" not in seen[1].url.params


@pytest.mark.parametrize(
    ("status", "body", "raised"),
    [
        (202, "0: Accepted for delivery", None),
        (202, "3: Queued for later delivery", None),
        (503, "Temporal failure, try again later.", GatewayDown),
        (500, "", GatewayDown),
        (403, "Authorization failed for sendsms", GatewayRefused),
        (400, "Number(s) has/have been denied by white- and/or black-lists.", GatewayRefused),
    ],
)
async def test_how_each_answer_is_read(
    status: int, body: str, raised: type[Exception] | None
) -> None:
    gateway, _ = answering(status, body)
    if raised is None:
        await gateway.send(PHONE, "Bonjour")
    else:
        with pytest.raises(raised, match=str(status)):
            await gateway.send(PHONE, "Bonjour")


async def test_no_answer_in_time_is_down_and_the_password_is_not_told() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    gateway = KannelGateway(
        "http://kannel:13013/cgi-bin/sendsms",
        "mobilot",
        "s3cret",
        "36111",
        transport=httpx.MockTransport(handler),
    )
    with pytest.raises(GatewayDown) as caught:
        await gateway.send(PHONE, "Bonjour")
    assert "s3cret" not in str(caught.value)


async def test_a_kannel_that_cannot_start_says_why(tmp_path: Path) -> None:
    require_kannel()
    broken = Kannel(tmp_path / "kannel", "http://127.0.0.1:9/sms/incoming")
    with socket.socket() as taken:  # someone else has the sendsms port
        taken.bind(("127.0.0.1", broken.sendsms_port))
        taken.listen()
        with pytest.raises(RuntimeError, match="a box exited before sendsms answers") as caught:
            await broken.start()
    assert "Address already in use" in str(caught.value)  # smsbox's log, shown
    assert not broken._processes  # bearerbox is not left running


def test_without_kannel_its_tests_skip_except_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(harness, "BEARERBOX", Path("/nowhere/bearerbox"))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="/nowhere/bearerbox"):
        require_kannel()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="/nowhere/bearerbox"):
        require_kannel()
