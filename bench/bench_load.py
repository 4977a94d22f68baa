"""Load benchmark: a unit's day (issue 18, docs/benchmarks.md "Load: a unit's day").

    .venv/bin/python -m bench.bench_load [--households 10000] [--cases 2000] [--seed 1]
        [--minutes 10] [--users 50] [--analysts 5] [--workers 3] [--reuse]
        [--database-url postgres://postgres@127.0.0.1:5432/lika_load_bench] [--json var/bench-load.json]

1. Data (untimed).  The demo (``lika seed-demo --households N --seed S --cases C
   --associations 0``) in a template database ``<name>_seed``, plus ``--users`` case workers
   (``last.hl01`` …, split over the demo's two units) and ``--analysts`` analysts
   (``last.an1`` …), password the demo's; every open case of a unit is given to its bench case
   workers in turn, so that each has her own cases and her own applications waiting.  With
   ``--reuse`` the template is kept when it was made with the same options (only migrated).
   Every run then starts from a fresh copy: ``<name>`` is made again from the template, so
   the decisions of one run never use up the next run's waiting applications.
2. The run.  gunicorn (``--workers`` sync workers, bound to 127.0.0.1 on a free port, DEBUG
   off) and locust headless for ``--minutes`` with the fixed users of
   bench/load/locustfile.py (case workers 1–3 s between pages, analysts 2–6 s), all traffic to
   127.0.0.1.  CPU seconds of gunicorn (master and workers), of the whole PostgreSQL server
   and of locust are read from /proc before and after; a bench-only middleware
   (bench/load/querylog.py) logs every request's queries, database time and CPU time.
3. The verdict.  Per page (locust's request name): p95 ≤ 200 ms and p99 ≤ 500 ms, no
   failed request, and decisions were made.  The login (Argon2 by design, once a day per
   user) is reported and not judged.

Exit status 0 when every target is met, 1 otherwise, 2 on a setup error.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from bench.bench_payments import (
    database_name,
    log,
    machine_info,
    postgres_cpu_seconds,
    system_busy_seconds,
)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/lika_load_bench"
P95_MS, P99_MS = 200, 500
NOT_JUDGED = ("/logga-in/ (Logga in)", "/logga-in/")
DEMO_PASSWORD = "lika-demo-2026"  # lika.households.demo.DEMO_PASSWORD (checked in prepare)


def bin_path(name: str) -> str:
    return str(Path(sys.executable).parent / name)


# --- the databases ----------------------------------------------------------------------------


def _admin(url: str):
    import psycopg
    from psycopg import conninfo

    return psycopg.connect(conninfo.make_conninfo(url, dbname="postgres"), autocommit=True)


def with_dbname(url: str, name: str) -> str:
    """The same URL naming another database."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def template_state(url: str, template: str) -> dict | None:
    with _admin(url) as conn:
        row = conn.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                           [template]).fetchone()
    if row is None:
        return None
    try:
        return json.loads(row[0] or "null")
    except ValueError:
        return None


def run_env(url: str, **extra) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0", "PYTHONPATH": str(ROOT),
           "DJANGO_SETTINGS_MODULE": "lika.config.settings", "ALLOWED_HOSTS": "127.0.0.1,localhost"}
    env.update(extra)
    return env


