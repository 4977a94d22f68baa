"""End-to-end benchmark of the monthly payment run on PostgreSQL (issue #4, "Speed").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lika_bench \\
        .venv/bin/python -m bench.bench_payments [--households N] [--json PATH]
                                                 [--repeat R] [--reuse] [--rebuild] [--profile PATH]

1. Setup (untimed): creates the database if it is missing, migrates it and, unless it
   already holds this benchmark's data for N households, wipes the household, case and
   payment tables and loads N households with issued decisions for 2026-12 with COPY.
   ``--reuse`` skips the migration when the data is there and no migration is pending;
   ``--rebuild`` reloads the data.
   The payment tables are emptied before every timed run.
2. The run (timed, in a fresh subprocess, so that its peak RSS is its own):
   ``payment_run_create`` -> ``payment_run_prepare`` -> ``payment_run_attest`` (by the
   other user) -> ``payment_run_export(version="09")``, which writes the pain.001 and
   validates it against the XSD.  Then, untimed, the checks: every share became an order
   or a hold, the file validates again to the run's count and total, reconciliation is
   empty.
3. The floor (timed, in its own subprocess): COPY of as many payment rows as the run made
   orders into an UNLOGGED table shaped like ``payments_paymentorder`` (same columns,
   constraints and indexes), rows generated in Python; plus serialising as many credit
   transfers with ``iso20022.write_pain001`` alone, from an in-memory generator.

Run and floor are repeated (``--repeat R``, default 3, alternating); the medians are
reported and judged.  Targets: the run at most ``TARGET_SECONDS``, at most
``TARGET_RATIO`` times the floor, peak RSS of the run's process below ``TARGET_RSS_MIB``.  Exit status: 0 when all are met,
1 when one is missed, 2 on a correctness failure.  The database's name must contain
"bench": its tables are truncated.  See docs/benchmarks.md.
"""

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/lika_bench"
DEFAULT_HOUSEHOLDS = 100_000
DEFAULT_SEED = 20261201
MONTH = date(2026, 12, 1)
DATA_VERSION = 1  # bump when the generated data changes, so that --reuse reloads it

TARGET_SECONDS = 60.0
TARGET_RATIO = 3.0
TARGET_RSS_MIB = 1024
DEFAULT_REPEAT = 3
BUSY_SHARE = 0.15  # warn when other processes used more than this share of a CPU in a timed phase

BASE_DIR = Path(__file__).resolve().parent.parent
FILES = BASE_DIR / "var" / "bench-payments"
RESULT_PREFIX = "BENCH-PAYMENTS-RESULT "

MUNICIPALITY_CODE = "9990"
PREPARER, ATTESTER, CASE_WORKER = "bench.prep", "bench.attest", "bench.case"

# The caseload: shares of households and of adults.
COUPLE_SHARE = 0.40
CHILDREN_SHARE = 0.35  # households with 1-3 children
DIRECT_SHARE_OF_COUPLES = 0.05  # rent paid directly to the landlord's bankgiro
IBAN_SHARE = 0.30
NO_ACCOUNT_SHARE = 0.03  # held: no account (a fifth of them with protected identity)
MOVED_IN_SHARE = 0.005  # held: someone moved in after the decision was calculated

# Valid Swedish accounts (SEB clearing 5000, the IBAN of the same bank, a bankgiro).
CLEARING, ACCOUNT = "5000", "1234560"
IBAN = "SE4550000000058398257466"
BANKGIRO = "5050-1055"
LANDLORD = "Bostadsbolaget i Lika AB"

FEMALE = ("Anna", "Eva", "Maria", "Karin", "Sara", "Lena", "Åsa", "Ingrid", "Fatima", "Zeynep",
          "Noor", "Emma", "Linnéa", "Märta")
MALE = ("Erik", "Lars", "Karl", "Anders", "Johan", "Mohammed", "Ali", "Per", "Björn", "Örjan",
        "Nils", "Ahmed", "Jörgen", "Oskar")
LAST = ("Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
        "Persson", "Svensson", "Gustafsson", "Pettersson", "Jönsson", "Hassan", "Mohamed",
        "Lindqvist", "Åberg", "Öberg", "Ek")


