"""Benchmark of the statistics pages and exports on PostgreSQL (issue #5, "Speed").

    .venv/bin/python -m bench.bench_statistics [--households N] [--years Y] [--reuse]
                                               [--repeat R] [--json PATH] [--database-url URL]

Issue #5: with 10 years of payments for 100 000 households a month (about 12 million
payment orders), every statistics page and export for a year renders in under
``TARGET_SECONDS``, within ``TARGET_RATIO`` times the same figures computed by hand-written
SQL in the same benchmark, and the figures are computed in the database.

1. Setup (untimed).  Creates the database if it is missing (its name must contain "bench";
   without ``--reuse`` it is dropped and made again), migrates it and generates the data
   with set-based SQL (``INSERT … SELECT … FROM generate_series``; no Python loop per row),
   year by year: a municipality with four units, N households a month, about 3 % of the
   cases closing every month and replaced by new households, and per household-month an
   application with its parties, calculation, issued decision, shares, recipients, support
   obstacles and (per month) an exported payment run with one paid order per share; plans,
   activities and meetings.  ``--reuse`` keeps data that is already there (and completes
   an interrupted generation year by year).
2. The nightly job (timed, reported, not judged): ``lika.statistics.refresh.refresh_year``
   for every year, then ``VACUUM ANALYZE`` of the summary tables.  Then, untimed, three
   fictional peer municipalities for the comparison page (``peers.seed_peers``).
3. The measurement (in a fresh subprocess, so that its peak RSS is its own): the statistics
   page (whole municipality and one unit; year, quarter, month), the CSV, XLSX and PDF
   exports and the comparison page for the last year, through Django's test ``Client`` as
   an analyst; ``build_report`` alone; the same figures from hand-written SQL (psycopg, the
   summary tables the app reads, one query per figure group); and, for information, the
   core figures and the plans, activities, meetings and closed cases straight from the
   source tables.  One warm-up, then
   ``--repeat`` rounds (default 5), interleaved; medians are judged.
4. Correctness: the core figures from the source tables must equal the report's cells
   (money and recipients by gender, couples with equal split / one recipient, applicants by
   gender, processing time) and the hand-written SQL's; the day tables' plans, activities,
   meetings and closed cases must equal the same counts from the case and plan tables.

Exit status 0 when every target is met and every check passes, 1 otherwise.
See docs/benchmarks.md.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path

from bench.bench_payments import (
    database_name,
    log,
    machine_info,
    maxrss_mib,
    migrations_pending,
    postgres_cpu_seconds,
    system_busy_seconds,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/lika_stats_bench"
DEFAULT_HOUSEHOLDS = 100_000
DEFAULT_YEARS = 10
LAST_YEAR = 2025  # the last full year of data (the measured one)
DEFAULT_REPEAT = 5
DATA_VERSION = 1  # bump when the generated data changes, so that --reuse makes it again

TARGET_SECONDS = 2.0
TARGET_RATIO = 1.5
HAND_WORK_MEM = "64MB"  # the hand-written SQL's session (what an expert would set; build_report sets as much)
DEFAULT_REFRESH_TIMEOUT = 900  # seconds per statement of refresh_year before the fallback
FK_CHECK_LIMIT = 20_000  # above this many households the generation skips the foreign-key triggers

BASE_DIR = Path(__file__).resolve().parent.parent
RESULT_PREFIX = "BENCH-STATISTICS-RESULT "
MUNICIPALITY_CODE = "9990"
MUNICIPALITY_NAME = "Benchmarkkommunen"
PEER_SEED = 5
BUSY_SHARE = 0.15

# --- the caseload ------------------------------------------------------------------------
EXIT_RATE = 0.03  # cases that close each month (replaced by new households the next month)
COUPLE_SHARE = 0.25
EXCEPTION_SHARE_OF_COUPLES = 0.03  # paid to one adult (särskilda skäl), the whole case
DIRECT_SHARE = 0.03  # cases with part of the rent paid to the landlord (a share with no person)
ZERO_SHARE = 0.02  # decisions that grant nothing (avslag): no shares, no orders
OTHER_APPLICANT_SHARE = 0.25  # of a couple's later applications, made by the second adult
DELIVERED_SHARE = 0.95  # decision letters with a delivery date
REJECTED_SHARE = 0.001  # orders rejected by the bank (not counted as paid)
PLAN_SHARE = 0.60  # adults in new cases with an own plan (created 0-44 days after opening)
MEETING_SHARE = 0.10  # case-months with a meeting
UNITS = (("norr", "Enhet Norr", 0.35), ("soder", "Enhet Söder", 0.30), ("vaster", "Enhet Väster", 0.20),
         ("oster", "Enhet Öster", 0.15))
BIRTH_DAYS = 23_700  # adults born 1940-01-01 + 0 … 23 699 days; 100 birth-number blocks per day
IBAN, CLEARING, ACCOUNT, BANKGIRO = "SE4550000000058398257466", "5000", "1234560", "50501055"
LANDLORD = "Bostadsbolaget i Lika AB"
FEMALE = ("Anna", "Eva", "Maria", "Karin", "Sara", "Lena", "Åsa", "Ingrid", "Fatima", "Zeynep", "Noor", "Emma")
MALE = ("Erik", "Lars", "Karl", "Anders", "Johan", "Mohammed", "Ali", "Per", "Björn", "Örjan", "Nils", "Ahmed")
LAST = ("Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
        "Svensson", "Hassan", "Mohamed", "Lindqvist", "Åberg", "Öberg", "Ek")

PREPARER, ATTESTER, ANALYST = "bs.prep", "bs.attest", "bs.analyst"


def median(values):
    return statistics.median(values) if values else None


# --- database and Django --------------------------------------------------------------------


def ensure_database(url: str, *, fresh: bool) -> bool:
    """Create the database if it is missing; with ``fresh``, drop it first.  Returns whether
    it was created."""
    import psycopg
    from psycopg import conninfo, sql

    name = database_name(url)
    with psycopg.connect(conninfo.make_conninfo(url, dbname="postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and not fresh:
            return False
        if exists:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True


def django_setup(url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "lika.config.settings"
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "0"  # with DEBUG on, Django keeps every query in memory
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ.setdefault("LIKA_MUNICIPALITY_NAME", "")
    import django

    django.setup()


def server_info(conn) -> dict:
    info = {}
    for name in ("server_version", "shared_buffers", "work_mem", "effective_cache_size", "jit",
                 "max_parallel_workers_per_gather", "random_page_cost", "synchronous_commit"):
        info[name] = conn.execute(f"SHOW {name}").fetchone()[0]
    return info


def connect(url: str, *, work_mem: str | None = None):
    """A plain psycopg connection (not Django's), in UTC like Django's connections."""
    import psycopg

    conn = psycopg.connect(url, autocommit=True)
    conn.execute("SET TIME ZONE 'UTC'")
    if work_mem:
        conn.execute(f"SET work_mem = '{work_mem}'")
    return conn


# --- generation: SQL helpers -----------------------------------------------------------------


def U(key: str, salt: int) -> str:
    """A deterministic uniform number in [0, 1) from an integer SQL expression and a salt."""
    return f"((hashint8extended(({key})::bigint, {int(salt)}) & 1099511627775)::float8 / 1099511627776.0)"


def pick(key: str, salt: int, choices) -> str:
    """One of ``choices`` [(value, weight), …] as a SQL CASE, by U(key, salt)."""
    total = sum(weight for _value, weight in choices)
    parts, edge = [], 0.0
    for value, weight in choices[:-1]:
        edge += weight / total
        parts.append(f"WHEN u < {edge!r} THEN {literal(value)}")
    return f"(SELECT CASE {' '.join(parts)} ELSE {literal(choices[-1][0])} END FROM (SELECT {U(key, salt)} AS u) x)"


def literal(value) -> str:
    from psycopg import sql

    return sql.Literal(value).as_string(None)


def month_date(t: str, first_year: int) -> str:
    return f"make_date({first_year} + ({t}) / 12, ({t}) % 12 + 1, 1)"


def array(values) -> str:
    return "ARRAY[" + ", ".join(literal(v) for v in values) + "]"


def insert_sql(model, values: dict[str, str], source: str) -> str:
    """INSERT INTO the model's table (every concrete column) SELECT … ``source``: the given
    SQL expressions, and for the other columns what the ORM would fill in (the field's
    default, NULL or '').  Unknown columns are refused."""
    given = dict(values)
    columns, expressions = [], []
    for field in model._meta.concrete_fields:
        column = field.column
        if column in given:
            expression = given.pop(column)
        elif field.has_default() and not callable(field.default):
            expression = literal(field.get_default())
        elif field.null:
            expression = "NULL"
        elif field.empty_strings_allowed:
            expression = "''"
        else:
            raise ValueError(f"{model._meta.db_table}.{column} needs a value")
        columns.append(column)
        expressions.append(f"{expression} AS {column}")
    if given:
        raise ValueError(f"{model._meta.db_table} has no columns {sorted(given)}")
    return (f"INSERT INTO {model._meta.db_table} ({', '.join(columns)})\n"
            f"SELECT {', '.join(expressions)}\n{source}")


LUHN_FUNCTION = """
CREATE OR REPLACE FUNCTION pg_temp.bench_luhn(body text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT ((10 - SUM(CASE WHEN i % 2 = 1 THEN (2 * d) / 10 + (2 * d) % 10 ELSE d END) % 10) % 10)::text
    FROM (SELECT i, substr(body, i, 1)::int AS d FROM generate_series(1, length(body)) AS i) AS digits
$$
"""


@dataclass(frozen=True)
class Config:
    households: int
    first_year: int
    last_year: int

    @property
    def months(self) -> int:
        return 12 * (self.last_year - self.first_year + 1)

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))

    @property
    def switch(self) -> date:
        """The day the municipality began paying couples half each (for the before/after figure)."""
        return date(self.first_year + (self.last_year - self.first_year + 1) // 2, 1, 1)

    def marker(self) -> dict:
        return {"version": DATA_VERSION, "households": self.households, "first_year": self.first_year,
                "last_year": self.last_year}


# --- generation ----------------------------------------------------------------------------


def static_rows(config: Config) -> dict:
    """The municipality, units and users (ORM: a handful of rows)."""
    from django.db import transaction

    from lika.accounts.models import Municipality, Role, Unit, User

    with transaction.atomic():
        municipality, _ = Municipality.objects.update_or_create(
            code=MUNICIPALITY_CODE, defaults={"name": MUNICIPALITY_NAME, "equal_split_from": config.switch})
        units, workers = [], []
        for number, (code, name, _share) in enumerate(UNITS, start=1):
            unit, _ = Unit.objects.update_or_create(municipality=municipality, code=code, defaults={"name": name})
            units.append(unit.pk)
            worker, _ = User.objects.update_or_create(
                username=f"bs.case{number}", defaults={"role": Role.CASE_WORKER, "unit": unit, "is_active": True,
                                                       "password": "!bench-no-login"})
            workers.append(worker.pk)
        users = {}
        for username, role, attest in ((PREPARER, Role.PAYMENT_OFFICER, False),
                                       (ATTESTER, Role.UNIT_MANAGER, True),
                                       (ANALYST, Role.ANALYST, False)):
            user, _ = User.objects.update_or_create(
                username=username, defaults={"role": role, "unit": None if role == Role.ANALYST else unit,
                                             "can_attest_payments": attest, "is_active": True,
                                             "password": "!bench-no-login"})
            users[username] = user.pk
    return {"municipality": municipality.pk, "units": units, "workers": workers, **users}


def meta_get(conn, key: str):
    conn.execute("CREATE TABLE IF NOT EXISTS bench_stats_meta (key text PRIMARY KEY, value jsonb NOT NULL)")
    row = conn.execute("SELECT value FROM bench_stats_meta WHERE key = %s", [key]).fetchone()
    return row[0] if row else None


def meta_set(conn, key: str, value) -> None:
    from psycopg.types.json import Jsonb

    conn.execute("INSERT INTO bench_stats_meta (key, value) VALUES (%s, %s) "
                 "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", [key, Jsonb(value)])


def data_state(url: str, config: Config) -> dict | None:
    """What of this configuration's data is there: {"cases": bool, "years": [...]}, or None
    when the database holds other data (or data without the benchmark's marker)."""
    with connect(url) as conn:
        stored = meta_get(conn, "config")
        if stored == config.marker():
            return {"cases": bool(meta_get(conn, "cases_done")), "years": sorted(meta_get(conn, "years_done") or [])}
        if conn.execute("SELECT EXISTS (SELECT 1 FROM cases_case)").fetchone()[0]:
            return None
        meta_set(conn, "config", config.marker())
        return {"cases": False, "years": []}


def person_name_sql(pid: str, gender: str) -> tuple[str, str]:
    first = (f"CASE WHEN {gender} = 'F' THEN ({array(FEMALE)})[1 + ({pid}) % {len(FEMALE)}] "
             f"ELSE ({array(MALE)})[1 + ({pid}) % {len(MALE)}] END")
    last = f"({array(LAST)})[1 + (({pid}) / 7) % {len(LAST)}]"
    return first, last


def bank_sql(pid: str) -> tuple[str, str, str]:
    """(iban, clearing, account) of a person: 30 % IBAN, the rest a domestic account."""
    iban = f"CASE WHEN {U(pid, 20)} < 0.3 THEN {literal(IBAN)} ELSE '' END"
    clearing = f"CASE WHEN {U(pid, 20)} < 0.3 THEN '' ELSE {literal(CLEARING)} END"
    account = f"CASE WHEN {U(pid, 20)} < 0.3 THEN '' ELSE {literal(ACCOUNT)} END"
    return iban, clearing, account


def generate_cases(conn, config: Config, ids: dict) -> dict:
    """The case plan (bench_stats_case) and everything that belongs to a case rather than a
    month: persons, households, memberships, cases, payment exceptions, plans, activities."""
    from django.conf import settings

    from lika.cases.models import Case, PaymentException
    from lika.households.models import Household, HouseholdMembership, Person
    from lika.plans.models import Plan, PlanActivity

    H, T, Y0 = config.households, config.months, config.first_year
    counts = {}
    started = time.perf_counter()
    conn.execute("DROP TABLE IF EXISTS bench_stats_case")
    # Every slot (0 … N-1) holds exactly one open case each month: a case ends in month m1
    # when its slot draws an exit, and the slot's next case (a new household) starts in m1 + 1.
    conn.execute(f"""
CREATE TEMP TABLE bench_stats_span AS
WITH ends AS (
    SELECT s.slot, t.t AS m1 FROM generate_series(0, {H - 1}) AS s(slot), generate_series(0, {T - 2}) AS t(t)
    WHERE {U("s.slot::bigint * 4096 + t.t", 101)} < {EXIT_RATE}
    UNION ALL
    SELECT slot, {T - 1} FROM generate_series(0, {H - 1}) AS slot
)
SELECT slot, COALESCE(LAG(m1) OVER (PARTITION BY slot ORDER BY m1) + 1, 0) AS m0, m1 FROM ends""")
    unit_rows = ", ".join(f"({n}, {unit}, {worker})" for n, (unit, worker) in
                          enumerate(zip(ids["units"], ids["workers"], strict=True)))
    shares, edges = [share for _c, _n, share in UNITS], []
    for share in shares[:-1]:
        edges.append((edges[-1] if edges else 0.0) + share)
    unit_no = "CASE " + " ".join(f"WHEN {U('id', 2)} < {edge!r} THEN {n}" for n, edge in enumerate(edges)) \
        + f" ELSE {len(UNITS) - 1} END"
    reasons = list(settings.LIKA_PAYMENT_EXCEPTION_REASONS)
    close_reasons = [("work", 30), ("studies", 10), ("other_benefit", 15), ("moved", 15), ("no_contact", 20),
                     ("other", 10)]
    first_received = f"({month_date('m0', Y0)} - (2 + floor({U(f'm0::bigint * {H} + slot + 1', 11)} * 10))::int)"
    conn.execute(f"""
CREATE TABLE bench_stats_case AS
SELECT b.*, u.unit_id, u.worker_id,
       2 * b.id - 1 AS p1, CASE WHEN b.couple THEN 2 * b.id END AS p2,
       CASE WHEN b.exception THEN CASE WHEN (b.g1 = 'F') = ({U('b.id', 6)} < 0.85) THEN 2 * b.id - 1 ELSE 2 * b.id END
       END AS exception_recipient
FROM (
    SELECT a.*, {unit_no} AS unit_no,
           CASE WHEN {U('id', 3)} < 0.5 THEN 'F' ELSE 'M' END AS g1,
           CASE WHEN NOT couple THEN NULL
                WHEN ({U('id', 3)} < 0.5) = ({U('id', 4)} < 0.95) THEN 'M' ELSE 'F' END AS g2,
           couple AND {U('id', 5)} < {EXCEPTION_SHARE_OF_COUPLES} AS exception,
           ({array(reasons)})[1 + floor({U('id', 7)} * {len(reasons)})::int] AS exception_reason,
           {U('id', 8)} < {DIRECT_SHARE} AS direct,
           (300000 + floor({U('id', 9)} * 900000))::bigint AS base,
           CASE WHEN m0 = 0 THEN make_date({Y0}, 1, 1) - (20 + floor({U('id', 10)} * 1500))::int
                ELSE {first_received} END AS opened_on,
           CASE WHEN m1 < {T - 1} THEN {month_date('m1 + 1', Y0)} + floor({U('id', 12)} * 20)::int END AS closed_on,
           CASE WHEN m1 < {T - 1} THEN {pick('id', 13, close_reasons)} ELSE '' END AS close_reason
    FROM (SELECT n.*, {U('n.id', 1)} < {COUPLE_SHARE} AS couple
          FROM (SELECT row_number() OVER (ORDER BY m0, slot) AS id, slot, m0, m1 FROM bench_stats_span) AS n
    ) AS a
) AS b
JOIN (VALUES {unit_rows}) AS u(unit_no, unit_id, worker_id) ON u.unit_no = b.unit_no""")
    conn.execute("ALTER TABLE bench_stats_case ADD PRIMARY KEY (id)")
    conn.execute("CREATE INDEX ON bench_stats_case (m0, m1)")
    conn.execute("ANALYZE bench_stats_case")
    counts["cases"], counts["couples"], persons_max = conn.execute(
        "SELECT count(*), count(*) FILTER (WHERE couple), max(2 * id) FROM bench_stats_case").fetchone()
    if persons_max >= 100 * BIRTH_DAYS:
        raise SystemExit(f"too many persons for unique identity numbers ({persons_max}): use fewer households")
    log(f"    case plan: {counts['cases']:,} cases ({counts['couples']:,} couples) "
        f"in {time.perf_counter() - started:.1f} s")

    adults = ("FROM bench_stats_case c CROSS JOIN LATERAL (VALUES (1, c.p1, c.g1), (2, c.p2, c.g2)) "
              "AS p(k, pid, gender) WHERE p.pid IS NOT NULL")
    first, last = person_name_sql("p.pid", "p.gender")
    iban, clearing, account = bank_sql("p.pid")
    birth = f"(date '1940-01-01' + (p.pid % {BIRTH_DAYS})::int)"
    number = f"lpad(((p.pid / {BIRTH_DAYS}) * 10 + 2 * (p.pid % 5) + (p.gender = 'M')::int)::text, 3, '0')"
    body = f"(to_char({birth}, 'YYMMDD') || {number})"
    opened = "(c.opened_on + time '09:00') AT TIME ZONE 'Europe/Stockholm'"
    statements = [
        ("persons", insert_sql(Person, {
            "id": "p.pid", "identity_number": f"to_char({birth}, 'YYYYMMDD') || {number} || pg_temp.bench_luhn({body})",
            "is_coordination_number": "false", "first_name": first, "last_name": last, "birth_date": birth,
            "legal_gender": "p.gender", "protected_identity": "false", "iban": iban, "bank_clearing": clearing,
            "bank_account": account, "created_at": opened}, adults)),
        ("households", insert_sql(Household, {
            "id": "c.id", "reference": "'BS' || lpad(c.id::text, 9, '0')", "created_at": opened,
            "unit_id": "c.unit_id"}, "FROM bench_stats_case c")),
        ("memberships", insert_sql(HouseholdMembership, {
            "id": "2 * c.id - 2 + p.k", "household_id": "c.id", "person_id": "p.pid", "role": "'adult'",
            "cohabiting": "c.couple", "lunch_at_home": "true", "hemmavarande": "false",
            "valid_from": "c.opened_on", "valid_to": "c.closed_on"}, adults)),
        ("cases", insert_sql(Case, {
            "id": "c.id", "reference": "'BSC-' || c.id", "status": "CASE WHEN c.closed_on IS NULL THEN 'open' ELSE 'closed' END",
            "opened_on": "c.opened_on", "closed_on": "c.closed_on", "close_reason": "c.close_reason",
            "created_at": opened, "case_worker_id": "c.worker_id", "household_id": "c.id",
            "registerledare_id": "c.p1", "unit_id": "c.unit_id"}, "FROM bench_stats_case c")),
        ("payment exceptions", insert_sql(PaymentException, {
            "id": "c.id", "case_id": "c.id", "recipient_id": "c.exception_recipient", "reason": "c.exception_reason",
            "reason_text": "'Benchmark: särskilda skäl'", "valid_from": month_date("c.m0", Y0),
            "valid_to": f"{month_date('c.m1 + 1', Y0)} - 1", "status": "'approved'", "requested_at": opened,
            "decided_at": opened, "decision_note": "''", "requested_by_id": "c.worker_id",
            "decided_by_id": str(ids[ATTESTER])}, "FROM bench_stats_case c WHERE c.exception")),
    ]
    plan_created = f"((c.opened_on + floor({U('p.pid', 31)} * 45)::int) + time '10:00') AT TIME ZONE 'Europe/Stockholm'"
    statements.append(("plans", insert_sql(Plan, {
        "id": "p.pid", "case_id": "c.id", "person_id": "p.pid",
        "status": "CASE WHEN c.closed_on IS NULL THEN 'active' ELSE 'closed' END", "own_view": "''",
        "follow_up_on": "c.opened_on + 90", "created_by_id": "c.worker_id", "created_at": plan_created,
        "updated_at": plan_created}, adults + f" AND c.m0 > 0 AND {U('p.pid', 30)} < {PLAN_SHARE}")))
    kinds = [("sfi", 15), ("job_search", 30), ("work_training", 15), ("studies", 10), ("rehabilitation", 10),
             ("labour_market", 15), ("other", 5)]
    activity_status = [("cancelled", 10), ("done", 30), ("ongoing", 40), ("planned", 20)]
    statements.append(("plan activities", insert_sql(PlanActivity, {
        "id": "2 * pl.id - 2 + k.k", "plan_id": "pl.id", "kind": pick("2 * pl.id + k.k", 33, kinds),
        "description": "''", "responsible": "'Arbetsmarknadsenheten'",
        "starts_on": f"(pl.created_at AT TIME ZONE 'Europe/Stockholm')::date + 7 + floor({U('2 * pl.id + k.k', 34)} * 40)::int",
        "follow_up_on": "NULL", "status": pick("2 * pl.id + k.k", 35, activity_status)},
        f"FROM plans_plan pl CROSS JOIN generate_series(1, 2) AS k(k) WHERE k.k = 1 OR {U('pl.id', 32)} < 0.5")))
    for name, statement in statements:
        started = time.perf_counter()
        done = conn.execute(statement).rowcount
        counts[name.replace(" ", "_")] = done
        log(f"    {name}: {done:,} rows in {time.perf_counter() - started:.1f} s")
    return counts


def generate_year(conn, config: Config, ids: dict, year: int) -> dict:
    """Every household-month of ``year``: applications, parties, calculations, decisions,
    shares, recipients, obstacles, the month's payment run and its orders, meetings."""
    from lika.cases.models import (
        Application,
        ApplicationParty,
        CaseCalculation,
        Decision,
        DecisionRecipient,
        DecisionShare,
        SupportObstacle,
    )
    from lika.payments.models import PaymentOrder, PaymentRun
    from lika.plans.models import Meeting

    H, Y0 = config.households, config.first_year
    t0 = 12 * (year - Y0)
    t1 = t0 + 11
    norm_id, provisional = conn.execute(
        "SELECT id, status = 'provisional' FROM norms_normtableversion "
        "ORDER BY abs(year - %s), year DESC, version DESC LIMIT 1", [year]).fetchone()
    counts = {}

    def run(name, statement):
        started = time.perf_counter()
        done = conn.execute(statement).rowcount
        counts[name] = counts.get(name, 0) + done
        log(f"    {year} {name}: {done:,} rows in {time.perf_counter() - started:.1f} s")

    # One row per household-month of the year, with everything the tables below derive.
    conn.execute("DROP TABLE IF EXISTS bench_stats_cm")
    app = f"(t.t::bigint * {H} + c.slot + 1)"
    conn.execute(f"""
CREATE TEMP TABLE bench_stats_cm AS
SELECT x.*, x.granted - x.direct_amount AS rest,
       CASE WHEN x.exception THEN 'single' ELSE 'equal' END AS mode,
       ((x.received_on + 1 + floor({U('x.app', 42)} * 14)::int) + time '14:00') AT TIME ZONE 'Europe/Stockholm'
           AS decided_at
FROM (
    SELECT y.*, CASE WHEN y.direct AND y.granted > 0 THEN least(y.granted / 2, 500000) ELSE 0 END AS direct_amount
    FROM (
        SELECT {app} AS app, t.t, {month_date('t.t', Y0)} AS month, c.id AS case_id, c.couple, c.p1, c.p2,
               c.unit_id, c.worker_id, c.exception, c.exception_recipient, c.direct,
               CASE WHEN c.couple AND t.t > c.m0 AND {U(app, 3)} < {OTHER_APPLICANT_SHARE} THEN c.p2 ELSE c.p1 END
                   AS applicant,
               {month_date('t.t', Y0)} - (2 + floor({U(app, 11)} * 10))::int AS received_on,
               CASE WHEN {U(app, 40)} < {ZERO_SHARE} THEN 0
                    ELSE c.base + floor({U(app, 41)} * 200000)::bigint + CASE WHEN c.couple THEN 400000 ELSE 0 END
               END AS granted
        FROM generate_series({t0}, {t1}) AS t(t)
        JOIN bench_stats_case c ON c.m0 <= t.t AND c.m1 >= t.t
    ) AS y
) AS x""")
    conn.execute("ANALYZE bench_stats_cm")
    cm_adults = ("FROM bench_stats_cm m CROSS JOIN LATERAL (VALUES (1, m.p1), (2, m.p2)) AS p(k, pid) "
                 "WHERE p.pid IS NOT NULL")
    received = "(m.received_on + time '11:00') AT TIME ZONE 'Europe/Stockholm'"
    payday = f"{month_date('t.t', Y0)} - 6"
    exported = f"(({payday}) + time '08:00') AT TIME ZONE 'Europe/Stockholm'"
    run("payment runs", insert_sql(PaymentRun, {
        "id": "t.t + 1", "month": month_date("t.t", Y0), "payday": payday, "status": "'exported'",
        "prepared_at": f"{exported} - interval '2 days'", "attested_at": f"{exported} - interval '1 day'",
        "exported_at": exported, "message_id": f"'LIKA-BS-' || to_char({month_date('t.t', Y0)}, 'YYYY-MM')",
        "file_version": "'09'", "file_name": f"'pain001-' || to_char({month_date('t.t', Y0)}, 'YYYY-MM') || '.xml'",
        "file_sha256": "''", "order_count": "0", "total": "0", "hold_count": "0", "progress_done": "0",
        "progress_total": "0", "prepared_by_id": str(ids[PREPARER]), "attested_by_id": str(ids[ATTESTER])},
        f"FROM generate_series({t0}, {t1}) AS t(t)"))
    run("applications", insert_sql(Application, {
        "id": "m.app", "month": "m.month", "received_on": "m.received_on",
        "channel": pick("m.app", 43, [("e_service", 70), ("paper", 20), ("visit", 10)]), "status": "'decided'",
        "created_at": received, "applicant_id": "m.applicant", "created_by_id": "m.worker_id", "case_id": "m.case_id"},
        "FROM bench_stats_cm m"))
    run("application parties", insert_sql(ApplicationParty, {
        "id": "2 * m.app - 2 + p.k", "role": "CASE WHEN p.pid = m.applicant THEN 'applicant' ELSE 'co_applicant' END",
        "confirmed_at": received, "confirmed_channel": "'e_service'", "application_id": "m.app",
        "confirmation_recorded_by_id": "NULL", "person_id": "p.pid"}, cm_adults))
    run("calculations", insert_sql(CaseCalculation, {
        "id": "m.app", "input": """'{"bench": true}'::jsonb""", "members": "'[]'::jsonb", "result": "'{}'::jsonb",
        "support": "m.granted", "provisional": literal(bool(provisional)), "created_at": received,
        "superseded_at": "NULL", "application_id": "m.app", "created_by_id": "m.worker_id",
        "norm_table_id": str(norm_id)}, "FROM bench_stats_cm m"))
    # Shares (before their issued decisions, which refuse new shares; the foreign keys are
    # checked at commit): 3 * app - 2 (the first adult, or the one recipient), - 1 (the second adult's
    # half), 3 * app (direct payment to the landlord).
    run("decision shares", insert_sql(DecisionShare, {
        "id": "3 * m.app - 3 + s.k", "direct_type": "s.direct_type", "direct_payee": "s.payee",
        "direct_account": "s.account", "amount": "s.amount", "rule": "s.rule", "decision_id": "m.app",
        "person_id": "s.pid"},
        f"""FROM bench_stats_cm m CROSS JOIN LATERAL (VALUES
    (1, CASE WHEN m.exception THEN m.exception_recipient ELSE m.p1 END,
        CASE WHEN m.couple AND NOT m.exception THEN m.rest - m.rest / 2 ELSE m.rest END,
        '', '', '', CASE WHEN m.exception THEN 'single_recipient' ELSE 'equal_split' END),
    (2, m.p2, CASE WHEN m.couple AND NOT m.exception THEN m.rest / 2 ELSE 0 END, '', '', '', 'equal_split'),
    (3, NULL, m.direct_amount, 'housing', {literal(LANDLORD)}, '5050-1055', 'direct_payment')
) AS s(k, pid, amount, direct_type, payee, account, rule)
WHERE s.amount > 0"""))
    run("decisions", insert_sql(Decision, {
        "id": "m.app", "status": "'issued'", "applied_amount": f"m.granted + floor({U('m.app', 44)} * 50000)::bigint",
        "granted_amount": "m.granted", "payment_mode": "m.mode", "requires_manager": "m.exception",
        "prepared_at": "m.decided_at - interval '1 hour'", "decided_at": "m.decided_at",
        "application_id": "m.app", "calculation_id": "m.app",
        "decided_by_id": f"CASE WHEN m.exception THEN {ids[ATTESTER]} ELSE m.worker_id END",
        "prepared_by_id": "m.worker_id", "supersedes_id": "NULL",
        "payment_exception_id": "CASE WHEN m.exception THEN m.case_id END"}, "FROM bench_stats_cm m"))
    delivered = f"{U('2 * m.app + p.k', 46)} < {DELIVERED_SHARE}"
    run("decision recipients", insert_sql(DecisionRecipient, {
        "id": "2 * m.app - 2 + p.k", "letter_html": "''", "letter": "NULL", "letter_sha256": "''",
        "letter_created_at": "NULL",
        "channel": pick("2 * m.app + p.k", 45, [("digital_mailbox", 50), ("post", 35), ("e_service", 10),
                                                ("in_person", 5)]),
        "delivered_on": f"CASE WHEN {delivered} THEN (m.decided_at AT TIME ZONE 'Europe/Stockholm')::date "
                        f"+ 1 + floor({U('2 * m.app + p.k', 47)} * 3)::int END",
        "delivery_recorded_by_id": f"CASE WHEN {delivered} THEN m.worker_id END", "decision_id": "m.app",
        "person_id": "p.pid"}, cm_adults))
    obstacles = [("unemployed", 35), ("unemployed_establishment", 8), ("working", 10), ("sick_certified", 15),
                 ("sickness_compensation", 5), ("social_reasons", 12), ("parental_leave", 8), ("none", 7)]
    run("support obstacles", insert_sql(SupportObstacle, {
        "id": "2 * m.app - 2 + p.k", "category": pick("p.pid", 48, obstacles), "application_id": "m.app",
        "person_id": "p.pid"}, cm_adults))
    first, last = person_name_sql("s.person_id", "p.legal_gender")
    rejected = f"{U('s.id', 60)} < {REJECTED_SHARE}"
    lo, hi = 3 * (t0 * H + 1) - 2, 3 * ((t1 + 1) * H)
    run("payment orders", insert_sql(PaymentOrder, {
        "id": "s.id", "payee_name": f"CASE WHEN s.person_id IS NULL THEN s.direct_payee ELSE {first} || ' ' || {last} END",
        "iban": "CASE WHEN s.person_id IS NULL THEN '' ELSE p.iban END",
        "clearing": "CASE WHEN s.person_id IS NULL THEN '' ELSE p.bank_clearing END",
        "account": "CASE WHEN s.person_id IS NULL THEN '' ELSE p.bank_account END",
        "bankgiro": f"CASE WHEN s.person_id IS NULL THEN {literal(BANKGIRO)} ELSE '' END", "amount": "s.amount",
        "remittance": "'Försörjningsstöd ' || to_char(r.month, 'YYYY-MM')", "end_to_end_id": "'LIKA-' || s.id || '-1'",
        "status": f"CASE WHEN {rejected} THEN 'rejected' ELSE 'paid' END",
        "status_reason": f"CASE WHEN {rejected} THEN 'AC04 Kontot avslutat' ELSE '' END",
        "status_at": "r.exported_at + interval '1 day'", "created_at": "r.prepared_at", "decision_id": "s.decision_id",
        "person_id": "s.person_id", "reissue_of_id": "NULL", "share_id": "s.id", "run_id": "r.id"},
        f"""FROM cases_decisionshare s
JOIN payments_paymentrun r ON r.id = (s.decision_id - 1) / {H} + 1
LEFT JOIN households_person p ON p.id = s.person_id
WHERE s.id BETWEEN {lo} AND {hi}"""))
    conn.execute(f"""
UPDATE payments_paymentrun r SET order_count = o.n, total = o.total, progress_done = o.n, progress_total = o.n
FROM (SELECT run_id, count(*) AS n, sum(amount) AS total FROM payments_paymentorder
      WHERE id BETWEEN {lo} AND {hi} GROUP BY run_id) AS o
WHERE r.id = o.run_id""")
    meeting = f"{U('m.app', 50)} < {MEETING_SHARE}"
    joint = f"(m.couple AND {U('m.app', 51)} < 0.5)"
    run("meetings", insert_sql(Meeting, {
        "id": "m.app", "held_on": f"m.month + floor({U('m.app', 52)} * 27)::int",
        "kind": f"CASE WHEN {joint} THEN 'joint' ELSE 'individual' END", "notes": "''",
        "created_at": f"((m.month + floor({U('m.app', 52)} * 27)::int) + time '15:00') AT TIME ZONE 'Europe/Stockholm'",
        "case_id": "m.case_id", "created_by_id": "m.worker_id"}, f"FROM bench_stats_cm m WHERE {meeting}"))
    run("meeting participants",
        f"""INSERT INTO plans_meeting_participants (id, meeting_id, person_id)
SELECT 2 * m.app - 2 + p.k, m.app, p.pid {cm_adults} AND {meeting}
  AND ({joint} OR p.k = CASE WHEN m.couple AND {U('m.app', 53)} < 0.4 THEN 2 ELSE 1 END)""")
    conn.execute("DROP TABLE bench_stats_cm")
    return counts


def reset_sequences(conn) -> None:
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection

    models = [m for m in apps.get_models(include_auto_created=True)
              if m._meta.app_label in ("households", "cases", "payments", "plans")]
    for statement in connection.ops.sequence_reset_sql(no_style(), models):
        conn.execute(statement)


def generate(url: str, config: Config, ids: dict, state: dict) -> dict:
    """Generate what ``state`` says is missing: the cases, then year by year (one
    transaction each, so that an interrupted generation goes on where it stopped).
    Returns timings and row counts."""
    result = {"years": {}, "seconds": {}}
    with connect(url) as conn:
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET work_mem = '256MB'")
        conn.execute("SET maintenance_work_mem = '1GB'")
        result["foreign_key_checks"] = config.households <= FK_CHECK_LIMIT
        if not result["foreign_key_checks"]:
            # Bulk load: the deferred foreign-key triggers would double the time.  The same
            # statements run with the checks at small scale (--households <= FK_CHECK_LIMIT).
            conn.execute("SET session_replication_role = replica")
        conn.execute(LUHN_FUNCTION)
        if not state["cases"]:
            started = time.perf_counter()
            with conn.transaction():
                result["cases"] = generate_cases(conn, config, ids)
                meta_set(conn, "cases_done", True)
            result["seconds"]["cases"] = round(time.perf_counter() - started, 1)
            log(f"  cases, persons and plans generated in {result['seconds']['cases']:.0f} s")
        done = list(state["years"])
        for year in config.years:
            if year in done:
                continue
            started = time.perf_counter()
            with conn.transaction():
                result["years"][year] = generate_year(conn, config, ids, year)
                done = sorted({*done, year})
                meta_set(conn, "years_done", done)
            result["seconds"][str(year)] = round(time.perf_counter() - started, 1)
            log(f"  {year} generated in {result['seconds'][str(year)]:.0f} s")
        reset_sequences(conn)
        started = time.perf_counter()
        conn.execute("VACUUM ANALYZE")
        result["seconds"]["vacuum_analyze"] = round(time.perf_counter() - started, 1)
        log(f"  VACUUM ANALYZE in {result['seconds']['vacuum_analyze']:.0f} s")
    result["seconds"]["total"] = round(sum(result["seconds"].values()), 1)
    return result


def table_rows(conn) -> dict:
    """Row counts of the tables the statistics read (exact counts)."""
    tables = ("households_person", "households_household", "households_householdmembership", "cases_case",
              "cases_application", "cases_applicationparty", "cases_casecalculation", "cases_decision",
              "cases_paymentexception", "cases_decisionshare", "cases_decisionrecipient", "cases_supportobstacle",
              "payments_paymentrun", "payments_paymentorder", "plans_plan", "plans_planactivity", "plans_meeting",
              "plans_meeting_participants")
    summary = [name for (name,) in conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'statistics\\_%' "
        "AND tablename NOT IN ('statistics_refresh', 'statistics_importedkpivalue') ORDER BY 1")]
    return {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in (*tables, *summary)}


def database_size(conn) -> int:
    return conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]


# --- the nightly job -----------------------------------------------------------------------


def refresh_all(config: Config, timeout: int) -> dict:
    """``refresh_year`` for every year, timed.  A statement that runs longer than ``timeout``
    seconds is cancelled; that year and the rest are then refreshed with nested-loop joins
    disabled (``SET enable_nestloop = off``: the same SQL, another plan), and the result
    says so, so that the page can still be measured."""
    from django.db import OperationalError, connection

    from lika.statistics.refresh import refresh_year

    seconds, timed_out, fallback = {}, [], False
    with connection.cursor() as cursor:
        cursor.execute(f"SET statement_timeout = '{int(timeout)}s'")
    try:
        for year in config.years:
            started = time.perf_counter()
            try:
                refresh_year(year)
            except OperationalError as error:
                if fallback or "statement timeout" not in str(error):
                    raise
                elapsed = time.perf_counter() - started
                timed_out.append({"year": year, "seconds": round(elapsed, 1)})
                log(f"  WARNING: refresh_year({year}) was cancelled after {elapsed:.0f} s (statement timeout "
                    f"{timeout} s); refreshing with SET enable_nestloop = off from here on")
                with connection.cursor() as cursor:
                    cursor.execute("SET enable_nestloop = off")
                fallback = True
                started = time.perf_counter()
                refresh_year(year)
            seconds[str(year)] = round(time.perf_counter() - started, 2)
            log(f"  refresh_year({year}): {seconds[str(year)]:.1f} s" + (" (enable_nestloop off)" if fallback else ""))
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")
            cursor.execute("RESET enable_nestloop")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                       "AND tablename LIKE 'statistics\\_%%' ORDER BY 1")
        summary_tables = [name for (name,) in cursor.fetchall()]
        cursor.execute("VACUUM ANALYZE " + ", ".join(summary_tables))
    vacuum = round(time.perf_counter() - started, 2)
    log(f"  VACUUM ANALYZE of the summary tables: {vacuum:.1f} s")
    return {"seconds_per_year": seconds, "total_seconds": round(sum(seconds.values()), 1),
            "vacuum_analyze_seconds": vacuum, "statement_timeout_seconds": timeout,
            "timed_out": timed_out, "enable_nestloop_off_fallback": fallback}