def build_template(url: str, template: str, options: dict, reuse: bool) -> dict:
    """The seeded template database; made again unless ``reuse`` and made with ``options``."""
    from psycopg import sql

    template_url = with_dbname(url, template)
    state = template_state(url, template)
    if reuse and state and all(state.get(k) == v for k, v in options.items()):
        log(f"Mallen {template} finns (seedad {state.get('seeded_at')}): migrerar bara.")
        subprocess.run([bin_path("lika"), "migrate", "--no-input", "-v", "0"], env=run_env(template_url),
                       check=True)
        return state
    with _admin(url) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(template)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(template)))
    env = run_env(template_url)
    started = time.perf_counter()
    log(f"Migrerar och seedar {template}: {options['households']} hushåll, {options['cases']} ärenden …")
    subprocess.run([bin_path("lika"), "migrate", "--no-input", "-v", "0"], env=env, check=True)
    subprocess.run([bin_path("lika"), "seed-demo", "--households", str(options["households"]),
                    "--seed", str(options["seed"]), "--cases", str(options["cases"]), "--associations", "0"],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    prepared = subprocess.run([sys.executable, "-m", "bench.bench_load", "_prepare",
                               "--users", str(options["users"]), "--analysts", str(options["analysts"])],
                              env=env, check=True, capture_output=True, text=True, cwd=ROOT)
    state = {**options, **json.loads(prepared.stdout.strip().splitlines()[-1]),
             "seeded_at": datetime.now(UTC).isoformat(timespec="seconds"),
             "seed_seconds": round(time.perf_counter() - started, 1)}
    with _admin(url) as conn:
        conn.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(template),
                                                                     sql.Literal(json.dumps(state))))
    log(f"Mallen är klar på {state['seed_seconds']} s.")
    return state


def fresh_copy(url: str, template: str) -> None:
    from psycopg import sql

    name = database_name(url)
    with _admin(url) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name),
                                                                      sql.Identifier(template)))
    # The planner's statistics, as autovacuum keeps them in a database in use: without them
    # the first minutes run on guesses and autovacuum's ANALYZE changes the plans mid-run.
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def accounts(users: int, analysts: int) -> dict:
    return {"password": DEMO_PASSWORD, "case_workers": [f"last.hl{i:02d}" for i in range(1, users + 1)],
            "analysts": [f"last.an{i}" for i in range(1, analysts + 1)]}


def prepare(users: int, analysts: int) -> dict:
    """In the template (Django set up): the bench's logins, and every open case of a unit
    given to that unit's bench case workers in turn.  Prints a JSON line of counts."""
    import django

    django.setup()
    from django.db import transaction

    from lika.accounts.models import Role, Unit
    from lika.accounts.services import user_create
    from lika.cases.models import Case
    from lika.households.demo import DEMO_PASSWORD as demo_password

    assert demo_password == DEMO_PASSWORD
    names = accounts(users, analysts)
    units = list(Unit.objects.order_by("code"))
    given = {}
    with transaction.atomic():
        workers = {unit.pk: [] for unit in units}
        for i, username in enumerate(names["case_workers"]):
            unit = units[i % len(units)]
            workers[unit.pk].append(user_create(acting_user=None, username=username, password=DEMO_PASSWORD,
                                                role=Role.CASE_WORKER, unit_code=unit.code,
                                                first_name="Last", last_name=f"Handläggare {i + 1:02d}"))
        for i, username in enumerate(names["analysts"]):
            user_create(acting_user=None, username=username, password=DEMO_PASSWORD, role=Role.ANALYST,
                        first_name="Last", last_name=f"Analytiker {i + 1}")
        for unit in units:
            cases = list(Case.objects.filter(unit=unit, closed_on__isnull=True).order_by("pk").values_list("pk",
                                                                                                          flat=True))
            for i, pk in enumerate(cases):
                mine = workers[unit.pk]
                if mine:
                    Case.objects.filter(pk=pk).update(case_worker=mine[i % len(mine)])
            given[unit.code] = len(cases)
    return {"open_cases": given, "case_workers_per_unit": {u.code: len(workers[u.pk]) for u in units}}


def count_rows(url: str) -> dict:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        out = {}
        for key, query in (("decisions", "SELECT count(*) FROM cases_decision"),
                           ("calculations", "SELECT count(*) FROM cases_casecalculation"),
                           ("applications_waiting", "SELECT count(*) FROM cases_application "
                                                    "WHERE status IN ('received', 'calculated')"),
                           ("access_log", "SELECT count(*) FROM audit_accesslogentry")):
            try:
                out[key] = conn.execute(query).fetchone()[0]
            except psycopg.Error:
                out[key] = None
        data_directory = conn.execute("SHOW data_directory").fetchone()[0]
    return {**out, "_data_directory": data_directory}


