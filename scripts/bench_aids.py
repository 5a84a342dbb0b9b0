"""How long the aids' catalogue takes to read and to sort for a person, with the shipped
catalogue and with a territory's file of 5,000 rows.

    uv run python scripts/bench_aids.py
"""

from __future__ import annotations

import csv
import io
import sys
import time
from datetime import date
from importlib import resources
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.aids.catalogue import Catalogue, load_catalogue, parse_aids  # noqa: E402
from bot.aids.model import Profile, Situation  # noqa: E402

TODAY = date(2026, 11, 23)
PERSON = Profile(24, Situation.JOB_SEEKER, "46042", "Cahors", "46")


def per_call(action, times: int) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    for _ in range(times):
        action()
    return (time.perf_counter() - start) / times


def main() -> None:
    shipped = load_catalogue()
    reading = per_call(load_catalogue, 100) * 1000
    sorting = per_call(lambda: shipped.for_profile(PERSON, TODAY), 10_000) * 1e6
    print(
        f"shipped catalogue ({len(shipped.aids)} aids): read in {reading:.2f} ms, "
        f"sorted for a person in {sorting:.1f} µs"
    )
    text = resources.files("bot.aids").joinpath("data", "catalogue.csv").read_text("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(rows[0])
    for number in range(5000):
        row = list(rows[1 + number % (len(rows) - 1)])
        row[0] = f"a{number}"
        writer.writerow(row)
    big_text = out.getvalue()
    started = time.perf_counter()
    big = Catalogue(tuple(parse_aids(big_text, "big.csv", from_territory=True)))
    read = time.perf_counter() - started
    sorting = per_call(lambda: big.for_profile(PERSON, TODAY), 100) * 1000
    print(
        f"territory file of 5,000 rows: read and checked in {read * 1000:.0f} ms, "
        f"sorted for a person in {sorting:.2f} ms"
    )


if __name__ == "__main__":
    main()