def seed_peer_values(year: int) -> int:
    from lika.core.periods import Period
    from lika.statistics.figures import build_report
    from lika.statistics.kpi_exchange import records_from_report
    from lika.statistics.peers import seed_peers

    records = records_from_report(build_report(period=Period.of_year(year), unit=None))
    return seed_peers(seed=PEER_SEED, years=[year], own={year: records})


# --- hand-written SQL ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """A period within one calendar year (year, quarter or month) and a unit or the whole
    municipality."""

    name: str
    year: int
    first_month: int
    last_month: int
    unit_id: int | None
    switch: date | None

    @property
    def start(self) -> date:
        return date(self.year, self.first_month, 1)

    @property
    def end(self) -> date:
        following = date(self.year + 1, 1, 1) if self.last_month == 12 else date(self.year, self.last_month + 1, 1)
        return following - timedelta(days=1)

    @property
    def last(self) -> date:
        return date(self.year, self.last_month, 1)

    def window(self) -> dict[int, list[int]]:
        """The 12 months ending with the period's last month, by year."""
        index = self.year * 12 + self.last_month - 1
        out: dict[int, list[int]] = {}
        for i in range(index - 11, index + 1):
            out.setdefault(i // 12, []).append(i % 12 + 1)
        return out

    def money_years(self) -> list[int]:
        """The years the money-by-month query covers: the period, the long-term window and,
        for the before/after figure, the twelve months either side of the switch."""
        years = {self.year, *self.window()}
        if self.switch:
            s = self.switch.year * 12 + self.switch.month - 1
            years |= {(s - 12) // 12, self.switch.year, (s + 11) // 12}
        return sorted(years)


def hand_queries(scope: Scope) -> list[tuple[str, str, list]]:
    """The report's figures from the summary tables, one query per figure group, written by
    hand (psycopg, no ORM)."""
    unit = " AND unit_id = %s" if scope.unit_id else ""
    u = [scope.unit_id] if scope.unit_id else []
    months = range(scope.first_month, scope.last_month + 1)
    in_period = " + ".join(f"m{m:02d}" for m in months)
    money_years = scope.money_years()
    return [
        ("money by month", "SELECT month, gender, sum(people), sum(amount) FROM statistics_paymentmonth "
                           "WHERE month BETWEEN %s AND %s" + unit + " GROUP BY month, gender",
         [date(money_years[0], 1, 1), date(money_years[-1], 12, 1), *u]),
        ("recipients", f"SELECT gender, count(DISTINCT person_id), sum(amount) FROM ("
                       f"SELECT gender, person_id, {in_period} AS amount FROM statistics_personyear "
                       f"WHERE year = %s{unit}) AS t WHERE amount > 0 GROUP BY gender", [scope.year, *u]),
        ("long-term", "SELECT gender, sum(long_term), sum(paid) FROM statistics_longtermmonth WHERE month = %s"
                      + (unit if scope.unit_id else " AND unit_id IS NULL") + " GROUP BY gender",
         [scope.last, *u]),
        ("decisions", """
SELECT exception_reason, single_recipient_gender, GROUPING(exception_reason, single_recipient_gender),
       sum(applications) FILTER (WHERE adults >= 2 AND paid AND payment_mode = 'single'),
       sum(applications) FILTER (WHERE adults >= 2 AND paid AND payment_mode <> 'single'),
       sum(applications) FILTER (WHERE adults >= 2),
       sum(applications) FILTER (WHERE adults >= 2 AND delivered_to_all),
       sum(applications) FILTER (WHERE applicant_gender = 'F'), sum(applications) FILTER (WHERE applicant_gender = 'M'),
       sum(applications) FILTER (WHERE registerledare_gender = 'F'),
       sum(applications) FILTER (WHERE registerledare_gender = 'M'),
       sum(timed) FILTER (WHERE applicant_gender = 'F'), sum(processing_days) FILTER (WHERE applicant_gender = 'F'),
       sum(timed) FILTER (WHERE applicant_gender = 'M'), sum(processing_days) FILTER (WHERE applicant_gender = 'M')
FROM statistics_decisionmonth WHERE month BETWEEN %s AND %s""" + unit + """
GROUP BY GROUPING SETS ((), (exception_reason, single_recipient_gender))""", [scope.start, scope.last, *u]),
        ("obstacles", "SELECT category, gender, sum(adults) FROM statistics_obstaclemonth "
                      "WHERE month BETWEEN %s AND %s" + unit + " GROUP BY category, gender",
         [scope.start, scope.last, *u]),
        ("plans", "SELECT gender, sum(adults), sum(with_plan) FROM statistics_newcaseday "
                  "WHERE day BETWEEN %s AND %s" + unit + " GROUP BY gender", [scope.start, scope.end, *u]),
        ("activities", "SELECT kind, gender, sum(activities) FROM statistics_activityday "
                       "WHERE day BETWEEN %s AND %s" + unit + " GROUP BY kind, gender", [scope.start, scope.end, *u]),
        ("meetings", "SELECT kind, gender, sum(participants) FROM statistics_meetingday "
                     "WHERE day BETWEEN %s AND %s" + unit + " GROUP BY kind, gender", [scope.start, scope.end, *u]),
        ("exits", "SELECT close_reason, gender, sum(adults) FROM statistics_exitday "
                  "WHERE day BETWEEN %s AND %s" + unit + " GROUP BY close_reason, gender",
         [scope.start, scope.end, *u]),
    ]


def run_queries(conn, queries) -> tuple[float, dict, dict]:
    """Run the queries; (total seconds, seconds per query, rows per query)."""
    per, rows = {}, {}
    started = time.perf_counter()
    for name, query, params in queries:
        began = time.perf_counter()
        rows[name] = conn.execute(query, params).fetchall()
        per[name] = time.perf_counter() - began
    return time.perf_counter() - started, per, rows


def hand_figures(rows: dict) -> dict:
    """The core figures out of the hand-written queries' rows."""
    out = {"recipients": {}, "paid": {}}
    for gender, people, amount in rows["recipients"]:
        out["recipients"][gender] = int(people)
        out["paid"][gender] = int(amount)
    total = next(r for r in rows["decisions"] if r[2] == 3)
    (single, equal, _couples, _both, app_f, app_m, _reg_f, _reg_m, n_f, d_f, n_m, d_m) = (
        int(value or 0) for value in total[3:])
    out.update(single=int(single), equal=int(equal), applicants={"F": int(app_f), "M": int(app_m)},
               processing={"F": (int(n_f), int(d_f or 0)), "M": (int(n_m), int(d_m or 0))})
    return out


# --- the core figures straight from the source tables -----------------------------------------------


def source_queries(scope: Scope) -> list[tuple[str, str, list]]:
    c_unit = " AND c.unit_id = %s" if scope.unit_id else ""
    u = [scope.unit_id] if scope.unit_id else []
    return [
        ("money and recipients", """
SELECT COALESCE(p.legal_gender, ''), count(DISTINCT o.person_id), sum(o.amount)
FROM payments_paymentorder o
JOIN payments_paymentrun r ON r.id = o.run_id
JOIN cases_decision d ON d.id = o.decision_id
JOIN cases_application a ON a.id = d.application_id
JOIN cases_case c ON c.id = a.case_id
LEFT JOIN households_person p ON p.id = o.person_id
WHERE a.month BETWEEN %s AND %s AND o.status NOT IN ('rejected', 'returned')
  AND r.status IN ('attested', 'exported')""" + c_unit + " GROUP BY 1", [scope.start, scope.last, *u]),
        ("decisions", """
WITH current AS (
    SELECT DISTINCT ON (a.id) a.id AS application_id, a.applicant_id, a.received_on, d.id AS decision_id,
           d.payment_mode, d.granted_amount
    FROM cases_application a
    JOIN cases_case c ON c.id = a.case_id
    JOIN cases_decision d ON d.application_id = a.id AND d.status = 'issued'
    WHERE a.month BETWEEN %s AND %s AND a.status <> 'withdrawn'""" + c_unit + """
      AND NOT EXISTS (SELECT 1 FROM cases_decision s WHERE s.supersedes_id = d.id AND s.status = 'issued')
    ORDER BY a.id, d.id DESC
), first AS (
    SELECT d.application_id, min(d.decided_at) AS decided_at
    FROM cases_decision d JOIN current USING (application_id) WHERE d.status = 'issued' GROUP BY 1
), adults AS (
    SELECT r.decision_id, count(*) AS n FROM cases_decisionrecipient r JOIN current USING (decision_id) GROUP BY 1
)
SELECT p.legal_gender, count(*),
       count(*) FILTER (WHERE ad.n >= 2 AND cu.granted_amount > 0 AND cu.payment_mode = 'single'),
       count(*) FILTER (WHERE ad.n >= 2 AND cu.granted_amount > 0 AND cu.payment_mode <> 'single'),
       count(f.decided_at),
       sum((f.decided_at AT TIME ZONE 'Europe/Stockholm')::date - cu.received_on)
FROM current cu
JOIN households_person p ON p.id = cu.applicant_id
LEFT JOIN adults ad ON ad.decision_id = cu.decision_id
LEFT JOIN first f ON f.application_id = cu.application_id
GROUP BY 1""", [scope.start, scope.last, *u]),
        *day_figures_from_source(scope),
    ]


def day_figures_from_source(scope: Scope) -> list[tuple[str, str, list]]:
    """Plans, activities, meetings and closed cases of the period counted straight from the
    case and plan tables: what the day tables (``statistics_*day``) must add up to."""
    c_unit = " AND c.unit_id = %s" if scope.unit_id else ""
    u = [scope.unit_id] if scope.unit_id else []

    def adults(column: str) -> str:  # the household's adults on the case's date
        return f"""
JOIN households_householdmembership m ON m.household_id = c.household_id AND m.role = 'adult'
     AND m.valid_from <= c.{column} AND (m.valid_to IS NULL OR m.valid_to >= c.{column})
JOIN households_person p ON p.id = m.person_id"""

    return [
        ("plans", """
SELECT p.legal_gender, count(*), count(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM plans_plan pl WHERE pl.case_id = c.id AND pl.person_id = m.person_id
             AND pl.created_at < c.opened_on + 31))
FROM cases_case c""" + adults("opened_on") + """
WHERE c.opened_on BETWEEN %s AND %s""" + c_unit + " GROUP BY p.legal_gender", [scope.start, scope.end, *u]),
        ("activities", """
SELECT a.kind, p.legal_gender, count(*) FROM plans_planactivity a
JOIN plans_plan pl ON pl.id = a.plan_id JOIN cases_case c ON c.id = pl.case_id
JOIN households_person p ON p.id = pl.person_id
WHERE a.starts_on BETWEEN %s AND %s AND a.status <> 'cancelled'""" + c_unit + " GROUP BY a.kind, p.legal_gender",
         [scope.start, scope.end, *u]),
        ("meetings", """
SELECT mt.kind, p.legal_gender, count(*) FROM plans_meeting mt JOIN cases_case c ON c.id = mt.case_id
JOIN plans_meeting_participants mp ON mp.meeting_id = mt.id
JOIN households_person p ON p.id = mp.person_id
WHERE mt.held_on BETWEEN %s AND %s""" + c_unit + " GROUP BY mt.kind, p.legal_gender",
         [scope.start, scope.end, *u]),
        ("exits", """
SELECT c.close_reason, p.legal_gender, count(*) FROM cases_case c""" + adults("closed_on") + """
WHERE c.status = 'closed' AND c.closed_on BETWEEN %s AND %s""" + c_unit + " GROUP BY c.close_reason, p.legal_gender",
         [scope.start, scope.end, *u]),
    ]


def compare_day_tables(name: str, hand_rows: dict, source_rows: dict) -> tuple[list[str], int]:
    """The hand-written SQL on the day tables against the same figures from the source
    tables (every group, unprotected): mismatches and the number of groups compared.  Each
    row is its group's keys and then one count (two for plans: adults, with a plan)."""

    def groups(figure, rows):
        width = 2 if figure == "plans" else 1
        return {tuple(row[:-width]): tuple(int(v or 0) for v in row[-width:]) for row in rows}

    errors, compared = [], 0
    for figure in ("plans", "activities", "meetings", "exits"):
        summary, source = groups(figure, hand_rows[figure]), groups(figure, source_rows[figure])
        compared += len(source)
        if summary != source:
            errors.append(f"{name}: {figure}: the day tables give {sorted(summary.items())}, "
                          f"the source tables {sorted(source.items())}")
    return errors, compared


def source_figures(rows: dict) -> dict:
    out = {"recipients": {}, "paid": {}, "applicants": {}, "processing": {}, "single": 0, "equal": 0}
    for gender, people, amount in rows["money and recipients"]:
        out["recipients"][gender] = int(people)
        out["paid"][gender] = int(amount)
    for gender, n, single, equal, timed, days in rows["decisions"]:
        out["applicants"][gender] = int(n)
        out["single"] += int(single)
        out["equal"] += int(equal)
        out["processing"][gender] = (int(timed), int(days or 0))
    return out


def report_figures(report) -> dict:
    """The report's cells for the core figures (SUPPRESSED stays SUPPRESSED)."""
    rows = {row.kpi: row for figure in report.figures for table in figure.tables for row in table.rows if row.kpi}
    couples = next(f for f in report.figures if f.key == "couples").tables[0]
    return {"recipients": rows["LIKA_PAID_RECIPIENTS"].cells, "paid": rows["LIKA_PAID_KRONOR"].cells,
            "equal": couples.rows[0].cells[2], "single": couples.rows[1].cells[2],
            "applicants": rows["LIKA_APPLICANTS"].cells, "processing": rows["LIKA_PROCESSING_DAYS"].cells}


def compare(name: str, report: dict, source: dict, hand: dict) -> tuple[list[str], list[str], int]:
    """Mismatches between the report's cells, the source tables' figures and the hand-written
    SQL's; the cells not compared because the report hides them; the number compared."""
    from lika.core.disclosure import SUPPRESSED

    errors, hidden, compared = [], [], 0

    def check(label, shown, expected):
        nonlocal compared
        if shown is SUPPRESSED:
            hidden.append(f"{name}: {label}")
            return
        compared += 1
        if shown != expected:
            errors.append(f"{name}: {label}: the report shows {shown!r}, the source tables give {expected!r}")

    for key in ("recipients", "paid"):
        values = source[key]
        f, m = values.get("F", 0), values.get("M", 0)
        for index, expected in enumerate((f, m, f + m)):
            check(f"{key} {'KMT'[index]}", report[key][index], expected)
        if (hand[key].get("F", 0), hand[key].get("M", 0)) != (f, m):
            errors.append(f"{name}: {key}: hand-written SQL on the summary tables {hand[key]} != source {values}")
    f, m = source["applicants"].get("F", 0), source["applicants"].get("M", 0)
    for index, expected in enumerate((f, m, f + m)):
        check(f"applicants {'KMT'[index]}", report["applicants"][index], expected)
    if hand["applicants"] != {"F": f, "M": m}:
        errors.append(f"{name}: applicants: hand-written SQL {hand['applicants']} != source {source['applicants']}")
    for key in ("equal", "single"):
        check(f"couples {key}", report[key], source[key])
        if hand[key] != source[key]:
            errors.append(f"{name}: couples {key}: hand-written SQL {hand[key]} != source {source[key]}")
    (nf, df), (nm, dm) = source["processing"].get("F", (0, 0)), source["processing"].get("M", (0, 0))
    for index, (n, d) in enumerate(((nf, df), (nm, dm), (nf + nm, df + dm))):
        check(f"processing days {'KMT'[index]}", report["processing"][index], Fraction(d, n) if n else None)
    if hand["processing"] != {"F": (nf, df), "M": (nm, dm)}:
        errors.append(f"{name}: processing: hand-written SQL {hand['processing']} != source {source['processing']}")
    return errors, hidden, compared


# --- the measurement (own process) -------------------------------------------------------------------


class SqlClock:
    """Seconds in cursor.execute per statement (Django's connection)."""

    def __init__(self):
        self.seconds: list[float] = []
        self.statements: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds.append(time.perf_counter() - started)
            self.statements.append(" ".join(sql.split())[:120])

    def slowest(self, n: int) -> list[dict]:
        ranked = sorted(zip(self.seconds, self.statements, strict=True), reverse=True)[:n]
        return [{"sql": sql, "seconds": round(seconds, 4)} for seconds, sql in ranked]


def phase_measure(url: str, options: dict) -> dict:
    django_setup(url)
    baseline_mib = maxrss_mib()
    from django.test import Client

    from lika.accounts.models import Unit, User
    from lika.core.periods import Period
    from lika.statistics.figures import build_report

    year, repeat = options["year"], options["repeat"]
    switch = date.fromisoformat(options["switch"]) if options.get("switch") else None
    unit = Unit.objects.get(municipality__code=MUNICIPALITY_CODE, code=UNITS[0][0])
    scopes = {
        "year": Scope("year", year, 1, 12, None, switch),
        "year_unit": Scope("year_unit", year, 1, 12, unit.pk, switch),
        "quarter": Scope("quarter", year, 10, 12, None, switch),
        "month": Scope("month", year, 12, 12, None, switch),
    }
    periods = {"year": Period.of_year(year), "year_unit": Period.of_year(year),
               "quarter": Period.of_quarter(year, 4), "month": Period.of_month(year, 12)}
    base = f"typ=year&ar={year}"
    targets = [  # (name, url, scope, judged: the issue's targets are for a year)
        ("page year", f"/statistik/?{base}", "year", True),
        ("page year, one unit", f"/statistik/?{base}&enhet={unit.pk}", "year_unit", True),
        ("page quarter", f"/statistik/?typ=quarter&ar={year}&kvartal=4", "quarter", False),
        ("page month", f"/statistik/?typ=month&ar={year}&manad=12", "month", False),
        ("export CSV year", f"/statistik/export.csv?{base}", "year", True),
        ("export XLSX year", f"/statistik/export.xlsx?{base}", "year", True),
        ("export PDF year", f"/statistik/export.pdf?{base}", "year", True),
        ("comparison year", f"/statistik/jamforelse/?ar={year}", "year", True),
    ]
    client = Client()
    client.force_login(User.objects.get(username=ANALYST))
    conn = connect(url, work_mem=HAND_WORK_MEM)
    errors = []

    def request(path):
        started = time.perf_counter()
        response = client.get(path)
        body = response.content
        seconds = time.perf_counter() - started
        if response.status_code != 200:
            errors.append(f"GET {path}: status {response.status_code}")
        return seconds, len(body)

    def report_seconds(scope_name):
        scope = scopes[scope_name]
        started = time.perf_counter()
        build_report(period=periods[scope_name], unit=unit if scope.unit_id else None)
        return time.perf_counter() - started

    # warm-up: every request, every query set, build_report once per scope
    sizes = {}
    for name, path, _scope, _judged in targets:
        sizes[name] = request(path)[1]
    for scope_name, scope in scopes.items():
        run_queries(conn, hand_queries(scope))
        report_seconds(scope_name)
    source_rows = {}
    for scope_name in ("year", "year_unit"):
        source_rows[scope_name] = run_queries(conn, source_queries(scopes[scope_name]))[2]

    times = {name: [] for name, *_ in targets}
    hand = {scope: [] for scope in scopes}
    hand_per = {scope: {} for scope in scopes}
    built = {scope: [] for scope in scopes}
    source = {"year": [], "year_unit": []}
    source_per = {"year": {}, "year_unit": {}}
    hand_rows = {}
    for _round in range(repeat):
        for scope_name, scope in scopes.items():
            seconds, per, hand_rows[scope_name] = run_queries(conn, hand_queries(scope))
            hand[scope_name].append(seconds)
            for query, value in per.items():
                hand_per[scope_name].setdefault(query, []).append(value)
            built[scope_name].append(report_seconds(scope_name))
        for name, path, _scope, _judged in targets:
            times[name].append(request(path)[0])
        for scope_name in source:
            seconds, per, source_rows[scope_name] = run_queries(conn, source_queries(scopes[scope_name]))
            source[scope_name].append(seconds)
            for query, value in per.items():
                source_per[scope_name].setdefault(query, []).append(value)

    # untimed: where the time of one request goes (SQL in cursor.execute, per statement)
    profile = {}
    from django.db import connection as django_connection

    for name, path, _scope, _judged in targets:
        clock = SqlClock()
        with django_connection.execute_wrapper(clock):
            started = time.perf_counter()
            request(path)
            total = time.perf_counter() - started
        profile[name] = {"seconds": round(total, 4), "sql_seconds": round(sum(clock.seconds), 4),
                         "queries": len(clock.seconds), "slowest": clock.slowest(6)}

    # correctness, untimed
    mismatches, hidden, compared, day_groups = [], [], 0, 0
    for scope_name in ("year", "year_unit"):
        scope = scopes[scope_name]
        report = build_report(period=periods[scope_name], unit=unit if scope.unit_id else None)
        e, h, n = compare(scope_name, report_figures(report), source_figures(source_rows[scope_name]),
                          hand_figures(hand_rows[scope_name]))
        mismatches += e
        hidden += h
        compared += n
        e, n = compare_day_tables(scope_name, hand_rows[scope_name], source_rows[scope_name])
        mismatches += e
        day_groups += n
    core = source_figures(source_rows["year"])
    conn.close()

    results = []
    for name, path, scope_name, judged in targets:
        page = median(times[name])
        results.append({"name": name, "url": path, "scope": scope_name, "judged": judged,
                        "seconds": round(page, 4), "runs": [round(t, 4) for t in times[name]], "bytes": sizes[name],
                        "hand_sql_seconds": round(median(hand[scope_name]), 4),
                        "ratio": round(page / median(hand[scope_name]), 2)})
    return {
        "year": year,
        "requests": results,
        "hand_sql": {s: {"seconds": round(median(v), 4), "runs": [round(t, 4) for t in v],
                         "per_query": {q: round(median(x), 4) for q, x in hand_per[s].items()}}
                     for s, v in hand.items()},
        "build_report": {s: {"seconds": round(median(v), 4), "ratio": round(median(v) / median(hand[s]), 2)}
                         for s, v in built.items()},
        "source_sql": {s: {"seconds": round(median(v), 4),
                           "per_query": {q: round(median(x), 4) for q, x in source_per[s].items()}}
                       for s, v in source.items()},
        "core_figures_year": {"paid_ore": core["paid"], "recipients": core["recipients"],
                              "couples_equal": core["equal"], "couples_single": core["single"],
                              "applicants": core["applicants"],
                              "processing_days": {g: [n, d] for g, (n, d) in core["processing"].items()}},
        "profile": profile,
        "correctness": {"compared_cells": compared, "hidden_not_compared": hidden, "mismatches": mismatches,
                        "day_table_groups_compared": day_groups},
        "maxrss_mib": round(maxrss_mib(), 1),
        "maxrss_baseline_after_setup_mib": round(baseline_mib, 1),
        "errors": errors,
    }


# --- orchestration -------------------------------------------------------------------------------


def subprocess_measure(url: str, options: dict) -> dict:
    command = [sys.executable, "-m", "bench.bench_statistics", "--phase", "measure", "--database-url", url,
               "--options", json.dumps(options)]
    done = subprocess.run(command, cwd=BASE_DIR, stdout=subprocess.PIPE, text=True, check=False)
    for line in reversed(done.stdout.splitlines()):
        if line.startswith(RESULT_PREFIX):
            return json.loads(line[len(RESULT_PREFIX):])
    sys.stdout.write(done.stdout)
    return {"errors": [f"the measurement failed with exit status {done.returncode}"]}


CODE_FILES = ("lika/statistics/figures.py", "lika/statistics/refresh.py", "lika/statistics/views.py",
              "lika/statistics/views_comparison.py", "lika/statistics/exports.py", "lika/statistics/models.py")


def code_fingerprint() -> dict:
    import hashlib

    return {name: hashlib.sha256((BASE_DIR / name).read_bytes()).hexdigest()[:12] for name in CODE_FILES}


def print_results(measured: dict) -> None:
    print(f"\n  {'request (median of ' + str(len(measured['requests'][0]['runs'])) + ')':<26} {'seconds':>8} "
          f"{'hand SQL':>9} {'ratio':>6}  {'size':>9}")
    for r in measured["requests"]:
        mark = "" if r["judged"] else "  (info)"
        print(f"  {r['name']:<26} {r['seconds']:>8.3f} {r['hand_sql_seconds']:>9.3f} {r['ratio']:>6.2f}  "
              f"{r['bytes']:>9,}{mark}")
    print(f"\n  {'scope':<12} {'hand SQL':>9} {'build_report':>13} {'ratio':>6}  {'source tables (info)':>21}")
    for scope, figures in measured["hand_sql"].items():
        source = measured["source_sql"].get(scope, {}).get("seconds")
        print(f"  {scope:<12} {figures['seconds']:>9.3f} {measured['build_report'][scope]['seconds']:>13.3f} "
              f"{measured['build_report'][scope]['ratio']:>6.2f}  {'' if source is None else f'{source:.3f}':>21}")
    print("  hand SQL per query (year): " + ", ".join(
        f"{q} {s * 1000:.0f} ms" for q, s in measured["hand_sql"]["year"]["per_query"].items()))
    print("  source tables per query (year): " + ", ".join(
        f"{q} {s * 1000:.0f} ms" for q, s in measured["source_sql"]["year"]["per_query"].items()))
    print("  one more request each, SQL time in cursor.execute (Django's connection):")
    for name, figures in measured["profile"].items():
        slowest = figures["slowest"][0] if figures["slowest"] else {"sql": "", "seconds": 0}
        print(f"    {name:<24} {figures['seconds']:>7.3f} s, SQL {figures['sql_seconds']:>6.3f} s in "
              f"{figures['queries']} queries; slowest {slowest['seconds'] * 1000:.0f} ms: {slowest['sql'][:60]}")
    c = measured["correctness"]
    print(f"  correctness: {c['compared_cells']} report cells equal the source tables' figures"
          + (f"; {len(c['hidden_not_compared'])} hidden cells not compared" if c["hidden_not_compared"] else "")
          + f"; {c['day_table_groups_compared']} groups of the day tables equal the case and plan tables"
          + (f"; {len(c['mismatches'])} MISMATCHES" if c["mismatches"] else ""))
    print(f"  peak RSS of the measuring process: {measured['maxrss_mib']:.0f} MiB "
          f"({measured['maxrss_baseline_after_setup_mib']:.0f} MiB after django.setup())")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_statistics", description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=DEFAULT_HOUSEHOLDS, metavar="N",
                        help=f"households a month (default {DEFAULT_HOUSEHOLDS:,})")
    parser.add_argument("--years", type=int, default=DEFAULT_YEARS, metavar="Y",
                        help=f"calendar years of data, ending {LAST_YEAR} (default {DEFAULT_YEARS})")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the data when it is there (and finish an interrupted generation)")
    parser.add_argument("--repeat", type=int, default=DEFAULT_REPEAT, metavar="R",
                        help=f"timed rounds after one warm-up; medians are judged (default {DEFAULT_REPEAT})")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the figures as JSON")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL,
                        metavar="URL", help=f"PostgreSQL database; its name must contain 'bench' "
                                            f"(default {DEFAULT_DATABASE_URL})")
    parser.add_argument("--skip-refresh", action="store_true",
                        help="with --reuse: keep the summary tables as they are (no nightly job)")
    parser.add_argument("--refresh-timeout", type=int, default=DEFAULT_REFRESH_TIMEOUT, metavar="S",
                        help="cancel a refresh statement after S seconds and refresh with nested loops off "
                             f"(default {DEFAULT_REFRESH_TIMEOUT})")
    parser.add_argument("--phase", choices=("measure",), help=argparse.SUPPRESS)
    parser.add_argument("--options", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    url = args.database_url
    if not url.startswith(("postgres://", "postgresql://")):
        parser.error("the database URL must be a PostgreSQL URL: this is a PostgreSQL benchmark")
    if "bench" not in database_name(url):
        parser.error(f"the database's name must contain 'bench' (it is dropped and made again): {url}")
    if args.households < 10 or args.repeat < 1 or not 1 <= args.years <= 20:
        parser.error("--households at least 10, --repeat at least 1, --years 1-20")

    if args.phase == "measure":
        print(RESULT_PREFIX + json.dumps(phase_measure(url, json.loads(args.options))), flush=True)
        return 0

    sys.stdout.reconfigure(line_buffering=True)
    config = Config(args.households, LAST_YEAR - args.years + 1, LAST_YEAR)
    machine = machine_info()
    load_before = os.getloadavg()[0]
    print(f"Lika statistics benchmark: {config.households:,} households a month, "
          f"{config.first_year}-{config.last_year}, database {database_name(url)}")
    started = time.perf_counter()
    created = ensure_database(url, fresh=not args.reuse)
    django_setup(url)
    from django.core.management import call_command

    setup = {"database_created": created, "generated": False}
    if created or migrations_pending():
        call_command("migrate", verbosity=0, interactive=False)
    state = data_state(url, config)
    if state is None:
        log("  the database holds other data: making it again")
        from django.db import connection

        connection.close()
        ensure_database(url, fresh=True)
        call_command("migrate", verbosity=0, interactive=False)
        state = data_state(url, config)
    ids = static_rows(config)
    if not state["cases"] or state["years"] != config.years:
        log("  generating the data (untimed; set-based SQL) ..."
            + (f" (going on after {state['years']})" if state["years"] else ""))
        setup["generation"] = generate(url, config, ids, state)
        setup["generated"] = True
    setup["seconds"] = round(time.perf_counter() - started, 1)
    print(f"  setup: {setup['seconds']:.0f} s" + (" (data generated)" if setup["generated"] else
                                                   " (data already there)"))

    code = code_fingerprint()
    if args.skip_refresh and not setup["generated"]:
        refresh = None
        print("  refresh skipped (--skip-refresh)")
    else:
        log("  the nightly job: refresh_year for every year")
        refresh = refresh_all(config, args.refresh_timeout)
    peers = seed_peer_values(config.last_year)
    with connect(url) as conn:
        server = server_info(conn)
        rows = table_rows(conn)
        size = database_size(conn)
        conn.execute("CHECKPOINT")
    print(f"  {rows['payments_paymentorder']:,} payment orders, {rows['cases_decision']:,} decisions, "
          f"{rows['cases_application']:,} applications, {rows['households_person']:,} persons; "
          f"database {size / 2**30:.1f} GiB; {peers} peer KPI values")

    with connect(url) as conn:
        data_directory = conn.execute("SHOW data_directory").fetchone()[0]
    busy, server_cpu = system_busy_seconds(), postgres_cpu_seconds(data_directory)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    measure_started = time.perf_counter()
    measured = subprocess_measure(url, {"year": config.last_year, "repeat": args.repeat,
                                        "switch": config.switch.isoformat()})
    wall = time.perf_counter() - measure_started
    busy_after, server_cpu_after = system_busy_seconds(), postgres_cpu_seconds(data_directory)
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    own_cpu = (children_after.ru_utime + children_after.ru_stime) - (children.ru_utime + children.ru_stime)
    errors = list(measured.get("errors", []))
    if code_fingerprint() != code:
        errors.append("the code under test changed while the benchmark ran: run it again")
    missed = []
    if "requests" in measured:
        print_results(measured)
        for r in measured["requests"]:
            if not r["judged"]:
                continue
            if r["seconds"] >= TARGET_SECONDS:
                missed.append(f"{r['name']}: {r['seconds']:.2f} s, not under {TARGET_SECONDS:.0f} s")
            if r["ratio"] > TARGET_RATIO:
                missed.append(f"{r['name']}: {r['ratio']:.2f} times the hand-written SQL, more than {TARGET_RATIO}")
        errors += measured["correctness"]["mismatches"]
    if busy is not None and busy_after is not None and wall > 0:
        machine_load = (busy_after - busy) / wall
        measured["machine_busy_cpus_during_measurement"] = round(machine_load, 2)
        line = f"  CPUs busy during the measurement (whole machine): {machine_load:.2f} of {os.cpu_count()}"
        if server_cpu is not None and server_cpu_after is not None:
            others = max(0.0, busy_after - busy - own_cpu - (server_cpu_after - server_cpu)) / wall
            measured["other_processes_cpus_during_measurement"] = round(others, 2)
            line += (f" (the measuring process {own_cpu / wall:.2f}, PostgreSQL {(server_cpu_after - server_cpu) / wall:.2f},"
                     f" other processes {others:.2f})")
            if others > BUSY_SHARE:
                line += ("\n  WARNING: other processes used the CPUs during the measurement: the figures are "
                         "disturbed; run it again on an idle machine")
        print(line)
    print(f"  PostgreSQL {server['server_version']}: shared_buffers {server['shared_buffers']}, work_mem "
          f"{server['work_mem']}, jit {server['jit']}; {machine['cpus']} CPUs ({machine['cpu_model']}), "
          f"Python {machine['python']}")

    figures = {"households": config.households, "years": config.years, "measured_year": config.last_year,
               "equal_split_from": config.switch.isoformat(), "repeat": args.repeat,
               "targets": {"seconds": TARGET_SECONDS, "ratio": TARGET_RATIO}, "setup": setup, "refresh": refresh,
               "rows": rows, "database_bytes": size, "peer_values": peers, "postgresql": server, "code_sha256": code,
               "loadavg_1min_before": round(load_before, 2),
               **machine, "measurement": measured, "errors": errors, "missed": missed}
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        print(f"  figures written to {args.json}")
    for error in errors:
        print(f"FAIL (correctness): {error}", file=sys.stderr)
    for miss in missed:
        print(f"FAIL: {miss}", file=sys.stderr)
    if not errors and not missed:
        print("  every target met")
    return 1 if errors or missed else 0


if __name__ == "__main__":
    sys.exit(main())
