"""Records are append-only in the database itself, on both engines (issue 13).

What the triggers refuse (the message names the table, the statement and why):

- ``audit_accesslogentry``: UPDATE and DELETE (migration 0002), and here TRUNCATE
  (PostgreSQL) and an overwrite by ``INSERT OR REPLACE`` (SQLite).
- ``cases_decision``: an issued decision changes only by getting ``superseded_at`` once
  (NULL → a time, every other column unchanged); a cancelled one never changes; neither
  is ever deleted.  Drafts and decisions awaiting the enhetschef may change.
- ``cases_decisionline`` / ``cases_decisionshare``: no INSERT, UPDATE or DELETE while the
  decision they belong to is issued or cancelled.
- ``cases_decisionrecipient`` (the stored letters): ``letter_html`` once non-empty, and
  ``letter``, ``letter_sha256`` and ``letter_created_at`` once set, never change; the
  decision and person never change; the row is never deleted.  The delivery fields may.
- ``cases_journalnote``: no UPDATE, no DELETE.
- ``cases_casecalculation``: only ``superseded_at`` NULL → a time; no DELETE.
- PostgreSQL: TRUNCATE of any of these tables (a statement trigger: row triggers do not
  see TRUNCATE).  SQLite: ``INSERT OR REPLACE`` with an existing id (REPLACE deletes
  the old row without firing delete triggers unless ``recursive_triggers`` is on; Lika's
  connections turn it on, see settings, which covers the other unique keys as well).

On PostgreSQL the errors have SQLSTATE 23001 (restrict_violation), so Django raises
IntegrityError on both engines.  The owner of the tables can still drop the triggers:
the application runs as a role that does not own them (``lika db-grant-runtime``,
docs/operations.md).  For that role, ``lika_analyze_payment_tables()`` lets a payment run
refresh the planner's statistics of its two tables (ANALYZE is for owners only).

The tests use ``sqlite_triggers`` and ``postgres_triggers`` to let Django's flush empty
the tables after a transactional test (tests/conftest.py).
"""

from django.db import migrations

REFUSE = "RAISE(ABORT, '{table}: {op} refused ({why})')"
ISSUED_OR_CANCELLED = "('issued', 'cancelled')"

WHY = {
    "audit_accesslogentry": "the access log is append-only",
    "cases_decision": "an issued or cancelled decision never changes; an issued one only gets superseded_at, once",
    "cases_decisionline": "the decision is issued or cancelled: its lines never change",
    "cases_decisionshare": "the decision is issued or cancelled: its shares never change",
    "cases_decisionrecipient": "a stored letter never changes and is never deleted",
    "cases_journalnote": "a signed journal note never changes",
    "cases_casecalculation": "a calculation never changes; it only gets superseded_at, once",
}
TABLES = tuple(WHY)
WRITE_ONCE_LETTER = (("letter_html", "''"), ("letter", None), ("letter_sha256", "''"), ("letter_created_at", None))


def _refuse(table, op):
    return REFUSE.format(table=table, op=op, why=WHY[table])


def _unchanged(columns, but):
    return " AND ".join(f"NEW.{c} IS OLD.{c}" for c in columns if c != but)


def _sqlite_columns(apps):
    out = {}
    for app, model in (("cases", "Decision"), ("cases", "CaseCalculation")):
        meta = apps.get_model(app, model)._meta
        out[meta.db_table] = [field.column for field in meta.concrete_fields]
    return out


