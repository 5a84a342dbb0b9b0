"""How several workers do under a crowd (issue 22, item 4): 1, 2 and 4 real `python -m bot`
processes on one database, with many people writing at once to a fake Telegram served over
loopback (tests/workers_cluster.py). Not a test: it prints a table.

    uv run --frozen python scripts/bench_workers.py --database /tmp/bench.sqlite3
    uv run --frozen python scripts/bench_workers.py --database postgresql://…/bench

For each number of workers: a fresh database, the workers started, then every person sends
`--rounds` commands at once (each answered by one message). Printed: updates per second
(from the first update sent to the last answer), and update-to-reply p50/p99 (from the moment
the update waits in Telegram's queue to the moment its answer reaches Telegram), first within
Telegram's limit for one bot (30 messages a second, shared by all its workers: no number of
workers answers faster), then with the limit lifted (TELEGRAM_MESSAGES_PER_SECOND), which
shows what the workers and the database can do. Then kill -9:
two workers, the poller killed once a third is answered; printed: updates lost (never
answered, or not handled in the inbox), handled twice (an update whose effect, its answer in
the outbox, was written twice), messages sent twice (what was on its way), and how long the
survivor took to go on.

The fake Telegram runs in this script's process (one Python event loop answering every
worker's calls): on a small machine it is part of what is measured.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.workers_cluster import Cluster, Timed, collapse_repeats  # noqa: E402


def fresh(target: str, folder: Path, label: str) -> str:
    if target.startswith("postgresql"):
        return target  # the caller gives an empty database for each run (a new schema)
    path = folder / f"{label}.sqlite3"
    for leftover in folder.glob(f"{label}.sqlite3*"):
        leftover.unlink()
    return str(path)


async def run(
    target: str, workers: int, people: int, rounds: int, folder: Path, lease_s: float, rate: int
) -> dict[str, float]:
    cluster = Cluster(
        folder,
        lease_s=lease_s,
        count=workers,
        target=fresh(target, folder, f"w{workers}"),
        extra={"TELEGRAM_MESSAGES_PER_SECOND": str(rate)},
    )
    await cluster.start_api()
    timed = Timed(cluster)
    try:
        await cluster.start_workers([f"w{n}" for n in range(1, workers + 1)])
        crowd = cluster.people(people)
        began = time.monotonic()
        sent: dict[int, list[float]] = defaultdict(list)
        for turn in range(rounds):
            for person in crowd:
                await person.command(("aide", "confidentialite", "mestrajets")[turn % 3])
                sent[person.id].append(time.monotonic())
        await cluster.until_answered(crowd, rounds, timeout=600)
        ended = max(times[-1] for times in timed.replies.values())
        latencies = [
            reply - at
            for chat, times in sent.items()
            for at, reply in zip(times, timed.replies.get(chat, []), strict=False)
        ]
        latencies.sort()
        total = people * rounds
        return {
            "updates": total,
            "per_second": total / (ended - began),
            "p50": statistics.median(latencies) * 1000,
            "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        }
    finally:
        await cluster.stop()


async def kill_run(
    target: str, people: int, rounds: int, folder: Path, lease_s: float, rate: int
) -> dict[str, float]:
    cluster = Cluster(
        folder,
        lease_s=lease_s,
        count=2,
        target=fresh(target, folder, "kill"),
        extra={"TELEGRAM_MESSAGES_PER_SECOND": str(rate)},
    )
    await cluster.start_api()
    timed = Timed(cluster)
    try:
        await cluster.start_workers(["w1", "w2"])
        crowd = cluster.people(people)
        for turn in range(rounds):
            for person in crowd:
                await person.command(("aide", "confidentialite", "mestrajets")[turn % 3])
        total = people * rounds
        while sum(len(times) for times in timed.replies.values()) < total // 3:
            await asyncio.sleep(0.01)
        victim = cluster.poller() or "w1"
        cluster.kill(victim)
        killed_at = time.monotonic()
        answered_then = sum(len(times) for times in timed.replies.values())
        try:
            await cluster.until_answered(crowd, rounds, timeout=120 + 4 * lease_s)
        except AssertionError:
            pass
        await asyncio.sleep(2.0)
        resumed = [
            t - killed_at for times in timed.replies.values() for t in times if t > killed_at
        ]
        store = cluster.store
        handled = store.value("SELECT COUNT(*) FROM inbox WHERE status = 'handled'")
        answers = Counter(
            chat
            for (chat,) in store.rows("SELECT chat_id FROM outbox WHERE method = 'sendMessage'")
            if chat > 0
        )
        twice = sum(max(0, count - rounds) for count in answers.values())
        repeats = 0
        lost = 0
        for person in crowd:
            said, again = collapse_repeats(cluster.answers(person))
            repeats += again
            lost += max(0, rounds - len(said))
        return {
            "updates": total,
            "answered_before_kill": answered_then,
            "lost": max(lost, total - int(handled or 0)),
            "handled_twice": twice,
            "sent_twice": repeats,
            "all_answered_after_kill_s": max(resumed) if resumed else float("nan"),
            "lease_s": lease_s,
        }
    finally:
        await cluster.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database",
        default="",
        help="a SQLite file (a fresh one per run beside it) or a postgresql:// URL",
    )
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--lease", type=float, default=3.0, help="WORKER_LEASE_S")
    parser.add_argument(
        "--rates",
        default="30,1000",
        help="TELEGRAM_MESSAGES_PER_SECOND for each table: Telegram's 30, then lifted to see"
        " what the workers themselves can do",
    )
    parser.add_argument("--no-kill", action="store_true")
    arguments = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-workers-"))
    target = arguments.database or str(folder / "bench.sqlite3")
    if not target.startswith("postgresql"):
        folder = Path(target).resolve().parent
        folder.mkdir(parents=True, exist_ok=True)
    engine = "PostgreSQL" if target.startswith("postgresql") else "SQLite (WAL, one file)"
    print(f"{engine}: {arguments.people} people × {arguments.rounds} updates at once")
    print(
        f"{'msgs/s allowed':>14} {'workers':>7} {'updates':>8} {'updates/s':>10}"
        f" {'p50 ms':>8} {'p99 ms':>8}"
    )
    rates = [int(n) for n in arguments.rates.split(",")]
    for rate in rates:
        for count in (int(n) for n in arguments.workers.split(",")):
            result = asyncio.run(
                run(
                    target,
                    count,
                    arguments.people,
                    arguments.rounds,
                    folder,
                    arguments.lease,
                    rate,
                )
            )
            print(
                f"{rate:>14} {count:>7} {result['updates']:>8.0f}"
                f" {result['per_second']:>10.1f} {result['p50']:>8.0f} {result['p99']:>8.0f}",
                flush=True,
            )
    if not arguments.no_kill:
        result = asyncio.run(
            kill_run(target, arguments.people, arguments.rounds, folder, arguments.lease, rates[-1])
        )
        print(
            f"kill -9 of the poller (2 workers, lease {result['lease_s']:g} s,"
            f" {rates[-1]} msgs/s allowed) after"
            f" {result['answered_before_kill']:.0f} of {result['updates']:.0f} answers:"
            f" updates lost {result['lost']:.0f}, handled twice {result['handled_twice']:.0f},"
            f" messages sent twice {result['sent_twice']:.0f}; all answered"
            f" {result['all_answered_after_kill_s']:.1f} s after the kill"
        )
    if not arguments.database:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
