"""Try mode without a browser: its page's API over real loopback HTTP, on the real bot (the
browser test, tests/test_try_page.py, plays the whole page)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from bot.settings import Settings
from bot.try_mode import TryMode
from handlers.sms.gateway import GatewayRefused, KannelGateway
from handlers.tryout import smsgate
from handlers.tryout.render import entities_to_html
from handlers.tryout.smsgate import FakeKannel, NotSent
from handlers.tryout.standin import decode
from tests.conftest import free_port

# Try mode always runs on its own SQLite file, emptied at each start and reset.
pytestmark = pytest.mark.sqlite_only(reason="try mode keeps its own SQLite file by design")

JEANNE, PAUL = 1001, 1002


@pytest.fixture
async def mode(tmp_path: Path) -> AsyncIterator[TryMode]:
    settings = Settings(_env_file=None, database_path=tmp_path / "real.sqlite3")  # type: ignore[call-arg]
    running = TryMode(settings, free_port(), database=tmp_path / "try.sqlite3")
    await running.start()
    yield running
    await running.stop()


async def chat(client: httpx.AsyncClient, chat_id: int) -> list[dict[str, Any]]:
    state = (await client.get("/try/api/state")).json()
    items: list[dict[str, Any]] = state["chats"][str(chat_id)]["items"]
    return items


async def answered(client: httpx.AsyncClient, chat_id: int, text: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    async def check() -> bool:
        found[:] = await chat(client, chat_id)
        return any(item["from_bot"] and text in item["html"] for item in found)

    for _ in range(600):  # patient: CI machines are shared and slow at times
        if await check():
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"{text!r} never came: {[i.get('html') for i in found]}")


async def test_the_page_talks_to_the_real_bot_and_bad_requests_get_a_clear_answer(
    mode: TryMode, tmp_path: Path
) -> None:
    assert not (tmp_path / "real.sqlite3").exists()  # never the real database
    async with httpx.AsyncClient(base_url=mode.url) as client:
        page = await client.get("/")
        assert page.status_code == 200 and "page.js" in page.text
        elsewhere = await client.get("/try/api/state", headers={"Host": "evil.example"})
        assert elsewhere.status_code == 400  # a page of another site, by DNS rebinding
        texts = (await client.get("/try/api/texts?lang=en")).json()["texts"]
        assert texts["try.reset"] == "🔄 Start again"
        assert (await client.get("/try/api/texts?lang=xx")).json()["language"] == "fr"

        said = {"action": "text", "user_id": JEANNE, "chat_id": JEANNE, "text": "/start"}
        assert (await client.post("/try/api/act", json=said)).status_code == 200
        await answered(client, JEANNE, "Bonjour Jeanne")
        items = await answered(client, JEANNE, "Que voulez-vous faire ?")  # the menu follows
        greeting = next(i for i in items if i["from_bot"])
        assert greeting["html"].startswith("Bonjour Jeanne")
        menu = next(i for i in items if i.get("buttons"))
        pressed = {
            "action": "press",
            "user_id": JEANNE,
            "chat_id": JEANNE,
            "message_id": menu["id"],
            "data": menu["buttons"][0][0]["data"],
        }
        assert (await client.post("/try/api/act", json=pressed)).status_code == 200
        await answered(client, JEANNE, "Êtes-vous d'accord ?")
        forged = {**pressed, "data": "nothing:of:ours"}  # an old or forged button
        assert (await client.post("/try/api/act", json=forged)).status_code == 200
        for _ in range(600):
            answers = (await client.get("/try/api/state")).json()["answers"]
            if answers:
                break
            await asyncio.sleep(0.05)
        assert answers[-1]["user_id"] == JEANNE and answers[-1]["alert"]  # shown over her chat
        assert answers[-1]["text"].startswith("Ce bouton ne sert plus")
        helped = {"action": "text", "user_id": JEANNE, "chat_id": JEANNE, "text": "/aide"}
        assert (await client.post("/try/api/act", json=helped)).status_code == 200
        await answered(client, JEANNE, "<b>")  # formatting comes through as HTML

        for wrong in (
            b"not json",
            b"[1]",
            b'{"action": "text", "user_id": 999, "text": "hi"}',
            b'{"action": "dance", "user_id": 1001, "chat_id": 1001}',
            b'{"action": "press", "user_id": 1001, "chat_id": 1001, "message_id": 999}',
            b'{"action": "location", "user_id": 1001, "chat_id": 1001, "lat": "north"}',
        ):
            answer = await client.post("/try/api/act", content=wrong)
            assert answer.status_code == 400 and answer.json()["error"], wrong
        assert (await client.post("/try/api/clock", json={"move": "yesterday"})).status_code == 400
        assert (await client.post("/try/api/people", json={"name": "  "})).status_code == 400
        assert (await client.get("/try/api/file/nothing")).status_code == 404

        added = (await client.post("/try/api/people", json={"name": "Anne Dupont"})).json()
        state = (await client.get("/try/api/state")).json()
        assert {"id": added["id"], "name": "Anne Dupont", "role": "person"}.items() <= next(
            p for p in state["people"] if p["id"] == added["id"]
        ).items()

        upload = await client.post(
            "/try/api/document",
            data={"user_id": str(PAUL)},
            files={"file": ("permis.pdf", b"%PDF-1.4 x", "application/pdf")},
        )
        assert upload.status_code == 200
        items = await answered(client, PAUL, "fichiers")
        document = next(i for i in items if i["kind"] == "document")
        assert (await client.get(f"/try/api/file/{document['file_id']}")).content == b"%PDF-1.4 x"

        before = mode.now()
        assert (await client.post("/try/api/clock", json={"move": "week"})).status_code == 200
        assert (mode.now() - before).days == 7
        digests = [i for i in await chat(client, -1004600000001) if "Le point du jour" in i["html"]]
        assert len(digests) == 7

        reset = await client.post("/try/api/reset", json={"language": "en"})
        assert reset.status_code == 200
        assert await chat(client, JEANNE) == []
        assert mode.now() - before < timedelta(hours=1)  # the clock is back to now
        state = (await client.get("/try/api/state")).json()
        assert [p["id"] for p in state["people"] if p["shown"]] == [1001, 1002, 1003]
        assert (await client.post("/try/api/act", json=said)).status_code == 200
        await answered(client, JEANNE, "Hello Jeanne")  # the page's language, after a reset


def test_formatting_is_rendered_safely() -> None:
    text = "🚗 Cahors <b> → Figeac\nvoir ici"
    entities = [
        {"type": "bold", "offset": 0, "length": 9},  # the emoji counts 2 UTF-16 units
        {"type": "text_link", "offset": 19, "length": 3, "url": "javascript:alert(1)"},
        {"type": "text_link", "offset": 23, "length": 3, "url": "https://example.org/?a=1&b=2"},
    ]
    assert entities_to_html(text, entities) == (
        "<b>🚗 Cahors</b> &lt;b&gt; → Figeac<br>"
        '<a href="https://example.org/?a=1&amp;b=2" target="_blank" rel="noopener">voi</a>r ici'
    )


def test_form_values_are_decoded_as_python_telegram_bot_encoded_them() -> None:
    assert decode("chat_id", "-100123") == -100123
    assert decode("show_alert", "true") is True
    assert decode("text", "123") == "123"  # a text that looks like a number stays a text
    assert decode("reply_markup", '{"inline_keyboard": []}') == '{"inline_keyboard": []}'


async def test_a_simple_phone_texts_the_real_bot_through_the_sms_stand_in(mode: TryMode) -> None:
    passenger = "+33612345678"
    async with httpx.AsyncClient(base_url=mode.url) as client:
        state = (await client.get("/try/api/state")).json()
        assert state["sms"]["number"] == "36111"
        assert [p["number"] for p in state["sms"]["phones"] if p["open"]] == [passenger]
        said = {"number": passenger, "text": "cahors  demain 9h"}
        assert (await client.post("/try/api/sms", json=said)).status_code == 200
        for _ in range(600):
            state = (await client.get("/try/api/state")).json()
            items = state["sms"]["phones"][0]["items"]
            if any(not item["mine"] for item in items):
                break
            await asyncio.sleep(0.05)
        mine, answer = items[0], items[-1]
        assert mine["mine"] and mine["text"] == "cahors  demain 9h"  # as typed on the phone
        assert not answer["mine"] and "OUI ou NON" in answer["text"] and answer["segments"] >= 1
        await mode.sms.reported()
        assert len(mode.sms.reports) == 1  # its delivery report went back to Mobilot

        for wrong in (b"not json", b'{"number": "+33699999999", "text": "hi"}'):
            assert (await client.post("/try/api/sms", content=wrong)).status_code == 400

    # Mobilot's HTTP side, as Kannel reaches it: on loopback, refusing calls without the secret.
    settings = mode.settings
    assert settings.http_host == "127.0.0.1" and settings.http_port not in (None, mode.port)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{settings.http_port}") as client:
        forged = {"secret": "guess", "from": passenger, "to": "36111", "text": "STOP", "id": "x"}
        assert (await client.get("/sms/incoming", params=forged)).status_code == 403

    await mode.reset()  # a new stand-in, the phones empty; Mobilot's side on the same port
    async with httpx.AsyncClient(base_url=mode.url) as client:
        state = (await client.get("/try/api/state")).json()
        assert all(p["items"] == [] for p in state["sms"]["phones"])
        said = {"number": passenger, "text": "bonjour"}
        assert (await client.post("/try/api/sms", json=said)).status_code == 200


async def test_the_sms_stand_in_answers_sendsms_as_kannel_does() -> None:
    """KannelGateway (handlers/sms/gateway.py) sending through the stand-in, all in process:
    what Kannel's sendsms answers, the text on the phone, its delivery report fetched; and a
    text typed on a phone passed on as Kannel's sms-service passes it."""
    calls: list[httpx.URL] = []

    def mobilot(request: httpx.Request) -> httpx.Response:
        calls.append(request.url)
        return httpx.Response(200)

    now = datetime(2026, 12, 8, 8, 0, tzinfo=UTC)
    changes: list[int] = []
    kannel = FakeKannel(
        username="mobilot",
        password="pw",
        number="36111",
        get_url="http://127.0.0.1:9/sms/incoming?secret=S&from=%p&to=%P&text=%a&id=%I",
        clock=lambda: now,
        changed=lambda: changes.append(1),
        transport=httpx.MockTransport(mobilot),
    )
    sendsms = httpx.ASGITransport(app=Starlette(routes=smsgate.routes(lambda: kannel)))
    url = f"http://127.0.0.1:8080{smsgate.SENDSMS}"
    gateway = KannelGateway(url, "mobilot", "pw", "36111", transport=sendsms)
    report = "http://127.0.0.1:9/sms/report?secret=S&id=42&type=%d&answer=%A"
    try:
        await gateway.send("+33612345678", "Départ à 9h, Ça va ?\n1 Oui", report_url=report)
        [kept] = kannel.on_phone("+33612345678")
        assert (kept.text, kept.mine, kept.at, kept.segments) == (
            "Départ à 9h, Ça va ?\n1 Oui",
            False,
            now,
            1,
        )
        await kannel.reported()
        assert [str(u) for u in calls] == [
            "http://127.0.0.1:9/sms/report?secret=S&id=42&type=1&answer="
        ]

        # Exactly Kannel's answers.
        async with httpx.AsyncClient(transport=sendsms) as kannel_client:
            query = {"username": "mobilot", "password": "pw", "to": "0612345678", "text": "Bonjour"}
            answer = await kannel_client.get(url, params=query)
            assert (answer.status_code, answer.text) == (202, "0: Accepted for delivery")
            answer = await kannel_client.get(url, params={**query, "password": "wrong"})
            assert (answer.status_code, answer.text) == (403, "Authorization failed for sendsms")
            answer = await kannel_client.get(url, params={**query, "to": ""})
            assert (answer.status_code, answer.text) == (
                400,
                "Empty receiver number not allowed, rejected",
            )
        with pytest.raises(GatewayRefused, match="403: Authorization failed for sendsms"):
            await KannelGateway(url, "mobilot", "wrong", "36111", transport=sendsms).send(
                "+33612345678", "Bonjour"
            )
        with pytest.raises(GatewayRefused, match="400: Number"):
            await gateway.send("Paul", "Bonjour")
        # What a simple phone shows of what GSM-7 lacks.
        await gateway.send("+33612345678", "Vous êtes prêt ? 🙂")
        assert kannel.on_phone("+33612345678")[-1].text == "Vous ?tes pr?t ? ????"
        assert [t.text for t in kannel.on_phone("+33612345678")].count("Bonjour") == 1
        await kannel.reported()
        assert len(calls) == 1  # no report asked, none sent

        # Typed on a phone: passed on with who, to whom, the words, a fresh id each time.
        await kannel.phone_sends("+33612345678", "cahors   demain\n9h")
        await kannel.phone_sends("+33612345678", "cahors   demain\n9h")
        first, second = (dict(u.params) for u in calls[1:])
        assert first.pop("id") != second.pop("id")
        assert (
            first
            == second
            == {"secret": "S", "from": "+33612345678", "to": "36111", "text": "cahors demain 9h"}
        )
        assert kannel.on_phone("+33612345678")[-1].mine
        assert len(changes) == len(kannel.texts)  # the page is told of each text
    finally:
        await gateway.close()
        await kannel.close()

    down = FakeKannel(
        username="u",
        password="p",
        number="36111",
        get_url="http://127.0.0.1:9/x?t=%a",
        clock=lambda: now,
        transport=httpx.MockTransport(lambda r: httpx.Response(403)),
    )
    with pytest.raises(NotSent, match="403"):
        await down.phone_sends("+33612345678", "bonjour")
    await down.close()
