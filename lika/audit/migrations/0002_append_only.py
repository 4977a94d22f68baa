"""The database itself refuses to change or delete access-log rows."""

from django.db import migrations

SQLITE = [
    "CREATE TRIGGER audit_accesslogentry_no_update BEFORE UPDATE ON audit_accesslogentry "
    "BEGIN SELECT RAISE(ABORT, 'access log is append-only'); END;",
    "CREATE TRIGGER audit_accesslogentry_no_delete BEFORE DELETE ON audit_accesslogentry "
    "BEGIN SELECT RAISE(ABORT, 'access log is append-only'); END;",
]
POSTGRES = [
    "CREATE OR REPLACE FUNCTION audit_accesslogentry_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'access log is append-only'; END; $$ LANGUAGE plpgsql;",
    "CREATE TRIGGER audit_accesslogentry_append_only BEFORE UPDATE OR DELETE ON audit_accesslogentry "
    "FOR EACH ROW EXECUTE FUNCTION audit_accesslogentry_append_only();",
]
REVERSE = {
    "sqlite": ["DROP TRIGGER audit_accesslogentry_no_update;", "DROP TRIGGER audit_accesslogentry_no_delete;"],
    "postgresql": ["DROP TRIGGER audit_accesslogentry_append_only ON audit_accesslogentry;",
                   "DROP FUNCTION audit_accesslogentry_append_only();"],
}


def forwards(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    for sql in REVERSE.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
