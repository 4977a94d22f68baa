"""The feed tables' writing triggers as one migration operation (api migrations 0002 and
0004): SQLite gets one trigger per (name, event, condition, body), PostgreSQL runs the
given statements; backwards drops them."""

from django.db import migrations


def sqlite_trigger(name: str, event: str, condition: str, body: str) -> str:
    where = f" WHEN {condition}" if condition else ""
    return f"CREATE TRIGGER {name} {event}{where} BEGIN {body} END;"


def feed_triggers(sqlite: list[tuple[str, str, str, str]], postgres: list[str],
                  postgres_reverse: list[str]) -> migrations.RunPython:
    def run(schema_editor, statements):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    def forwards(apps, schema_editor):
        run(schema_editor, {"sqlite": [sqlite_trigger(*t) for t in sqlite], "postgresql": postgres})

    def backwards(apps, schema_editor):
        run(schema_editor, {"sqlite": [f"DROP TRIGGER {t[0]};" for t in sqlite], "postgresql": postgres_reverse})

    return migrations.RunPython(forwards, backwards)