def sqlite_triggers(columns) -> list[tuple[str, str]]:
    """(name, CREATE TRIGGER …) for SQLite; ``columns``: table → its columns."""
    out = []

    def trigger(table, name, when_op, condition, op):
        where = f" WHEN {condition}" if condition else ""
        out.append((f"{table}_{name}",
                    f"CREATE TRIGGER {table}_{name} BEFORE {when_op} ON {table}{where} "
                    f"BEGIN SELECT {_refuse(table, op)}; END;"))

    for table in TABLES:  # INSERT OR REPLACE on an existing id
        trigger(table, "no_replace", "INSERT", f"EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id)",
                "INSERT over an existing id")
    supersede_only = {
        table: f"OLD.superseded_at IS NULL AND NEW.superseded_at IS NOT NULL AND {_unchanged(columns[table], 'superseded_at')}"
        for table in ("cases_decision", "cases_casecalculation")}
    trigger("cases_decision", "final_update", "UPDATE",
            f"OLD.status = 'cancelled' OR (OLD.status = 'issued' AND NOT ({supersede_only['cases_decision']}))",
            "UPDATE")
    trigger("cases_decision", "final_delete", "DELETE", f"OLD.status IN {ISSUED_OR_CANCELLED}", "DELETE")
    for table in ("cases_decisionline", "cases_decisionshare"):
        def parent_final(*rows):
            ids = ", ".join(f"{row}.decision_id" for row in rows)
            return f"EXISTS (SELECT 1 FROM cases_decision WHERE id IN ({ids}) AND status IN {ISSUED_OR_CANCELLED})"
        trigger(table, "final_insert", "INSERT", parent_final("NEW"), "INSERT")
        trigger(table, "final_update", "UPDATE", parent_final("OLD", "NEW"), "UPDATE")
        trigger(table, "final_delete", "DELETE", parent_final("OLD"), "DELETE")
    letter = " OR ".join(
        f"(OLD.{c} {'IS NOT NULL' if empty is None else '<> ' + empty} AND NEW.{c} IS NOT OLD.{c})"
        for c, empty in WRITE_ONCE_LETTER)
    trigger("cases_decisionrecipient", "letter_update", "UPDATE",
            f"NEW.id IS NOT OLD.id OR NEW.decision_id IS NOT OLD.decision_id OR NEW.person_id IS NOT OLD.person_id "
            f"OR {letter}", "UPDATE")
    trigger("cases_decisionrecipient", "no_delete", "DELETE", "", "DELETE")
    trigger("cases_journalnote", "no_update", "UPDATE", "", "UPDATE")
    trigger("cases_journalnote", "no_delete", "DELETE", "", "DELETE")
    trigger("cases_casecalculation", "supersede_only", "UPDATE", f"NOT ({supersede_only['cases_casecalculation']})",
            "UPDATE")
    trigger("cases_casecalculation", "no_delete", "DELETE", "", "DELETE")
    return out


def _raise(why_sql):
    return (f"RAISE EXCEPTION '%: % refused (%)', TG_TABLE_NAME, TG_OP, {why_sql} "
            "USING ERRCODE = 'restrict_violation';")


def _literal(text):
    return "'" + text.replace("'", "''") + "'"


POSTGRES_FUNCTIONS = {
    # a refusal with the reason given as the trigger's argument
    "lika_records_refuse": f"BEGIN {_raise('TG_ARGV[0]')} END",
    "lika_decision_guard": f"""BEGIN
  IF OLD.status = 'cancelled' OR (OLD.status = 'issued' AND NOT (
       TG_OP = 'UPDATE' AND OLD.superseded_at IS NULL AND NEW.superseded_at IS NOT NULL
       AND to_jsonb(NEW) - 'superseded_at' = to_jsonb(OLD) - 'superseded_at')) THEN
    {_raise(_literal(WHY['cases_decision']))}
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END""",
    # FOR SHARE waits for a transaction that is issuing the decision and then reads the
    # status it committed, so a line cannot slip into a decision being issued.
    "lika_decision_part_guard": f"""DECLARE parents bigint[] := '{{}}';
BEGIN
  IF TG_OP <> 'INSERT' THEN parents := parents || OLD.decision_id; END IF;
  IF TG_OP <> 'DELETE' THEN parents := parents || NEW.decision_id; END IF;
  PERFORM 1 FROM cases_decision WHERE id = ANY (parents) FOR SHARE;
  IF EXISTS (SELECT 1 FROM cases_decision WHERE id = ANY (parents) AND status IN {ISSUED_OR_CANCELLED}) THEN
    {_raise(_literal('the decision is issued or cancelled: its lines and shares never change'))}
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END""",
    "lika_recipient_guard": """BEGIN
  IF NEW.id IS DISTINCT FROM OLD.id OR NEW.decision_id IS DISTINCT FROM OLD.decision_id
     OR NEW.person_id IS DISTINCT FROM OLD.person_id
     OR (OLD.letter_html <> '' AND NEW.letter_html IS DISTINCT FROM OLD.letter_html)
     OR (OLD.letter IS NOT NULL AND NEW.letter IS DISTINCT FROM OLD.letter)
     OR (OLD.letter_sha256 <> '' AND NEW.letter_sha256 IS DISTINCT FROM OLD.letter_sha256)
     OR (OLD.letter_created_at IS NOT NULL AND NEW.letter_created_at IS DISTINCT FROM OLD.letter_created_at) THEN
    """ + _raise(_literal(WHY["cases_decisionrecipient"])) + """
  END IF;
  RETURN NEW;
END""",
    "lika_calculation_guard": """BEGIN
  IF NOT (OLD.superseded_at IS NULL AND NEW.superseded_at IS NOT NULL
          AND to_jsonb(NEW) - 'superseded_at' = to_jsonb(OLD) - 'superseded_at') THEN
    """ + _raise(_literal(WHY["cases_casecalculation"])) + """
  END IF;
  RETURN NEW;
END""",
}

