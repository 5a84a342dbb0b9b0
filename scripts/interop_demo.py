"""A live run of standard covoiturage on the deployed process, for a closing note: `python -m
bot` with HTTP_PORT, INTEROP_OPERATOR and a partners file, real long polling against a
loopback Bot API stand-in (the tests' fake, as in scripts/fault_run.py), a fake partner
platform on loopback. A driver registers a trip by chatting; then real `curl` calls search
it, book it (the driver accepts in Telegram), and a passenger's search shows the partner's
journey after ours. Prints a transcript. Not a test.

    uv run python scripts/interop_demo.py
"""

from __future__ import annotations

import asyncio
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import uvicorn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts.fault_run import FaultyBotAPI, free_port, stand_in_app  # noqa: E402
from tests.fakebot import FakeUser  # noqa: E402
from tests.interop_helpers import FakePartner  # noqa: E402

OPERATOR = "covoiturage.vallee-du-lot.example"
KEY = "karos-sends-us-0123456789abcdef"
ZONE = ZoneInfo("Europe/Paris")


async def quiet(user: FakeUser, before: int, patience: float = 15.0) -> None:
    """Until the bot has answered (new messages, then half a second of quiet)."""
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline and len(user.messages()) <= before:
        await asyncio.sleep(0.02)
    count = -1
    while count != len(user.messages()):
        count = len(user.messages())
        await asyncio.sleep(0.5)


async def say(user: FakeUser, kind: str, value: str) -> None:
    before = len(user.messages())
    print(f"  {user.first_name} {'presses' if kind == 'press' else 'sends'}: {value}")
    if kind == "press":
        await user.press(value)
    elif kind == "command":
        await user.command(value)
    else:
        await user.send(value)
    await quiet(user, before)


def curl(*args: str) -> str:
    command = ["curl", "-s", "-w", "\\nHTTP %{http_code} in %{time_total} s\\n", *args]
    shown = " ".join(shlex.quote(a) for a in command[:1] + command[4:])
    print(f"$ {shown}")
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    body, _, status = out.rstrip("\n").rpartition("\n")
    try:
        body = json.dumps(json.loads(body), ensure_ascii=False, indent=1)
    except ValueError:
        pass
    print(body if body else "(no body)")
    print(status)
    print()
    return body


