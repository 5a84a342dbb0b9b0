"""Benchmark of the offline gazetteer (not a test): load time, memory, search latency.

    uv run python scripts/bench_places.py [--territory 46] [--queries 600] [--seed 7]

Queries are made from the data with a fixed seed, half of them from the territory's
departments: exact names, names typed carelessly (lower case, no accents, "st" for "saint",
spaces for hyphens), one or two typos, names cut short, "name + department", postcodes, and
garbage. Prints the median and p99 of ``resolve()`` per kind and overall, of ``nearest()``,
the load time and the memory the gazetteer holds.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import statistics
import sys
import time
import tracemalloc
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.places.gazetteer import Gazetteer
from bot.places.model import Place

LOCAL_SAMPLE = Path(__file__).resolve().parent.parent / "tests" / "data" / "local_places.csv"


def careless(name: str) -> str:
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("-", " ").replace("saint ", "st ").replace("sainte ", "ste ")
    return text


def typo(name: str, rng: random.Random, count: int) -> str:
    chars = list(careless(name))
    for _ in range(count):
        if len(chars) < 3:
            break
        n = rng.randrange(1, len(chars) - 1)
        action = rng.choice(("delete", "replace", "swap", "insert"))
        if action == "delete":
            del chars[n]
        elif action == "replace":
            chars[n] = rng.choice("aeioulnrst")
        elif action == "swap":
            chars[n], chars[n - 1] = chars[n - 1], chars[n]
        else:
            chars.insert(n, rng.choice("aeioulnrst"))
    return "".join(chars)


def make_queries(
    gazetteer: Gazetteer, territory: str, count: int, seed: int
) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    communes = [p for p in gazetteer if p.kind == "commune" and p.commune is None]
    local = [p for p in communes if p.department == territory]
    postcodes = sorted({p.postcode for p in communes if p.postcode})

    def pick() -> Place:
        return rng.choice(local if local and rng.random() < 0.5 else communes)

    def long_name() -> str:
        names = [p.name for p in (pick() for _ in range(5)) if len(p.name) > 10]
        return rng.choice(names) if names else pick().name

    kinds: list[tuple[str, Callable[[], str]]] = [
        ("exact", lambda: pick().name),
        ("careless", lambda: careless(pick().name)),
        ("typo1", lambda: typo(pick().name, rng, 1)),
        ("typo2", lambda: typo(long_name(), rng, 2)),
        ("prefix", lambda: careless(pick().name)[: rng.randint(4, 8)]),
        ("name+dep", lambda: (lambda p: f"{p.name} {p.department}")(pick())),
        ("postcode", lambda: rng.choice(postcodes)),
        ("garbage", lambda: "".join(rng.choice("zqxwkjh") for _ in range(rng.randint(5, 12)))),
    ]
    queries = []
    for n in range(count):
        kind, make = kinds[n % len(kinds)]
        queries.append((kind, make()))
    return queries


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--territory", default="46")
    parser.add_argument("--queries", type=int, default=600)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each query")
    parser.add_argument("--json", type=Path, help="also write the figures there")
    args = parser.parse_args(argv)

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    loads = []
    gazetteer = None
    for _ in range(3):
        gazetteer = None
        gc.collect()
        start = time.perf_counter()
        gazetteer = Gazetteer.load((args.territory,), LOCAL_SAMPLE)
        loads.append(time.perf_counter() - start)
    if gazetteer is None:
        raise SystemExit("no gazetteer loaded (0 rounds?)")
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    del gazetteer
    gc.collect()
    tracemalloc.start()
    gazetteer = Gazetteer.load((args.territory,), LOCAL_SAMPLE)
    gc.collect()
    held, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    print(f"places: {len(gazetteer):,} ({gazetteer.commune_count:,} communes in force)")
    print(
        f"load: best {min(loads) * 1000:.0f} ms, worst {max(loads) * 1000:.0f} ms (3 runs, "
        f"with {LOCAL_SAMPLE.name})"
    )
    grew = (rss_after - rss_before) / 1024
    print(
        f"memory held by the gazetteer: {held / 2**20:.1f} MiB (peak while loading "
        f"{peak / 2**20:.1f} MiB); process max RSS grew {grew:.0f} MiB"
    )

    queries = make_queries(gazetteer, args.territory, args.queries, args.seed)
    for _, text in queries:  # warm-up
        gazetteer.resolve(text)
    by_kind: dict[str, list[float]] = {}
    everything: list[float] = []
    found = {"exact": 0, "suggested": 0, "nothing": 0}
    for kind, text in queries:
        best = float("inf")
        for _ in range(args.repeat):
            start = time.perf_counter()
            resolution = gazetteer.resolve(text)
            best = min(best, time.perf_counter() - start)
        micro = best * 1e6
        by_kind.setdefault(kind, []).append(micro)
        everything.append(micro)
        if resolution.exact:
            found["exact"] += 1
        elif resolution.suggestions:
            found["suggested"] += 1
        else:
            found["nothing"] += 1

    print(f"\nresolve(), {len(queries)} queries, best of {args.repeat} runs each, microseconds:")
    print(f"  {'kind':<10} {'n':>4} {'median':>8} {'p99':>8} {'max':>8}")
    for kind, values in by_kind.items():
        print(
            f"  {kind:<10} {len(values):>4} {statistics.median(values):>8.1f} "
            f"{percentile(values, 0.99):>8.1f} {max(values):>8.1f}"
        )
    print(
        f"  {'all':<10} {len(everything):>4} {statistics.median(everything):>8.1f} "
        f"{percentile(everything, 0.99):>8.1f} {max(everything):>8.1f}"
    )
    print(f"  answers: {found}")
    if args.json:
        typos = by_kind.get("typo1", []) + by_kind.get("typo2", [])
        args.json.write_text(
            json.dumps(
                {
                    "typo_p99_ms": percentile(typos, 0.99) / 1000,
                    "all_p99_ms": percentile(everything, 0.99) / 1000,
                }
            )
        )

    rng = random.Random(args.seed)
    points = [(rng.uniform(42.3, 51.0), rng.uniform(-4.8, 8.2)) for _ in range(500)]
    times = []
    for lat, lon in points:
        start = time.perf_counter()
        gazetteer.nearest(lat, lon)
        times.append((time.perf_counter() - start) * 1e6)
    print(
        f"\nnearest(), 500 random points of mainland France: median "
        f"{statistics.median(times):.1f} µs, p99 {percentile(times, 0.99):.1f} µs"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