# (trigger, table, timing and events, level, function, argument)
POSTGRES_TRIGGERS = [
    *((f"{table}_no_truncate", table, "BEFORE TRUNCATE", "STATEMENT", "lika_records_refuse", WHY[table])
      for table in TABLES),
    ("cases_decision_final", "cases_decision", "BEFORE UPDATE OR DELETE", "ROW", "lika_decision_guard", None),
    ("cases_decisionline_final", "cases_decisionline", "BEFORE INSERT OR UPDATE OR DELETE", "ROW",
     "lika_decision_part_guard", None),
    ("cases_decisionshare_final", "cases_decisionshare", "BEFORE INSERT OR UPDATE OR DELETE", "ROW",
     "lika_decision_part_guard", None),
    ("cases_decisionrecipient_letter", "cases_decisionrecipient", "BEFORE UPDATE", "ROW", "lika_recipient_guard",
     None),
    ("cases_decisionrecipient_no_delete", "cases_decisionrecipient", "BEFORE DELETE", "ROW", "lika_records_refuse",
     WHY["cases_decisionrecipient"]),
    ("cases_journalnote_no_change", "cases_journalnote", "BEFORE UPDATE OR DELETE", "ROW", "lika_records_refuse",
     WHY["cases_journalnote"]),
    ("cases_casecalculation_supersede_only", "cases_casecalculation", "BEFORE UPDATE", "ROW",
     "lika_calculation_guard", None),
    ("cases_casecalculation_no_delete", "cases_casecalculation", "BEFORE DELETE", "ROW", "lika_records_refuse",
     WHY["cases_casecalculation"]),
]

# ANALYZE is for the table's owner; the runtime role calls this after a payment run
# (lika.payments.services._finish) and is granted EXECUTE by `lika db-grant-runtime`.
ANALYZE_FUNCTION = "lika_analyze_payment_tables"


def postgres_functions() -> list[str]:
    return [f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $fn$ {body} $fn$;"
            for name, body in POSTGRES_FUNCTIONS.items()]


def postgres_triggers(level=None) -> list[tuple[str, str]]:
    """(DROP TRIGGER …, CREATE TRIGGER …) of the row or statement (TRUNCATE) triggers, or both."""
    out = []
    for name, table, events, each, function, argument in POSTGRES_TRIGGERS:
        if level in (None, each):
            out.append((f"DROP TRIGGER {name} ON {table};",
                        f"CREATE TRIGGER {name} {events} ON {table} FOR EACH {each} "
                        f"EXECUTE FUNCTION {function}({_literal(argument) if argument else ''});"))
    return out


ANALYZE_SQL = [
    f"CREATE FUNCTION {ANALYZE_FUNCTION}() RETURNS void LANGUAGE plpgsql SECURITY DEFINER "
    "SET search_path = pg_catalog, public AS "
    "$fn$ BEGIN ANALYZE public.payments_paymentorder, public.payments_paymenthold; END $fn$;",
    f"REVOKE ALL ON FUNCTION {ANALYZE_FUNCTION}() FROM PUBLIC;",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = [sql for _name, sql in sqlite_triggers(_sqlite_columns(apps))]
    elif vendor == "postgresql":
        statements = [*postgres_functions(), *(create for _drop, create in postgres_triggers()), *ANALYZE_SQL]
    else:
        statements = []
    for sql in statements:
        schema_editor.execute(sql, params=None)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = [f"DROP TRIGGER {name};" for name, _sql in sqlite_triggers(_sqlite_columns(apps))]
    elif vendor == "postgresql":
        statements = [*(drop for drop, _create in postgres_triggers()),
                      *(f"DROP FUNCTION {name}();" for name in POSTGRES_FUNCTIONS),
                      f"DROP FUNCTION {ANALYZE_FUNCTION}();"]
    else:
        statements = []
    for sql in statements:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only"), ("cases", "0004_decision_current")]
    operations = [migrations.RunPython(forwards, backwards)]
