"""A programme's rule version is never changed or deleted, on both engines: an activity
grant application keeps the version it was computed with (docs/grants.md, "In Lika").
PostgreSQL reuses ``lika_records_refuse`` of ``audit/0003_records_append_only``; the tests
drop the SQLite triggers around Django's flush (tests/conftest.py)."""

from django.db import migrations

TABLE = "grants_programmeruleversion"
WHY = "a rule version never changes: add a new version"
SQLITE = [
    f"""CREATE TRIGGER grants_rule_version_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{TABLE}: UPDATE refused ({WHY})'); END;""",
    f"""CREATE TRIGGER grants_rule_version_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{TABLE}: DELETE refused ({WHY})'); END;""",
]
SQLITE_NAMES = ["grants_rule_version_no_update", "grants_rule_version_no_delete"]
POSTGRES = [f"""CREATE TRIGGER grants_rule_version_no_change BEFORE UPDATE OR DELETE ON {TABLE}
                FOR EACH ROW EXECUTE FUNCTION lika_records_refuse('{WHY}');"""]
REVERSE = {"sqlite": [f"DROP TRIGGER {name};" for name in SQLITE_NAMES],
           "postgresql": [f"DROP TRIGGER grants_rule_version_no_change ON {TABLE};"]}


def forwards(apps, schema_editor):
    for sql in {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql, params=None)


def backwards(apps, schema_editor):
    for sql in REVERSE.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("grants", "0001_grantsapp_registers"), ("audit", "0003_records_append_only")]
    operations = [migrations.RunPython(forwards, backwards)]
