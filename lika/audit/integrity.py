"""`lika integrity-check` (issue 18): does this database still hold Lika's guarantees?  Run
it on a restored backup before trusting it (docs/operations.md, "Backup and restore"), and
after any manual work on the database.

Checks, each a list of failures (one Swedish line each):

- **triggers**: every append-only or write-once table has its triggers for UPDATE and DELETE
  (and on PostgreSQL for TRUNCATE where migration audit 0003 made one), enabled; and on a
  row that must never change, an UPDATE and a DELETE are refused — tried inside a
  transaction that is always rolled back, so nothing is changed even when a guard is missing;
- **constraints**: every constraint the models declare (the unique "one current decision",
  "one live order per share", the checks …) exists in the database;
- **payments**: no payment order without its share, or with a share of another decision;
- **sums**: each issued decision's shares add up to its granted amount;
- **access log**: present (rows) wherever there are cases;
- **migrations**: all applied.
"""

import re

from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from .runtime_role import APPEND_ONLY

ISSUED_OR_CANCELLED = "SELECT id FROM cases_decision WHERE status IN ('issued', 'cancelled')"
# table -> (a row that must never change, an UPDATE that would change it)
PROBES = {
    **{table: ("", "SET id = id") for table in APPEND_ONLY},
    "cases_casecalculation": ("", "SET id = id"),
    "cases_casedocument": ("", "SET id = id"),  # only the removal fields, once (cases 0011)
    "cases_decisionrecipient": ("letter_sha256 <> ''",
                                "SET letter_sha256 = CASE WHEN letter_sha256 = 'a' THEN 'b' ELSE 'a' END"),
    "cases_decision": ("status IN ('issued', 'cancelled')", "SET id = id"),
    "cases_decisionline": (f"decision_id IN ({ISSUED_OR_CANCELLED})", "SET id = id"),
    "cases_decisionshare": (f"decision_id IN ({ISSUED_OR_CANCELLED})", "SET id = id"),
}
# The records whose TRUNCATE a PostgreSQL statement trigger refuses (audit 0003).
NO_TRUNCATE = ("audit_accesslogentry", "cases_decision", "cases_decisionline", "cases_decisionshare",
               "cases_decisionrecipient", "cases_journalnote", "cases_casecalculation")
PG_EVENTS = {"INSERT": 4, "DELETE": 8, "UPDATE": 16, "TRUNCATE": 32}
REFUSALS = ("refused", "append-only", "permission denied")


class _Accepted(Exception):
    """The probe's change went through: roll its savepoint back."""


def unapplied_migrations(using=connection) -> list[str]:
    """``app.name`` of every migration not yet applied to the database."""
    executor = MigrationExecutor(using)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def _trigger_events(cursor, table) -> set[str]:
    if connection.vendor == "postgresql":
        cursor.execute("SELECT tgtype FROM pg_trigger WHERE tgrelid = to_regclass(%s) AND NOT tgisinternal "
                       "AND tgenabled <> 'D'", [table])
        return {event for (tgtype,) in cursor.fetchall() for event, bit in PG_EVENTS.items() if tgtype & bit}
    cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table])
    return {m.group(2).upper() for (sql,) in cursor.fetchall()
            for m in re.finditer(r"\b(BEFORE|AFTER|INSTEAD\s+OF)\s+(INSERT|UPDATE|DELETE)\b", sql, re.I)}


def _refused(cursor, sql, params) -> tuple[bool, str]:
    try:
        with transaction.atomic():
            cursor.execute(sql, params)
            raise _Accepted
    except _Accepted:
        return False, "gick igenom"
    except DatabaseError as error:
        text = (str(error).strip().splitlines() or [type(error).__name__])[0]
        return any(word in text.lower() for word in REFUSALS), text


def check_triggers(cursor) -> list[str]:
    failures = []
    existing = set(connection.introspection.table_names(cursor))
    for table, (where, update) in PROBES.items():
        if table not in existing:
            failures.append(f"tabellen {table} saknas")
            continue
        needed = {"UPDATE", "DELETE"}
        if connection.vendor == "postgresql" and table in NO_TRUNCATE:
            needed.add("TRUNCATE")
        missing = sorted(needed - _trigger_events(cursor, table))
        if missing:
            failures.append(f"{table}: ingen trigger vägrar {' eller '.join(missing)}")
        cursor.execute(f"SELECT id FROM {table} {'WHERE ' + where if where else ''} ORDER BY id LIMIT 1")
        row = cursor.fetchone()
        if row is None:
            continue  # nothing to try it on: the trigger's presence is checked above
        for statement in (f"UPDATE {table} {update} WHERE id = %s", f"DELETE FROM {table} WHERE id = %s"):
            refused, why = _refused(cursor, statement, [row[0]])
            if not refused:
                failures.append(f"{table}: {statement.split()[0]} av rad {row[0]} vägrades inte ({why[:120]})")
    return failures


def check_constraints(cursor) -> list[str]:
    failures = []
    for model in apps.get_models():
        if not model.__module__.startswith("lika.") or not model._meta.managed:
            continue
        declared = [c.name for c in model._meta.constraints]
        if not declared:
            continue
        found = set(connection.introspection.get_constraints(cursor, model._meta.db_table))
        failures += [f"{model._meta.db_table}: villkoret {name} saknas i databasen"
                     for name in declared if name not in found]
    return failures


def _count(cursor, sql) -> int:
    cursor.execute(sql)
    return cursor.fetchone()[0]


def check_data(cursor) -> list[str]:
    failures = []
    orphans = _count(cursor, "SELECT COUNT(*) FROM payments_paymentorder o LEFT JOIN cases_decisionshare s "
                             "ON s.id = o.share_id WHERE s.id IS NULL OR s.decision_id <> o.decision_id")
    if orphans:
        failures.append(f"{orphans} utbetalningsorder saknar sin andel (eller pekar på ett annat besluts andel)")
    cursor.execute("SELECT d.id FROM cases_decision d LEFT JOIN cases_decisionshare s ON s.decision_id = d.id "
                   "WHERE d.status = 'issued' GROUP BY d.id, d.granted_amount "
                   "HAVING COALESCE(SUM(s.amount), 0) <> d.granted_amount ORDER BY d.id")
    wrong = [str(row[0]) for row in cursor.fetchall()]
    if wrong:
        failures.append(f"{len(wrong)} fattade beslut där andelarna inte summerar till beviljat belopp "
                        f"(beslut {', '.join(wrong[:10])}{' …' if len(wrong) > 10 else ''})")
    if _count(cursor, "SELECT COUNT(*) FROM cases_case") and not _count(
            cursor, "SELECT COUNT(*) FROM (SELECT 1 FROM audit_accesslogentry LIMIT 1) AS any_row"):
        failures.append("åtkomstloggen är tom fast det finns ärenden")
    return failures


def integrity_check() -> list[str]:
    """Every failure as one line; empty when all checks hold.  Changes nothing."""
    pending = unapplied_migrations()
    if pending:
        # the tables may not be what the checks expect: report only this
        return [f"{len(pending)} migreringar är inte körda (t.ex. {pending[0]}): kör lika migrate"]
    with transaction.atomic(), connection.cursor() as cursor:
        failures = check_triggers(cursor) + check_constraints(cursor) + check_data(cursor)
        transaction.set_rollback(True)
    return failures