def maxrss_mib() -> float:
    """Peak resident memory of this process in MiB.

    On Linux this is VmHWM from /proc/self/status: ``ru_maxrss`` survives execve, so a
    subprocess forked from a large parent would report the parent's size.  Elsewhere
    ``getrusage(RUSAGE_SELF).ru_maxrss``.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024  # KiB on Linux


def log(message: str) -> None:
    print(message, flush=True)


# --- database and Django --------------------------------------------------------------


def database_name(url: str) -> str:
    from psycopg import conninfo

    return conninfo.conninfo_to_dict(url).get("dbname") or ""


def ensure_database(url: str) -> bool:
    """Create the benchmark's database if it is missing.  Returns whether it was created."""
    import psycopg
    from psycopg import conninfo, sql

    name = database_name(url)
    with psycopg.connect(conninfo.make_conninfo(url, dbname="postgres"), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True


def django_setup(url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "lika.config.settings"
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "0"  # with DEBUG on, Django keeps every query in memory
    os.environ["LIKA_PAYMENT_FILES"] = str(FILES)
    import django

    django.setup()


def marker(households: int, seed: int) -> str:
    return f"Benchmark v{DATA_VERSION}: {households} hushåll {MONTH:%Y-%m} seed {seed}"


def populated(households: int, seed: int) -> bool:
    from lika.accounts.models import Municipality
    from lika.households.models import Household

    name = Municipality.objects.filter(code=MUNICIPALITY_CODE).values_list("name", flat=True).first()
    return name == marker(households, seed) and Household.objects.count() == households


def migrations_pending() -> bool:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def truncate_payments() -> None:
    from django.db import connection

    from lika.payments.models import PaymentHold, PaymentOffset, PaymentOrder, PaymentRun

    tables = ", ".join(m._meta.db_table for m in (PaymentOrder, PaymentHold, PaymentOffset, PaymentRun))
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY")


def checkpoint() -> None:
    """Flush dirty buffers now, so that a checkpoint does not land in a timed phase."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")


def server_info() -> dict:
    from django.db import connection

    info = {}
    with connection.cursor() as cursor:
        for name in ("server_version", "shared_buffers", "work_mem", "synchronous_commit", "fsync",
                     "wal_level", "max_wal_size"):
            cursor.execute(f"SHOW {name}")
            info[name] = cursor.fetchone()[0]
    return info


# --- setup: the month's decisions -----------------------------------------------------


class Table:
    """Rows for one model's table, in the order of its concrete fields; a value not given
    is the field's default (as the ORM would fill it in), so the COPY names every column."""

    def __init__(self, model, **fixed):
        self.model = model
        fields = model._meta.concrete_fields
        self.columns = [f.column for f in fields]
        self.spec = []
        for field in fields:
            if field.attname in fixed:
                value = fixed[field.attname]
            elif field.has_default() or (field.empty_strings_allowed and not field.null):
                value = field.get_default()
            else:
                value = None
            self.spec.append((field.attname, value))
        self.rows = []

    def add(self, **values):
        self.rows.append(tuple([values.get(name, default) for name, default in self.spec]))

    def copy(self, cursor) -> None:
        from psycopg import sql

        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(self.model._meta.db_table),
            sql.SQL(", ").join(sql.Identifier(c) for c in self.columns))
        with cursor.copy(statement) as copy:
            for row in self.rows:
                copy.write_row(row)
        self.rows = []


def bench_users():
    from django.db import transaction

    from lika.accounts.models import Municipality, Role, Unit, User

    with transaction.atomic():
        municipality, _ = Municipality.objects.get_or_create(
            code=MUNICIPALITY_CODE, defaults={"name": "Benchmark (fylls på)"})
        unit, _ = Unit.objects.get_or_create(municipality=municipality, code="bench",
                                             defaults={"name": "Benchmarkenheten"})
        users = {}
        for username, role, attest in ((PREPARER, Role.PAYMENT_OFFICER, False),
                                       (ATTESTER, Role.UNIT_MANAGER, True),
                                       (CASE_WORKER, Role.CASE_WORKER, False)):
            user, _ = User.objects.update_or_create(
                username=username,
                defaults={"role": role, "unit": unit, "can_attest_payments": attest, "is_active": True,
                          "password": "!bench-no-login"})
            users[username] = user
    return municipality, unit, users


def populate(households: int, seed: int) -> dict:
    """Wipe households, cases and payments and load ``households`` households with issued
    decisions for MONTH, with COPY.  Returns counts."""
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from lika.accounts.models import Municipality
    from lika.cases.models import Application, Case, CaseCalculation, Decision, DecisionShare
    from lika.households.models import Household, HouseholdMembership, Person
    from lika.identity.personnummer import generate_fictional
    from lika.norms.models import NormTableVersion
    from lika.payments.models import PaymentHold, PaymentOrder, PaymentRun

    municipality, unit, users = bench_users()
    Municipality.objects.filter(pk=municipality.pk).update(name="Benchmark (fylls på)")
    worker = users[CASE_WORKER].pk
    norm = NormTableVersion.objects.filter(year=MONTH.year).order_by("-version").first() \
        or NormTableVersion.objects.order_by("-year", "-version").first()
    if norm is None:
        raise SystemExit("no norm table: the post_migrate hook should have loaded the shipped ones")

    rng = random.Random(seed)
    tz = timezone.get_current_timezone()
    decided_at = datetime(2026, 11, 27, 14, 0, tzinfo=tz)
    persons = Table(Person)
    homes = Table(Household, unit_id=unit.pk)
    members = Table(HouseholdMembership)
    cases = Table(Case, unit_id=unit.pk, case_worker_id=worker, status="open", opened_on=date(2025, 3, 1))
    applications = Table(Application, month=MONTH, received_on=date(2026, 11, 20), status="decided",
                         created_by_id=worker)
    calculations = Table(CaseCalculation, norm_table_id=norm.pk, created_by_id=worker,
                         provisional=norm.status == "provisional")
    decisions = Table(Decision, status="issued", payment_mode="equal", prepared_by_id=worker,
                      prepared_at=decided_at, decided_by_id=worker, decided_at=decided_at)
    shares = Table(DecisionShare)
    counters = {"person": 0, "adult": 0, "child": 0, "membership": 0, "share": 0}
    counts = {"households": households, "couples": 0, "children": 0, "direct": 0, "iban": 0,
              "domestic": 0, "no_account": 0, "protected_no_account": 0, "moved_in": 0}

    def person(adult: bool) -> tuple[int, str]:
        counters["person"] += 1
        gender = "F" if rng.random() < 0.5 else "M"
        kind = "adult" if adult else "child"
        index = counters[kind]
        counters[kind] += 1
        # distinct (birth date, birth number) for every person: a day, then a serial
        if adult:
            born = date(1960, 1, 1) + timedelta(days=index % 14_600)
            serial = 2 * (index // 14_600)
        else:
            born = date(2009, 1, 1) + timedelta(days=index % 6_000)
            serial = 2 * (index // 6_000)
        account = {}
        protected = False
        if adult:
            roll = rng.random()
            if roll < NO_ACCOUNT_SHARE:
                protected = rng.random() < 0.2
                counts["protected_no_account" if protected else "no_account"] += 1
            elif roll < NO_ACCOUNT_SHARE + IBAN_SHARE:
                account = {"iban": IBAN}
                counts["iban"] += 1
            else:
                account = {"bank_clearing": CLEARING, "bank_account": ACCOUNT}
                counts["domestic"] += 1
        first = rng.choice(FEMALE if gender == "F" else MALE)
        persons.add(id=counters["person"], identity_number=generate_fictional(born, gender, serial),
                    first_name=first, last_name=rng.choice(LAST), birth_date=born, legal_gender=gender,
                    protected_identity=protected, **account)
        return counters["person"], first

    def membership(household: int, person_id: int, role: str, cohabiting=False, since=date(2025, 3, 1)):
        counters["membership"] += 1
        members.add(id=counters["membership"], household_id=household, person_id=person_id, role=role,
                    cohabiting=cohabiting, valid_from=since)

    def share(decision: int, amount: int, person_id=None, direct=False):
        counters["share"] += 1
        if direct:
            shares.add(id=counters["share"], decision_id=decision, direct_type="housing",
                       direct_payee=LANDLORD, direct_account=BANKGIRO, amount=amount, rule="direct_payment")
        else:
            shares.add(id=counters["share"], decision_id=decision, person_id=person_id, amount=amount,
                       rule="equal_split")

    started = time.perf_counter()
    for h in range(1, households + 1):
        couple = rng.random() < COUPLE_SHARE
        adults = [person(True)[0] for _ in range(2 if couple else 1)]
        children = [person(False)[0] for _ in range(rng.randint(1, 3) if rng.random() < CHILDREN_SHARE else 0)]
        homes.add(id=h, reference=f"BH{h:08d}")
        for adult in adults:
            membership(h, adult, "adult", cohabiting=couple)
        for child in children:
            membership(h, child, "child")
        if rng.random() < MOVED_IN_SHARE:
            # moved in after the decision was calculated: the run must hold this household
            membership(h, person(True)[0], "adult", cohabiting=couple, since=date(2026, 12, 10))
            counts["moved_in"] += 1
        granted = rng.randint(3_000_00, 14_000_00) + len(children) * rng.randint(1_500_00, 3_500_00)
        direct = 0
        if couple and rng.random() < DIRECT_SHARE_OF_COUPLES:
            direct = rng.randint(4_000_00, 8_000_00)
            granted += direct
            counts["direct"] += 1
        counts["couples"] += couple
        counts["children"] += len(children)
        cases.add(id=h, reference=f"BENCH-{h:08d}", household_id=h, registerledare_id=adults[0])
        applications.add(id=h, case_id=h, applicant_id=adults[0])
        calculations.add(
            id=h, application_id=h, support=granted,
            input=json.dumps({"year": MONTH.year, "month": MONTH.month, "bench": True,
                              "members": len(adults) + len(children)}),
            members=json.dumps(adults + children),
            result=json.dumps({"support": granted, "lines": []}))
        decisions.add(id=h, application_id=h, calculation_id=h, applied_amount=granted, granted_amount=granted)
        if direct:
            share(h, direct, direct=True)
        rest = granted - direct
        if couple:  # equal halves, the odd öre to the first adult
            share(h, rest - rest // 2, adults[0])
            share(h, rest // 2, adults[1])
        else:
            share(h, rest, adults[0])
    counts.update(persons=counters["person"], memberships=counters["membership"], shares=counters["share"])
    generated = time.perf_counter() - started
    log(f"  generated {sum(len(t.rows) for t in (persons, homes, members, cases, applications, calculations, decisions, shares)):,} rows in {generated:.1f} s")

    wiped = [PaymentOrder, PaymentHold, PaymentRun, DecisionShare, Decision, CaseCalculation, Application,
             Case, HouseholdMembership, Household, Person]
    # shares before their (issued) decisions: the records' triggers refuse a share added to an
    # issued decision; the foreign keys are checked at commit
    loaded = [persons, homes, members, cases, applications, calculations, shares, decisions]
    started = time.perf_counter()
    with transaction.atomic():
        with connection.cursor() as cursor:
            # The records refuse TRUNCATE (docs/security.md) by triggers that a superuser's
            # replica mode skips, here, for the bench database's own wipe only.
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute("TRUNCATE " + ", ".join(m._meta.db_table for m in wiped) + " RESTART IDENTITY CASCADE")
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        connection.ensure_connection()
        with connection.connection.cursor() as raw:
            for table in loaded:
                table.copy(raw)
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), [t.model for t in loaded]):
                cursor.execute(statement)
        Municipality.objects.filter(pk=municipality.pk).update(name=marker(households, seed))
    log(f"  copied in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    log(f"  VACUUM ANALYZE in {time.perf_counter() - started:.1f} s")
    return counts


# --- the timed run (own process) ------------------------------------------------------


class SqlClock:
    """Time spent in cursor.execute(), per step (fetches of server-side cursors excluded)."""

    def __init__(self):
        self.step = None
        self.seconds: dict[str, float] = {}
        self.queries: dict[str, int] = {}
        self.by_statement: dict[tuple[str, str], list] = {}  # (step, SQL head) -> [count, seconds]

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            seconds = time.perf_counter() - started
            self.seconds[self.step] = self.seconds.get(self.step, 0.0) + seconds
            self.queries[self.step] = self.queries.get(self.step, 0) + 1
            entry = self.by_statement.setdefault((self.step, " ".join(sql.split())[:160]), [0, 0.0])
            entry[0] += 1
            entry[1] += seconds

    def slowest(self, n: int = 8) -> list[dict]:
        ranked = sorted(self.by_statement.items(), key=lambda item: -item[1][1])[:n]
        return [{"step": step, "sql": sql, "count": count, "seconds": round(seconds, 3)}
                for (step, sql), (count, seconds) in ranked]


def backend_cpu_seconds(pid: int) -> float | None:
    """CPU seconds of a local PostgreSQL backend process, from /proc (None if unreadable)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds(data_directory: str | None) -> float | None:
    """CPU seconds of the whole local PostgreSQL server: the postmaster, its live processes
    and (through the postmaster's reaped-children counters) the backends that have ended,
    e.g. those of the worker processes that prepare a run.  None if it cannot be read."""
    if not data_directory:
        return None
    try:
        postmaster = int(Path(data_directory, "postmaster.pid").read_text().split()[0])
        fields = Path(f"/proc/{postmaster}/stat").read_text().rpartition(")")[2].split()
        total = sum(int(v) for v in fields[11:15])  # utime, stime, cutime, cstime
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                child = (entry / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(child[1]) == postmaster:
                total += int(child[11]) + int(child[12])
    except (OSError, ValueError, IndexError):
        return None
    return total / os.sysconf("SC_CLK_TCK")


def children_cpu_seconds() -> float:
    """CPU seconds of this process's ended children (the worker and validator processes)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def system_busy_seconds() -> float | None:
    """CPU seconds spent by the whole machine (all CPUs, not idle) since boot, from /proc/stat."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except (OSError, IndexError):
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def others_cpu(busy_before, busy_after, own: float, backend: float | None) -> float | None:
    """CPU seconds used by other processes (other jobs, PostgreSQL's background workers)."""
    if busy_before is None or busy_after is None or backend is None:
        return None
    return round(max(0.0, busy_after - busy_before - own - backend), 2)


def phase_run(url: str, profile: str | None) -> dict:
    django_setup(url)
    baseline_mib = maxrss_mib()
    from django.db import connection
    from django.db.models import Count, Sum

    from lika.accounts.models import User
    from lika.cases.models import Decision, DecisionShare
    from lika.payments import iso20022, services
    from lika.payments.models import PaymentHold, PaymentOrder

    preparer = User.objects.get(username=PREPARER)
    attester = User.objects.get(username=ATTESTER)
    month_shares = DecisionShare.objects.filter(decision__status=Decision.Status.ISSUED,
                                                decision__application__month=MONTH, amount__gt=0)
    expected = month_shares.aggregate(n=Count("pk"), total=Sum("amount"))
    expected_shares, expected_total = expected["n"] or 0, expected["total"] or 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
        try:
            cursor.execute("SHOW data_directory")  # superuser only; else the backend alone is counted
            data_directory = cursor.fetchone()[0]
        except Exception:  # noqa: BLE001
            data_directory = None
    ready_mib = maxrss_mib()
    from lika.payments.parallel import default_workers

    workers = default_workers()

    clock = SqlClock()
    steps: dict[str, float] = {}
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
    backend_before = postgres_cpu_seconds(data_directory) or backend_cpu_seconds(backend)
    busy_before = system_busy_seconds()
    cpu_started = time.process_time()
    children_started = children_cpu_seconds()
    with connection.execute_wrapper(clock):
        if profiler:
            profiler.enable()
        started = time.perf_counter()
        clock.step = "create"
        run = services.payment_run_create(acting_user=preparer, month=MONTH)
        steps["create"] = time.perf_counter() - started
        clock.step = "prepare"
        run = services.payment_run_prepare(acting_user=preparer, run=run, workers=workers)
        steps["prepare"] = time.perf_counter() - started - sum(steps.values())
        clock.step = "attest"
        run = services.payment_run_attest(acting_user=attester, run=run)
        steps["attest"] = time.perf_counter() - started - sum(steps.values())
        clock.step = "export"
        path = Path(services.payment_run_export(acting_user=preparer, run=run, version="09"))
        steps["export"] = time.perf_counter() - started - sum(steps.values())
        total = time.perf_counter() - started
        if profiler:
            profiler.disable()
    cpu_seconds = time.process_time() - cpu_started
    helpers_cpu = children_cpu_seconds() - children_started
    helpers_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    backend_after = (postgres_cpu_seconds(data_directory) if backend_before is not None and data_directory
                     else backend_cpu_seconds(backend))
    busy_after = system_busy_seconds()
    backend_seconds = (backend_after - backend_before
                       if backend_before is not None and backend_after is not None else None)
    peak_mib = maxrss_mib()
    if profiler:
        import pstats

        profiler.dump_stats(profile)
        stats = pstats.Stats(profiler, stream=sys.stderr).strip_dirs()
        stats.sort_stats("tottime").print_stats(30)
        stats.sort_stats("cumulative").print_stats(40)

    # --- checks, untimed --------------------------------------------------------------
    run.refresh_from_db()
    errors = []
    if run.status != "exported":
        errors.append(f"run status is {run.status}, not exported")
    if run.order_count + run.hold_count != expected_shares:
        errors.append(f"{run.order_count} orders + {run.hold_count} holds != {expected_shares} shares")
    orders = PaymentOrder.objects.filter(run=run)
    order_rows = orders.aggregate(n=Count("pk"), total=Sum("amount"))
    if (order_rows["n"] or 0, order_rows["total"] or 0) != (run.order_count, run.total):
        errors.append(f"orders in the database {order_rows} != the run's {run.order_count}, {run.total}")
    # sent with the run: "exported", or "created" where the run's status stands for its orders
    if orders.exclude(status__in=("created", "exported")).exists():
        errors.append("orders of the exported run in another status than created/exported")
    held = PaymentHold.objects.filter(run=run).aggregate(total=Sum("amount"))["total"] or 0
    if run.total + held != expected_total:
        errors.append(f"paid {run.total} + held {held} != granted {expected_total} öre")
    if services.reconciliation(run):
        errors.append("reconciliation shows differences")
    started = time.perf_counter()
    summary = iso20022.validate_pain001(path, version="09")
    revalidate = time.perf_counter() - started
    if (summary.count, summary.total) != (run.order_count, run.total):
        errors.append(f"file validates to {summary.count} payments, {summary.total} öre; "
                      f"the run has {run.order_count}, {run.total}")
    reasons = dict(sorted(PaymentHold.objects.filter(run=run).order_by().values_list("reason")
                          .annotate(n=Count("pk"))))
    kinds = {"iban": orders.exclude(iban="").count(), "domestic": orders.exclude(account="").count(),
             "bankgiro": orders.exclude(bankgiro="").count()}
    file_bytes = path.stat().st_size
    path.unlink()
    return {
        "seconds": round(total, 3),
        "steps": {k: round(v, 3) for k, v in steps.items()},
        "sql_seconds": {k: round(v, 3) for k, v in clock.seconds.items()},
        "sql_queries": clock.queries,
        "sql_slowest": clock.slowest(),
        "cpu_seconds": round(cpu_seconds, 3),
        "workers": workers,
        "helpers_cpu_seconds": round(helpers_cpu, 3),
        "helpers_maxrss_mib": round(helpers_mib, 1),
        "db_cpu_seconds_whole_server": bool(data_directory),
        "db_backend_cpu_seconds": None if backend_seconds is None else round(backend_seconds, 3),
        "others_cpu_seconds": others_cpu(busy_before, busy_after, cpu_seconds + helpers_cpu, backend_seconds),
        "maxrss_mib": round(peak_mib, 1),
        "maxrss_baseline_after_setup_mib": round(baseline_mib, 1),
        "maxrss_before_run_mib": round(ready_mib, 1),
        "shares": expected_shares,
        "granted_total": expected_total,
        "order_count": run.order_count,
        "hold_count": run.hold_count,
        "total": run.total,
        "held_total": held,
        "holds_by_reason": reasons,
        "orders_by_account": kinds,
        "file_count": summary.count,
        "file_total": summary.total,
        "file_bytes": file_bytes,
        "file_revalidate_seconds": round(revalidate, 3),
        "profiled": bool(profile),
        "errors": errors,
    }


# --- the floor (own process) ----------------------------------------------------------


def floor_rows(count: int, now: datetime):
    """Payment rows like the run's, in the column order of FLOOR_COLUMNS."""
    remittance = f"Försörjningsstöd {MONTH:%Y-%m}, din del"
    direct = f"Försörjningsstöd {MONTH:%Y-%m}, direktbetalning"
    names = [f"{first} {last}" for first in FEMALE + MALE for last in LAST]
    for i in range(1, count + 1):
        amount = 100_000 + (i * 7_919) % 1_400_000
        kind = i % 100
        if kind < 2:
            iban, clearing, account, bankgiro, name, text = "", "", "", "50501055", LANDLORD, direct
        elif kind < 33:
            iban, clearing, account, bankgiro, name, text = IBAN, "", "", "", names[i % len(names)], remittance
        else:
            iban, clearing, account, bankgiro, name, text = "", CLEARING, ACCOUNT, "", names[i % len(names)], remittance
        yield (i, 1, i, (i + 1) // 2, i, name, iban, clearing, account, bankgiro, amount, text,
               f"LIKA-{i}-1", "created", "", None, None, now)


FLOOR_COLUMNS = ("id", "run_id", "share_id", "decision_id", "person_id", "payee_name", "iban", "clearing",
                 "account", "bankgiro", "amount", "remittance", "end_to_end_id", "status", "status_reason",
                 "status_at", "reissue_of_id", "created_at")


def phase_floor(url: str, count: int) -> dict:
    django_setup(url)  # for the same baseline and the table's name; the work below is not Django
    import psycopg
    from django.conf import settings
    from django.utils import timezone
    from psycopg import sql

    from lika.payments import iso20022
    from lika.payments.models import PaymentOrder

    baseline_mib = maxrss_mib()
    table = PaymentOrder._meta.db_table
    columns = {f.column for f in PaymentOrder._meta.concrete_fields}
    if columns != set(FLOOR_COLUMNS):
        raise SystemExit(f"the floor's columns {sorted(FLOOR_COLUMNS)} are not {table}'s {sorted(columns)}")
    now = timezone.now()
    figures = {"rows": count, "maxrss_baseline_after_setup_mib": round(baseline_mib, 1)}
    copy_statement = sql.SQL("COPY bench_floor ({}) FROM STDIN").format(
        sql.SQL(", ").join(sql.Identifier(c) for c in FLOOR_COLUMNS))

    own = backend = 0.0
    busy, cpu_all = system_busy_seconds(), time.process_time()
    with psycopg.connect(url) as conn:
        for variant, including in (("copy", "INCLUDING ALL"), ("copy_without_indexes", "INCLUDING DEFAULTS")):
            conn.execute("DROP TABLE IF EXISTS bench_floor")
            conn.execute(sql.SQL("CREATE UNLOGGED TABLE bench_floor (LIKE {} " + including + ")")
                         .format(sql.Identifier(table)))
            conn.commit()
            backend_started = backend_cpu_seconds(conn.info.backend_pid)
            cpu_started = time.process_time()
            started = time.perf_counter()
            with conn.cursor() as cursor, cursor.copy(copy_statement) as copy:
                for row in floor_rows(count, now):
                    copy.write_row(row)
            conn.commit()
            figures[f"{variant}_seconds"] = round(time.perf_counter() - started, 3)
            own += time.process_time() - cpu_started
            backend_ended = backend_cpu_seconds(conn.info.backend_pid)
            if backend_started is None or backend_ended is None:
                backend = None
            elif backend is not None:
                backend += backend_ended - backend_started
        conn.execute("DROP TABLE bench_floor")
        conn.commit()

    debtor = iso20022.Party(name=settings.LIKA_DEBTOR_NAME, org_number=settings.LIKA_DEBTOR_ORG_NUMBER,
                            account=iso20022.Account(iban=settings.LIKA_DEBTOR_IBAN, bic=settings.LIKA_DEBTOR_BIC))
    total = sum(row[10] for row in floor_rows(count, now))

    def transfers():
        for row in floor_rows(count, now):
            yield iso20022.Transfer(end_to_end_id=row[12], amount=row[10], remittance=row[11],
                                    creditor=iso20022.Party(name=row[5], account=iso20022.Account(
                                        iban=row[6], clearing=row[7], number=row[8], bankgiro=row[9])))

    FILES.mkdir(parents=True, exist_ok=True)
    path = FILES / "floor-pain.001.001.09.xml"
    cpu_started = time.process_time()
    started = time.perf_counter()
    with open(path, "wb") as stream:
        written = iso20022.write_pain001(stream, version="09", message_id="LIKA-BENCH-FLOOR", created_at=now,
                                         debtor=debtor, payment_info_id="LIKA-BENCH-FLOOR-1",
                                         execution_date=date(2026, 11, 24), count=count, total=total,
                                         transfers=transfers())
    figures["xml_seconds"] = round(time.perf_counter() - started, 3)
    own += time.process_time() - cpu_started
    figures["cpu_seconds"] = round(own, 3)
    figures["db_backend_cpu_seconds"] = None if backend is None else round(backend, 3)
    figures["others_cpu_seconds"] = others_cpu(busy, system_busy_seconds(), time.process_time() - cpu_all, backend)
    figures["xml_bytes"] = path.stat().st_size
    path.unlink()
    if (written.count, written.total) != (count, total):
        raise SystemExit("the floor's file does not add up")
    figures["seconds"] = round(figures["copy_seconds"] + figures["xml_seconds"], 3)
    figures["maxrss_mib"] = round(maxrss_mib(), 1)
    return figures


# --- orchestration --------------------------------------------------------------------


def subprocess_phase(phase: str, url: str, extra: list[str]) -> dict:
    command = [sys.executable, "-m", "bench.bench_payments", "--phase", phase, *extra]
    env = dict(os.environ, DATABASE_URL=url)
    done = subprocess.run(command, cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, text=True, check=False)
    for line in reversed(done.stdout.splitlines()):
        if line.startswith(RESULT_PREFIX):
            return json.loads(line[len(RESULT_PREFIX):])
    sys.stdout.write(done.stdout)
    return {"errors": [f"the {phase} phase failed with exit status {done.returncode}"]}


CODE_FILES = ("lika/payments/services.py", "lika/payments/iso20022.py", "lika/payments/models.py",
              "lika/identity/bank.py")


def code_fingerprint() -> dict:
    """SHA-256 (first 12 hex digits) of the code under test, to tell which version a figure
    belongs to (the benchmark does not ask git)."""
    import hashlib

    return {name: hashlib.sha256((BASE_DIR / name).read_bytes()).hexdigest()[:12] for name in CODE_FILES}


def machine_info() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "cpu_model": model, "python": platform.python_version(),
            "python_implementation": platform.python_implementation(), "platform": platform.platform()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_payments",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=DEFAULT_HOUSEHOLDS, metavar="N")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, metavar="S")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the figures as JSON")
    parser.add_argument("--reuse", action="store_true",
                        help="skip the migration when the data is there and no migration is pending")
    parser.add_argument("--rebuild", action="store_true", help="reload the data even if it is there")
    parser.add_argument("--profile", metavar="PATH",
                        help="run the timed run under cProfile, dump the stats to PATH "
                             "(the times are then not comparable)")
    parser.add_argument("--repeat", type=int, default=DEFAULT_REPEAT, metavar="R",
                        help=f"run and floor R times each, report the medians (default {DEFAULT_REPEAT})")
    parser.add_argument("--phase", choices=("run", "floor"), help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.households < 1 or args.repeat < 1:
        parser.error("--households and --repeat must be at least 1")
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if not url.startswith(("postgres://", "postgresql://")):
        parser.error("DATABASE_URL must be a PostgreSQL URL: this is a PostgreSQL benchmark")
    if "bench" not in database_name(url):
        parser.error(f"the database's name must contain 'bench' (its tables are truncated): {url}")

    if args.phase == "run":
        print(RESULT_PREFIX + json.dumps(phase_run(url, args.profile)), flush=True)
        return 0
    if args.phase == "floor":
        print(RESULT_PREFIX + json.dumps(phase_floor(url, args.rows)), flush=True)
        return 0

    sys.stdout.reconfigure(line_buffering=True)
    machine = machine_info()
    load_before = os.getloadavg()[0]
    print(f"Lika payment run benchmark: {args.households:,} households, {MONTH:%Y-%m}, "
          f"database {database_name(url)}")
    started = time.perf_counter()
    created = ensure_database(url)
    django_setup(url)
    from django.core.management import call_command

    reused = (args.reuse and not created and not args.rebuild and not migrations_pending()
              and populated(args.households, args.seed))
    setup = {"database_created": created, "migrated": False, "loaded": False}
    if not reused:
        call_command("migrate", verbosity=0, interactive=False)
        setup["migrated"] = True
        if args.rebuild or not populated(args.households, args.seed):
            log("  loading the data (untimed) ...")
            setup["counts"] = populate(args.households, args.seed)
            setup["loaded"] = True
    bench_users()
    setup["seconds"] = round(time.perf_counter() - started, 1)
    server = server_info()
    print(f"  setup (untimed): {setup['seconds']:.1f} s"
          + (" (data loaded)" if setup["loaded"] else " (data already there)"))

    code = code_fingerprint()
    runs, floors, errors = [], [], []
    for repetition in range(1, args.repeat + 1):
        truncate_payments()  # every run starts from the same state
        checkpoint()
        run = subprocess_phase("run", url, ["--profile", args.profile] if args.profile else [])
        errors += run.get("errors", [])
        checkpoint()
        rows = run.get("order_count") or 0
        floor = subprocess_phase("floor", url, ["--rows", str(rows)]) if rows else {"errors": ["no orders"]}
        errors += floor.get("errors", [])
        if errors:
            break
        runs.append(run)
        floors.append(floor)
        print(f"  [{repetition}/{args.repeat}] run {run['seconds']:.2f} s ("
              + ", ".join(f"{k} {v:.2f}" for k, v in run["steps"].items())
              + f"), floor {floor['seconds']:.2f} s (COPY {floor['copy_seconds']:.2f} + XML "
              f"{floor['xml_seconds']:.2f}), ratio {run['seconds'] / floor['seconds']:.2f}, "
              f"peak RSS {run['maxrss_mib']:.0f} MiB; CPU of other processes: run "
              f"{run['others_cpu_seconds']} s, floor {floor['others_cpu_seconds']} s")
    if code_fingerprint() != code:
        errors.append("the code under test changed while the benchmark ran: run it again")

    figures = {"households": args.households, "month": f"{MONTH:%Y-%m}", "seed": args.seed,
               "repeat": args.repeat,
               "targets": {"seconds": TARGET_SECONDS, "ratio": TARGET_RATIO, "maxrss_mib": TARGET_RSS_MIB},
               "setup": setup, "postgresql": server, "code_sha256": code,
               "loadavg_1min_before": round(load_before, 2), **machine}
    if errors:
        figures["failed"] = {"run": run, "floor": floor}
    missed = []
    if runs and not errors:
        # the median run (by total) and the median floor; the ratio of the two medians
        run = sorted(runs, key=lambda r: r["seconds"])[(len(runs) - 1) // 2]
        floor = sorted(floors, key=lambda f: f["seconds"])[(len(floors) - 1) // 2]
        ratio = run["seconds"] / floor["seconds"]
        peak = max(r["maxrss_mib"] for r in runs)
        figures.update(run=run, floor=floor, ratio=round(ratio, 2), maxrss_mib=peak, runs=runs, floors=floors)
        steps = run["steps"]
        label = "median of " + str(len(runs)) + " runs" if len(runs) > 1 else "one run"
        print(f"  run ({label}): {run['seconds']:.2f} s (target <= {TARGET_SECONDS:.0f} s): "
              + ", ".join(f"{k} {v:.2f} s" for k, v in steps.items()))
        print("    in cursor.execute: " + ", ".join(
            f"{k} {run['sql_seconds'].get(k, 0):.2f} s/{run['sql_queries'].get(k, 0)} queries" for k in steps))
        db_label = "PostgreSQL (whole server)" if run.get("db_cpu_seconds_whole_server") else "its PostgreSQL backend"
        print(f"    CPU: the run's process {run['cpu_seconds']:.2f} s, its {run['workers']} preparing workers and "
              f"the validator {run['helpers_cpu_seconds']:.2f} s, {db_label} {run['db_backend_cpu_seconds']} s, "
              f"other processes {run['others_cpu_seconds']} s")
        print(f"    {run['shares']:,} shares -> {run['order_count']:,} orders ({run['total'] / 100:,.2f} kr) "
              f"+ {run['hold_count']:,} holds {run['holds_by_reason']}")
        print(f"    file: {run['file_count']:,} payments, {run['file_total'] / 100:,.2f} kr, "
              f"{run['file_bytes'] / 2**20:.1f} MiB, XSD-valid")
        print(f"  peak RSS of the run's process: {peak:.1f} MiB (target < {TARGET_RSS_MIB} MiB; "
              f"{run['maxrss_baseline_after_setup_mib']:.1f} MiB after django.setup()); of its largest "
              f"helper process (a worker or the validator): {run['helpers_maxrss_mib']:.1f} MiB")
        print(f"  floor: {floor['seconds']:.2f} s = COPY of {floor['rows']:,} rows {floor['copy_seconds']:.2f} s "
              f"+ lxml pain.001 {floor['xml_seconds']:.2f} s  (COPY without indexes "
              f"{floor['copy_without_indexes_seconds']:.2f} s, not counted)")
        print(f"  ratio run/floor: {ratio:.2f} (target <= {TARGET_RATIO:.0f})")
        print(f"  PostgreSQL {server['server_version']}, {machine['cpus']} CPUs ({machine['cpu_model']}), "
              f"Python {machine['python']}")
        print("  code under test (sha256): " + ", ".join(f"{Path(k).name} {v}" for k, v in code.items()))
        busy = [r["others_cpu_seconds"] / r["seconds"] for r in runs if r.get("others_cpu_seconds") is not None]
        busy += [f["others_cpu_seconds"] / f["seconds"] for f in floors if f.get("others_cpu_seconds") is not None]
        if busy and max(busy) > BUSY_SHARE:
            print(f"  WARNING: other processes used up to {max(busy):.0%} of a CPU during a timed phase: "
                  "the figures are disturbed; run it again on an idle machine")
        if run.get("profiled"):
            print("  (profiled: the times include cProfile's overhead; targets not checked)")
        else:
            if run["seconds"] > TARGET_SECONDS:
                missed.append(f"the run took {run['seconds']:.1f} s, more than {TARGET_SECONDS:.0f} s")
            if ratio > TARGET_RATIO:
                missed.append(f"the run is {ratio:.2f} times the floor, more than {TARGET_RATIO:.0f}")
            if peak >= TARGET_RSS_MIB:
                missed.append(f"peak RSS {peak:.0f} MiB is not below {TARGET_RSS_MIB} MiB")
    figures["errors"], figures["missed"] = errors, missed

    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        print(f"  figures written to {args.json}")
    if errors:
        for error in errors:
            print(f"FAIL (correctness): {error}", file=sys.stderr)
        return 2
    for miss in missed:
        print(f"FAIL: {miss}", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
