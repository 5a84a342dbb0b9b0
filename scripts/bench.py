"""Every benchmark, one table: each target of "Fast at the scale of a region and of a country"
beside what this machine measured (figures, not a test: the machines are shared and noisy).

    scripts/bench            # about six minutes on 2 cores
    scripts/bench --quick    # a minute: small sizes, checks that the answers are right

Each benchmark runs in its own process (so that memory is measured alone) and writes its
figures as JSON; the details each prints are kept in the output above the table. Exits with
status 1 if a benchmark fails its own checks (an index answer that differs from the plain
scan, a reverse search that misses a need, a bot that does not answer).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def run(script: str, arguments: list[str], folder: Path) -> tuple[int, dict[str, Any]]:
    output = folder / f"{script}.json"
    print(f"\n$ python scripts/{script}.py {' '.join(arguments)}", flush=True)
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / f"{script}.py"), *arguments, "--json", str(output)],
        cwd=ROOT,
    )
    figures = json.loads(output.read_text()) if output.exists() else {}
    return done.returncode, figures


def at_most(limit: float) -> Callable[[float], bool]:
    return lambda value: value <= limit


def at_least(limit: float) -> Callable[[float], bool]:
    return lambda value: value >= limit


def matching_row(
    figures: dict[str, Any], workload: str, size: int, search: str
) -> dict[str, float] | None:
    for row in figures.get("rows", []):
        if (row["workload"], row["size"], row["search"], row["way"]) == (
            workload,
            size,
            search,
            "index",
        ):
            return dict(row)
    return None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    big, region = (3000, 300) if args.quick else (1_000_000, 100_000)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        sizes = f"3000,{region},{big}" if args.quick else f"10000,{region},{big}"
        failed = 0
        code, matching_figures = run(
            "bench_matching",
            [
                "--sizes",
                sizes,
                "--needs",
                "60" if args.quick else "100",
                "--big-needs",
                "20",
                "--sql-max",
                "3000" if args.quick else "10000",
            ],
            folder,
        )
        failed += code != 0
        code, announcements = run(
            "bench_announcements",
            ["--needs", "500" if args.quick else "10000", "--trips", "30" if args.quick else "60"],
            folder,
        )
        failed += code != 0
        code, places = run("bench_places", ["--queries", "200" if args.quick else "600"], folder)
        failed += code != 0
        bot_size = ["--trips", "3000", "--needs", "300", "--people", "1"] if args.quick else []
        code, deployed = run("bench_bot", bot_size, folder)
        failed += code != 0
        code, deliverer = run("bench_deliverer", ["--seconds", "8" if args.quick else "40"], folder)
        failed += code != 0

    lines: list[tuple[str, str, float | None, Callable[[float], bool]]] = []

    def add_matching(label: str, workload: str, size: int, what: str, limit: float) -> None:
        for search in ("passenger", "team"):
            row = matching_row(matching_figures, workload, size, search)
            value = row[what] if row else None
            lines.append((f"{label}, {search}", f"≤ {limit:g} ms", value, at_most(limit)))

    add_matching(f"matching {region:,} trips, median", "region", region, "median_ms", 2)
    add_matching(f"matching {region:,} trips, p99", "region", region, "p99_ms", 10)
    add_matching(f"matching {big:,} trips, median", "region", big, "median_ms", 20)
    add_matching(f"hard workload {region:,} trips, median", "hard", region, "median_ms", 5)
    add_matching(f"hard workload {region:,} trips, p99", "hard", region, "p99_ms", 20)
    lines.append(
        ("a changed trip in the index", "≤ 5 ms", matching_figures.get("change_ms"), at_most(5))
    )
    lines.append(
        (
            "announcements (reverse search), median",
            "≤ 10 ms",
            announcements.get("reverse_median_ms"),
            at_most(10),
        )
    )
    for label, key, target, limit in (
        ("bot: update to reply, p50", "p50_ms", "≤ 15 ms", 15.0),
        ("bot: update to reply, p99", "p99_ms", "≤ 60 ms", 60.0),
        ("bot: start-up to first poll", "startup_s", "≤ 1.5 s", 1.5),
        ("bot: memory (RSS)", "rss_mib", "≤ 200 MiB", 200.0),
    ):
        lines.append((label, target, deployed.get(key), at_most(limit)))
    lines.append(("places: typo searches, p99", "≤ 1 ms", places.get("typo_p99_ms"), at_most(1)))
    for label, key, target, met in (
        ("deliverer: messages/s, 50 ms round trip", "messages_per_s", "≥ 25", at_least(25)),
        ("deliverer: oldest private waiting, max", "oldest_wait_max_s", "< 5 s", at_most(5)),
        ("deliverer: oldest private waiting, p99", "oldest_wait_p99_s", "< 5 s", at_most(5)),
        ("deliverer: agenda tick late, max", "tick_late_max_s", "< 1 s", at_most(1)),
    ):
        lines.append((label, target, deliverer.get(key), met))

    print(
        "\n"
        + (
            "QUICK RUN (small sizes: the answers are checked, the times mean little)\n"
            if args.quick
            else ""
        )
        + f"{'what':<46} {'target':>11} {'measured':>10}  met"
    )
    print("-" * 76)
    for label, target, value, met in lines:
        shown = "—" if value is None else f"{value:10.2f}"
        verdict = "" if value is None else ("yes" if met(value) else "NO")
        print(f"{label:<46} {target:>11} {shown:>10}  {verdict}")
    if failed:
        print(f"\nFAILED: {failed} benchmark(s) failed their own checks (see above)")
        return 1
    print("\nevery benchmark's own checks passed (answers identical to a plain scan)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
