"""Try mode in a real browser: `python -m bot` without a token, its page in headless Chromium
(Debian's, driven by Playwright). A driver registers a trip, a passenger finds her and asks,
she accepts, both see each other's contact; a week later both were reminded. On a simple
phone, a passenger texts "cahors demain 9h" and finds a driver reached by SMS, who answers
OUI on his. Screenshots are kept in test-artifacts/try/.

Without the browser the test is skipped, except in CI (CI=true), where it fails.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from handlers.sms.text import is_gsm7
from tests.conftest import free_port

# Try mode always runs on its own SQLite file, emptied at each start and reset.
pytestmark = pytest.mark.sqlite_only(reason="try mode keeps its own SQLite file by design")

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts" / "try"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WAIT_MS = 15_000


WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi")


def a_weekday_two_days_on_at_least() -> str:
    """A day of the driver's weekdays far enough ahead that the evening-before reminder is
    still to come whatever the time of day the test runs (tomorrow's is skipped after 18h)."""
    day = datetime.now(ZoneInfo("Europe/Paris")).date() + timedelta(days=2)
    while day.weekday() >= len(WEEKDAYS_FR):
        day += timedelta(days=1)
    return WEEKDAYS_FR[day.weekday()]


def browser_or_skip() -> Any:
    """Playwright's sync API, or a skip (a failure in CI) saying what is missing."""
    missing = None
    try:
        from playwright import sync_api
    except ImportError:
        missing = "the playwright package"
    if missing is None and not CHROMIUM.exists():
        missing = f"{CHROMIUM} (apt-get install chromium)"
    if missing is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the browser test needs {missing}")
        pytest.skip(f"no {missing}")
    return sync_api


@pytest.fixture
def try_mode(tmp_path: Path) -> Iterator[str]:
    """The README's start, without a token, in an empty folder (no .env, its own data/)."""
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "PYTHONPATH": str(ROOT),
        "TRY_PORT": str(port),
    }
    output = tmp_path / "output.txt"
    with output.open("w") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot"], cwd=tmp_path, env=env, stdout=sink, stderr=sink
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while url not in output.read_text() and process.poll() is None:
        assert time.monotonic() < deadline, output.read_text()
        time.sleep(0.1)
    try:
        assert url in output.read_text(), output.read_text()
        assert "TRY MODE" in output.read_text() and "@BotFather" in output.read_text()
        assert (tmp_path / "data" / "try.sqlite3").exists()
        yield url
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    assert process.returncode == 0
    assert "Traceback" not in output.read_text(), output.read_text()