async def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="mobilot-interop-"))
    api_port, http_port = free_port(), free_port()
    fake = FaultyBotAPI(api_url=f"http://127.0.0.1:{api_port}")
    fake.deliver = "polling"
    fake.max_poll_wait = 1.0
    server = uvicorn.Server(
        uvicorn.Config(
            stand_in_app(fake), host="127.0.0.1", port=api_port, lifespan="off", log_level="warning"
        )
    )
    serving = asyncio.create_task(server.serve())
    partner = FakePartner(free_port())
    await partner.start()

    def karos(route: str, params: dict[str, str]) -> list[dict[str, Any]]:
        when = int(params.get("departureDate", "0")) + 600
        return [
            {
                "id": "karos-88412",
                "operator": "karos.fr",
                "type": "PLANNED",
                "passengerPickupDate": when,
                "passengerPickupLat": float(params["departureLat"]),
                "passengerPickupLng": float(params["departureLng"]),
                "passengerDropLat": float(params["arrivalLat"]),
                "passengerDropLng": float(params["arrivalLng"]),
                "duration": 3300,
                "driver": {"id": "u-311", "operator": "karos.fr", "alias": "Sophie L."},
                "webUrl": "https://www.karos.fr/trajet/88412",
                "availableSeats": 2,
                "price": {"type": "PAYING", "amount": 3.5, "currency": "EUR"},
            }
        ]

    partner.answer = karos
    partners = folder / "partners.csv"
    partners.write_text(
        "operator,name,key,api_url,api_key\n"
        f"karos.fr,Karos,{KEY},{partner.url},our-key-at-karos-0123\n"
    )
    env = {
        **os.environ,
        "BOT_TOKEN": fake.token,
        "TELEGRAM_API_URL": fake.api_url,
        "DATABASE_PATH": str(folder / "mobilot.sqlite3"),
        "OPERATOR_CHAT_ID": "-1001234567890",
        "TERRITORY_DEPARTMENTS": "46",
        "HTTP_PORT": str(http_port),
        "INTEROP_OPERATOR": OPERATOR,
        "INTEROP_PARTNERS_FILE": str(partners),
        "INTEROP_TIMEOUT_S": "2",
    }
    log = open(folder / "bot.log", "ab")
    bot = subprocess.Popen([sys.executable, "-m", "bot"], cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        while not fake.calls_to("getUpdates"):
            await asyncio.sleep(0.05)
        print(f"python -m bot is running: HTTP_PORT={http_port} INTEROP_OPERATOR={OPERATOR}")
        print(f"INTEROP_PARTNERS_FILE={partners}:")
        print(partners.read_text())
        print("A driver registers a regular trip in Telegram:")
        jean = fake.user(301, "Jean", last_name="Martin", username="jean_m", language_code="fr")
        for kind, value in [
            ("command", "proposer"), ("press", "✅ J'accepte"), ("text", "Cahors"),
            ("text", "Figeac"), ("press", "Lun → ven"), ("press", "✔️ Valider les jours"),
            ("text", "7h30"), ("press", "Pas de retour"), ("press", "3"), ("press", "Passer"),
            ("press", "Telegram seulement"), ("press", "✅ Enregistrer ce trajet"),
        ]:  # fmt: skip
            await say(jean, kind, value)
        print(f"  Bot: {jean.last().text.splitlines()[0]}\n")

        base = f"http://127.0.0.1:{http_port}/api/covoiturage"
        tomorrow = datetime.now(ZONE).date() + timedelta(days=1)
        while tomorrow.weekday() >= 5:
            tomorrow += timedelta(days=1)
        at = datetime.combine(tomorrow, datetime.min.time().replace(hour=7, minute=30), tzinfo=ZONE)
        stamp = int(at.timestamp())
        cahors, figeac = (44.4475, 1.4419), (44.6086, 2.0317)
        where = (
            f"departureLat={cahors[0]}&departureLng={cahors[1]}"
            f"&arrivalLat={figeac[0]}&arrivalLng={figeac[1]}"
        )
        print(f"Partners' calls ({tomorrow:%A %d %B} 7:30 in Cahors = {stamp}):\n")
        curl(f"{base}/status")
        curl(f"{base}/driver_journeys?{where}&departureDate={stamp}&departureRadius=2")
        answer = curl(
            "-H",
            f"X-API-Key: {KEY}",
            f"{base}/driver_journeys?{where}&departureDate={stamp}&departureRadius=2",
        )
        [journey] = json.loads(answer)
        curl(
            "-H",
            f"X-API-Key: {KEY}",
            f"{base}/driver_regular_trips?{where}"
            "&departureTimeOfDay=07:40:00&departureWeekdays=MON,WED&count=1",
        )
        curl(
            "-H",
            f"X-API-Key: {KEY}",
            f"{base}/driver_regular_trips?{where}&departureTimeOfDay=7h30",
        )
        booking_id = str(uuid.uuid4())
        booking = {
            "id": booking_id,
            "driver": journey["driver"],
            "passenger": {"id": "u-4471", "operator": "karos.fr", "alias": "Lucie B."},
            "passengerPickupDate": journey["passengerPickupDate"],
            "passengerPickupLat": journey["passengerPickupLat"],
            "passengerPickupLng": journey["passengerPickupLng"],
            "passengerDropLat": journey["passengerDropLat"],
            "passengerDropLng": journey["passengerDropLng"],
            "status": "WAITING_DRIVER_CONFIRMATION",
            "price": {"type": "FREE"},
            "driverJourneyId": journey["id"],
        }
        before = len(jean.messages())
        curl(
            "-X",
            "POST",
            "-H",
            f"X-API-Key: {KEY}",
            "-H",
            "Content-Type: application/json",
            "-d",
            json.dumps(booking),
            f"{base}/bookings",
        )
        await quiet(jean, before)
        print("Jean, in Telegram, gets:")
        print("  " + jean.last().text.replace("\n", "\n  "))
        print(f"  [{' | '.join(jean.last().buttons)}]")
        await say(jean, "press", "✅ J'accepte")
        print("  Bot: " + jean.last().text.replace("\n", "\n  ") + "\n")
        curl("-H", f"X-API-Key: {KEY}", f"{base}/bookings/{booking_id}")
        deadline = time.monotonic() + 15
        while not partner.patches and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        print(
            f"Karos's own API received: PATCH /v1/bookings/{partner.patches[0][0]}"
            f"?status={partner.patches[0][1]} with X-API-Key {partner.patches[0][2]}\n"
        )
        curl(
            "-X",
            "PATCH",
            "-H",
            f"X-API-Key: {KEY}",
            f"{base}/bookings/{booking_id}?status=CONFIRMED",
        )
        curl(
            "-X",
            "PATCH",
            "-H",
            f"X-API-Key: {KEY}",
            f"{base}/bookings/{uuid.uuid4()}?status=CANCELLED",
        )
        message = {
            "from": booking["passenger"],
            "to": journey["driver"],
            "recipientCarpoolerType": "DRIVER",
            "bookingId": booking_id,
            "message": "Bonjour, je serai devant la gare de Cahors. Lucie, 06 12 34 56 78",
        }
        before = len(jean.messages())
        curl(
            "-X",
            "POST",
            "-H",
            f"X-API-Key: {KEY}",
            "-H",
            "Content-Type: application/json",
            "-d",
            json.dumps(message, ensure_ascii=False),
            f"{base}/messages",
        )
        await quiet(jean, before)
        print("Jean gets: " + jean.last().text.replace("\n", "\n  ") + "\n")

        print("A passenger searches in Telegram:")
        marie = fake.user(302, "Marie", last_name="Delpech", username="marie_d")
        mark = len(marie.messages())
        day = (
            "demain"
            if tomorrow == datetime.now(ZONE).date() + timedelta(days=1)
            else (f"{tomorrow:%d/%m}")
        )
        for kind, value in [
            ("command", "chercher"), ("text", "Cahors"), ("text", "Figeac"), ("text", day),
            ("press", "🏁 Arriver avant une heure"), ("text", "9h"),
            ("press", "➡️ Pas de retour"), ("press", "🩺 Santé"),
            ("press", "Aucun"), ("press", "✅ Chercher un conducteur"),
        ]:  # fmt: skip
            await say(marie, kind, value)
        print("\nWhat Marie reads after confirming:")
        for sent in marie.messages()[mark:][-3:]:
            links = [e["url"] for e in sent.entities if e.get("url")]
            print("  ---\n  " + sent.text.replace("\n", "\n  "))
            if sent.buttons:
                print(f"  [{' | '.join(sent.buttons)}]")
            if links:
                print(f"  (link: {', '.join(links)})")
        print(
            f"\nThe partner was asked: {partner.calls[-1][0]} {partner.calls[-1][1]}"
            f" with X-API-Key {partner.calls[-1][2]}\n"
        )
        await say(marie, "press", "👍 Oui, montrer ma demande")
        print("  Bot: " + marie.last().text + "\n")
        curl(
            "-H",
            f"X-API-Key: {KEY}",
            f"{base}/passenger_journeys?{where}&departureDate={stamp}&timeDelta=3600",
        )
        curl(
            "-X",
            "PATCH",
            "-H",
            f"X-API-Key: {KEY}",
            f"{base}/bookings/{booking_id}?status=CANCELLED&message=Plus%20besoin%2C%20merci",
        )
        await asyncio.sleep(1.5)
        print("Jean gets: " + jean.last().text.replace("\n", "\n  ") + "\n")
        print(
            "A phone number or a Telegram handle in the API's answers:",
            "jean_m" in answer or "marie_d" in answer,
        )
    finally:
        bot.terminate()
        bot.wait(timeout=20)
        await partner.stop()
        server.should_exit = True
        await serving
        print(f"(bot log: {folder / 'bot.log'}; started {datetime.now(UTC):%H:%M:%S} UTC)")


if __name__ == "__main__":
    asyncio.run(main())
