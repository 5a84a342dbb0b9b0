"""How several workers do under a crowd (issue 22, item 4): 1, 2 and 4 real `python -m bot`
processes on one database, with many people writing at once to a fake Telegram served over
loopback (tests/workers_cluster.py). Not a test: it prints a table.

    uv run --frozen python scripts/bench_workers.py
    uv run --frozen python scripts/bench_workers.py --runs sqlite:1,postgresql:1,postgresql:2
    uv run --frozen python scripts/bench_workers.py --database postgresql://…/bench

By default one run measures SQLite with one process beside PostgreSQL with 1, 2 and 4 workers,
in one table. PostgreSQL is a throwaway cluster the script starts under /tmp (Debian's
initdb/pg_ctl, as user postgres when run as root: tests/postgres_cluster.py), a fresh
database for every run; or `--database postgresql://…` (a server of yours: each run gets a
fresh database created beside the URL's).

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
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.workers_cluster import Cluster, Timed, collapse_repeats  # noqa: E402


class Servers:
    """Where each run's fresh database comes from: a SQLite file in the folder; a database of
    the throwaway PostgreSQL cluster (started on first use), or of the server given."""

    def __init__(self, folder: Path, url: str = "") -> None:
        self.folder = folder
        self.url = url
        self.cluster: Any = None
        self.made = 0

    def fresh(self, engine: str, label: str) -> str:
        if engine == "sqlite":
            return fresh(str(self.folder / "bench.sqlite3"), self.folder, label)
        self.made += 1
        if self.url:
            import psycopg

            name = f"bench_{label}_{self.made}"
            with psycopg.connect(self.url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
                admin.execute(f'CREATE DATABASE "{name}"')
            base, _, query = self.url.partition("?")
            return base.rsplit("/", 1)[0] + f"/{name}" + (f"?{query}" if query else "")
        if self.cluster is None:
            from tests.postgres_cluster import Cluster as PostgresCluster

            self.cluster = PostgresCluster()
            self.cluster.start()
            self.cluster.create_template()
        return str(self.cluster.create())

    def stop(self) -> None:
        if self.cluster is not None:
            self.cluster.stop()


def fresh(target: str, folder: Path, label: str) -> str:
    if target.startswith("postgresql"):
        return target  # a fresh database given by Servers
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
        help="a postgresql:// URL of a server of yours (else a throwaway cluster under /tmp)",
    )
    parser.add_argument(
        "--runs",
        default="sqlite:1,postgresql:1,postgresql:2,postgresql:4",
        help="engine:workers, comma-separated",
    )
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--lease", type=float, default=3.0, help="WORKER_LEASE_S")
    parser.add_argument(
        "--rates",
        default="30,1000",
        help="TELEGRAM_MESSAGES_PER_SECOND for each table: Telegram's 30, then lifted to see"
        " what the workers themselves can do",
    )
    parser.add_argument(
        "--kill", default="postgresql", help="engines for the kill -9 run (comma-separated)"
    )
    parser.add_argument("--no-kill", action="store_true")
    arguments = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-workers-"))
    servers = Servers(folder, arguments.database)
    runs = [
        (engine.strip(), int(count))
        for engine, count in (item.split(":") for item in arguments.runs.split(","))
    ]
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    print(f"{arguments.people} people × {arguments.rounds} updates at once")
    print(
        f"{'engine':>10} {'msgs/s allowed':>14} {'workers':>7} {'updates':>8} {'updates/s':>10}"
        f" {'p50 ms':>8} {'p99 ms':>8}",
        flush=True,
    )
    rates = [int(n) for n in arguments.rates.split(",")]
    try:
        for rate in rates:
            for engine, count in runs:
                target = servers.fresh(engine, f"w{count}")
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
                    f"{names[engine]:>10} {rate:>14} {count:>7} {result['updates']:>8.0f}"
                    f" {result['per_second']:>10.1f} {result['p50']:>8.0f}"
                    f" {result['p99']:>8.0f}",
                    flush=True,
                )
        for engine in [] if arguments.no_kill else arguments.kill.split(","):
            target = servers.fresh(engine.strip(), "kill")
            result = asyncio.run(
                kill_run(
                    target, arguments.people, arguments.rounds, folder, arguments.lease, rates[-1]
                )
            )
            print(
                f"{names[engine.strip()]}: kill -9 of the poller (2 workers, lease"
                f" {result['lease_s']:g} s, {rates[-1]} msgs/s allowed) after"
                f" {result['answered_before_kill']:.0f} of {result['updates']:.0f} answers:"
                f" updates lost {result['lost']:.0f}, handled twice"
                f" {result['handled_twice']:.0f}, messages sent twice"
                f" {result['sent_twice']:.0f}; all answered"
                f" {result['all_answered_after_kill_s']:.1f} s after the kill",
                flush=True,
            )
    finally:
        servers.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