def test_a_driver_and_a_passenger_meet_on_the_try_page(try_mode: str) -> None:
    sync_api = browser_or_skip()
    expect = sync_api.expect
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(try_mode)
            jeanne = page.locator('.phone[data-person="1001"]')
            paul = page.locator('.phone[data-person="1002"]')
            expect(jeanne).to_contain_text("Jeanne Martin", timeout=WAIT_MS)
            # 3 people, the simple phone (SMS), the group, "add"
            expect(page.locator(".phone")).to_have_count(6)
            # At a laptop's width, every phone and "add a person" are there without scrolling
            # sideways: they wrap.
            for width in (1366, 1500):
                page.set_viewport_size({"width": width, "height": 800})
                for box in page.locator(".phone").all():
                    right = box.bounding_box()
                    assert right is not None and right["x"] + right["width"] <= width, width
                assert page.evaluate("document.documentElement.scrollWidth") <= width
            page.set_viewport_size({"width": 1600, "height": 1000})

            def say(phone: Any, text: str) -> None:
                box = phone.locator(".composer textarea")
                box.fill(text)
                box.press("Enter")

            def press(phone: Any, text: str) -> None:
                """A button of the bot's newest message, or of the keyboard under it."""
                newest = phone.locator(".bubble.bot").last.get_by_role(
                    "button", name=text, exact=True
                )
                keyboard = phone.locator(".keyboard").get_by_role("button", name=text, exact=True)
                newest.or_(keyboard).first.click(timeout=WAIT_MS)

            def last_says(phone: Any, text: str) -> None:
                expect(phone.locator(".bubble.bot").last).to_contain_text(text, timeout=WAIT_MS)

            # The driver registers a trip, with a wrong time on the way.
            say(jeanne, "/proposer")
            press(jeanne, "✅ J'accepte")
            say(jeanne, "Cahors")
            say(jeanne, "Figeac")
            last_says(jeanne, "chaque semaine, ou une seule fois ?")
            press(jeanne, "🔁 Chaque semaine")
            last_says(jeanne, "Quels jours")
            press(jeanne, "Lun → ven")
            press(jeanne, "✔️ Valider les jours")
            last_says(jeanne, "À quelle heure partez-vous ?")
            say(jeanne, "n'importe quand")
            last_says(jeanne, "comme une heure")
            say(jeanne, "7h30")
            last_says(jeanne, "Revenez-vous le même jour ?")
            press(jeanne, "Pas de retour")
            press(jeanne, "3")
            press(jeanne, "Passer")
            press(jeanne, "Telegram seulement")
            press(jeanne, "✅ Enregistrer ce trajet")
            last_says(jeanne, "Trajet enregistré")
            page.screenshot(path=ARTIFACTS / "1-trip-registered.png")

            # The passenger shares where he leaves from, and finds her.
            say(paul, "/chercher")
            press(paul, "✅ J'accepte")  # the consent asked before a first need
            last_says(paul, "D'où partez-vous ?")
            press(paul, "📍 Partager ma position")
            page.locator("#place-picker").get_by_role(
                "button", name="📍 Cahors", exact=True
            ).click()
            expect(paul.locator(".bubble.mine").last).to_contain_text("Cahors")
            last_says(paul, "Où voulez-vous aller ?")
            say(paul, "Figeac")
            say(paul, a_weekday_two_days_on_at_least())
            press(paul, "🏁 Arriver avant une heure")
            say(paul, "9h")
            press(paul, "➡️ Pas de retour")
            press(paul, "🩺 Santé")
            press(paul, "Aucun")
            press(paul, "✅ Chercher un conducteur")
            candidate = paul.locator(".bubble.bot").last.locator(
                ".inline-button", has_text="Jeanne"
            )
            candidate.first.click(timeout=WAIT_MS)
            last_says(jeanne, "Paul")
            page.screenshot(path=ARTIFACTS / "2-driver-asked.png")

            # She accepts: each sees the other's contact.
            press(jeanne, "✅ J'accepte")
            expect(paul.locator(".messages")).to_contain_text("@jeanne_lot", timeout=WAIT_MS)
            expect(jeanne.locator(".messages")).to_contain_text("@paul_castel", timeout=WAIT_MS)
            page.screenshot(path=ARTIFACTS / "3-contacts-shared.png")

            # The team's member opens the group's command menu: nothing is waiting for them.
            team = page.locator(".phone[data-chat^='-']")
            team.locator(".composer .menu").click()
            team.locator(".command-menu button", has_text="/ouvertes —").click()
            expect(team.locator(".bubble.bot").last).to_contain_text("Aucune demande ouverte")

            # The clock moves: a week on, both were reminded the evening before the ride and
            # the team had its digest every morning; four weeks on, the passenger was asked
            # whether the ride happened and the driver whether her trip still runs.
            page.locator('button[data-move="week"]').click()
            expect(paul.locator(".messages")).to_contain_text("🔔 Rappel", timeout=WAIT_MS)
            expect(jeanne.locator(".messages")).to_contain_text("🔔 Rappel", timeout=WAIT_MS)
            expect(team).to_contain_text("Le point du jour", timeout=WAIT_MS)
            expect(page.locator('button[data-move="month"]')).to_be_enabled(timeout=WAIT_MS)
            page.screenshot(path=ARTIFACTS / "4-a-week-later.png")
            page.locator('button[data-move="month"]').click()
            expect(paul.locator(".messages")).to_contain_text("a-t-il eu lieu ?", timeout=WAIT_MS)
            expect(jeanne.locator(".messages")).to_contain_text(
                "Votre trajet a-t-il toujours lieu ?", timeout=WAIT_MS
            )
            expect(page.locator('button[data-move="month"]')).to_be_enabled(timeout=WAIT_MS)
            page.screenshot(path=ARTIFACTS / "5-four-weeks-later.png")
            assert errors == []
        except Exception:
            page.screenshot(path=ARTIFACTS / "failure.png")
            raise
        finally:
            browser.close()


