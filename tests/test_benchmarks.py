"""The benchmarks' own checks, at small sizes (their times are not asserted: the machines are
shared and noisy; `scripts/bench` prints them)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts import bench_announcements, bench_deliverer, bench_matching  # noqa: E402


def test_the_index_answers_exactly_as_a_plain_scan_on_both_workloads() -> None:
    assert bench_matching.main(["--quick"]) == 0


def test_the_reverse_search_finds_the_needs_a_scan_finds() -> None:
    assert bench_announcements.main(["--needs", "600", "--trips", "40"]) == 0


def test_the_deliverer_benchmark_delivers_everything_within_telegrams_limits() -> None:
    # A few seconds of load against the stand-in over loopback, with a busy team group.
    arguments = ["--seconds", "3", "--rate", "10", "--chats", "30", "--group-backlog", "25"]
    assert bench_deliverer.main(arguments) == 0
