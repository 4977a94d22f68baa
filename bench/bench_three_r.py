"""Benchmark of the 3R report pages on PostgreSQL (issue #15, "Demo and scale").

    .venv/bin/python -m bench.bench_three_r \\
        --database-url postgres://postgres@127.0.0.1:5432/report_bench \\
        [--associations 5000] [--years 10] [--repeat 5] [--reuse] [--json PATH]

1. Setup (untimed): creates the database if it is missing, migrates it and, unless it
   already holds this benchmark's data (``--reuse``), empties the grants tables and loads
   with COPY: ``--associations`` associations, each with one activity-grant application
   a year for ``--years`` years (to one of three activity programmes of Kultur- och
   fritidsnämnden or one of Kommunstyrelsen), with counts per legal gender and age band
   (7-12, 13-25 and the leaders' 26+; some participants of unknown gender) — about 1 000
   deltagartillfällen per application, so about 50 million in all at 5 000 × 10 — plus a
   premises-grant application for a fifth of the associations a year with their member
   counts, and five board members per association and year.
2. Timed (``--repeat`` runs, median): the 3R programme page and the giver page for the
   last year, through Django's test client as the analyst (the whole request: selectors,
   protection, charts, template); and the figures alone two ways — the selectors
   (``analysis.aggregates`` + ``analysis.unattributed_money``, what the pages run) and one
   hand-written SQL statement giving the same figures (checked equal).
3. Targets: each page ≤ ``TARGET_SECONDS``; the selectors ≤ ``TARGET_RATIO`` × the SQL.
   Exit status 0 when met, 1 when missed, 2 when the two ways disagree.

The database's name must contain "bench": its grants tables are emptied.  See
docs/benchmarks.md.
"""

import argparse
import json
import platform
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime
from fractions import Fraction