PASSENGER, DRIVER = "+33612345678", "+33620000005"  # the demo's simple phones


def test_a_passenger_texts_from_a_simple_phone_and_a_driver_answers_by_sms(try_mode: str) -> None:
    sync_api = browser_or_skip()
    expect = sync_api.expect
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(try_mode)
            phones = page.get_by_test_id("sms-phone")
            passenger = phones.and_(page.locator(f'[data-sms="{PASSENGER}"]'))
            expect(passenger).to_contain_text("06 12 34 56 78", timeout=WAIT_MS)
            expect(phones).to_have_count(1)  # the driver's is opened when needed

            def text(phone: Any, words: str) -> None:
                phone.get_by_role("textbox").fill(words)
                phone.get_by_test_id("sms-send").click()
                expect(phone.get_by_test_id("sms-sent").last).to_contain_text(words)

            def got(phone: Any, words: str, count: int | None = None) -> None:
                """The phone's newest text says `words` (`count`: the texts it got in all)."""
                received = phone.get_by_test_id("sms-received")
                if count is not None:
                    expect(received).to_have_count(count, timeout=WAIT_MS)
                expect(received.last).to_contain_text(words, timeout=WAIT_MS)

            # A first text, whatever it says: Mobilot's short privacy text comes first.
            text(passenger, "cahors demain 9h")
            got(passenger, "OUI ou NON", 1)
            text(passenger, "OUI")
            got(passenger, "?", 2)  # their name, asked
            text(passenger, "Paul Martin")
            got(passenger, "Paul", 3)
            got(passenger, "Cahors")  # where to, read from the first text; asked where from
            text(passenger, "Gramat")
            got(passenger, "1 ou 2", 4)  # leave after 9h, or arrive before
            text(passenger, "2")
            # The way back: none, at a time, not known yet, numbered.
            got(passenger, "Et le retour, le meme jour ?", 5)
            text(passenger, "1")
            got(passenger, "Gramat - Cahors", 6)  # the request to confirm, choices numbered
            text(passenger, "1")
            # The drivers found, in a text: the demo's driver without Telegram.
            got(passenger, "Henri B.", 7)
            got(passenger, "OUI ou NON")
            page.screenshot(path=ARTIFACTS / "6-sms-driver-found.png")
            text(passenger, "OUI")
            got(passenger, "Henri B.", 8)

            # The driver's simple phone got the request: the "add" card shows a text waiting.
            opener = page.locator(f'.open-phone[data-number="{DRIVER}"]')
            expect(opener.locator(".badge")).to_contain_text("1", timeout=WAIT_MS)
            opener.click()
            driver = phones.and_(page.locator(f'[data-sms="{DRIVER}"]'))
            got(driver, "Paul M.", 1)  # a first name and an initial, no number yet
            expect(driver.get_by_test_id("sms-received").last).not_to_contain_text("06 12")
            got(driver, "OUI ou NON")
            text(driver, "OUI")

            # Each gets the other's number, by SMS.
            expect(driver.get_by_test_id("sms-received")).to_contain_text(
                ["06 12 34 56 78"], timeout=WAIT_MS
            )
            got(passenger, "06 20 00 00 05", 9)
            for phone in (passenger, driver):
                for shown in phone.get_by_test_id("sms-received").locator(".text").all():
                    said = shown.inner_text()
                    # GSM-7 all through: a phone shows "?" for what its alphabet lacks.
                    assert is_gsm7(said) and "??" not in said, said
            page.screenshot(path=ARTIFACTS / "7-sms-driver-accepted.png")
            assert errors == []
        except Exception:
            page.screenshot(path=ARTIFACTS / "failure-sms.png")
            raise
        finally:
            browser.close()


def test_without_the_browser_ci_fails_and_a_laptop_skips(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.modules[__name__], "CHROMIUM", Path("/nowhere/chromium"))
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="/nowhere/chromium"):
        browser_or_skip()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        browser_or_skip()
