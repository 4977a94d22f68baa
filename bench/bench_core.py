"""Throughput benchmark of the pure calculation core (lika.core).

    .venv/bin/python -m bench.bench_core [--households N] [--seed S] [--json PATH] [--no-check]

Builds N realistic household-months deterministically (``random.Random(seed)``)
before any timing, then times ``calculate_support`` + ``split_payment`` for all
of them in one process and one thread.  A second, untimed-for-throughput pass
repeats the same work under ``tracemalloc`` for the peak memory of that phase
and checks, for every household, that the split adds up to the support.

Exit status: 0 on success; 1 when the throughput is below
``TARGET_HOUSEHOLDS_PER_SECOND`` (unless ``--no-check``); 2 when a split does
not add up to the support.  See docs/benchmarks.md.
"""

import argparse
import gc
import json
import os
import platform
import random
import resource
import sys
import time
import tracemalloc
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from lika.core.calculation import (
    ADULT,
    CHILD,
    Cost,
    HouseholdMonth,
    Income,
    Member,
    age_at_month,
    calculate_support,
)
from lika.core.split import DirectPayment, split_payment
from lika.norms.files import shipped_tables

TARGET_HOUSEHOLDS_PER_SECOND = 100_000
DEFAULT_HOUSEHOLDS = 100_000
DEFAULT_SEED = 20240601

# Verified tables (2021–2023) and the current provisional one (2026).
YEARS = (2021, 2022, 2023, 2026)

# Household kinds and their share of the caseload.
KINDS = (
    ("single", 0.45),
    ("single_parent", 0.15),
    ("couple", 0.15),
    ("couple_with_children", 0.25),
)
DIRECT_PAYMENT_SHARE_OF_COUPLES = 0.05

# Barnbidrag per child and month, and flerbarnstillägg by number of children (kr).
CHILD_ALLOWANCE = 1250
LARGE_FAMILY_SUPPLEMENT = {1: 0, 2: 150, 3: 730, 4: 1740, 5: 3000}


def kr(kronor: int) -> int:
    return kronor * 100


class Case:
    """One prepared household-month and what its payment needs besides the calculation."""

    __slots__ = ("household", "norm", "adults", "direct", "kind")

    def __init__(self, household, norm, adults, direct, kind):
        self.household = household
        self.norm = norm
        self.adults = adults
        self.direct = direct
        self.kind = kind


def _month_end(year: int, month: int) -> date:
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def _adult(rng: random.Random, month_end: date, cohabiting: bool) -> Member:
    born = month_end - timedelta(days=rng.randint(19 * 366, 66 * 365))
    return Member(ADULT, born, cohabiting=cohabiting)


def _child(rng: random.Random, year: int, month: int, month_end: date) -> Member:
    if rng.random() < 0.03:
        # Hemmavarande 19-year-old (e.g. still in upper secondary school).
        born = month_end - timedelta(days=19 * 366 + rng.randint(0, 300))
        return Member(CHILD, born, hemmavarande=True)
    born = month_end - timedelta(days=rng.randint(0, 18 * 365 - 1))
    age = age_at_month(born, year, month)
    lunch_at_home = not (age <= 6 and rng.random() < 0.6)  # at preschool on weekdays
    days_present = rng.randint(10, 20) if rng.random() < 0.15 else None  # living alternately
    return Member(CHILD, born, lunch_at_home=lunch_at_home, days_present=days_present)