from bench.bench_payments import (
    Table,
    database_name,
    django_setup,
    ensure_database,
    log,
    migrations_pending,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/report_bench"
DATA_VERSION = 1
TARGET_SECONDS = 2.0
TARGET_RATIO = 1.5
LAST_YEAR = 2026
BANDS = ("7-12", "13-25")
ACTIVITY = ("Aktivitetsbidrag barn", "Aktivitetsbidrag ungdom", "Aktivitetsbidrag idrott")
ANALYST = "bench.analyst"

HAND_SQL = """
WITH apps AS (
    SELECT a.id, a.association_id, a.year, a.status, a.total, a.premises_hours, p.name AS programme, p.kind
    FROM grants_grantapplication a JOIN grants_programme p ON p.id = a.programme_id
    WHERE p.giver_id = %(giver)s AND a.year BETWEEN %(first)s AND %(last)s AND a.status <> 'withdrawn'
)
SELECT 'activity' AS part, apps.programme, apps.year, c.gender, c.age_band,
       SUM(c.participants), SUM(c.participations), SUM(c.leaders),
       SUM(CASE WHEN d.id IS NULL THEN c.amount WHEN d.applied_amount = 0 THEN 0
                ELSE c.amount * d.amount / d.applied_amount END), NULL::numeric, NULL::bigint
FROM grants_applicationcount c JOIN apps ON apps.id = c.application_id
LEFT JOIN grants_grantdecision d ON d.application_id = c.application_id
GROUP BY apps.programme, apps.year, c.gender, c.age_band
UNION ALL
SELECT 'board', p.name, b.year, b.gender,
       CASE WHEN b.birth_year IS NOT NULL AND b.year < b.birth_year + 18 THEN '0-17' ELSE '18+' END,
       NULL, NULL, NULL, NULL, NULL, COUNT(*)
FROM grants_boardmember b
JOIN (SELECT DISTINCT association_id, year, programme FROM apps WHERE year = %(last)s) a
  ON a.association_id = b.association_id AND a.year = b.year
JOIN grants_programme p ON p.name = a.programme
GROUP BY 2, 3, 4, 5
UNION ALL
SELECT 'premises', apps.programme, apps.year, m.gender, m.age_band, NULL, NULL, NULL, NULL,
       SUM(apps.premises_hours * m.count / t.people), NULL
FROM apps JOIN grants_membershipcount m ON m.association_id = apps.association_id AND m.year = apps.year
JOIN (SELECT association_id, year, SUM(count) AS people FROM grants_membershipcount
      GROUP BY association_id, year) t ON t.association_id = apps.association_id AND t.year = apps.year
WHERE apps.kind = 'premises' AND apps.premises_hours IS NOT NULL AND apps.year = %(last)s
GROUP BY 2, 3, 4, 5
UNION ALL
SELECT 'unattributed', apps.programme, apps.year, '', '', NULL, NULL, NULL, SUM(apps.total), NULL, NULL
FROM apps WHERE apps.kind <> 'activity'
GROUP BY 2, 3
"""


def marker(associations, years, seed):
    return f"Bench v{DATA_VERSION}: {associations} föreningar × {years} år, seed {seed}"


def _orgnr(n: int) -> str:
    body = f"80{n:07d}"
    total = 0
    for i, ch in enumerate(body):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return f"{body[:6]}-{body[6:]}{(10 - total % 10) % 10}"


def populate(associations: int, years: int, seed: int) -> dict:
    from django.db import connection, transaction

    from lika.accounts.models import Role, User
    from lika.grants.models import (
        ApplicationCount,
        Association,
        BoardMember,
        GrantApplication,
        GrantGiver,
        MembershipCount,
        Programme,
        RealiaText,
    )

    rng = random.Random(seed)
    tables = [ApplicationCount, BoardMember, MembershipCount, GrantApplication, RealiaText]
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE grants_grantapplication_rule_versions, "
                       + ", ".join(m._meta.db_table for m in tables) + " RESTART IDENTITY CASCADE")
        cursor.execute("DELETE FROM grants_association")  # users may point at one: no TRUNCATE
    tables.append(Association)
    Programme.objects.all().delete()
    GrantGiver.objects.all().delete()
    user, _ = User.objects.update_or_create(username=ANALYST, defaults={"role": Role.ANALYST,
                                                                          "password": "!bench-no-login"})
    with transaction.atomic():
        kfn = GrantGiver.objects.create(name="Kultur- och fritidsnämnden")
        ks = GrantGiver.objects.create(name="Kommunstyrelsen")
        programmes = [Programme.objects.create(giver=kfn, kind=Programme.Kind.ACTIVITY, name=n) for n in ACTIVITY]
        other = Programme.objects.create(giver=ks, kind=Programme.Kind.ACTIVITY, name="Föreningsstöd KS")
        premises = Programme.objects.create(giver=kfn, kind=Programme.Kind.PREMISES, name="Lokalbidrag")
    first = LAST_YEAR - years + 1
    now = datetime(2026, 12, 1, tzinfo=UTC)
    clubs = Table(Association, active=True)
    apps = Table(GrantApplication, status="submitted", submitted_by_id=user.pk, submitted_at=now, result="{}")
    counts = Table(ApplicationCount)
    board = Table(BoardMember)
    members = Table(MembershipCount)
    totals = {"applications": 0, "counts": 0, "occasions": 0, "board": 0}
    app_id = count_id = board_id = member_id = 0
    for a in range(1, associations + 1):
        clubs.add(id=a, orgnr=_orgnr(a), name=f"Förening {a}", address="", contact_name="", contact_email="",
                  contact_phone="", bankgiro="", plusgiro="")
        programme = other if a % 5 == 0 else programmes[a % 3]
        boys_bias = rng.uniform(0.45, 0.75)  # the skew toward boys the mappings found
        size = rng.randint(20, 120)
        for year in range(first, LAST_YEAR + 1):
            app_id += 1
            cells, total = [], 0
            for band, rate in zip(BANDS, (1000, 600), strict=True):
                people = max(1, int(size * rng.uniform(0.3, 0.7)))
                for gender, share in (("M", boys_bias), ("F", 1 - boys_bias - 0.02), ("", 0.02)):
                    n = max(0, round(people * share))
                    if not n:
                        continue
                    occasions = n * rng.randint(10, 19)
                    cells.append((gender, band, n, 0, occasions, occasions * rate))
                    total += occasions * rate
            for gender in ("F", "M"):
                cells.append((gender, "26+", 0, rng.randint(1, 4), 0, 0))
            apps.add(id=app_id, association_id=a, programme_id=programme.pk, year=year, period_from=date(year, 1, 1),
                     period_to=date(year, 12, 31), total=total)
            for gender, band, n, leaders, occasions, amount in cells:
                count_id += 1
                counts.add(id=count_id, application_id=app_id, gender=gender, age_band=band, participants=n,
                           leaders=leaders, participations=occasions, amount=amount)
                totals["occasions"] += occasions
            if a % 5 == 1:  # premises grant and member counts for a fifth of the associations
                app_id += 1
                apps.add(id=app_id, association_id=a, programme_id=premises.pk, year=year,
                         period_from=date(year, 1, 1), period_to=date(year, 12, 31), total=rng.randint(1, 50) * 100000,
                         premises_hours=rng.randint(50, 500))
                for gender in ("F", "M"):
                    for band in BANDS:
                        member_id += 1
                        members.add(id=member_id, association_id=a, year=year, gender=gender, age_band=band,
                                    count=rng.randint(5, 60))
            for seat in range(5):
                board_id += 1
                board.add(id=board_id, association_id=a, year=year, name=f"Ledamot {seat}", role="ledamot",
                          gender="F" if rng.random() < 0.4 else "M", birth_year=rng.randint(1950, 2008))
        if a % 500 == 0 or a == associations:
            connection.ensure_connection()
            with connection.connection.cursor() as raw:
                for table in (clubs, apps, counts, board, members):
                    table.copy(raw)
    totals.update(applications=app_id, counts=count_id, board=board_id)
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{model._meta.db_table}', 'id'), "
                           f"(SELECT COALESCE(MAX(id), 1) FROM {model._meta.db_table}))")
        cursor.execute("ANALYZE")
    from lika.accounts.models import Municipality

    Municipality.objects.update_or_create(code="9991", defaults={"name": marker(associations, years, seed)})
    return totals


