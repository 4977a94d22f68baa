"""A payment run killed with SIGKILL at random points and started again pays nobody
twice and, in the end, everybody once.  Real processes on a real SQLite file, and (in the
PostgreSQL pass) on a PostgreSQL database of its own, made and dropped by the test."""

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date

import pytest

LIKA = [sys.executable, "-m", "lika"]


class _Db:
    """The test's own database, as the subprocesses see it: a SQLite file, or (when the
    suite runs on PostgreSQL) a database of its own on the same server."""

    def __init__(self, tmp_path):
        self.env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        self.env.update(SECRET_KEY="test-only", LIKA_PAYMENT_FILES=str(tmp_path / "files"))
        self.server = os.environ.get("DATABASE_URL")
        if self.server:
            import psycopg

            self.name = f"lika_kill_{os.getpid()}_{random.randrange(10**6)}"
            self.admin = psycopg.connect(self.server.rsplit("/", 1)[0] + "/postgres", autocommit=True)
            self.admin.execute(f"CREATE DATABASE {self.name}")
            self.env["DATABASE_URL"] = self.server.rsplit("/", 1)[0] + "/" + self.name
        else:
            self.env["LIKA_SQLITE_PATH"] = str(tmp_path / "kill.sqlite3")

    def open(self):
        if self.server:
            import psycopg

            self.connection = psycopg.connect(self.env["DATABASE_URL"], autocommit=True)
        else:
            self.connection = sqlite3.connect(self.env["LIKA_SQLITE_PATH"])

    def execute(self, sql, params=()):
        if self.server:
            sql = sql.replace("?", "%s")
        return self.connection.execute(sql, params)

    def close(self):
        if getattr(self, "connection", None) is not None:
            self.connection.close()
        if self.server:
            self.admin.execute(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
            self.admin.close()


def _waiting_month(db):
    """The demo has paid every month but the newest with decisions (next month's, or in
    December this month's): its decisions wait for a run."""
    month = db.execute("SELECT MAX(a.month) FROM cases_decision d JOIN cases_application a "
                       "ON a.id = d.application_id WHERE d.status = 'issued'").fetchone()[0]
    month = month if isinstance(month, date) else date.fromisoformat(month)
    assert not db.execute("SELECT 1 FROM payments_paymentrun WHERE month = ?", (month.isoformat(),)).fetchone()
    return month


@pytest.fixture
def db(tmp_path):
    database = _Db(tmp_path)
    yield database
    database.close()


def test_killed_and_restarted_run_pays_nobody_twice(db):
    env = db.env
    subprocess.run([*LIKA, "migrate", "-v0"], env=env, check=True)
    subprocess.run([*LIKA, "seed-demo", "--households", "60", "--seed", "11", "--cases", "60", "--associations", "0"], env=env,
                   check=True, capture_output=True)
    db.open()
    month = _waiting_month(db)
    expected = db.execute(
        "SELECT COUNT(*) FROM cases_decisionshare s JOIN cases_decision d ON d.id = s.decision_id "
        "JOIN cases_application a ON a.id = d.application_id WHERE d.status = 'issued' "
        "AND d.superseded_at IS NULL AND a.month = ? AND s.amount > 0", (month.isoformat(),)).fetchone()[0]
    assert expected > 50
    rng = random.Random(20261123)
    command = [*LIKA, "payment-run", "--month", f"{month:%Y-%m}", "--user", "utbetalare", "--quiet", "--batch", "2"]
    kills = 0

    this_run = f"run_id IN (SELECT id FROM payments_paymentrun WHERE month = '{month.isoformat()}')"

    def made():
        return db.execute(f"SELECT (SELECT COUNT(*) FROM payments_paymentorder WHERE {this_run}) + "
                          f"(SELECT COUNT(*) FROM payments_paymenthold WHERE {this_run})").fetchone()[0]

    for _attempt in range(12):
        # kill at a random point: when the run has written some random number more rows
        target = min(expected - 1, made() + rng.randint(1, max(1, expected // 4)))
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        while process.poll() is None and made() < target:
            time.sleep(0.005)
        if process.poll() is None and kills < 4:
            process.send_signal(signal.SIGKILL)
            process.wait()
            kills += 1
            orders = db.execute("SELECT COUNT(*), COUNT(DISTINCT share_id) FROM payments_paymentorder").fetchone()
            assert orders[0] == orders[1], "a share was paid twice"
            continue
        process.wait(timeout=120)
        assert process.returncode == 0, process.stderr.read().decode()
        break
    else:
        pytest.fail("the run never finished")
    assert kills == 4, "the run finished before it could be killed four times"
    orders, distinct, holds = db.execute(
        f"SELECT (SELECT COUNT(*) FROM payments_paymentorder WHERE {this_run}), (SELECT COUNT(DISTINCT share_id) "
        f"FROM payments_paymentorder WHERE {this_run}), (SELECT COUNT(*) FROM payments_paymenthold WHERE {this_run})"
    ).fetchone()
    assert orders == distinct
    assert orders + holds == expected
    runs = db.execute("SELECT COUNT(*), MAX(status) FROM payments_paymentrun WHERE month = ?",
                      (month.isoformat(),)).fetchone()
    assert runs == (1, "prepared"), "the killed run was resumed, not duplicated"
