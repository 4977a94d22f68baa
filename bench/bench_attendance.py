"""Benchmark of the attendance import's pure parser (issue #15: 1 million rows in ≤ 60 s).

    .venv/bin/python -m bench.bench_attendance [--rows N] [--seed S] [--keep PATH]

1. Setup (untimed): writes a fictional attendance file of N rows (default 1 000 000) to a
   temporary file, UTF-8 with BOM, ``;`` between fields: 400 associations' groups
   ("G0001" …), 20 000 participants (ids "p00001" …, birth years 1995–2020, K/M/empty),
   one leader per occasion, occasions on the days of 2027 (each day and group at most once), 20 rows per
   occasion.  About
   a third of the rows give a fictional personnummer (correct check digit) instead of a
   birth year.
2. Measurement: ``parse_attendance`` over the file opened as text (streamed line by line),
   then ``calculate_activity_grant`` per group over the parsed occasions; wall time
   and peak RSS of the process.
3. Check: no errors, rows read = N.

Exit status 0 when the parse is within ``TARGET_SECONDS``, 1 otherwise.
"""

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date, timedelta

from lika.core.attendance import parse_attendance
from lika.core.grants import calculate_activity_grant, parse_programme

TARGET_SECONDS = 60

RULES = {
    "name": "Aktivitetsstöd (fiktivt)",
    "versions": [
        {
            "valid_from": "2027-01-01",
            "source": "fiktivt beslut",
            "age_min": 7,
            "age_max": 25,
            "occasion_rate": 30,
            "participant_rates": {"7-12": {"F": 10, "M": 8}, "13-20": 8, "21-25": 6},
            "min_participants": 3,
            "min_minutes": 60,
            "cap_per_year": 200_000,
        }
    ],
}


def _check_digit(nine: str) -> str:
    total = 0
    for index, char in enumerate(nine):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def write_file(path: str, rows: int, seed: int) -> None:
    rnd = random.Random(seed)
    people = []
    for n in range(1, 20_001):
        year = rnd.randint(1995, 2020)
        gender = rnd.choice("KKMM ")
        serial = f"{rnd.randint(0, 99):02d}{rnd.randint(0, 9)}"
        digit_gender = {"K": 8, "M": 7}.get(gender, 5)
        nine = f"{year % 100:02d}{rnd.randint(1, 12):02d}{rnd.randint(1, 28):02d}{serial[:2]}{digit_gender}"
        pnr = f"{year}{nine[2:]}{_check_digit(nine)}" if rnd.random() < 0.33 else ""
        people.append((f"p{n:05d}", year, gender.strip(), pnr))
    start = date(2027, 1, 1)
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        out.write("datum;grupp;deltagare;födelseår;personnummer;kön;ledare;minuter\n")
        written = 0
        slots = [(start + timedelta(days=d), f"G{g:04d}") for d in range(365) for g in range(1, 401)]
        rnd.shuffle(slots)  # every (day, group) at most once: one sammankomst each
        if rows > len(slots) * 20:
            raise SystemExit(f"at most {len(slots) * 20:,} rows")
        while written < rows:
            day, group = slots.pop()
            minutes = rnd.choice((45, 60, 60, 90))
            leader = rnd.randrange(len(people))
            ident, year, gender, pnr = people[leader]
            lines = [f"{day};{group};L{ident};{year - 20};;{gender};ja;{minutes}\n"]
            for index in rnd.sample(range(len(people)), 19):
                ident, year, gender, pnr = people[index]
                if pnr:
                    lines.append(f"{day};{group};{ident};;{pnr};;;{minutes}\n")
                else:
                    lines.append(f"{day};{group};{ident};{year};;{gender};;{minutes}\n")
            for line in lines[: rows - written]:
                out.write(line)
            written += min(len(lines), rows - written)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20271)
    parser.add_argument("--keep", help="write the generated file here and keep it")
    args = parser.parse_args(argv)
    path = args.keep or tempfile.mkstemp(suffix=".csv")[1]
    try:
        t0 = time.perf_counter()
        write_file(path, args.rows, args.seed)
        size = os.path.getsize(path)
        print(f"generated {args.rows:,} rows, {size / 1e6:.1f} MB in {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        with open(path, encoding="utf-8", newline="") as handle:
            result = parse_attendance(handle)
        parse_seconds = time.perf_counter() - t0
        if result.errors:
            print("errors:", result.errors[:5])
            return 1
        assert result.rows == args.rows, result.rows
        programme = parse_programme(RULES)
        t0 = time.perf_counter()
        by_group = defaultdict(list)
        for occasion in result.occasions:
            by_group[occasion.group].append(occasion)
        total = counted = 0
        for occasions in by_group.values():
            grant = calculate_activity_grant(programme, occasions)
            total += grant.total
            counted += grant.counted_occasions
        grant_seconds = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"parse_attendance: {parse_seconds:.1f} s ({args.rows / parse_seconds:,.0f} rows/s), "
              f"{len(result.occasions):,} occasions")
        print(f"calculate_activity_grant for {len(by_group)} groups: {grant_seconds:.1f} s, "
              f"{counted:,} occasions counted, {total / 100:,.2f} kr")
        print(f"peak RSS {peak:.0f} MB; python {sys.version.split()[0]}")
        ok = parse_seconds <= TARGET_SECONDS
        print("target", "met" if ok else "MISSED", f"(≤ {TARGET_SECONDS} s)")
        return 0 if ok else 1
    finally:
        if not args.keep:
            os.unlink(path)


if __name__ == "__main__":
    sys.exit(main())
