"""Issue 18: the documented backup and restore (docs/operations.md, "Backup and restore"),
run with the machine's PostgreSQL client programs: a demo database seeded by
`lika seed-demo`, dumped with `pg_dump -Fc`, restored with `pg_restore` into a fresh
database, where `lika integrity-check` passes; and on that copy with an append-only trigger
dropped it fails with exit code 2 naming the table.  The databases are dropped afterwards.

Skipped only when the client programs are missing or the server does not answer — and
never when LIKA_REQUIRE_POSTGRES=1 (CI): then it fails instead.  It runs in the PostgreSQL
pass of the suite (the SQLite pass skips it: once is enough)."""

import os
import shutil
import subprocess
import sys
import time

import dj_database_url
import psycopg
import pytest

PROGRAMS = ("pg_dump", "pg_restore")
BASE_URL = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"


def _server():
    """The server's settings (from DATABASE_URL; the PostgreSQL pass sets it; else 127.0.0.1:5432
    as postgres), or None with why it cannot be used."""
    cfg = dj_database_url.parse(BASE_URL)
    missing = [p for p in PROGRAMS if shutil.which(p) is None]
    if missing:
        return cfg, f"{', '.join(missing)} finns inte på maskinen"
    try:
        psycopg.connect(host=cfg["HOST"], port=cfg["PORT"] or 5432, user=cfg["USER"],
                        password=cfg["PASSWORD"] or None, dbname="postgres", connect_timeout=3).close()
    except psycopg.Error as error:
        return cfg, f"PostgreSQL svarar inte på {cfg['HOST']}:{cfg['PORT'] or 5432} ({str(error).strip()[:80]})"
    return cfg, None


@pytest.fixture(scope="module")
def server():
    from django.conf import settings

    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        # `make test` runs the suite twice side by side: once is enough, in the PostgreSQL
        # pass, which LIKA_REQUIRE_POSTGRES=1 (CI) forbids to skip
        pytest.skip("körs i PostgreSQL-körningen (make test-postgres)")
    cfg, why = _server()
    if why:
        if os.environ.get("LIKA_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"LIKA_REQUIRE_POSTGRES=1 men säkerhetskopieringen kan inte provas: {why}")
        pytest.skip(why)
    return cfg


def _url(cfg, name):
    password = f":{cfg['PASSWORD']}" if cfg["PASSWORD"] else ""
    return f"postgres://{cfg['USER']}{password}@{cfg['HOST']}:{cfg['PORT'] or 5432}/{name}"


def _admin(cfg):
    return psycopg.connect(host=cfg["HOST"], port=cfg["PORT"] or 5432, user=cfg["USER"],
                           password=cfg["PASSWORD"] or None, dbname="postgres", autocommit=True)


def _lika(cfg, name, *argv, tmp_path):
    env = {**os.environ, "DATABASE_URL": _url(cfg, name), "LIKA_PRIVATE_FILES": str(tmp_path / "private"),
           "LIKA_PAYMENT_FILES": str(tmp_path / "payments"), "LIKA_NOTIFICATION_DIR": str(tmp_path / "notes")}
    return subprocess.run([sys.executable, "-m", "lika", *argv], env=env, capture_output=True, text=True,
                          timeout=300)


def _client_env(cfg):
    return {**os.environ, "PGHOST": cfg["HOST"], "PGPORT": str(cfg["PORT"] or 5432), "PGUSER": cfg["USER"],
            **({"PGPASSWORD": cfg["PASSWORD"]} if cfg["PASSWORD"] else {})}


def _migrated_template(django_db_blocker):
    """The suite's test database as a template for the demo database when it is usable — made
    in this session, still holding what the migrations loaded (no transactional test has
    emptied it yet) — which saves running every migration again; else None."""
    from django.db import connection, connections

    with django_db_blocker.unblock():
        name = connection.settings_dict["NAME"]
        if name != connection.creation._get_test_db_name():
            return None  # no test in this run asked for the database: it was not made
        with connection.cursor() as cursor:
            cursor.execute("SELECT (SELECT COUNT(*) FROM norms_normtableversion), "
                           "(SELECT COUNT(*) FROM accounts_municipality)")
            norms, municipalities = cursor.fetchone()
        connections.close_all()  # a template may have no other session
    return name if norms and not municipalities else None


def test_a_restored_backup_passes_the_integrity_check_and_a_damaged_copy_fails(server, tmp_path, django_db_setup,
                                                                               django_db_blocker):
    cfg = server
    # this run's own names (two runs of the suite side by side do not meet)
    tag = f"{os.getpid()}_{int(time.time()) % 100000}"
    source, restored = f"lika_backup_src_{tag}", f"lika_backup_restored_{tag}"
    dump = tmp_path / "lika.dump"
    template = _migrated_template(django_db_blocker)
    with _admin(cfg) as admin:
        try:
            admin.execute(f'CREATE DATABASE "{source}"' + (f' TEMPLATE "{template}"' if template else ""))
        except psycopg.errors.ObjectInUse:  # another session on the template after all
            template = None
            admin.execute(f'CREATE DATABASE "{source}"')
    try:
        # the demo database: migrated and seeded as `make demo` does, on PostgreSQL
        steps = [["seed-demo", "--households", "20", "--seed", "1", "--associations", "0"]]
        for argv in ([] if template else [["migrate", "--no-input"]]) + steps:
            done = _lika(cfg, source, *argv, tmp_path=tmp_path)
            assert done.returncode == 0, done.stderr[-2000:]

        # the procedure of docs/operations.md, "Backup and restore"
        client = _client_env(cfg)
        subprocess.run(["pg_dump", "-Fc", "--file", str(dump), source], env=client, check=True, timeout=120)
        subprocess.run(["createdb", restored], env=client, check=True, timeout=60)
        subprocess.run(["pg_restore", "--exit-on-error", "--no-owner", "--dbname", restored, str(dump)],
                       env=client, check=True, timeout=120)

        checked = _lika(cfg, restored, "integrity-check", tmp_path=tmp_path)
        assert (checked.returncode, checked.stderr) == (0, ""), checked.stderr
        assert "Alla kontroller gick igenom" in checked.stdout
        with psycopg.connect(_url(cfg, restored), autocommit=True) as copy:
            counts = copy.execute("SELECT (SELECT COUNT(*) FROM cases_case), (SELECT COUNT(*) FROM cases_decision "
                                  "WHERE status = 'issued'), (SELECT COUNT(*) FROM payments_paymentorder), "
                                  "(SELECT COUNT(*) FROM audit_accesslogentry)").fetchone()
            assert all(counts), f"the restored copy holds the demo (cases, decisions, orders, log): {counts}"
            copy.execute("DROP TRIGGER audit_accesslogentry_append_only ON audit_accesslogentry")

        damaged = _lika(cfg, restored, "integrity-check", tmp_path=tmp_path)
        assert damaged.returncode == 2
        lines = damaged.stderr.splitlines()
        assert "audit_accesslogentry: ingen trigger vägrar DELETE eller UPDATE" in lines
        assert any(line.startswith("audit_accesslogentry: UPDATE av rad") for line in lines), lines
        with psycopg.connect(_url(cfg, restored), autocommit=True) as copy:
            after = copy.execute("SELECT COUNT(*) FROM audit_accesslogentry").fetchone()[0]
        assert after == counts[3], "the check's probes were rolled back"
    finally:
        with _admin(cfg) as admin:
            for name in (source, restored):
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
