"""The database refuses to issue a decision that pays one adult only without an
approved exception (särskilda skäl) that covers the application's month (issue 13)."""

from django.db import migrations

MESSAGE = "a single-recipient decision needs an approved exception covering its month"
NO_VALID_EXCEPTION = """NOT EXISTS (
    SELECT 1 FROM cases_paymentexception e JOIN cases_application a ON a.id = NEW.application_id
    WHERE e.id = NEW.payment_exception_id AND e.case_id = a.case_id AND e.status = 'approved'
      AND e.valid_from <= a.month AND e.valid_to >= a.month)"""

SQLITE = [
    f"""CREATE TRIGGER cases_decision_single_guard_insert BEFORE INSERT ON cases_decision
        WHEN NEW.status = 'issued' AND NEW.payment_mode = 'single' AND {NO_VALID_EXCEPTION}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"""CREATE TRIGGER cases_decision_single_guard_update BEFORE UPDATE ON cases_decision
        WHEN NEW.status = 'issued' AND OLD.status <> 'issued' AND NEW.payment_mode = 'single'
             AND {NO_VALID_EXCEPTION}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
]
POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION cases_decision_single_guard() RETURNS trigger AS $$
        BEGIN
          IF NEW.status = 'issued' AND NEW.payment_mode = 'single'
             AND (TG_OP = 'INSERT' OR OLD.status <> 'issued') AND {NO_VALID_EXCEPTION} THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
          END IF;
          RETURN NEW;
        END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER cases_decision_single_guard BEFORE INSERT OR UPDATE ON cases_decision
       FOR EACH ROW EXECUTE FUNCTION cases_decision_single_guard();""",
]
REVERSE = {
    "sqlite": ["DROP TRIGGER cases_decision_single_guard_insert;",
               "DROP TRIGGER cases_decision_single_guard_update;"],
    "postgresql": ["DROP TRIGGER cases_decision_single_guard ON cases_decision;",
                   "DROP FUNCTION cases_decision_single_guard();"],
}


def forwards(apps, schema_editor):
    for sql in {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    for sql in REVERSE.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_decision_current")]
    operations = [migrations.RunPython(forwards, backwards)]
