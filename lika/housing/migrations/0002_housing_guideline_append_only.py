"""A version of the guideline for skälig boendekostnad is never changed or deleted, on
both engines: calculations made on it keep its amount in their snapshot, and a change is
a new version (docs/calculate.md, "Skälig boendekostnad").  PostgreSQL reuses the
refusing function of ``audit/0003_records_append_only`` (SQLSTATE 23001, IntegrityError).

The tests drop the SQLite triggers around Django's flush (tests/conftest.py); on
PostgreSQL the flush is a TRUNCATE, which row triggers do not see."""

from django.db import migrations

TABLE = "housing_housingguideline"
WHY = "a guideline version never changes: add a new version"
SQLITE = [
    f"""CREATE TRIGGER housing_guideline_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{TABLE}: UPDATE refused ({WHY})'); END;""",
    f"""CREATE TRIGGER housing_guideline_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{TABLE}: DELETE refused ({WHY})'); END;""",
]
SQLITE_NAMES = ["housing_guideline_no_update", "housing_guideline_no_delete"]
POSTGRES = [f"""CREATE TRIGGER housing_guideline_no_change BEFORE UPDATE OR DELETE ON {TABLE}
                FOR EACH ROW EXECUTE FUNCTION lika_records_refuse('{WHY}');"""]
REVERSE = {"sqlite": [f"DROP TRIGGER {name};" for name in SQLITE_NAMES],
           "postgresql": [f"DROP TRIGGER housing_guideline_no_change ON {TABLE};"]}


def forwards(apps, schema_editor):
    for sql in {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql, params=None)


def backwards(apps, schema_editor):
    for sql in REVERSE.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("housing", "0001_housing_guideline"), ("audit", "0003_records_append_only")]
    operations = [migrations.RunPython(forwards, backwards)]