# --- the server and the load ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_cpu(pid: int, *, children: bool = True) -> float:
    """CPU seconds of ``pid`` and its live children (and, through cutime/cstime, ended ones)."""
    def stat(p):
        return Path(f"/proc/{p}/stat").read_text().rpartition(")")[2].split()

    try:
        fields = stat(pid)
    except OSError:
        return 0.0
    total = sum(int(v) for v in fields[11:15])
    if children:
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    child = stat(entry.name)
                except OSError:
                    continue
                if int(child[1]) == pid:
                    total += int(child[11]) + int(child[12])
    return total / os.sysconf("SC_CLK_TCK")


def start_gunicorn(url: str, workers: int, port: int, query_log: Path | None):
    extra = {"SECURE_COOKIES": "0",  # plain HTTP on 127.0.0.1: the cookies must go back
             "LIKA_BEHIND_TLS": "0"}
    if query_log is not None:
        extra.update(DJANGO_SETTINGS_MODULE="bench.load.settings", LIKA_BENCH_QUERY_LOG=str(query_log))
    server = subprocess.Popen([bin_path("gunicorn"), "lika.config.wsgi", "--bind", f"127.0.0.1:{port}",
                               "--workers", str(workers), "--timeout", "120", "--chdir", str(ROOT)],
                              env=run_env(url, **extra), cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=open(ROOT / "var" / "bench-load-gunicorn.log", "w"))  # noqa: SIM115
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn stannade: se var/bench-load-gunicorn.log")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/halsa/", timeout=5) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn svarade inte på /halsa/ inom 60 s")