def _child_allowance(children: list[Member], year: int, month: int) -> int:
    """Barnbidrag (halved for a child living alternately) and flerbarnstillägg, in öre."""
    under_16 = [c for c in children if age_at_month(c.birth_date, year, month) < 16]
    total = sum(kr(CHILD_ALLOWANCE) // (2 if c.days_present is not None else 1) for c in under_16)
    return total + kr(LARGE_FAMILY_SUPPLEMENT.get(len(under_16), 0))


def _costs(rng: random.Random, persons: int) -> tuple:
    rent = kr(rng.randint(3800, 7800) + 900 * (persons - 1))
    cap = None
    if rng.random() < 0.25:  # the municipality's reasonable rent level; sometimes exceeded
        cap = kr(5500 + 1000 * (persons - 1))
    costs = [Cost("housing", rent, cap=cap)]
    if rng.random() < 0.85:
        costs.append(Cost("electricity", rng.randint(15_000, 95_000)))  # öre, not round
    if rng.random() < 0.9:
        costs.append(Cost("home_insurance", kr(rng.randint(90, 320))))
    return tuple(costs)


def _incomes(
    rng: random.Random, adults: list[Member], children: list[Member], year, month
) -> tuple:
    incomes = []
    allowance = _child_allowance(children, year, month)
    if allowance:
        incomes.append(Income("child_allowance", allowance))
    for index in range(len(adults)):
        if rng.random() < 0.25:
            salary = kr(rng.randint(1500, 16000)) + rng.randint(0, 99)
            incomes.append(Income("salary", salary, member=index, job_incentive=rng.random() < 0.6))
    return tuple(incomes)


def build_cases(count: int, seed: int, tables: dict) -> list[Case]:
    """``count`` household-months, deterministic for ``seed``.  A couple with a direct
    payment is calculated once here (untimed) to size the payment within the support."""
    rng = random.Random(seed)
    kinds = [k for k, _ in KINDS]
    weights = [w for _, w in KINDS]
    cases = []
    for _ in range(count):
        kind = rng.choices(kinds, weights)[0]
        year, month = rng.choice(YEARS), rng.randint(1, 12)
        month_end = _month_end(year, month)
        couple = kind.startswith("couple")
        adults = [_adult(rng, month_end, couple) for _ in range(2 if couple else 1)]
        if kind == "single_parent":
            n_children = rng.randint(1, 3)
        elif kind == "couple_with_children":
            n_children = rng.randint(1, 5)
        else:
            n_children = 0
        children = [_child(rng, year, month, month_end) for _ in range(n_children)]
        costs = _costs(rng, len(adults) + n_children)
        incomes = _incomes(rng, adults, children, year, month)
        household = HouseholdMonth(year, month, (*adults, *children), costs, incomes)
        norm = tables[year]
        payees = (0, 1) if couple else (0,)
        direct = ()
        if couple and rng.random() < DIRECT_PAYMENT_SHARE_OF_COUPLES:
            support = calculate_support(household, norm).support
            housing = costs[0]
            allowed = housing.amount if housing.cap is None else min(housing.amount, housing.cap)
            amount = min(allowed, support)  # rent to the landlord, at most the support
            if amount > 0:
                direct = (DirectPayment("housing", amount, "Hyresvärden"),)
        cases.append(Case(household, norm, payees, direct, kind))
    return cases


def run(cases: list[Case], *, check: bool = False) -> int:
    """Calculate and split every case; the timed workload.  With ``check``, count the
    households whose split does not add up to the support (returns that count)."""
    mismatches = 0
    for case in cases:
        household = case.household
        calculation = calculate_support(household, case.norm)
        support = calculation.support
        direct = case.direct
        if direct and direct[0].amount > support:
            direct = ()
        split = split_payment(
            support, adults=case.adults, year=household.year, month=household.month, direct=direct
        )
        if check and split.total != support:
            mismatches += 1
    return mismatches


def _worker(args):
    """One process of the --processes pass: build its own share, wait for the others, run."""
    count, seed, barrier = args
    cases = build_cases(count, seed, shipped_tables())
    gc.collect()
    barrier.wait()
    started = time.perf_counter()  # CLOCK_MONOTONIC: comparable between processes
    run(cases)
    return len(cases), started, time.perf_counter()


def run_processes(households: int, seed: int, processes: int) -> tuple[int, float]:
    """The same workload split over ``processes`` processes (the core is pure, so they share
    nothing).  Returns (households, wall seconds from the common start to the last finish)."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    barrier = context.Manager().Barrier(processes)
    shares = [households // processes + (i < households % processes) for i in range(processes)]
    with context.Pool(processes) as pool:
        results = pool.map(_worker, [(n, seed + i, barrier) for i, n in enumerate(shares)])
    total = sum(r[0] for r in results)
    return total, max(r[2] for r in results) - min(r[1] for r in results)


def maxrss_kib() -> int:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss // 1024 if sys.platform == "darwin" else rss  # bytes on macOS, KiB on Linux


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.bench_core", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--households", type=int, default=DEFAULT_HOUSEHOLDS, metavar="N")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, metavar="S")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the figures as JSON")
    parser.add_argument(
        "--no-check",
        action="store_true",
        help=f"do not fail below {TARGET_HOUSEHOLDS_PER_SECOND:,} households/s",
    )
    parser.add_argument(
        "--processes", type=int, default=0, metavar="P",
        help="also run the workload split over P processes (reported, not the per-core figure)",
    )
    args = parser.parse_args(argv)
    if args.households < 1:
        parser.error("--households must be at least 1")

    tables = shipped_tables()
    started = time.perf_counter()
    cases = build_cases(args.households, args.seed, tables)
    build_seconds = time.perf_counter() - started

    # Pass 1: throughput, nothing else running.  The CPU time of the pass is kept beside the
    # wall-clock time: when other processes compete for the cores, the two drift apart.
    load_before = os.getloadavg()[0]
    gc.collect()
    cpu_started = time.process_time()
    started = time.perf_counter()
    run(cases)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    per_second = len(cases) / seconds

    # Pass 2: the same work under tracemalloc (slower, so not timed), with the sanity check.
    gc.collect()
    tracemalloc.start()
    mismatches = run(cases, check=True)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    kinds = Counter(case.kind for case in cases)
    directs = sum(1 for case in cases if case.direct)
    figures = {
        "households": len(cases),
        "seed": args.seed,
        "seconds": round(seconds, 4),
        "households_per_second": round(per_second),
        "cpu_seconds": round(cpu_seconds, 4),
        "loadavg_1min_before": round(load_before, 2),
        "target_households_per_second": TARGET_HOUSEHOLDS_PER_SECOND,
        "tracemalloc_peak_bytes": peak,
        "maxrss_kib": maxrss_kib(),
        "build_seconds": round(build_seconds, 3),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "kinds": dict(sorted(kinds.items())),
        "direct_payments": directs,
    }

    print(
        f"Lika core benchmark: calculate_support + split_payment, {len(cases):,} household-months "
        f"(seed {args.seed})"
    )
    print(
        "  mix: "
        + ", ".join(f"{k} {kinds[k]:,}" for k, _ in KINDS)
        + f"; direct payments {directs:,}"
    )
    print(f"  built in {build_seconds:.2f} s (untimed)")
    print(
        f"  timed: {seconds:.3f} s wall ({cpu_seconds:.3f} s CPU)  ->  {per_second:,.0f} "
        f"household-months/s (target {TARGET_HOUSEHOLDS_PER_SECOND:,})"
    )
    print(f"  load average before the timed pass: {load_before:.2f} on {os.cpu_count()} CPUs")
    print(f"  peak memory of the timed phase (tracemalloc): {peak / 1024:,.1f} KiB")
    print(f"  peak RSS of the process (ru_maxrss): {figures['maxrss_kib'] / 1024:,.1f} MiB")
    print(f"  Python {figures['python']} on {figures['platform']}")

    if args.processes > 1:
        total, wall = run_processes(len(cases), args.seed, args.processes)
        figures["processes"] = args.processes
        figures["processes_households_per_second"] = round(total / wall)
        print(f"  {args.processes} processes: {total:,} household-months in {wall:.3f} s  ->  "
              f"{total / wall:,.0f} household-months/s (all cores; the target is per core)")

    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        print(f"  figures written to {args.json}")

    if mismatches:
        print(
            f"FAIL: {mismatches:,} households whose split does not add up to the support",
            file=sys.stderr,
        )
        return 2
    print(f"  check: every split adds up to the support ({len(cases):,} households)")
    if not args.no_check and per_second < TARGET_HOUSEHOLDS_PER_SECOND:
        print(
            f"FAIL: {per_second:,.0f} household-months/s is below the target of "
            f"{TARGET_HOUSEHOLDS_PER_SECOND:,}/s",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
