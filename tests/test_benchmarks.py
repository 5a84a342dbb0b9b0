"""The benchmarks' own checks, at small sizes (their times are not asserted: the machines are
shared and noisy; `scripts/bench` prints them)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts import bench_announcements, bench_matching  # noqa: E402


def test_the_index_answers_exactly_as_a_plain_scan_on_both_workloads() -> None:
    assert bench_matching.main(["--quick"]) == 0


def test_the_reverse_search_finds_the_needs_a_scan_finds() -> None:
    assert bench_announcements.main(["--needs", "600", "--trips", "40"]) == 0