def warm_up(port: int, names: dict, workers: int) -> float:
    """Every gunicorn worker imports a view's modules on its first request of it: before the
    measurement, ``2 × workers`` sessions side by side open each kind of page once (GETs
    only; nothing is written but the access log).  Returns the seconds it took."""
    import random
    import threading

    import requests

    from bench.load.forms import parse

    host = f"http://127.0.0.1:{port}"
    started = time.perf_counter()

    def session(username, paths_of):
        s = requests.Session()
        page = parse(s.get(host + "/logga-in/", timeout=60).text)
        form = page.form(lambda f: f.has("username"))
        data = dict(form.payload())
        data.update(username=username, password=names["password"])
        s.post(host + "/logga-in/", data=data, headers={"Origin": host}, timeout=60)
        for path in paths_of(s):
            s.get(host + path, timeout=60)

    def case_pages(s):
        yield "/mina-arenden/"
        listing = parse(s.get(host + "/arenden/?handlaggare=mine", timeout=60).text)
        cases = listing.links_matching(r"/arenden/\d+/")
        for case in random.sample(cases, min(2, len(cases))):
            page = parse(s.get(host + case, timeout=60).text)
            yield case + "journal/"
            for pattern in (r"/arenden/\d+/ansokningar/\d+/", r"/arenden/\d+/beslut/\d+/",
                            r"/arenden/\d+/personer/\d+/"):
                found = page.links_matching(pattern)
                if found:
                    yield found[0]
        worklist = parse(s.get(host + "/mina-arenden/", timeout=60).text)
        yield from worklist.links_matching(r"/arenden/\d+/ansokningar/\d+/beslut/")[:1]

    def statistics_pages(s):
        yield from ("/statistik/", "/statistik/jamforelse/", f"/statistik/export.csv?typ=year&ar={datetime.now(UTC).year}")

    threads = []
    for i in range(2 * workers):
        kind, pages = ("analysts", statistics_pages) if i % 2 else ("case_workers", case_pages)
        username = names[kind][i // 2 % len(names[kind])] if names[kind] else None
        if username:
            threads.append(threading.Thread(target=session, args=(username, pages)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return round(time.perf_counter() - started, 1)


def run_locust(port: int, minutes: float, users: int, analysts: int, spawn_rate: float, prefix: Path,
               accounts_file: Path, counts_file: Path) -> int:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LIKA_LOAD_ACCOUNTS": str(accounts_file),
           "LIKA_LOAD_CASE_WORKERS": str(users), "LIKA_LOAD_ANALYSTS": str(analysts),
           "LIKA_LOAD_COUNTS": str(counts_file)}
    command = [bin_path("locust"), "-f", str(ROOT / "bench" / "load" / "locustfile.py"), "--headless",
               "--host", f"http://127.0.0.1:{port}", "--users", str(users + analysts),
               "--spawn-rate", str(spawn_rate), "--run-time", f"{max(1, round(minutes * 60))}s",
               "--stop-timeout", "10", "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
               "--exit-code-on-error", "0"]
    return subprocess.run(command, env=env, cwd=ROOT).returncode


# --- the figures ------------------------------------------------------------------------------


def read_stats(prefix: Path) -> list[dict]:
    rows = []
    with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            def number(key, row=row):
                value = row.get(key, "")
                try:
                    return float(value)
                except ValueError:
                    return None

            rows.append({"method": row["Type"], "name": row["Name"], "requests": int(row["Request Count"]),
                         "failures": int(row["Failure Count"]), "median_ms": number("50%"),
                         "mean_ms": number("Average Response Time"), "p95_ms": number("95%"),
                         "p99_ms": number("99%"), "max_ms": number("Max Response Time"),
                         "rps": number("Requests/s")})
    return rows


def read_failures(prefix: Path) -> list[dict]:
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return []
    with open(path, newline="", encoding="utf-8") as stream:
        return [{"method": r["Method"], "name": r["Name"], "error": r["Error"][:300], "count": int(r["Occurrences"])}
                for r in csv.DictReader(stream)]


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


def read_query_log(path: Path) -> list[dict]:
    groups: dict[tuple, list[dict]] = {}
    if not path.exists():
        return []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        groups.setdefault((entry["method"], entry["route"]), []).append(entry)
    out = []
    for (method, route), entries in groups.items():
        ms = [e["ms"] for e in entries]
        out.append({"method": method, "route": route, "requests": len(entries),
                    "median_ms": round(statistics.median(ms), 1), "p95_ms": round(percentile(ms, 0.95), 1),
                    "p99_ms": round(percentile(ms, 0.99), 1),
                    "cpu_ms_mean": round(statistics.fmean(e["cpu_ms"] for e in entries), 1),
                    "queries_mean": round(statistics.fmean(e["queries"] for e in entries), 1),
                    "queries_max": max(e["queries"] for e in entries),
                    "db_ms_mean": round(statistics.fmean(e["db_ms"] for e in entries), 1),
                    "db_share": round(sum(e["db_ms"] for e in entries) / max(sum(ms), 1e-9), 2),
                    "statuses": sorted({e["status"] for e in entries})})
    return sorted(out, key=lambda r: -r["requests"])


def verdict(pages: list[dict], decisions_made: int) -> list[str]:
    missed = []
    for page in pages:
        if page["name"] == "Aggregated":
            continue
        if page["failures"]:
            missed.append(f"{page['method']} {page['name']}: {page['failures']} fel")
        if page["name"] in NOT_JUDGED:
            continue
        if page["p95_ms"] is not None and page["p95_ms"] > P95_MS:
            missed.append(f"{page['method']} {page['name']}: p95 {page['p95_ms']:.0f} ms > {P95_MS} ms")
        if page["p99_ms"] is not None and page["p99_ms"] > P99_MS:
            missed.append(f"{page['method']} {page['name']}: p99 {page['p99_ms']:.0f} ms > {P99_MS} ms")
    if decisions_made <= 0:
        missed.append("inga beslut fattades")
    return missed


def print_table(pages: list[dict], queries: list[dict]) -> None:
    log("")
    log(f"{'sida':<66} {'antal':>6} {'fel':>4} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>7}")
    for p in pages:
        mark = " (bedöms inte)" if p["name"] in NOT_JUDGED else ""
        log(f"{(p['method'] + ' ' + p['name'])[:66]:<66} {p['requests']:>6} {p['failures']:>4} "
            f"{p['median_ms'] or 0:>6.0f} {p['p95_ms'] or 0:>6.0f} {p['p99_ms'] or 0:>6.0f} {p['max_ms'] or 0:>7.0f}{mark}")
    if queries:
        log("")
        log(f"{'serverns sida (route)':<66} {'antal':>6} {'p95':>6} {'cpu':>6} {'frågor':>7} {'max':>5} {'db ms':>6}")
        for q in queries:
            log(f"{(q['method'] + ' ' + q['route'])[:66]:<66} {q['requests']:>6} {q['p95_ms']:>6.0f} "
                f"{q['cpu_ms_mean']:>6.1f} {q['queries_mean']:>7.1f} {q['queries_max']:>5} {q['db_ms_mean']:>6.1f}")


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_prepare"]:
        inner = argparse.ArgumentParser()
        inner.add_argument("_prepare")
        inner.add_argument("--users", type=int)
        inner.add_argument("--analysts", type=int)
        o = inner.parse_args(argv)
        print(json.dumps(prepare(o.users, o.analysts)))
        return 0
    parser = argparse.ArgumentParser(prog="python -m bench.bench_load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=10000)
    parser.add_argument("--cases", type=int, default=2000, help="open cases with applications (default 2000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--users", type=int, default=50, help="case workers (default 50)")
    parser.add_argument("--analysts", type=int, default=5)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3, as the container)")
    parser.add_argument("--spawn-rate", type=float, default=2, help="users started per second (default 2)")
    parser.add_argument("--reuse", action="store_true", help="keep the seeded template if made with these options")
    parser.add_argument("--no-query-log", action="store_true", help="without the bench's query-log middleware")
    parser.add_argument("--database-url", default=os.environ.get("LOAD_BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--json", type=Path, default=ROOT / "var" / "bench-load.json")
    args = parser.parse_args(argv)
    name = database_name(args.database_url)
    if "bench" not in name and "smoke" not in name or name in ("postgres", "test"):
        print(f"databasens namn måste innehålla \"bench\" eller \"smoke\" (den görs om): {name!r}", file=sys.stderr)
        return 2
    (ROOT / "var").mkdir(exist_ok=True)
    template = f"{name}_seed"
    options = {"households": args.households, "cases": args.cases, "seed": args.seed, "users": args.users,
               "analysts": args.analysts}
    state = build_template(args.database_url, template, options, args.reuse)
    fresh_copy(args.database_url, template)
    before = count_rows(args.database_url)
    data_directory = before.pop("_data_directory")
    accounts_file = ROOT / "var" / "bench-load-accounts.json"
    accounts_file.write_text(json.dumps(accounts(args.users, args.analysts)))
    counts_file = ROOT / "var" / "bench-load-counts.json"
    counts_file.unlink(missing_ok=True)
    query_log = None if args.no_query_log else ROOT / "var" / "bench-load-queries.jsonl"
    if query_log is not None:
        query_log.unlink(missing_ok=True)
    prefix = ROOT / "var" / "bench-load"
    port = free_port()
    server = start_gunicorn(args.database_url, args.workers, port, query_log)
    try:
        log(f"gunicorn ({args.workers} workers) på 127.0.0.1:{port}; locust {args.minutes} min med "
            f"{args.users} handläggare och {args.analysts} analytiker …")
        warm = warm_up(port, accounts(args.users, args.analysts), args.workers)
        if query_log is not None:
            query_log.write_text("")  # the warm-up's requests are not the day's
        log(f"Uppvärmning: {warm} s.")
        app0, db0, busy0 = proc_cpu(server.pid), postgres_cpu_seconds(data_directory), system_busy_seconds()
        own0 = os.times()
        wall0 = time.perf_counter()
        code = run_locust(port, args.minutes, args.users, args.analysts, args.spawn_rate, prefix, accounts_file,
                          counts_file)
        wall = time.perf_counter() - wall0
        own1 = os.times()
        app1, db1, busy1 = proc_cpu(server.pid), postgres_cpu_seconds(data_directory), system_busy_seconds()
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    if code not in (0, 1):
        log(f"locust avslutades med status {code}")
        return 2
    after = count_rows(args.database_url)
    after.pop("_data_directory")
    pages = read_stats(prefix)
    total = next((p for p in pages if p["name"] == "Aggregated"), None)
    pages = [p for p in pages if p["name"] != "Aggregated"]
    requests = total["requests"] if total else 0
    queries = read_query_log(query_log) if query_log is not None else []
    decisions_made = (after["decisions"] or 0) - (before["decisions"] or 0)
    app_cpu = app1 - app0
    db_cpu = None if db0 is None or db1 is None else db1 - db0
    locust_cpu = (own1.children_user + own1.children_system) - (own0.children_user + own0.children_system)
    cpu = {"gunicorn_seconds": round(app_cpu, 2), "postgres_seconds": None if db_cpu is None else round(db_cpu, 2),
           "locust_seconds": round(locust_cpu, 2),
           "machine_busy_seconds": None if busy0 is None or busy1 is None else round(busy1 - busy0, 2),
           "machine_capacity_seconds": round(wall * (os.cpu_count() or 1), 1),
           "gunicorn_ms_per_request": round(1000 * app_cpu / requests, 2) if requests else None,
           "postgres_ms_per_request": round(1000 * db_cpu / requests, 2) if requests and db_cpu is not None else None}
    missed = verdict(pages, decisions_made)
    result = {
        "issue": 18, "benchmark": "load: a unit's day", "run_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "warm_up_seconds": warm, "options": {**options, "minutes": args.minutes, "workers": args.workers, "spawn_rate": args.spawn_rate,
                    "query_log": query_log is not None},
        "data": {k: state.get(k) for k in ("seeded_at", "seed_seconds", "open_cases", "case_workers_per_unit")},
        "targets": {"p95_ms": P95_MS, "p99_ms": P99_MS, "errors": 0, "not_judged": list(NOT_JUDGED)},
        "wall_seconds": round(wall, 1), "requests": requests,
        "requests_per_second": round(requests / wall, 2) if wall else None,
        "failures": total["failures"] if total else None,
        "decisions_made": decisions_made,
        "calculations_made": (after["calculations"] or 0) - (before["calculations"] or 0),
        "applications_waiting": {"before": before["applications_waiting"], "after": after["applications_waiting"]},
        "access_log_rows": (after["access_log"] or 0) - (before["access_log"] or 0),
        "locust_counts": json.loads(counts_file.read_text()) if counts_file.exists() else None,
        "cpu": cpu, "pages": pages, "server_pages": queries, "failures_detail": read_failures(prefix),
        "machine": machine_info(), "load_average": os.getloadavg(),
        "met": not missed, "missed": missed,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print_table(pages, queries)
    log("")
    log(f"{requests} förfrågningar på {wall:.0f} s ({result['requests_per_second']}/s), {decisions_made} beslut, "
        f"{result['calculations_made']} beräkningar.")
    log(f"CPU: gunicorn {cpu['gunicorn_ms_per_request']} ms/förfrågan, PostgreSQL {cpu['postgres_ms_per_request']} "
        f"ms/förfrågan, locust {cpu['locust_seconds']} s; maskinen {cpu['machine_busy_seconds']} av "
        f"{cpu['machine_capacity_seconds']} s.")
    for failure in result["failures_detail"][:10]:
        log(f"  fel: {failure['method']} {failure['name']} ×{failure['count']}: {failure['error']}")
    log("Målen nådda." if not missed else "Målen missade:\n  " + "\n  ".join(missed))
    log(f"JSON: {args.json}")
    return 0 if not missed else 1


if __name__ == "__main__":
    sys.exit(main())