def populated(associations, years, seed) -> bool:
    from lika.accounts.models import Municipality

    return Municipality.objects.filter(code="9991", name=marker(associations, years, seed)).exists()


def timed(function, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times, result


def hand_written(giver, first, last):
    from django.db import connection

    cte, _, parts = HAND_SQL.partition(")\nSELECT")
    rows = []
    with connection.cursor() as cursor:  # one statement per figure, as the selectors
        for part in ("SELECT" + parts).split("UNION ALL"):
            cursor.execute(cte + ")\n" + part, {"giver": giver.pk, "first": first, "last": last})
            rows += cursor.fetchall()
    return rows


def same_figures(rows, unattributed, sql_rows, tolerance_apps) -> bool:
    from lika.grants.analysis import GENDER

    ours = {}
    for r in rows:
        key = (r.group, r.year, r.gender, r.age_band)
        ours.setdefault(key, [0, 0, 0, 0, 0, Fraction(0)])
        for i, name in enumerate(("participants", "occasions", "leaders", "money_ore", "board_members")):
            ours[key][i] += getattr(r, name)
        ours[key][5] += Fraction(r.premises_hours)
    theirs = {}
    theirs_unattributed = {}
    for part, programme, year, gender, band, people, occasions, leaders, money, hours, seats in sql_rows:
        if part == "unattributed":
            theirs_unattributed[(programme, year)] = int(money)
            continue
        key = (programme, year, GENDER[gender], band)
        cell = theirs.setdefault(key, [0, 0, 0, 0, 0, Fraction(0)])
        if part == "activity":
            cell[0] += people
            cell[1] += occasions
            cell[2] += leaders
            cell[3] += money
        elif part == "board":
            cell[4] += seats
        else:
            cell[5] += Fraction(hours)
    # the selectors split each application's hours in whole hundredths (largest remainder),
    # the SQL exactly: a cell may differ by at most a hundredth per application behind it
    for key in set(ours) | set(theirs):
        a, b = ours.get(key, [0] * 5 + [Fraction(0)]), theirs.get(key, [0] * 5 + [Fraction(0)])
        if a[:5] != b[:5] or abs(a[5] - b[5]) > Fraction(tolerance_apps, 100):
            log(f"differs: {key}: {a} != {b}")
            return False
    return theirs_unattributed == unattributed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--associations", type=int, default=5000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20261206)
    parser.add_argument("--reuse", action="store_true", help="keep the data when it is this benchmark's")
    parser.add_argument("--json", help="write the result here")
    args = parser.parse_args(argv)
    if "bench" not in database_name(args.database_url):
        print("the database's name must contain 'bench' (its grants tables are emptied)", file=sys.stderr)
        return 2
    ensure_database(args.database_url)
    django_setup(args.database_url)
    from django.core.management import call_command

    if migrations_pending():
        call_command("migrate", verbosity=0)
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from lika.accounts.models import User
    from lika.grants import analysis
    from lika.grants.analysis_pages import YEARS_BACK
    from lika.grants.models import ApplicationCount, GrantGiver, Programme

    if not (args.reuse and populated(args.associations, args.years, args.seed)):
        log(f"loading {args.associations} associations × {args.years} years …")
        start = time.perf_counter()
        loaded = populate(args.associations, args.years, args.seed)
        log(f"loaded in {time.perf_counter() - start:.0f} s: {loaded}")
    from django.db.models import Sum

    occasions = ApplicationCount.objects.aggregate(n=Sum("participations"))["n"]
    rows_count = ApplicationCount.objects.count()
    giver = GrantGiver.objects.get(name="Kultur- och fritidsnämnden")
    programme = Programme.objects.get(name=ACTIVITY[0])
    setup_test_environment()
    client = Client()
    client.force_login(User.objects.get(username=ANALYST))
    urls = {
        "programme_page": reverse("three_r_programme", kwargs={"giver_id": giver.pk, "year": LAST_YEAR,
                                                              "programme_id": programme.pk}),
        "giver_page": reverse("three_r_giver", kwargs={"giver_id": giver.pk, "year": LAST_YEAR}),
    }
    result = {"associations": args.associations, "years": args.years, "count_rows": rows_count,
              "deltagartillfallen": occasions, "python": platform.python_version(), "repeat": args.repeat}
    ok = True
    for name, url in urls.items():
        response = client.get(url)  # warm
        assert response.status_code == 200, (name, response.status_code)
        median, times, _ = timed(lambda url=url: client.get(url), args.repeat)
        result[name] = {"median_s": round(median, 3), "runs_s": [round(t, 3) for t in times]}
        ok &= median <= TARGET_SECONDS
        log(f"{name}: median {median:.3f} s (target ≤ {TARGET_SECONDS} s)")
    years = range(LAST_YEAR - YEARS_BACK, LAST_YEAR + 1)

    def selectors():  # what the giver page runs
        return (analysis.aggregates(giver, years, detail_years=[LAST_YEAR]),
                analysis.unattributed_money(giver, years))

    ours_s, ours_times, (rows, unattributed) = timed(selectors, args.repeat)
    sql_s, sql_times, sql_rows = timed(lambda: hand_written(giver, years[0], years[-1]), args.repeat)
    ratio = ours_s / sql_s
    result["selectors"] = {"median_s": round(ours_s, 3), "runs_s": [round(t, 3) for t in ours_times]}
    result["hand_sql"] = {"median_s": round(sql_s, 3), "runs_s": [round(t, 3) for t in sql_times]}
    result["ratio"] = round(ratio, 2)
    log(f"selectors {ours_s:.3f} s, hand-written SQL {sql_s:.3f} s: ratio {ratio:.2f} (target ≤ {TARGET_RATIO})")
    ok &= ratio <= TARGET_RATIO
    same = same_figures(rows, unattributed, sql_rows, args.associations)
    result["same_figures"] = same
    result["met"] = bool(ok)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(result, handle, indent=2, ensure_ascii=False)
    log(json.dumps(result, ensure_ascii=False))
    if not same:
        log("the selectors and the hand-written SQL disagree")
        return 2
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
