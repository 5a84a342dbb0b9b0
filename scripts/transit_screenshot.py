"""A screenshot of the coach times as a passenger sees them, on the try page (`python -m bot`
without a token, in headless Chromium driven by Playwright), with the tests' Lot-like GTFS
feed and services file. Paul looks for a ride from Saint-Cirq-Lapopie to Cajarc: no driver,
but coach line 881 and the on-demand transport. Writes docs/transit/try-coach-times.png.
Not a test (tests/test_try_page.py is the browser test).

    uv run python scripts/transit_screenshot.py
"""

from __future__ import annotations

import importlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.transit_feed import write_lot_feed  # noqa: E402

# The tests' helpers, loaded at run time (the test modules are not type-checked as a library).
free_port = importlib.import_module("tests.conftest").free_port
SERVICES_CSV: str = importlib.import_module("tests.test_transit").SERVICES_CSV
_page = importlib.import_module("tests.test_try_page")
CHROMIUM, CHROMIUM_ARGS, WAIT_MS = _page.CHROMIUM, _page.CHROMIUM_ARGS, _page.WAIT_MS

OUT = ROOT / "docs" / "transit" / "try-coach-times.png"


def main() -> None:
    from playwright import sync_api

    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        feed = write_lot_feed(tmp / "lio-lot.zip")
        services = tmp / "services.csv"
        services.write_text(SERVICES_CSV, encoding="utf-8")
        port = free_port()
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(tmp),
            "PYTHONPATH": str(ROOT),
            "TRY_PORT": str(port),
            "GTFS_FILES": str(feed),
            "SERVICES_FILE": str(services),
        }
        output = tmp / "output.txt"
        with output.open("w") as sink:
            process = subprocess.Popen(
                [sys.executable, "-m", "bot"], cwd=tmp, env=env, stdout=sink, stderr=sink
            )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while url not in output.read_text():
                if process.poll() is not None or time.monotonic() >= deadline:
                    raise SystemExit(output.read_text())
                time.sleep(0.1)
            with sync_api.sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
                )
                page = browser.new_page(viewport={"width": 1600, "height": 1100})
                page.goto(url)
                paul = page.locator('.phone[data-person="1002"]')
                sync_api.expect(paul).to_contain_text("Paul", timeout=WAIT_MS)

                def say(text: str) -> None:
                    box = paul.locator(".composer textarea")
                    box.fill(text)
                    box.press("Enter")

                def press(text: str) -> None:
                    newest = paul.locator(".bubble.bot").last.get_by_role(
                        "button", name=text, exact=True
                    )
                    keyboard = paul.locator(".keyboard").get_by_role(
                        "button", name=text, exact=True
                    )
                    newest.or_(keyboard).first.click(timeout=WAIT_MS)

                def last_says(text: str) -> None:
                    sync_api.expect(paul.locator(".bubble.bot").last).to_contain_text(
                        text, timeout=WAIT_MS
                    )

                steps: list[tuple[Any, str]] = [
                    (say, "/chercher"), (say, "Saint-Cirq-Lapopie"), (say, "Cajarc"),
                    (say, "mardi"), (press, "🕘 Partir après une heure"), (say, "7h"),
                    (press, "➡️ Pas de retour"), (press, "🩺 Santé"), (press, "Aucun"),
                    (press, "✅ Chercher un conducteur"),
                ]  # fmt: skip
                for step, text in steps:
                    step(text)
                    time.sleep(0.3)
                last_says("D'autres services")
                sync_api.expect(paul).to_contain_text("Ligne 881", timeout=WAIT_MS)
                time.sleep(0.5)
                page.screenshot(path=str(OUT))
                browser.close()
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=20)
    print(f"written {OUT}")


if __name__ == "__main__":
    main()
